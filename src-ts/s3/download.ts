// Parallel ranged download into a file: the object is cut into ranges of part_size. The first
// range's request goes out alone; the moment its answer's headers tell the size and the ETag
// (native.response_probe, before the body), the other ranges start, `concurrency` in flight in
// all, each with If-Match on that ETag (parts of two versions never mix), written at its offset
// by a coio worker and retried alone. The first range's own retries carry If-Match from then on.

import * as native from "s3.native";
import type { NativeResponse } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { PartFn, PoolGrowth, Progress, ProgressFn, runParts } from "./parts";
import { perform } from "./request";
import { timeLeft } from "./deadline";

export interface DownloadOptions {
    headers: LuaTable<string, string>;
    /** The size of every range; an object up to this size comes in one request. */
    partSize: number;
    concurrency: number;
    deadline?: number;
    onProgress?: ProgressFn;
    /** Before a repeated first request, while no other range was started: start the file over. */
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

function changedError(r: Ranges, err: S3Error): S3Error {
    return newError("PreconditionFailed", `the object changed during the download (its ETag is no longer ${r.etag})`,
        r.bucket, r.key, err.status, err.request_id);
}

/** Range `index` (2..n; the first one is the opening request) into its place in the file. */
function fetchRange(this: void, r: Ranges, index: number): S3Error | undefined {
    const offset = (index - 1) * r.partSize;
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
        return err.code === "PreconditionFailed" ? changedError(r, err) : err;
    }
    if (resp.bytes !== last - offset + 1) {
        return newError("IOError", `range ${offset}-${last} came with ${resp.bytes} bytes`, r.bucket, r.key);
    }
    return undefined;
}

/** Progress of a download is reported only once its size is known. */
function sizedOnly(fn: ProgressFn | undefined): ProgressFn | undefined {
    if (fn === undefined) {
        return undefined;
    }
    return (done: number, total: number | undefined) => {
        if (total !== undefined) {
            fn(done, total);
        }
    };
}

/**
 * Fetches the object into fd (from offset o.offset on). Returns the first response, with the
 * object's size as `bytes` and without its Content-Range.
 */
export function downloadToFd(
    client: Client, bucket: string, key: string, fd: number, o: DownloadOptions,
): LuaMultiReturn<[NativeResponse, undefined] | [undefined, S3Error]> {
    const base = o.offset ?? 0;
    const probe = native.response_probe();
    const firstHeaders = copyHeaders(o.headers);
    firstHeaders.set("range", `bytes=0-${o.partSize - 1}`);
    const progress = new Progress(sizedOnly(o.onProgress), undefined, native.counter());
    const r: Ranges = {
        base: base, client: client, bucket: bucket, key: key, fd: fd, etag: "", total: -1, partSize: o.partSize,
        headers: o.headers, query: o.query, deadline: o.deadline, progress: progress,
    };
    let first: NativeResponse | undefined;
    let firstOver = false;
    let failure: S3Error | undefined;
    let seen = 0;

    // Only while nothing else writes to the file may a repeated first request start it over.
    const restart = (): S3Error | undefined => (r.total < 0 ? o.restart() : undefined);
    const fetchFirst = (): S3Error | undefined => {
        const [resp, err] = perform(client, {
            method: "GET", bucket: bucket, key: key, headers: firstHeaders, query: o.query, sink_fd: fd,
            sink_offset: base, progress: progress.counter, headers_probe: probe, timeout: timeLeft(o.deadline),
        }, bucket, key, restart);
        firstOver = true;
        probe.wake();
        if (resp !== undefined) {
            first = resp;
            return undefined;
        }
        if (err.code === "InvalidRange" && r.total < 0) {
            // An empty object has no byte 0: ask for it whole.
            const [whole, wholeErr] = perform(client, { method: "GET", bucket: bucket, key: key, headers: o.headers,
                query: o.query, sink_fd: fd, sink_offset: base, timeout: timeLeft(o.deadline) }, bucket, key,
            o.restart);
            first = whole;
            return wholeErr;
        }
        return err.code === "PreconditionFailed" && r.total >= 0 ? changedError(r, err) : err;
    };
    const work: PartFn = (index: number) => (index === 1 ? fetchFirst() : fetchRange(r, index));

    // How many ranges there are, as soon as the first answer's headers say.
    const growth: PoolGrowth = {
        wait: (timeout: number): number | undefined => {
            const [seq, status, size, etag] = probe.wait(timeout, seen);
            if (seq === undefined) {
                return firstOver ? 1 : undefined;
            }
            seen = seq;
            if (status === 200 && size !== undefined && size >= 0) {
                // The server sent the whole object (it ignores Range): one request.
                r.total = size;
                progress.setTotal(size);
                return 1;
            }
            if (status !== 206 || size === undefined || size < 0) {
                // An error answer; the first request may be retried, and its next answer tells.
                return firstOver ? 1 : undefined;
            }
            r.total = size;
            progress.setTotal(size);
            if (size <= o.partSize) {
                return 1;
            }
            if (etag === undefined || etag === "") {
                failure = newError("InternalError", "the object has no ETag to fetch its ranges by", bucket, key);
                return 1;
            }
            r.etag = etag;
            // A retry of the first range must get the same version as the others.
            firstHeaders.set("if-match", etag);
            return math.ceil(size / o.partSize);
        },
    };
    const failed = runParts(1, o.concurrency, work, progress, bucket, key, growth);
    if (failed !== undefined || failure !== undefined || first === undefined) {
        return $multi(undefined, failed ?? failure ?? newError("InternalError", "no answer to the first range",
            bucket, key));
    }
    const response: NativeResponse = first;
    const total = response.status === 206 && r.total >= 0 ? r.total : response.bytes;
    if (response.status === 206 && response.bytes !== math.min(total, o.partSize)) {
        return $multi(undefined, newError("IOError", `the first range came with ${response.bytes} bytes`, bucket, key));
    }
    response.headers.delete("content-range");
    response.bytes = total;
    progress.finish(total);
    return $multi(response, undefined);
}
