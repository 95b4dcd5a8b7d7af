// Deleting many objects: DeleteObjects requests of up to 1000 keys each (with the Content-MD5 S3
// requires), for a list of keys or for everything under a prefix.

import type { NativeRequest } from "s3.native";
import * as digest from "digest";
import type { Client } from "./client";
import { deadlineOf, timeLeft } from "./deadline";
import { S3Error } from "./errors";
import { ListArgs, listPage } from "./listing";
import { bucketArg, optTypes } from "./objects";
import { failure, perform, refusedHere } from "./request";
import { MAX_KEY_BYTES, argError, checkName, checkOpts, checkStringMap, xmlEscape } from "./util";

/** S3 takes at most 1000 keys in one DeleteObjects request. */
const BATCH = 1000;

export interface DeleteError {
    key: string;
    code: string;
    message?: string;
}

export interface DeleteResult {
    deleted: string[];
    errors: DeleteError[];
}

const DELETE_MANY_OPTS = optTypes("timeout", "nonnegative", "headers", "table");

/** The keys of a delete_many call: an array of keys, or {prefix = ...}. */
function checkKeys(fn: string, keys: unknown): LuaMultiReturn<[string[] | undefined, string | undefined]> {
    if (type(keys) !== "table") {
        return argError(`${fn}: keys must be a table (an array of keys, or {prefix = ...})`);
    }
    const t = keys as LuaTable<AnyNotNil, unknown>;
    const prefix = t.get("prefix");
    if (prefix !== undefined) {
        for (const [k] of pairs(t)) {
            if (k !== "prefix") {
                return argError(`${fn}: keys must be either an array of keys or {prefix = ...}, ` +
                    `got another field '${tostring(k)}'`);
            }
        }
        if (typeof prefix !== "string") {
            return argError(`${fn}: keys.prefix must be a string`);
        }
        return $multi(undefined, checkPrefix(fn, prefix));
    }
    const n = (t as unknown as unknown[]).length;
    let count = 0;
    for (const [k] of pairs(t)) {
        count = count + 1;
        if (typeof k !== "number") {
            return argError(`${fn}: keys must be an array of keys or {prefix = ...}, got field '${tostring(k)}'`);
        }
    }
    if (count !== n) {
        return argError(`${fn}: keys must be an array without holes`);
    }
    const out: string[] = [];
    for (let i = 1; i <= n; i++) {
        const key = checkName(fn, `keys[${i}]`, t.get(i));
        if (key.length > MAX_KEY_BYTES) {
            return argError(`${fn}: keys[${i}] must be 1-${MAX_KEY_BYTES} bytes, got ${key.length} bytes`);
        }
        out.push(key);
    }
    return $multi(out, undefined);
}

function checkPrefix(fn: string, prefix: string): string {
    if (string.find(prefix, "\0", 1, true)[0] !== undefined) {
        return argError(`${fn}: keys.prefix must not contain a NUL byte`);
    }
    return prefix;
}

/** The DeleteObjects body for keys[from..to] (0-based, to exclusive). */
function deleteBody(keys: string[], from: number, to: number): string {
    const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?><Delete>'];
    for (let i = from; i < to; i++) {
        parts.push(`<Object><Key>${xmlEscape(keys[i])}</Key></Object>`);
    }
    parts.push("</Delete>");
    return parts.join("");
}

/** One DeleteObjects request; its results are appended to `into`. */
function deleteBatch(
    client: Client, b: string, keys: string[], from: number, to: number,
    headers: LuaTable<string, string>, deadline: number | undefined, into: DeleteResult
): S3Error | undefined {
    const body = deleteBody(keys, from, to);
    const h = new LuaTable<string, string>();
    for (const [k, v] of pairs(headers)) {
        h.set(k, v);
    }
    h.set("content-type", "application/xml");
    // S3 refuses DeleteObjects without it; 16 bytes of base64 never wrap.
    h.set("content-md5", digest.base64_encode(digest.md5(body), { nowrap: true }));
    const query = new LuaTable<string, string>();
    query.set("delete", "");
    const req: NativeRequest = {
        method: "POST", bucket: b, query: query, headers: h, body: body, timeout: timeLeft(deadline),
        parse: "delete_objects",
    };
    const [resp, err] = perform(client, req, b, undefined);
    if (resp === undefined) {
        return err;
    }
    const parsed = resp.parsed as DeleteResult;
    for (const k of parsed.deleted) {
        into.deleted.push(k);
    }
    for (const e of parsed.errors) {
        into.errors.push({ key: e.key, code: e.code, message: e.message !== "" ? e.message : undefined });
    }
    return undefined;
}

export function deleteMany(
    client: Client, fn: string, bucket: unknown, keys: unknown, opts: unknown
): LuaMultiReturn<[DeleteResult, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const [list, prefix] = checkKeys(fn, keys);
    const o = checkOpts(fn, opts, DELETE_MANY_OPTS);
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    const refused = refusedHere(fn, b, undefined);
    if (refused !== undefined) {
        return failure(refused);
    }
    const deadline = deadlineOf(o.get("timeout") as number | undefined, client._cfg.timeout);
    const result: DeleteResult = { deleted: [], errors: [] };
    if (list !== undefined) {
        for (let from = 0; from < list.length; from += BATCH) {
            const err = deleteBatch(client, b, list, from, math.min(from + BATCH, list.length), headers, deadline,
                result);
            if (err !== undefined) {
                return failure(err);
            }
        }
        return $multi(result, undefined);
    }
    // Everything under the prefix, a page (1000 keys) at a time. The continuation token points
    // past the last key listed, so deleting a page before asking for the next one skips nothing.
    const args: ListArgs = { prefix: prefix, headers: headers };
    let token: string | undefined;
    for (;;) {
        args.timeout = timeLeft(deadline);
        const [page, err] = listPage(client, b, args, token);
        if (page === undefined) {
            return failure(err);
        }
        const pageKeys: string[] = [];
        for (const obj of page.objects) {
            pageKeys.push(obj.key);
        }
        if (pageKeys.length > 0) {
            const e = deleteBatch(client, b, pageKeys, 0, pageKeys.length, headers, deadline, result);
            if (e !== undefined) {
                return failure(e);
            }
        }
        token = page.next_continuation_token;
        if (!page.is_truncated || token === undefined) {
            return $multi(result, undefined);
        }
    }
}
