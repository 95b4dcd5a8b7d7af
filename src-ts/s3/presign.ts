// Presigned URLs: computed locally with the client's credentials and clock (SigV4 query
// signing in the C core), no request. Whoever holds the URL may make that one request until it
// expires, without credentials (curl, a browser, another service).

import type { NativePresign } from "s3.native";
import type { Client } from "./client";
import { bucketArg } from "./objects";
import { argError, checkKey, checkOpts, checkStringMap, hasType, isInteger, quote, typeName } from "./util";

/** One hour unless told; SigV4 allows at most 7 days. */
export const DEFAULT_EXPIRES = 3600;
export const MAX_EXPIRES = 7 * 24 * 3600;

const METHODS = new LuaTable<string, boolean>();
for (const m of ["GET", "PUT", "HEAD", "DELETE"]) {
    METHODS.set(m, true);
}

const PRESIGN_OPTS = new LuaTable<string, string>();
PRESIGN_OPTS.set("expires", "integer");
PRESIGN_OPTS.set("headers", "table");
PRESIGN_OPTS.set("query", "table");
PRESIGN_OPTS.set("version_id", "string");

/** Query parameters: non-empty names, string (or number) values, no NUL bytes; the signer's own refused. */
function checkQuery(fn: string, v: unknown): LuaTable<string, string> {
    const out = new LuaTable<string, string>();
    if (v === undefined) {
        return out;
    }
    for (const [k, val] of pairs(v as LuaTable<AnyNotNil, unknown>)) {
        if (typeof k !== "string" || k === "") {
            return argError(`${fn}: opts.query keys must be non-empty strings`);
        }
        if (string.find(k, "\0", 1, true)[0] !== undefined) {
            return argError(`${fn}: opts.query name ${quote(k)} must not contain a NUL byte`);
        }
        if (string.lower(string.sub(k, 1, 6)) === "x-amz-") {
            return argError(`${fn}: opts.query.${k} cannot be given: the signer sets the X-Amz-* parameters`);
        }
        if (!hasType(val, "string") && !hasType(val, "number")) {
            return argError(`${fn}: opts.query.${k} must be ${typeName("string")}`);
        }
        const s = tostring(val);
        if (string.find(s, "\0", 1, true)[0] !== undefined) {
            return argError(`${fn}: opts.query.${k} must not contain a NUL byte`);
        }
        out.set(k, s);
    }
    return out;
}

/**
 * presign(method, bucket, key [, {expires, headers, query, version_id}]) -> url. Raises on a
 * wrong argument (also expires over 7 days, or an anonymous client). Never yields, so it runs
 * anywhere, inside a transaction or a trigger too.
 */
export function presign(
    client: Client, fn: string, method: unknown, bucket: unknown, key: unknown, opts: unknown
): string {
    if (typeof method !== "string" || METHODS.get(method) !== true) {
        return argError(`${fn}: method must be 'GET', 'PUT', 'HEAD' or 'DELETE', got ` +
            (typeof method === "string" ? quote(method) : type(method)));
    }
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const o = checkOpts(fn, opts, PRESIGN_OPTS);
    const expires = (o.get("expires") as number | undefined) ?? DEFAULT_EXPIRES;
    if (!isInteger(expires) || expires < 1 || expires > MAX_EXPIRES) {
        return argError(`${fn}: opts.expires must be 1-${MAX_EXPIRES} seconds (7 days at most), got ${expires}`);
    }
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    const query = checkQuery(fn, o.get("query"));
    const versionId = o.get("version_id") as string | undefined;
    if (versionId !== undefined) {
        if (versionId === "" || string.find(versionId, "\0", 1, true)[0] !== undefined) {
            return argError(`${fn}: opts.version_id must be a non-empty string without NUL bytes`);
        }
        query.set("versionId", versionId);
    }
    if (client._cfg.anonymous) {
        return argError(`${fn}: an anonymous client (anonymous = true) has no credentials to presign with`);
    }
    const req: NativePresign = {
        method: method as NativePresign["method"], bucket: b, key: k, expires: expires, headers: headers, query: query,
    };
    const [url, err] = client._native.presign(req);
    if (url === undefined) {
        return argError(`${fn}: ${err?.message ?? "cannot presign"}`);
    }
    return url;
}
