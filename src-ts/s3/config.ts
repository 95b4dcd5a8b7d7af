// s3.cfg{} / s3.new{} options: validation, environment, defaults.

import type { NativeConfig } from "s3.native";
import { argError, hasType, typeName } from "./util";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** S3's part size limits (the last part may be smaller than the minimum). */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * GiB;
/** A single PUT carries at most 5 GiB. */
export const MAX_SINGLE_PUT = 5 * GiB;

export const DEFAULTS = {
    region: "us-east-1",
    connect_timeout: 10,
    timeout: 0,
    idle_timeout: 30,
    max_connections: 64,
    retries: 3,
    part_size: 8 * MiB,
    multipart_threshold: 16 * MiB,
    concurrency: 8,
    verify_peer: true,
};

/** The fully resolved configuration of one client. */
export interface Config {
    endpoint: string;
    /** True when the endpoint was derived (AWS): create_bucket then sends a LocationConstraint outside us-east-1. */
    aws_endpoint: boolean;
    region: string;
    access_key_id: string;
    secret_access_key: string;
    session_token?: string;
    addressing: "path" | "virtual";
    connect_timeout: number;
    /** Seconds for a whole call, retries included; 0: none. */
    timeout: number;
    /** Seconds without a byte moving after which a transfer fails (retryable Timeout); 0: never. */
    idle_timeout: number;
    max_connections: number;
    retries: number;
    part_size: number;
    multipart_threshold: number;
    concurrency: number;
    verify_peer: boolean;
    ca_file?: string;
    proxy?: string;
}

/** Every accepted option and its type (see util.hasType). */
const OPTION_TYPES = new LuaTable<string, string>();
OPTION_TYPES.set("endpoint", "string");
OPTION_TYPES.set("region", "string");
OPTION_TYPES.set("access_key_id", "string");
OPTION_TYPES.set("secret_access_key", "string");
OPTION_TYPES.set("session_token", "string");
OPTION_TYPES.set("addressing", "string");
OPTION_TYPES.set("connect_timeout", "nonnegative");
OPTION_TYPES.set("timeout", "nonnegative");
OPTION_TYPES.set("idle_timeout", "nonnegative");
OPTION_TYPES.set("max_connections", "integer");
OPTION_TYPES.set("retries", "integer");
OPTION_TYPES.set("part_size", "integer");
OPTION_TYPES.set("multipart_threshold", "integer");
OPTION_TYPES.set("concurrency", "integer");
OPTION_TYPES.set("verify_peer", "boolean");
OPTION_TYPES.set("ca_file", "string");
OPTION_TYPES.set("proxy", "string");

/** An environment variable, nil when unset or empty. */
function env(name: string): string | undefined {
    const v = os.getenv(name);
    return v === undefined || v === "" ? undefined : v;
}

function startsWith(s: string, prefix: string): boolean {
    return string.sub(s, 1, prefix.length) === prefix;
}

function checkRange(fn: string, name: string, v: number, min: number, max: number | undefined): void {
    if (v < min || (max !== undefined && v > max)) {
        const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
        argError(`${fn}: ${name} must be ${range}, got ${v}`);
    }
}

/**
 * Validates `opts` (nil or a table) and completes it from the environment and defaults.
 * Raises, naming `fn` (e.g. "s3.cfg") and the option, on an unknown option or a bad value.
 */
