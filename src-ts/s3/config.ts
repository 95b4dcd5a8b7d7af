// s3.cfg{} / s3.new{} options: validation, environment, defaults.

import type { NativeConfig } from "s3.native";
import { CONTROL_BYTE, argError, hasType, quote, typeName } from "./util";

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
    // Parts or ranges of one transfer in flight. S3 gives one connection some 40-100 MB/s; 24 fill
    // about 10 Gbit/s (aws-c-s3 opens 25 connections for its default 10 Gbit/s target) while a
    // file transfer holds 1 MiB of buffers per part (a stream upload's buffers have their own
    // bound, stream_upload.ts).
    concurrency: 24,
    verify_peer: true,
    legacy_bucket_names: false,
};

/** The fully resolved configuration of one client. */
export interface Config {
    endpoint: string;
    /** True when the endpoint was derived (AWS): create_bucket then sends a LocationConstraint outside us-east-1. */
    aws_endpoint: boolean;
    region: string;
    /** "" for an anonymous client. */
    access_key_id: string;
    secret_access_key: string;
    session_token?: string;
    /** Unsigned requests, no credentials (public buckets). */
    anonymous: boolean;
    /**
     * "auto" (the default on AWS): virtual-hosted, but path-style per request for a bucket that
     * cannot be a host name or, over https, has dots (see enum s3_addressing in the C core).
     */
    addressing: "path" | "virtual" | "auto";
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
    /** Accept bucket names outside S3's rules for new buckets (see util.checkBucket). */
    legacy_bucket_names: boolean;
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
OPTION_TYPES.set("legacy_bucket_names", "boolean");
OPTION_TYPES.set("anonymous", "boolean");

/** An environment variable, nil when unset or empty. */
function env(name: string): string | undefined {
    const v = os.getenv(name);
    return v === undefined || v === "" ? undefined : v;
}

export function checkRange(fn: string, name: string, v: number, min: number, max: number | undefined): void {
    if (v < min || (max !== undefined && v > max)) {
        const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
        argError(`${fn}: ${name} must be ${range}, got ${v}`);
    }
}

/**
 * Checks an endpoint URL, `http(s)://host[:port]` with an optional trailing '/', and returns it
 * as the native side takes it: the scheme in lower case, no trailing '/'. The host is a name, an
 * IPv4 address or an [IPv6 address]; the port 1-65535; no user, path, query or fragment (S3
 * serves buckets at the root, credentials go in access_key_id/secret_access_key). Raises naming
 * `what`: the option, or the environment variable the endpoint came from.
 */
function checkEndpoint(fn: string, what: string, raw: string): string {
    const shape = "http(s)://host[:port]";
    const bad = (problem: string): never => argError(`${fn}: ${what} ${problem}, got ${quote(raw)}`);
    if (string.find(raw, CONTROL_BYTE)[0] !== undefined || string.find(raw, " ", 1, true)[0] !== undefined) {
        return bad(`must be ${shape} without spaces or control characters`);
    }
    const [schemePart, rest] = string.match(raw, "^(%a[%w+.%-]*)://(.*)$");
    const scheme = schemePart === undefined ? undefined : string.lower(schemePart);
    if (scheme !== "http" && scheme !== "https") {
        return bad(`must be an http:// or https:// URL (${shape})`);
    }
    const [authorityPart, tailPart] = string.match(rest as string, "^([^/?#]*)(.*)$");
    const authority = authorityPart as string;
    const tail = tailPart as string;
    if (tail !== "" && tail !== "/") {
        if (string.find(tail, "[?#]")[0] !== undefined) {
            return bad(`must be ${shape} without a query or fragment`);
        }
        return bad(`must be ${shape} without a path (S3 serves buckets at the root)`);
    }
    if (string.find(authority, "@", 1, true)[0] !== undefined) {
        return bad(`must be ${shape} without a user or password (credentials go in access_key_id and secret_access_key)`);
    }
    let port: string;
    if (string.sub(authority, 1, 1) === "[") {
        const [v6, after] = string.match(authority, "^%[([^%]]*)%](.*)$");
        if (v6 === undefined) {
            return bad("has an IPv6 address without its closing ']'");
        }
        if (string.find(v6, "^[%x:.]+$")[0] === undefined || string.find(v6, ":", 1, true)[0] === undefined) {
            return bad(`has an invalid IPv6 address '[${v6}]'`);
        }
        port = after as string;
    } else {
        const [hostPart, after] = string.match(authority, "^([^:]*)(.*)$");
        const host = hostPart as string;
        if (host === "") {
            return bad(`has no host (${shape})`);
        }
        if (string.find(host, "[^A-Za-z0-9._%-]")[0] !== undefined ||
            string.find(host, "^%.")[0] !== undefined || string.find(host, "%.$")[0] !== undefined ||
            string.find(host, "..", 1, true)[0] !== undefined) {
            return bad(`has an invalid host '${host}' (a name, an IPv4 address or an [IPv6 address])`);
        }
        if (string.find(host, "^[%d.]+$")[0] !== undefined) {
            const [a, b, cc, d] = string.match(host, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$");
            if (a === undefined || tonumber(a)! > 255 || tonumber(b)! > 255 || tonumber(cc)! > 255 || tonumber(d)! > 255) {
                return bad(`has an invalid IPv4 address '${host}'`);
            }
        }
        port = after as string;
    }
    if (port !== "") {
        const [digits] = string.match(port, "^:(%d+)$");
        if (digits === undefined || digits.length > 5 || tonumber(digits)! < 1 || tonumber(digits)! > 65535) {
            return bad("must have a port of 1-65535 after the host");
        }
    }
    return `${scheme}://${authority}`;
}

/** Lua's file:read, which returns nil plus a message on an error (lua-types says only string). */
interface StdioFile {
    read(n: number): LuaMultiReturn<[string | undefined, string | undefined]>;
    close(): void;
}

/**
 * ca_file must name a readable file: a typo would otherwise only show as failing TLS handshakes.
 * Plain stdio, not fio: s3.cfg does not yield.
 */
function checkCaFile(fn: string, path: string): void {
    const [f, openErr] = io.open(path, "rb");
    if (f === undefined) {
        // "<path>: <strerror>"
        const reason = string.sub(openErr ?? "", 1, path.length + 2) === `${path}: `
            ? string.sub(openErr ?? "", path.length + 3) : tostring(openErr);
        return argError(`${fn}: ca_file ${quote(path)} cannot be read: ${reason}`);
    }
    // A directory opens, but does not read.
    const file = f as unknown as StdioFile;
    const [, readErr] = file.read(1);
    file.close();
    if (readErr !== undefined) {
        return argError(`${fn}: ca_file ${quote(path)} cannot be read: ${tostring(readErr)}`);
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
        if (typeof v === "string" && string.find(v, "\0", 1, true)[0] !== undefined) {
            return argError(`${fn}: ${k as string} must not contain a NUL byte`);
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
        legacy_bucket_names?: boolean;
        anonymous?: boolean;
    };

    // Region.
    const region = c.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? DEFAULTS.region;
    if (region === "") {
        return argError(`${fn}: region must not be empty`);
    }

    // Endpoint and addressing.
    let endpoint: string;
    let awsEndpoint = false;
    if (c.endpoint !== undefined) {
        endpoint = checkEndpoint(fn, "endpoint", c.endpoint);
    } else if (env("AWS_ENDPOINT_URL_S3") !== undefined) {
        endpoint = checkEndpoint(fn, "AWS_ENDPOINT_URL_S3", env("AWS_ENDPOINT_URL_S3") as string);
    } else if (env("AWS_ENDPOINT_URL") !== undefined) {
        endpoint = checkEndpoint(fn, "AWS_ENDPOINT_URL", env("AWS_ENDPOINT_URL") as string);
    } else {
        endpoint = `https://s3.${region}.amazonaws.com`;
        awsEndpoint = true;
    }
    if (c.addressing !== undefined && c.addressing !== "path" && c.addressing !== "virtual") {
        return argError(`${fn}: addressing must be 'path' or 'virtual', got '${c.addressing}'`);
    }
    // On AWS, virtual-hosted unless a bucket cannot be: chosen per request (Config.addressing).
    const addressing: Config["addressing"] =
        (c.addressing as "path" | "virtual" | undefined) ?? (awsEndpoint ? "auto" : "path");

    // Credentials are one set: given in the options, the environment's are not mixed in
    // (a session token of another identity would break every signature).
    let accessKeyId: string | undefined;
    let secretAccessKey: string | undefined;
    let sessionToken: string | undefined;
    const anonymous = c.anonymous ?? false;
    if (anonymous) {
        // Nothing is signed: credentials given beside it are a mistake, the environment's are ignored.
        if (c.access_key_id !== undefined || c.secret_access_key !== undefined || c.session_token !== undefined) {
            return argError(`${fn}: anonymous = true takes no access_key_id, secret_access_key or session_token`);
        }
        accessKeyId = "";
        secretAccessKey = "";
    } else if (c.access_key_id !== undefined || c.secret_access_key !== undefined) {
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
                    `or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or anonymous = true for public buckets)`
            );
        }
    }
    if (accessKeyId === "" && !anonymous) {
        return argError(`${fn}: access_key_id must not be empty`);
    }
    if (secretAccessKey === "" && !anonymous) {
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
    if (c.ca_file !== undefined) {
        checkCaFile(fn, c.ca_file);
    }

    return {
        endpoint: endpoint,
        aws_endpoint: awsEndpoint,
        region: region,
        access_key_id: accessKeyId,
        secret_access_key: secretAccessKey,
        session_token: sessionToken,
        anonymous: anonymous,
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
        legacy_bucket_names: c.legacy_bucket_names ?? DEFAULTS.legacy_bucket_names,
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
        anonymous: cfg.anonymous,
        addressing: cfg.addressing,
        connect_timeout: cfg.connect_timeout,
        timeout: cfg.timeout,
        idle_timeout: cfg.idle_timeout,
        retries: cfg.retries,
        part_size: cfg.part_size,
        multipart_threshold: cfg.multipart_threshold,
        concurrency: cfg.concurrency,
        max_connections: cfg.max_connections,
        verify_peer: cfg.verify_peer,
        ca_file: cfg.ca_file,
        proxy: cfg.proxy,
    };
}
