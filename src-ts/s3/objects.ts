// The object and bucket calls of the Lua API: get/put to memory and files, head, delete,
// create and delete buckets.

import type { NativeRequest, NativeResponse } from "s3.native";
import * as fio from "fio";
import type { Client } from "./client";
import { MAX_PART_SIZE, MAX_SINGLE_PUT, MIN_PART_SIZE, checkRange } from "./config";
import { S3Error, newError } from "./errors";
import { downloadToFd } from "./download";
import { verifyDownload } from "./verify";
import { StreamFiller, StreamOptions, uploadStream } from "./stream_upload";
import { ProgressFn, performWithProgress } from "./parts";
import { failure, perform, refusedHere } from "./request";
import { deadlineOf, timeLeft } from "./deadline";
import { contentMd5, uploadMultipart } from "./upload";
import {
    argError, checkBucket, checkHeaderValue, checkKey, checkName, checkOpts, checkStringMap, getpid, osError,
    randomHex,
} from "./util";

/** What the object calls return about an object, from the response headers. */
export interface ObjectInfo {
    size?: number;
    etag?: string;
    last_modified?: string;
    content_type?: string;
    /** x-amz-meta-* headers without the prefix. */
    metadata: LuaTable<string, string>;
    version_id?: string;
    content_range?: string;
}

/** What put and put_from_file return. */
export interface PutInfo {
    size: number;
    etag?: string;
    version_id?: string;
}

/** The bucket argument, checked by the client's bucket name rules (util.checkBucket). */
export function bucketArg(client: Client, fn: string, bucket: unknown): string {
    const cfg = client._cfg;
    return checkBucket(fn, bucket, cfg.legacy_bucket_names, cfg.addressing === "virtual");
}

/** S3 takes at most 5 GiB in one PUT (a string body is always one PUT). */
function tooLarge(what: string, size: number, b: string, k: string): S3Error {
    return newError("EntityTooLarge",
        `${what} is ${size} bytes: a single PUT is limited to 5 GiB (${MAX_SINGLE_PUT} bytes)`, b, k);
}
// Options each call accepts, name -> type (see util.hasType).
export function optTypes(...names: string[]): LuaTable<string, string> {
    const t = new LuaTable<string, string>();
    for (let i = 0; i < names.length; i += 2) {
        t.set(names[i], names[i + 1]);
    }
    return t;
}
const GET_TO_FILE_OPTS = optTypes(
    "timeout", "nonnegative", "headers", "table", "part_size", "integer", "concurrency", "integer", "fsync", "boolean",
    "on_progress", "function", "verify", "boolean",
    "if_match", "string", "if_none_match", "string", "if_modified_since", "any", "version_id", "string"
);
const GET_OPTS = optTypes("timeout", "nonnegative", "headers", "table", "range", "string",
    "on_progress", "function", "if_match", "string", "if_none_match", "string", "if_modified_since", "any", "version_id", "string");
const PUT_OPTS = optTypes(
    "timeout", "nonnegative", "headers", "table", "content_type", "string", "metadata", "table",
    "part_size", "integer", "concurrency", "integer", "on_progress", "function",
    "if_match", "string", "if_none_match", "string"
);
const SIMPLE_OPTS = optTypes("timeout", "nonnegative", "headers", "table");
const HEAD_OPTS = optTypes("timeout", "nonnegative", "headers", "table",
    "if_match", "string", "if_none_match", "string", "if_modified_since", "any", "version_id", "string");
const DELETE_OPTS = optTypes("timeout", "nonnegative", "headers", "table", "version_id", "string");
const CREATE_BUCKET_OPTS = optTypes("timeout", "nonnegative", "headers", "table", "location_constraint", "string");