export function resolveConfig(fn: string, opts: unknown): Config {
    if (opts !== undefined && type(opts) !== "table") {
        return argError(`${fn}: options must be a table`);
    }
    const o = (opts ?? {}) as LuaTable<AnyNotNil, unknown>;
    // A checked copy: the caller's table is not kept, and box.NULL (== nil) means "not given".
    const checked = new LuaTable<string, unknown>();
    for (const [k, v] of pairs(o)) {
        const want = typeof k === "string" ? OPTION_TYPES.get(k) : undefined;
        if (want === undefined) {
            return argError(`${fn}: unknown option '${tostring(k)}'`);
        }
        if (v === undefined) {
            continue;
        }
        if (!hasType(v, want)) {
            return argError(`${fn}: ${k as string} must be ${typeName(want)}`);
        }
        checked.set(k as string, v);
    }
    // Typed view; every present value has been checked above.
    const c = checked as unknown as {
        endpoint?: string;
        region?: string;
        access_key_id?: string;
        secret_access_key?: string;
        session_token?: string;
        addressing?: string;
        connect_timeout?: number;
        timeout?: number;
        idle_timeout?: number;
        max_connections?: number;
        retries?: number;
        part_size?: number;
        multipart_threshold?: number;
        concurrency?: number;
        verify_peer?: boolean;
        ca_file?: string;
        proxy?: string;
    };

    // Region.
    const region = c.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? DEFAULTS.region;
    if (region === "") {
        return argError(`${fn}: region must not be empty`);
    }

    // Endpoint and addressing.
    let endpoint = c.endpoint ?? env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL");
    let awsEndpoint = false;
    if (endpoint === undefined) {
        endpoint = `https://s3.${region}.amazonaws.com`;
        awsEndpoint = true;
    } else {
        const lower = string.lower(endpoint);
        if (!startsWith(lower, "http://") && !startsWith(lower, "https://")) {
            return argError(`${fn}: endpoint must be an http:// or https:// URL, got '${endpoint}'`);
        }
        // "http://host:port/" -> "http://host:port"
        while (endpoint.length > 0 && string.sub(endpoint, -1) === "/") {
            endpoint = string.sub(endpoint, 1, -2);
        }
        if (endpoint.length <= (startsWith(lower, "https://") ? 8 : 7)) {
            return argError(`${fn}: endpoint has no host: '${tostring(c.endpoint ?? endpoint)}'`);
        }
    }
    const addressing = c.addressing ?? (awsEndpoint ? "virtual" : "path");
    if (addressing !== "path" && addressing !== "virtual") {
        return argError(`${fn}: addressing must be 'path' or 'virtual', got '${addressing}'`);
    }

    // Credentials are one set: given in the options, the environment's are not mixed in
    // (a session token of another identity would break every signature).
    let accessKeyId: string | undefined;
    let secretAccessKey: string | undefined;
    let sessionToken: string | undefined;
    if (c.access_key_id !== undefined || c.secret_access_key !== undefined) {
        if (c.access_key_id === undefined || c.secret_access_key === undefined) {
            return argError(`${fn}: access_key_id and secret_access_key must be given together`);
        }
        accessKeyId = c.access_key_id;
        secretAccessKey = c.secret_access_key;
        sessionToken = c.session_token;
    } else {
        accessKeyId = env("AWS_ACCESS_KEY_ID");
        secretAccessKey = env("AWS_SECRET_ACCESS_KEY");
        sessionToken = c.session_token ?? env("AWS_SESSION_TOKEN");
        if (accessKeyId === undefined || secretAccessKey === undefined) {
            return argError(
                `${fn}: no credentials: pass access_key_id and secret_access_key ` +
                    `or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`
            );
        }
    }
    if (accessKeyId === "") {
        return argError(`${fn}: access_key_id must not be empty`);
    }
    if (secretAccessKey === "") {
        return argError(`${fn}: secret_access_key must not be empty`);
    }
    if (sessionToken === "") {
        sessionToken = undefined;
    }

    const connectTimeout = c.connect_timeout ?? DEFAULTS.connect_timeout;
    const timeout = c.timeout ?? DEFAULTS.timeout;
    const idleTimeout = c.idle_timeout ?? DEFAULTS.idle_timeout;
    const maxConnections = c.max_connections ?? DEFAULTS.max_connections;
    checkRange(fn, "max_connections", maxConnections, 1, undefined);
    const retries = c.retries ?? DEFAULTS.retries;
    checkRange(fn, "retries", retries, 0, undefined);
    const partSize = c.part_size ?? DEFAULTS.part_size;
    checkRange(fn, "part_size", partSize, MIN_PART_SIZE, MAX_PART_SIZE);
    const multipartThreshold = c.multipart_threshold ?? DEFAULTS.multipart_threshold;
    checkRange(fn, "multipart_threshold", multipartThreshold, MIN_PART_SIZE, MAX_SINGLE_PUT);
    const concurrency = c.concurrency ?? DEFAULTS.concurrency;
    checkRange(fn, "concurrency", concurrency, 1, undefined);

    return {
        endpoint: endpoint,
        aws_endpoint: awsEndpoint,
        region: region,
        access_key_id: accessKeyId,
        secret_access_key: secretAccessKey,
        session_token: sessionToken,
        addressing: addressing,
        connect_timeout: connectTimeout,
        timeout: timeout,
        idle_timeout: idleTimeout,
        max_connections: maxConnections,
        retries: retries,
        part_size: partSize,
        multipart_threshold: multipartThreshold,
        concurrency: concurrency,
        verify_peer: c.verify_peer ?? DEFAULTS.verify_peer,
        ca_file: c.ca_file,
        proxy: c.proxy,
    };
}

/** The part of the configuration the C side takes. */
export function nativeConfig(cfg: Config): NativeConfig {
    return {
        endpoint: cfg.endpoint,
        region: cfg.region,
        access_key_id: cfg.access_key_id,
        secret_access_key: cfg.secret_access_key,
        session_token: cfg.session_token,
        addressing: cfg.addressing,
        connect_timeout: cfg.connect_timeout,
        timeout: cfg.timeout,
        idle_timeout: cfg.idle_timeout,
        max_connections: cfg.max_connections,
        verify_peer: cfg.verify_peer,
        ca_file: cfg.ca_file,
        proxy: cfg.proxy,
    };
}
