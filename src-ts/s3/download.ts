// Parallel ranged download into a file: the first range tells the size and the ETag, the rest is
// fetched `concurrency` ranges at a time with If-Match on that ETag (parts of two versions never
// mix), each written at its offset (pwrite in C) and retried alone.

import * as native from "s3.native";
import type { NativeResponse } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { PartFn, Progress, ProgressFn, runParts } from "./parts";
import { perform } from "./request";
import { timeLeft } from "./deadline";

export interface DownloadOptions {
    headers: LuaTable<string, string>;
    /** Objects up to this size come in one request. */
    threshold: number;
    partSize: number;
    concurrency: number;
    deadline?: number;
    onProgress?: ProgressFn;
    /** Before a repeated first request: start the file over. */
    restart: (this: void) => S3Error | undefined;
    /** Where in fd the object's first byte goes (the C API's opts->offset); 0 by default. */
    offset?: number;
    /** Query parameters of every request (versionId). */
    query?: LuaTable<string, string>;
}

interface Ranges {
    base: number;
    client: Client;
    bucket: string;
    key: string;
    fd: number;
    etag: string;
    first: number;
    total: number;
    partSize: number;
    headers: LuaTable<string, string>;
    query?: LuaTable<string, string>;
    deadline?: number;
    progress: Progress;
}

function copyHeaders(h: LuaTable<string, string>): LuaTable<string, string> {
    const out = new LuaTable<string, string>();
    for (const [k, v] of pairs(h)) {
        out.set(k, v);
    }
    return out;
}

/** "bytes 0-99/1234" -> 1234 */
function totalOf(contentRange: string | undefined): number | undefined {
    if (contentRange === undefined) {
        return undefined;
    }
    const [total] = string.match(contentRange, "/(%d+)%s*$");
    return total !== undefined ? tonumber(total) : undefined;
}

function fetchRange(this: void, r: Ranges, index: number): S3Error | undefined {
    const offset = r.first + (index - 1) * r.partSize;
    const last = math.min(offset + r.partSize, r.total) - 1;
    const headers = copyHeaders(r.headers);
    headers.set("range", `bytes=${offset}-${last}`);
    headers.set("if-match", r.etag);
    const [resp, err] = perform(r.client, {
        method: "GET", bucket: r.bucket, key: r.key, headers: headers, query: r.query, sink_fd: r.fd,
        sink_offset: r.base + offset,
        progress: r.progress.counter, timeout: timeLeft(r.deadline),
    }, r.bucket, r.key);
    if (resp === undefined) {
        if (err.code === "PreconditionFailed") {
            return newError("PreconditionFailed",
                `the object changed during the download (its ETag is no longer ${r.etag})`,
                r.bucket, r.key, err.status, err.request_id);
        }
        return err;
    }
    if (resp.bytes !== last - offset + 1) {
        return newError("IOError", `range ${offset}-${last} came with ${resp.bytes} bytes`, r.bucket, r.key);
    }
    return undefined;
}

/**
 * Fetches the object into fd (from offset 0). Returns the first response, with the object's
 * size as `bytes` and without its Content-Range.
 */
export function downloadToFd(
    client: Client, bucket: string, key: string, fd: number, o: DownloadOptions,
): LuaMultiReturn<[NativeResponse, undefined] | [undefined, S3Error]> {
    const base = o.offset ?? 0;
    const headers = copyHeaders(o.headers);
    headers.set("range", `bytes=0-${o.threshold - 1}`);
    const [first, firstErr] = perform(client, {
        method: "GET", bucket: bucket, key: key, headers: headers, query: o.query, sink_fd: fd, sink_offset: base,
        timeout: timeLeft(o.deadline),
    }, bucket, key, o.restart);
    if (first === undefined) {
        if (firstErr.code !== "InvalidRange") {
            return $multi(undefined, firstErr);
        }
        // An empty object has no byte 0: ask for it whole.
        const [whole, wholeErr] = perform(client, { method: "GET", bucket: bucket, key: key, headers: o.headers,
            query: o.query,
            sink_fd: fd, sink_offset: base, timeout: timeLeft(o.deadline) }, bucket, key, o.restart);
        if (whole !== undefined && o.onProgress !== undefined) {
            o.onProgress(whole.bytes, whole.bytes);
        }
        if (whole === undefined) {
            return $multi(undefined, wholeErr);
        }
        return $multi(whole, undefined);
    }
    const total = first.status === 206 ? totalOf(first.headers.get("content-range")) : first.bytes;
    if (total === undefined) {
        return $multi(undefined, newError("InternalError", "a ranged answer without the object's size", bucket, key));
    }
    first.headers.delete("content-range");
    const etag = first.headers.get("etag");
    if (total > first.bytes) {
        if (etag === undefined || etag === "") {
            return $multi(undefined, newError("InternalError", "the object has no ETag to fetch its ranges by",
                bucket, key));
        }
        const r: Ranges = {
            base: base, client: client, bucket: bucket, key: key, fd: fd, etag: etag, first: first.bytes, total: total,
            partSize: o.partSize, headers: o.headers, query: o.query, deadline: o.deadline,
            progress: new Progress(o.onProgress, total, native.counter(), first.bytes),
        };
        const [reportedOk, reportErr] = pcall(() => r.progress.report(true));
        if (!reportedOk) {
            return error(reportErr, 0);
        }
        const count = math.ceil((total - first.bytes) / o.partSize);
        const work: PartFn = (index: number) => fetchRange(r, index);
        const failed = runParts(count, o.concurrency, work, r.progress, bucket, key);
        if (failed !== undefined) {
            return $multi(undefined, failed);
        }
    }
    first.bytes = total;
    if (o.onProgress !== undefined) {
        o.onProgress(total, total);
    }
    return $multi(first, undefined);
}