/** opts.headers plus, for uploads, content_type and metadata as x-amz-meta-*. */
/** An HTTP date for If-Modified-Since: given as one, or as a Unix time in seconds. */
function httpDate(fn: string, v: unknown): string {
    if (typeof v === "number" && v === v && v >= 0) {
        return os.date("!%a, %d %b %Y %H:%M:%S GMT", math.floor(v)) as string;
    }
    if (typeof v === "string") {
        return checkHeaderValue(fn, "opts.if_modified_since", v);
    }
    return argError(`${fn}: opts.if_modified_since must be an HTTP date string or a Unix time in seconds`);
}

/** The conditions of a request: if_match, if_none_match, if_modified_since. */
function conditionHeaders(fn: string, o: LuaTable<string, unknown>, headers: LuaTable<string, string>): void {
    const ifMatch = o.get("if_match") as string | undefined;
    if (ifMatch !== undefined) {
        headers.set("if-match", checkHeaderValue(fn, "opts.if_match", ifMatch));
    }
    const ifNoneMatch = o.get("if_none_match") as string | undefined;
    if (ifNoneMatch !== undefined) {
        headers.set("if-none-match", checkHeaderValue(fn, "opts.if_none_match", ifNoneMatch));
    }
    const since = o.get("if_modified_since");
    if (since !== undefined) {
        headers.set("if-modified-since", httpDate(fn, since));
    }
}

/** ?versionId= of opts.version_id, or nil. */
export function versionQuery(fn: string, o: LuaTable<string, unknown>): LuaTable<string, string> | undefined {
    const version = o.get("version_id") as string | undefined;
    if (version === undefined) {
        return undefined;
    }
    if (version === "") {
        return argError(`${fn}: opts.version_id must not be empty`);
    }
    const q = new LuaTable<string, string>();
    q.set("versionId", version);
    return q;
}

export function requestHeaders(fn: string, o: LuaTable<string, unknown>): LuaTable<string, string> {
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    conditionHeaders(fn, o, headers);
    const contentType = o.get("content_type") as string | undefined;
    if (contentType !== undefined) {
        headers.set("content-type", checkHeaderValue(fn, "opts.content_type", contentType));
    }
    const meta = o.get("metadata");
    if (meta !== undefined) {
        for (const [k, v] of pairs(checkStringMap(fn, "opts.metadata", meta, true))) {
            headers.set(`x-amz-meta-${k}`, v);
        }
    }
    return headers;
}

const META_PREFIX = "x-amz-meta-";

export function objectInfo(resp: NativeResponse, size?: number): ObjectInfo {
    const h = resp.headers ?? new LuaTable<string, string>();
    const metadata = new LuaTable<string, string>();
    for (const [k, v] of pairs(h)) {
        if (string.sub(k, 1, META_PREFIX.length) === META_PREFIX) {
            metadata.set(string.sub(k, META_PREFIX.length + 1), v);
        }
    }
    return {
        size: size ?? tonumber(h.get("content-length")),
        etag: h.get("etag"),
        last_modified: h.get("last-modified"),
        content_type: h.get("content-type"),
        metadata: metadata,
        version_id: h.get("x-amz-version-id"),
        content_range: h.get("content-range"),
    };
}

function putInfo(resp: NativeResponse, size: number): PutInfo {
    const h = resp.headers ?? new LuaTable<string, string>();
    return { size: size, etag: h.get("etag"), version_id: h.get("x-amz-version-id") };
}

function bodyBytes(resp: NativeResponse): number | undefined {
    return typeof resp.bytes === "number" ? resp.bytes : undefined;
}

/** Closes (if open) and removes the temporary file; never raises. */
function discardTemp(fh: fio.FioHandle | undefined, tmp: string): void {
    if (fh !== undefined) {
        pcall(() => fh.close());
    }
    pcall(() => fio.unlink(tmp));
}

interface Outcome {
    resp?: NativeResponse;
    err?: S3Error;
}

