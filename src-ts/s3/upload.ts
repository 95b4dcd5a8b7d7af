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
import { CLEANUP_TIMEOUT, CompletedPart, abortUpload, completeUpload, createUpload, splitConditions, uploadPart } from "./multipart";

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

/** Fibers computing Content-MD5s ahead: the coio workers (and both cores) hash in parallel. */
const DIGEST_FIBERS = 2;

/**
 * The Content-MD5s of a file's parts, computed ahead of the parts that send them, at most
 * `ahead` parts beyond the last one taken. Parts that start together (all of a round behind a
 * per-connection cap end together) would otherwise all hash first with their connections idle.
 */
class DigestsAhead {
    private readonly md5 = new LuaTable<number, string>();
    private readonly failed = new LuaTable<number, S3Error>();
    private next = 1;
    private taken = 0;
    private running = 0;
    private stopped = false;
    private readonly cond = fiber.cond();

    constructor(private readonly up: Upload, private readonly count: number, private readonly ahead: number) {
        const n = math.min(DIGEST_FIBERS, count);
        for (let i = 0; i < n; i++) {
            this.running = this.running + 1;
            fiber.create_later(() => this.hashLoop());
        }
    }

    private hashLoop(): void {
        // A raise (a cancel in a wait) only ends this fiber; take() then hashes on its own.
        pcall(() => {
            while (!this.stopped && this.next <= this.count) {
                if (this.next > this.taken + this.ahead) {
                    this.cond.wait(1);
                    continue;
                }
                const index = this.next;
                this.next = index + 1;
                const up = this.up;
                const offset = (index - 1) * up.partSize;
                const size = math.min(up.partSize, up.size - offset);
                const [md5, err] = contentMd5(up.fd, up.base + offset, size, up.bucket, up.key);
                if (md5 !== undefined) {
                    this.md5.set(index, md5);
                } else {
                    this.failed.set(index, err);
                }
                this.cond.broadcast();
            }
        });
        this.running = this.running - 1;
        this.cond.broadcast();
    }

    /** The Content-MD5 of part `index`, waiting for it (or hashing it here if no fiber will). */
    take(index: number): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
        if (index > this.taken) {
            this.taken = index;
            this.cond.broadcast();
        }
        // The hashing fibers go in order and never skip one; only when they are gone is it ours.
        while (this.md5.get(index) === undefined && this.failed.get(index) === undefined && this.running > 0) {
            const [waited] = pcall(() => {
                this.cond.wait(0.1);
                fiber.testcancel();
            });
            if (!waited) {
                return $multi(undefined, newError("Cancelled", "the fiber was cancelled", this.up.bucket, this.up.key));
            }
        }
        const md5 = this.md5.get(index);
        this.md5.delete(index);
        if (md5 !== undefined) {
            return $multi(md5, undefined);
        }
        const err = this.failed.get(index);
        if (err !== undefined) {
            return $multi(undefined, err);
        }
        const offset = (index - 1) * this.up.partSize;
        return contentMd5(this.up.fd, this.up.base + offset, math.min(this.up.partSize, this.up.size - offset),
            this.up.bucket, this.up.key);
    }

    /** Stops the hashing and waits for its fibers (a hash in a worker ends within a moment). */
    stop(): void {
        this.stopped = true;
        this.cond.broadcast();
        while (this.running > 0) {
            pcall(fiber.sleep, 0.005);
        }
    }
}

function sendFilePart(this: void, up: Upload, digests: DigestsAhead, index: number): S3Error | undefined {
    const offset = (index - 1) * up.partSize;
    const size = math.min(up.partSize, up.size - offset);
    const [md5, md5Err] = digests.take(index);
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
        const err = abortUpload(client, bucket, key, uploadId, undefined, CLEANUP_TIMEOUT);
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
    const digests = new DigestsAhead(up, count, o.concurrency);
    const work: PartFn = (index: number) => sendFilePart(up, digests, index);
    const [ran, failed] = pcall(() => runParts(count, o.concurrency, work, up.progress, bucket, key));
    digests.stop();
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
    // The last report comes before the object is made, so that a raise in it still leaves none.
    const [reportedOk, reportErr] = pcall(() => up.progress.report(true));
    if (!reportedOk) {
        abortDetached(client, bucket, key, uploadId);
        return error(reportErr, 0);
    }
    const [etag, doneErr] = completeUpload(client, bucket, key, uploadId, up.parts, timeLeft(o.deadline), conditions);
    if (etag === undefined) {
        abortDetached(client, bucket, key, uploadId);
        return $multi(undefined, doneErr);
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
