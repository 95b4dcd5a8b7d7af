// Multipart upload of a file: CreateMultipartUpload, `concurrency` parts in flight, each streamed
// from the file by pread at its offset and carrying its Content-MD5 (computed in a worker
// thread), CompleteMultipartUpload; any failure, cancel or raise aborts the upload, so that no
// orphaned parts stay behind and the object is either the old one or the complete new one.

import * as clock from "clock";
import * as digest from "digest";
import * as fiber from "fiber";
import * as log from "log";
import * as native from "s3.native";
import type { NativeRequest, NativeResponse } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { PartFn, Progress, ProgressFn, partSizeFor, runParts } from "./parts";
import { perform } from "./request";

/** S3's largest object. */
const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024 * 1024;

/** An upload under way: what its parts need to know. */
interface Upload {
    base: number;
    client: Client;
    bucket: string;
    key: string;
    uploadId: string;
    fd: number;
    size: number;
    partSize: number;
    etags: string[];
    deadline?: number;
    progress: Progress;
}

/** The deadline of a call that took `timeout` (the call's, else the client's when > 0). */
export function callDeadline(client: Client, timeout: number | undefined): number | undefined {
    const budget = timeout ?? (client._cfg.timeout > 0 ? client._cfg.timeout : undefined);
    return budget !== undefined ? clock.monotonic() + budget : undefined;
}

/** What is left of the call's deadline, for the next request (undefined: no deadline). */
export function timeLeft(deadline: number | undefined): number | undefined {
    if (deadline === undefined) {
        return undefined;
    }
    return math.max(0, deadline - clock.monotonic());
}

/** Base64 of the MD5 of a range of fd, off the event loop; an IOError when it cannot be read. */
export function contentMd5(fd: number, offset: number, size: number, bucket: string, key: string):
    LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
    const [md5, why] = native.md5_fd(fd, offset, size);
    if (md5 === undefined) {
        return $multi(undefined, newError("IOError", `cannot read the file to hash it: ${why}`, bucket, key));
    }
    return $multi(digest.base64_encode(md5, { nowrap: true }), undefined);
}

function xmlEscape(s: string): string {
    const [escaped] = string.gsub(s, "[&<>]", { "&": "&amp;", "<": "&lt;", ">": "&gt;" });
    return escaped;
}

function uploadPart(this: void, up: Upload, index: number): S3Error | undefined {
    const offset = (index - 1) * up.partSize;
    const size = math.min(up.partSize, up.size - offset);
    const [md5, md5Err] = contentMd5(up.fd, up.base + offset, size, up.bucket, up.key);
    if (md5 === undefined) {
        return md5Err;
    }
    const query = new LuaTable<string, string>();
    query.set("partNumber", tostring(index));
    query.set("uploadId", up.uploadId);
    const headers = new LuaTable<string, string>();
    headers.set("content-md5", md5);
    const [resp, err] = perform(up.client, {
        method: "PUT", bucket: up.bucket, key: up.key, query: query, headers: headers,
        body_fd: up.fd, body_offset: up.base + offset, body_size: size,
        progress: up.progress.counter, timeout: timeLeft(up.deadline),
    }, up.bucket, up.key);
    if (resp === undefined) {
        return err;
    }
    const etag = resp.headers.get("etag");
    if (etag === undefined || etag === "") {
        return newError("InternalError", `the server gave part ${index} no ETag`, up.bucket, up.key);
    }
    up.etags[index - 1] = etag;
    return undefined;
}

/**
 * Aborts the upload, from a fiber of its own: the calling fiber may be cancelled, and a
 * cancelled fiber's requests end at once. Waits for it unless the caller is cancelled.
 */
export function abortUpload(client: Client, bucket: string, key: string, uploadId: string): void {
    const query = new LuaTable<string, string>();
    query.set("uploadId", uploadId);
    const state = { done: false, cond: fiber.cond() };
    fiber.create_later((): void => {
        const [resp, err] = perform(client, { method: "DELETE", bucket: bucket, key: key, query: query, timeout: 60 },
            bucket, key);
        if (resp === undefined && err.code !== "NoSuchUpload") {
            log.warn("s3: could not abort multipart upload %s of %s/%s: %s", uploadId, bucket, key, tostring(err));
        }
        state.done = true;
        state.cond.signal();
    });
    while (!state.done) {
        const [waited] = pcall(() => state.cond.wait(1));
        if (!waited) {
            return; // cancelled: the abort goes on without us
        }
    }
}