export function getToFile(
    client: Client, fn: string, bucket: unknown, key: unknown, path: unknown, opts: unknown
): LuaMultiReturn<[true, ObjectInfo] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const p = checkName(fn, "path", path);
    const o = checkOpts(fn, opts, GET_TO_FILE_OPTS);
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    conditionHeaders(fn, o, headers);
    const version = versionQuery(fn, o);
    // Every argument is checked before the temporary file exists: a raise leaves nothing behind.
    const [partSize, concurrency] = partOptions(client, fn, o);
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }

    // A temporary file beside the target, so that the final rename stays on one file system;
    // readable too, for verify.
    let tmp = "";
    let fh: fio.FioHandle | undefined;
    let openErr: unknown;
    for (let i = 0; i < 5 && fh === undefined; i++) {
        tmp = `${p}.s3tmp.${getpid()}.${randomHex(6)}`;
        [fh, openErr] = fio.open(tmp, ["O_RDWR", "O_CREAT", "O_EXCL"], 0o644);
        if (fh === undefined && string.find(osError(openErr), "exists", 1, true)[0] === undefined) {
            break;
        }
    }
    if (fh === undefined) {
        return failure(newError("IOError", `cannot create temporary file '${tmp}': ${osError(openErr)}`, b, k));
    }
    const file = fh;
    const deadline = deadlineOf(o.get("timeout") as number | undefined, client._cfg.timeout);
    // A retry writes the object again from offset 0: drop what the failed attempt wrote
    // (and rewind, should the sink ever write at the file position rather than at an offset).
    const truncate = (): S3Error | undefined => {
        const [ok, e] = file.truncate(0);
        if (!ok) {
            return newError("IOError", `cannot truncate '${tmp}': ${osError(e)}`, b, k);
        }
        file.seek(0, "SEEK_SET");
        return undefined;
    };
    const [ok, res] = pcall((): Outcome => {
        const [resp, err] = downloadToFd(client, b, k, file.fh, {
            headers: headers, partSize: partSize,
            concurrency: concurrency, deadline: deadline, restart: truncate, query: version,
            onProgress: o.get("on_progress") as ProgressFn | undefined,
        });
        return { resp: resp, err: err };
    });
    if (!ok) {
        // A Lua error or a cancelled fiber: leave nothing behind, then let it propagate.
        discardTemp(file, tmp);
        return error(res as unknown as string, 0);
    }
    const outcome = res as Outcome;
    if (outcome.resp === undefined) {
        discardTemp(file, tmp);
        return failure(outcome.err ?? newError("InternalError", "request failed", b, k));
    }
    const resp = outcome.resp;
    if (o.get("verify") === true) {
        const [checked, res2] = pcall(() => verifyDownload(client, b, k, file.fh, resp.bytes, resp.headers,
            version, deadline));
        if (!checked || res2 !== undefined) {
            discardTemp(file, tmp);
            if (!checked) {
                return error(res2 as unknown as string, 0);
            }
            return failure(res2 as S3Error);
        }
    }
    // Durable before it takes the target's name; a caller that syncs many files at once may skip it.
    const [synced, syncErr] = o.get("fsync") === false ? [true, undefined] : file.fsync();
    if (!synced) {
        discardTemp(file, tmp);
        return failure(newError("IOError", `cannot fsync '${tmp}': ${osError(syncErr)}`, b, k));
    }
    const [closed, closeErr] = file.close();
    if (!closed) {
        discardTemp(undefined, tmp);
        return failure(newError("IOError", `cannot close '${tmp}': ${osError(closeErr)}`, b, k));
    }
    const [renamed, renameErr] = fio.rename(tmp, p);
    if (!renamed) {
        discardTemp(undefined, tmp);
        return failure(newError("IOError", `cannot rename '${tmp}' to '${p}': ${osError(renameErr)}`, b, k));
    }
    return $multi(true as const, objectInfo(resp, bodyBytes(resp)));
}

