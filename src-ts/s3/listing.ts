// Listing objects: one page (ListObjectsV2) and an iterator over every object across pages.
// The XML is parsed in C as it arrives (parse = "list_objects"); keys are asked for with
// encoding-type=url, so any key (control bytes included) comes back as it was written.

import type { NativeRequest } from "s3.native";
import type { Client } from "./client";
import { S3Error } from "./errors";
import { bucketArg, optTypes } from "./objects";
import { failure, perform, refusedHere } from "./request";
import { argError, checkOpts, checkStringMap } from "./util";

export interface ObjectEntry {
    key: string;
    size: number;
    etag?: string;
    last_modified?: string;
    storage_class?: string;
}

export interface ListPage {
    objects: ObjectEntry[];
    /** Common prefixes (with a delimiter): the "directories" of this page. */
    prefixes: string[];
    is_truncated: boolean;
    next_continuation_token?: string;
}

interface ParsedPage extends ListPage {
    key_count?: number;
    encoding_type?: string;
}

/** S3 returns at most 1000 keys a page whatever max_keys asks. */
const MAX_KEYS = 1000;

const LIST_OPTS = optTypes(
    "prefix", "string", "delimiter", "string", "max_keys", "integer", "continuation_token", "string",
    "start_after", "string", "timeout", "nonnegative", "headers", "table"
);
const OBJECTS_OPTS = optTypes(
    "prefix", "string", "delimiter", "string", "max_keys", "integer", "start_after", "string",
    "timeout", "nonnegative", "headers", "table"
);

/** The options of a listing, checked; shared by list, objects and delete_many by prefix. */
export interface ListArgs {
    prefix?: string;
    delimiter?: string;
    max_keys?: number;
    continuation_token?: string;
    start_after?: string;
    timeout?: number;
    headers: LuaTable<string, string>;
}

function checkListOpts(fn: string, opts: unknown, allowed: LuaTable<string, string>): ListArgs {
    const o = checkOpts(fn, opts, allowed);
    const maxKeys = o.get("max_keys") as number | undefined;
    if (maxKeys !== undefined && (maxKeys < 1 || maxKeys > MAX_KEYS)) {
        return argError(`${fn}: opts.max_keys must be 1-${MAX_KEYS}, got ${maxKeys}`);
    }
    for (const name of ["prefix", "delimiter", "continuation_token", "start_after"]) {
        const v = o.get(name) as string | undefined;
        if (v !== undefined && string.find(v, "\0", 1, true)[0] !== undefined) {
            return argError(`${fn}: opts.${name} must not contain a NUL byte`);
        }
    }
    return {
        prefix: o.get("prefix") as string | undefined,
        delimiter: o.get("delimiter") as string | undefined,
        max_keys: maxKeys,
        continuation_token: o.get("continuation_token") as string | undefined,
        start_after: o.get("start_after") as string | undefined,
        timeout: o.get("timeout") as number | undefined,
        headers: checkStringMap(fn, "opts.headers", o.get("headers"), false),
    };
}

/** One ListObjectsV2 request. Empty strings are not sent (S3 treats them as absent anyway). */
export function listPage(
    client: Client, b: string, a: ListArgs, token: string | undefined
): LuaMultiReturn<[ListPage, undefined] | [undefined, S3Error]> {
    const query = new LuaTable<string, string>();
    query.set("list-type", "2");
    query.set("encoding-type", "url");
    if (a.prefix !== undefined && a.prefix !== "") query.set("prefix", a.prefix);
    if (a.delimiter !== undefined && a.delimiter !== "") query.set("delimiter", a.delimiter);
    if (a.max_keys !== undefined) query.set("max-keys", tostring(a.max_keys));
    if (token !== undefined && token !== "") query.set("continuation-token", token);
    if (a.start_after !== undefined && a.start_after !== "") query.set("start-after", a.start_after);
    const req: NativeRequest = {
        method: "GET", bucket: b, query: query, headers: a.headers, timeout: a.timeout, parse: "list_objects",
    };
    const [resp, err] = perform(client, req, b, undefined);
    if (resp === undefined) {
        return $multi(undefined, err);
    }
    const page = resp.parsed as ParsedPage;
    // Not part of the answer: what the C side needed to decode the keys.
    page.key_count = undefined;
    page.encoding_type = undefined;
    if (!page.is_truncated) {
        page.next_continuation_token = undefined;
    }
    return $multi(page, undefined);
}

export function list(
    client: Client, fn: string, bucket: unknown, opts: unknown
): LuaMultiReturn<[ListPage, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const a = checkListOpts(fn, opts, LIST_OPTS);
    const refused = refusedHere(fn, b, undefined);
    if (refused !== undefined) {
        return failure(refused);
    }
    return listPage(client, b, a, a.continuation_token);
}

/** The state of one objects() iteration. */
interface Cursor {
    client: Client;
    fn: string;
    bucket: string;
    args: ListArgs;
    page?: ListPage;
    index: number;
    /** Whether another page is to be fetched after this one. */
    more: boolean;
    token?: string;
}

/**
 * The iterator function of objects(): the next object, fetching the next page only when this
 * one is used up. A failed page raises the error object (a `for` loop has no place for
 * `nil, err`); pcall gets it back with its code.
 */
function nextObject(this: void, cursor: Cursor): ObjectEntry | undefined {
    for (;;) {
        const page = cursor.page;
        if (page !== undefined && cursor.index < page.objects.length) {
            const entry = page.objects[cursor.index];
            cursor.index = cursor.index + 1;
            return entry;
        }
        if (!cursor.more) {
            cursor.page = undefined;
            return undefined;
        }
        const refused = refusedHere(cursor.fn, cursor.bucket, undefined);
        if (refused !== undefined) {
            return error(refused as unknown as string, 0);
        }
        const [next, err] = listPage(cursor.client, cursor.bucket, cursor.args, cursor.token);
        if (next === undefined) {
            cursor.more = false;
            return error(err as unknown as string, 0);
        }
        cursor.page = next;
        cursor.index = 0;
        cursor.token = next.next_continuation_token;
        // A truncated page without a token would repeat itself forever.
        cursor.more = next.is_truncated && cursor.token !== undefined;
    }
}

/** for obj in objects(bucket, opts) do ... end: every object, page by page (max_keys a page). */
export function objects(
    client: Client, fn: string, bucket: unknown, opts: unknown
): LuaMultiReturn<[(this: void, cursor: Cursor) => ObjectEntry | undefined, Cursor]> {
    const b = bucketArg(client, fn, bucket);
    const a = checkListOpts(fn, opts, OBJECTS_OPTS);
    const cursor: Cursor = { client: client, fn: fn, bucket: b, args: a, index: 0, more: true };
    return $multi(nextObject, cursor);
}