export interface MultipartOptions {
    headers: LuaTable<string, string>;
    partSize: number;
    concurrency: number;
    deadline?: number;
    onProgress?: ProgressFn;
    /** Returns the file's size now; a change during the upload fails it. */
    currentSize: (this: void) => number | undefined;
    /** Where in fd the object's first byte is (the C API's opts->offset); 0 by default. */
    offset?: number;
}

/** Uploads size bytes of fd as one object in parts. */
export function uploadMultipart(
    client: Client, bucket: string, key: string, fd: number, size: number, o: MultipartOptions,
): LuaMultiReturn<[NativeResponse, undefined] | [undefined, S3Error]> {
    const partSize = partSizeFor(size, o.partSize);
    if (partSize === undefined || size > MAX_OBJECT_SIZE) {
        return $multi(undefined, newError("EntityTooLarge",
            `${size} bytes is more than an S3 object holds (5 TiB)`, bucket, key));
    }
    const [uploadId, createErr] = createUpload(client, bucket, key, o.headers, o.deadline);
    if (uploadId === undefined) {
        return $multi(undefined, createErr);
    }
    const count = math.max(1, math.ceil(size / partSize));
    const up: Upload = {
        base: o.offset ?? 0, client: client, bucket: bucket, key: key, uploadId: uploadId, fd: fd, size: size, partSize: partSize,
        etags: [], deadline: o.deadline, progress: new Progress(o.onProgress, size, native.counter()),
    };
    const work: PartFn = (index: number) => uploadPart(up, index);
    const [ran, failed] = pcall(() => runParts(count, o.concurrency, work, up.progress, bucket, key));
    let failure: S3Error | undefined = ran ? failed : undefined;
    if (ran && failure === undefined && o.currentSize() !== size) {
        failure = newError("IOError", `the file changed size during the upload (was ${size} bytes)`, bucket, key);
    }
    if (!ran || failure !== undefined) {
        abortUpload(client, bucket, key, uploadId);
        if (!ran) {
            return error(failed, 0);
        }
        return $multi(undefined, failure as S3Error);
    }
    const [done, doneErr] = completeUpload(client, bucket, key, uploadId, up.etags, o.deadline);
    if (done === undefined) {
        return $multi(undefined, doneErr);
    }
    const [reportedOk, reportErr] = pcall(() => up.progress.report(true));
    if (!reportedOk) {
        return error(reportErr, 0);
    }
    return $multi(done, undefined);
}

/** CreateMultipartUpload: the upload id, or why there is none. */
export function createUpload(
    client: Client, bucket: string, key: string, headers: LuaTable<string, string>, deadline: number | undefined,
): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
    const query = new LuaTable<string, string>();
    query.set("uploads", "");
    const [created, createErr] = perform(client, {
        method: "POST", bucket: bucket, key: key, query: query, headers: headers, timeout: timeLeft(deadline),
    }, bucket, key);
    if (created === undefined) {
        return $multi(undefined, createErr);
    }
    const [uploadId] = native.xml_text(created.body ?? "", "UploadId");
    if (uploadId === undefined || uploadId === "") {
        return $multi(undefined, newError("InternalError", "CreateMultipartUpload answered no UploadId", bucket, key));
    }
    return $multi(uploadId, undefined);
}

/**
 * CompleteMultipartUpload with the parts' ETags (etags[i] is part i + 1); a 200 carrying an
 * <Error> is an error. On failure the upload is aborted.
 */
export function completeUpload(
    client: Client, bucket: string, key: string, uploadId: string, etags: string[], deadline: number | undefined,
): LuaMultiReturn<[NativeResponse, undefined] | [undefined, S3Error]> {
    const parts: string[] = ["<CompleteMultipartUpload>"];
    for (let i = 0; i < etags.length; i++) {
        parts.push(`<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etags[i])}</ETag></Part>`);
    }
    parts.push("</CompleteMultipartUpload>");
    const query = new LuaTable<string, string>();
    query.set("uploadId", uploadId);
    const headers = new LuaTable<string, string>();
    headers.set("content-type", "application/xml");
    const req: NativeRequest = {
        method: "POST", bucket: bucket, key: key, query: query, headers: headers,
        body: parts.join(""), error_in_body: true, timeout: timeLeft(deadline),
    };
    const [done, doneErr] = perform(client, req, bucket, key);
    if (done === undefined) {
        abortUpload(client, bucket, key, uploadId);
        return $multi(undefined, doneErr);
    }
    // RGW answers an empty <ETag/>: HEAD has the right one, the caller may ask for it.
    const [etag] = native.xml_text(done.body ?? "", "ETag");
    if (etag !== undefined && etag !== "") {
        done.headers.set("etag", etag);
    }
    return $multi(done, undefined);
}