export function putFromFile(
    client: Client, fn: string, bucket: unknown, key: unknown, path: unknown, opts: unknown
): LuaMultiReturn<[true, PutInfo] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const p = checkName(fn, "path", path);
    const o = checkOpts(fn, opts, PUT_OPTS);
    const headers = requestHeaders(fn, o);
    // Checked whatever the file's size turns out to be, and before it is opened.
    const [partSize, concurrency] = partOptions(client, fn, o);
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }

    const [fh, openErr] = fio.open(p, ["O_RDONLY"]);
    if (fh === undefined) {
        return failure(newError("IOError", `cannot open '${p}': ${osError(openErr)}`, b, k));
    }
    const [ok, res] = pcall((): Outcome & { size?: number } => {
        const [st, statErr] = fh.stat();
        if (st === undefined) {
            return { err: newError("IOError", `cannot stat '${p}': ${osError(statErr)}`, b, k) };
        }
        const deadline = deadlineOf(o.get("timeout") as number | undefined, client._cfg.timeout);
        const onProgress = o.get("on_progress") as ProgressFn | undefined;
        if (st.is_fifo() || st.is_chr()) {
            // A pipe or a device: its length is known only at its end.
            // Read by a worker thread straight into the part buffers: no Lua string on the way.
            const fd = fh.fh;
            const read: StreamFiller = (buf) => {
                const room = buf.cap() - buf.len();
                const [got, readErr] = buf.fill_from_fd(fd);
                if (got === undefined) {
                    return $multi(undefined, newError("IOError", `cannot read '${p}': ${readErr}`, b, k));
                }
                return $multi(got < room, undefined);
            };
            const [sresp, sizeOrErr] = uploadStream(client, b, k, read,
                streamOptions(client, o, headers, partSize, concurrency, deadline, onProgress));
            if (sresp === undefined) {
                return { err: sizeOrErr as S3Error };
            }
            return { resp: sresp, size: sizeOrErr as number };
        }
        if (!st.is_reg()) {
            return { err: newError("IOError", `'${p}' is not a regular file, a pipe or a device`, b, k) };
        }
        const size = st.size;
        if (size >= client._cfg.multipart_threshold) {
            const [mresp, merr] = uploadMultipart(client, b, k, fh.fh, size, {
                headers: headers, partSize: partSize, concurrency: concurrency, deadline: deadline,
                onProgress: onProgress, currentSize: () => fh.stat()[0]?.size,
            });
            return { resp: mresp, err: merr, size: size };
        }
        if (size > MAX_SINGLE_PUT) {
            return { err: tooLarge(`'${p}'`, size, b, k) };
        }
        // The server checks the body against it: a part of the file that changed or a byte
        // flipped on the way fails with BadDigest instead of storing a wrong object.
        const [md5, md5Err] = contentMd5(fh.fh, 0, size, b, k);
        if (md5 === undefined) {
            return { err: md5Err };
        }
        headers.set("content-md5", md5);
        const req: NativeRequest = {
            method: "PUT",
            bucket: b,
            key: k,
            headers: headers,
            body_fd: fh.fh,
            body_offset: 0,
            body_size: size,
            timeout: timeLeft(deadline),
        };
        const [resp, err] = performWithProgress(client, req, b, k, size, onProgress);
        return { resp: resp, err: err, size: size };
    });
    pcall(() => fh.close());
    if (!ok) {
        return error(res as unknown as string, 0);
    }
    const outcome = res as Outcome & { size?: number };
    if (outcome.resp === undefined) {
        return failure(outcome.err ?? newError("InternalError", "request failed", b, k));
    }
    return $multi(true as const, putInfo(outcome.resp, outcome.size ?? 0));
}

