// Multipart upload of a file: CreateMultipartUpload, `concurrency` parts in flight, each streamed
// from the file by pread at its offset and carrying its Content-MD5 (computed in a worker
// thread), CompleteMultipartUpload; any failure, cancel or raise aborts the upload, so that no
// orphaned parts stay behind and the object is either the old one or the complete new one.

import * as digest from "digest";
import * as fiber from "fiber";
import * as log from "log";
import * as native from "s3.native";
import type { NativeResponse } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { PartFn, Progress, ProgressFn, partSizeFor, runParts } from "./parts";
import { timeLeft } from "./deadline";
import { CompletedPart, abortUpload, completeUpload, createUpload, splitConditions, uploadPart } from "./multipart";

/** Seconds an abort may take, whatever is left of the call's deadline. */
const ABORT_TIMEOUT = 60;

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
    parts: CompletedPart[];
    deadline?: number;
    progress: Progress;
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

function sendFilePart(this: void, up: Upload, index: number): S3Error | undefined {
    const offset = (index - 1) * up.partSize;
    const size = math.min(up.partSize, up.size - offset);
    const [md5, md5Err] = contentMd5(up.fd, up.base + offset, size, up.bucket, up.key);
    if (md5 === undefined) {
        return md5Err;
    }
    const [etag, err] = uploadPart(up.client, up.bucket, up.key, up.uploadId, index,
        { body_fd: up.fd, body_offset: up.base + offset, body_size: size }, md5, up.progress.counter,
        timeLeft(up.deadline));
    if (etag === undefined) {
        return err;
    }
    up.parts[index - 1] = { part_number: index, etag: etag };
    return undefined;
}

/**
 * Aborts the upload from a fiber of its own: the calling fiber may be cancelled, and a cancelled
 * fiber's requests end at once. Waits for it unless the caller is cancelled, so that by the time
 * a failed call returns, the upload is gone.
 */
export function abortDetached(client: Client, bucket: string, key: string, uploadId: string): void {
    const state = { done: false, cond: fiber.cond() };
    fiber.create_later((): void => {
        const err = abortUpload(client, bucket, key, uploadId, undefined, ABORT_TIMEOUT);
        if (err !== undefined && err.code !== "NoSuchUpload") {
            log.warn("s3: could not abort multipart upload %s of %s/%s: %s", uploadId, bucket, key, tostring(err));
        }
        state.done = true;
        state.cond.signal();
    });
    while (!state.done) {
        const [waited] = pcall(() => {
            state.cond.wait(1);
            fiber.testcancel();
        });
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
    const [createHeaders, conditions] = splitConditions(o.headers);
    const [uploadId, createErr] = createUpload(client, bucket, key, createHeaders, timeLeft(o.deadline));
    if (uploadId === undefined) {
        return $multi(undefined, createErr);
    }
    const count = math.max(1, math.ceil(size / partSize));
    const up: Upload = {
        base: o.offset ?? 0, client: client, bucket: bucket, key: key, uploadId: uploadId, fd: fd, size: size, partSize: partSize,
        parts: [], deadline: o.deadline, progress: new Progress(o.onProgress, size, native.counter()),
    };
    const work: PartFn = (index: number) => sendFilePart(up, index);
    const [ran, failed] = pcall(() => runParts(count, o.concurrency, work, up.progress, bucket, key));
    let failure: S3Error | undefined = ran ? failed : undefined;
    if (ran && failure === undefined && o.currentSize() !== size) {
        failure = newError("IOError", `the file changed size during the upload (was ${size} bytes)`, bucket, key);
    }
    if (!ran || failure !== undefined) {
        abortDetached(client, bucket, key, uploadId);
        if (!ran) {
            return error(failed, 0);
        }
        return $multi(undefined, failure as S3Error);
    }
    const [etag, doneErr] = completeUpload(client, bucket, key, uploadId, up.parts, timeLeft(o.deadline), conditions);
    if (etag === undefined) {
        abortDetached(client, bucket, key, uploadId);
        return $multi(undefined, doneErr);
    }
    const [reportedOk, reportErr] = pcall(() => up.progress.report(true));
    if (!reportedOk) {
        return error(reportErr, 0);
    }
    return $multi(completedResponse(etag), undefined);
}

/**
 * What a completed multipart upload answers, shaped as a single PUT's answer (the ETag is the
 * one header the callers read). RGW answers an empty <ETag/>: HEAD has the right one then.
 */
export function completedResponse(etag: string): NativeResponse {
    const headers = new LuaTable<string, string>();
    if (etag !== "") {
        headers.set("etag", etag);
    }
    return { status: 200, headers: headers, bytes: 0 };
}