export function getObject(
    client: Client, fn: string, bucket: unknown, key: unknown, opts: unknown
): LuaMultiReturn<[string, ObjectInfo] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const o = checkOpts(fn, opts, GET_OPTS);
    const headers = requestHeaders(fn, o);
    const range = o.get("range") as string | undefined;
    if (range !== undefined) {
        headers.set("range", checkHeaderValue(fn, "opts.range", range));
    }
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }
    const req: NativeRequest = { method: "GET", bucket: b, key: k, headers: headers,
        query: versionQuery(fn, o), timeout: o.get("timeout") as number | undefined };
    const [resp, err] = performWithProgress(client, req, b, k, undefined,
        o.get("on_progress") as ProgressFn | undefined);
    if (resp === undefined) {
        return failure(err);
    }
    const body = resp.body ?? "";
    return $multi(body, objectInfo(resp, body.length));
}

export function putObject(
    client: Client, fn: string, bucket: unknown, key: unknown, body: unknown, opts: unknown
): LuaMultiReturn<[true, PutInfo] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    if (typeof body !== "string" && typeof body !== "function") {
        return argError(`${fn}: body must be a string or a reader function`);
    }
    const o = checkOpts(fn, opts, PUT_OPTS);
    const headers = requestHeaders(fn, o);
    const [partSize, concurrency] = partOptions(client, fn, o);
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }
    if (typeof body === "function") {
        return putFromReader(client, fn, b, k, body as (this: void) => unknown, o, headers, partSize, concurrency);
    }
    if (body.length > MAX_SINGLE_PUT) {
        return failure(tooLarge("the body", body.length, b, k));
    }
    const req: NativeRequest = { method: "PUT", bucket: b, key: k, headers: headers, body: body,
        timeout: o.get("timeout") as number | undefined };
    const [resp, err] = performWithProgress(client, req, b, k, body.length,
        o.get("on_progress") as ProgressFn | undefined);
    if (resp === undefined) {
        return failure(err);
    }
    return $multi(true as const, putInfo(resp, body.length));
}

/** opts.part_size and opts.concurrency of a transfer, else the client's; a wrong one raises. */
function partOptions(client: Client, fn: string, o: LuaTable<string, unknown>): LuaMultiReturn<[number, number]> {
    const partSize = (o.get("part_size") as number | undefined) ?? client._cfg.part_size;
    checkRange(fn, "opts.part_size", partSize, MIN_PART_SIZE, MAX_PART_SIZE);
    const concurrency = (o.get("concurrency") as number | undefined) ?? client._cfg.concurrency;
    checkRange(fn, "opts.concurrency", concurrency, 1, undefined);
    return $multi(partSize, concurrency);
}

function streamOptions(
    client: Client, o: LuaTable<string, unknown>, headers: LuaTable<string, string>, partSize: number,
    concurrency: number, deadline: number | undefined, onProgress: ProgressFn | undefined,
): StreamOptions {
    return {
        headers: headers, threshold: client._cfg.multipart_threshold, partSize: partSize,
        concurrency: concurrency, deadline: deadline, onProgress: onProgress,
    };
}

/**
 * put(bucket, key, reader): reader() returns the next chunk (a string), nil or "" at the end; a
 * raise in it stops the upload (aborted) and is re-raised; a non-string is an argument error.
 */
function putFromReader(
    client: Client, fn: string, b: string, k: string, reader: (this: void) => unknown,
    o: LuaTable<string, unknown>, headers: LuaTable<string, string>, partSize: number, concurrency: number,
): LuaMultiReturn<[true, PutInfo] | [undefined, S3Error]> {
    const deadline = deadlineOf(o.get("timeout") as number | undefined, client._cfg.timeout);
    // The reader's chunks are copied into the part buffers; a chunk may straddle two of them.
    let pending: string | undefined;
    let taken = 0;
    let ended = false;
    const read: StreamFiller = (buf) => {
        while (buf.len() < buf.cap()) {
            if (pending === undefined) {
                if (ended) {
                    return $multi(true, undefined);
                }
                const chunk = reader();
                if (chunk !== undefined && typeof chunk !== "string") {
                    return argError(`${fn}: the reader must return strings (or nil at the end), got a ${type(chunk)}`);
                }
                if (chunk === undefined || chunk === "") {
                    ended = true;
                    return $multi(true, undefined);
                }
                pending = chunk;
                taken = 0;
            }
            taken = taken + buf.append(pending, taken);
            if (taken >= pending.length) {
                pending = undefined;
            }
        }
        return $multi(ended && pending === undefined, undefined);
    };
    const [resp, sizeOrErr] = uploadStream(client, b, k, read, streamOptions(client, o, headers, partSize,
        concurrency, deadline, o.get("on_progress") as ProgressFn | undefined));
    if (resp === undefined) {
        return failure(sizeOrErr as S3Error);
    }
    return $multi(true as const, putInfo(resp, sizeOrErr as number));
}

export function headObject(
    client: Client, fn: string, bucket: unknown, key: unknown, opts: unknown
): LuaMultiReturn<[ObjectInfo, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const o = checkOpts(fn, opts, HEAD_OPTS);
    const headers = requestHeaders(fn, o);
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }
    const [resp, err] = perform(client, { method: "HEAD", bucket: b, key: k, headers: headers,
        query: versionQuery(fn, o), timeout: o.get("timeout") as number | undefined }, b, k);
    if (resp === undefined) {
        return failure(err);
    }
    return $multi(objectInfo(resp), undefined);
}

/** DELETE of an object or, without a key, of a bucket. */
function deleteResource(
    client: Client, fn: string, b: string, k: string | undefined, opts: unknown
): LuaMultiReturn<[true, undefined] | [undefined, S3Error]> {
    // A version belongs to an object: a bucket's DELETE takes none.
    const o = checkOpts(fn, opts, k !== undefined ? DELETE_OPTS : SIMPLE_OPTS);
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }
    const [resp, err] = perform(client, { method: "DELETE", bucket: b, key: k, headers: requestHeaders(fn, o),
        query: versionQuery(fn, o), timeout: o.get("timeout") as number | undefined }, b, k);
    if (resp === undefined) {
        return failure(err);
    }
    return $multi(true as const, undefined);
}

export function deleteObject(
    client: Client, fn: string, bucket: unknown, key: unknown, opts: unknown
): LuaMultiReturn<[true, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    return deleteResource(client, fn, b, k, opts);
}

export function createBucket(
    client: Client, fn: string, bucket: unknown, opts: unknown
): LuaMultiReturn<[true, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const o = checkOpts(fn, opts, CREATE_BUCKET_OPTS);
    const headers = requestHeaders(fn, o);
    const refused = refusedHere(fn, b, undefined);
    if (refused !== undefined) {
        return failure(refused);
    }
    // AWS wants the region named outside us-east-1; other stores have their own region names,
    // so a constraint goes to a custom endpoint only when asked for.
    let constraint = o.get("location_constraint") as string | undefined;
    if (constraint === undefined && client._cfg.aws_endpoint && client._cfg.region !== "us-east-1") {
        constraint = client._cfg.region;
    }
    const req: NativeRequest = { method: "PUT", bucket: b, headers: headers,
        timeout: o.get("timeout") as number | undefined };
    if (constraint !== undefined && constraint !== "") {
        req.body =
            '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
            `<LocationConstraint>${constraint}</LocationConstraint></CreateBucketConfiguration>`;
        headers.set("content-type", "application/xml");
    }
    const [resp, err] = perform(client, req, b, undefined);
    if (resp === undefined) {
        return failure(err);
    }
    return $multi(true as const, undefined);
}

export function deleteBucket(
    client: Client, fn: string, bucket: unknown, opts: unknown
): LuaMultiReturn<[true, undefined] | [undefined, S3Error]> {
    return deleteResource(client, fn, bucketArg(client, fn, bucket), undefined, opts);
}
