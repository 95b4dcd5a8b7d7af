// Server-side copy: CopyObject up to the multipart threshold (and S3's 5 GiB limit), above it a
// multipart upload of UploadPartCopy parts with `concurrency` parts in flight, aborted on any
// failure or cancel so that no parts are left behind. The bytes never leave the server.

import type { NativeRequest } from "s3.native";
import * as fiber from "fiber";
import type { Client } from "./client";
import { MAX_SINGLE_PUT } from "./config";
import { deadlineOf, timeLeft } from "./deadline";
import { S3Error, newError } from "./errors";
import { bucketArg, objectInfo, optTypes, requestHeaders } from "./objects";
import { failure, perform, refusedHere } from "./request";
import { CompletedPart, abortUpload, completeUpload, createUpload } from "./uploads";
import { argError, checkKey, checkOpts, uriEncodeKey } from "./util";

export interface CopyInfo {
    size?: number;
    etag?: string;
    last_modified?: string;
    /** Parts of a multipart copy; nil for a single CopyObject. */
    parts?: number;
}

const COPY_OPTS = optTypes(
    "timeout", "nonnegative", "headers", "table", "content_type", "string", "metadata", "table",
    "part_size", "integer", "concurrency", "integer", "multipart_threshold", "integer"
);

const MiB = 1024 * 1024;
/** S3's limits for parts: 5 MiB to 5 GiB, at most 10,000 of them. */
const MIN_PART = 5 * MiB;
const MAX_PART = MAX_SINGLE_PUT;
const MAX_PARTS = 10000;

/** ETags as HEAD and listings give them, in quotes (Ceph RGW's CopyObjectResult has none). */
function quotedEtag(etag: string | undefined): string | undefined {
    if (etag === undefined || etag === "" || string.sub(etag, 1, 1) === '"') {
        return etag;
    }
    return `"${etag}"`;
}

/** x-amz-copy-source: bucket/key, the key encoded the AWS way with '/' kept. */
function copySource(b: string, k: string): string {
    return `${b}/${uriEncodeKey(k)}`;
}

interface Plan {
    client: Client;
    srcBucket: string;
    srcKey: string;
    bucket: string;
    key: string;
    size: number;
    etag?: string;
    partSize: number;
    parts: number;
    uploadId: string;
    deadline?: number;
    /** The next part number to take, 1-based. */
    next: number;
    done: CompletedPart[];
    err?: S3Error;
    running: number;
    cond: fiber.Cond;
}

/** One UploadPartCopy. */
function copyPart(plan: Plan, n: number): S3Error | undefined {
    const first = (n - 1) * plan.partSize;
    const last = math.min(first + plan.partSize, plan.size) - 1;
    const query = new LuaTable<string, string>();
    query.set("partNumber", tostring(n));
    query.set("uploadId", plan.uploadId);
    const headers = new LuaTable<string, string>();
    headers.set("x-amz-copy-source", copySource(plan.srcBucket, plan.srcKey));
    headers.set("x-amz-copy-source-range", `bytes=${string.format("%d", first)}-${string.format("%d", last)}`);
    if (plan.etag !== undefined && plan.etag !== "") {
        // Parts of two versions of the source must never mix.
        headers.set("x-amz-copy-source-if-match", plan.etag);
    }
    const req: NativeRequest = { method: "PUT", bucket: plan.bucket, key: plan.key, query: query, headers: headers,
        timeout: timeLeft(plan.deadline), parse: "copy_part" };
    const [resp, err] = perform(plan.client, req, plan.bucket, plan.key);
    if (resp === undefined) {
        return err;
    }
    const etag = (resp.parsed as { etag?: string }).etag;
    if (etag === undefined || etag === "") {
        return newError("InvalidResponse", `UploadPartCopy of part ${n} answered no ETag`, plan.bucket, plan.key,
            resp.status);
    }
    plan.done[n - 1] = { part_number: n, etag: etag };
    return undefined;
}

/** A worker fiber: takes part numbers until none is left or something failed. */
function worker(this: void, plan: Plan): void {
    while (plan.err === undefined && plan.next <= plan.parts) {
        const n = plan.next;
        plan.next = n + 1;
        const [ok, res] = pcall(copyPart, plan, n);
        if (!ok) {
            plan.err ??= newError("InternalError", `part ${n}: ${tostring(res)}`, plan.bucket, plan.key);
        } else if (res !== undefined) {
            plan.err ??= res;
        }
    }
    plan.running = plan.running - 1;
    plan.cond.broadcast();
}

/** Raises when the waiting fiber is cancelled (cond:wait does in 3.x; 2.6 may just return). */
function waitForWorkers(this: void, cond: fiber.Cond): void {
    cond.wait();
    fiber.testcancel();
}

/** Aborts from a fiber of its own: the caller may be cancelled, where no request can run. */
function abortDetached(this: void, client: Client, b: string, k: string, id: string): void {
    abortUpload(client, b, k, id, undefined, undefined);
}

function multipartCopy(
    plan: Plan, concurrency: number, headers: LuaTable<string, string>
): LuaMultiReturn<[CopyInfo, undefined] | [undefined, S3Error]> {
    const [id, createErr] = createUpload(plan.client, plan.bucket, plan.key, headers, timeLeft(plan.deadline));
    if (id === undefined) {
        return failure(createErr);
    }
    plan.uploadId = id;
    const workers: fiber.Fiber[] = [];
    const n = math.min(concurrency, plan.parts);
    plan.running = n;
    for (let i = 0; i < n; i++) {
        workers.push(fiber.create(worker, plan));
    }
    let cancelled = false;
    while (plan.running > 0) {
        const [ok] = pcall(waitForWorkers, plan.cond);
        if (!ok) {
            cancelled = true;
            break;
        }
    }
    if (cancelled) {
        // Stop the parts in flight (their requests end at once) and drop the upload.
        plan.err ??= newError("Cancelled", "the fiber was cancelled during a multipart copy", plan.bucket, plan.key);
        for (const w of workers) {
            if (w.status() !== "dead") {
                pcall(() => w.cancel());
            }
        }
        fiber.create(abortDetached, plan.client, plan.bucket, plan.key, id);
        return failure(plan.err);
    }
    if (plan.err !== undefined) {
        abortUpload(plan.client, plan.bucket, plan.key, id, undefined, undefined);
        return failure(plan.err);
    }
    const [etag, completeErr] = completeUpload(plan.client, plan.bucket, plan.key, id, plan.done,
        timeLeft(plan.deadline));
    if (etag === undefined) {
        abortUpload(plan.client, plan.bucket, plan.key, id, undefined, undefined);
        return failure(completeErr);
    }
    return $multi({ size: plan.size, etag: etag !== "" ? etag : undefined, parts: plan.parts }, undefined);
}

export function copyObject(
    client: Client, fn: string, srcBucket: unknown, srcKey: unknown, bucket: unknown, key: unknown, opts: unknown
): LuaMultiReturn<[true, CopyInfo] | [undefined, S3Error]> {
    const sb = bucketArg(client, fn, srcBucket);
    const sk = checkKey(fn, srcKey);
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const o = checkOpts(fn, opts, COPY_OPTS);
    // content_type or metadata replace the source's metadata; without them it is copied.
    const replace = o.get("content_type") !== undefined || o.get("metadata") !== undefined;
    const given = requestHeaders(fn, o);
    const cfg = client._cfg;
    const threshold = (o.get("multipart_threshold") as number | undefined) ?? cfg.multipart_threshold;
    let partSize = (o.get("part_size") as number | undefined) ?? cfg.part_size;
    const concurrency = (o.get("concurrency") as number | undefined) ?? cfg.concurrency;
    if (partSize < MIN_PART || partSize > MAX_PART) {
        return argError(`${fn}: opts.part_size must be ${MIN_PART}-${MAX_PART} bytes, got ${partSize}`);
    }
    if (threshold < 0) {
        return argError(`${fn}: opts.multipart_threshold must be >= 0, got ${threshold}`);
    }
    if (concurrency < 1) {
        return argError(`${fn}: opts.concurrency must be at least 1, got ${concurrency}`);
    }
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }
    const deadline = deadlineOf(o.get("timeout") as number | undefined, cfg.timeout);

    // The size decides between one CopyObject and a multipart copy. A source we cannot HEAD
    // (missing, no access) goes to CopyObject, whose answer names the exact cause
    // (NoSuchKey or NoSuchBucket, AccessDenied) where HEAD has only a status.
    const [head, headErr] = perform(client, { method: "HEAD", bucket: sb, key: sk, timeout: timeLeft(deadline) },
        sb, sk);
    if (head === undefined && headErr.status !== 404 && headErr.status !== 403) {
        return failure(headErr);
    }
    const src = head !== undefined ? objectInfo(head) : undefined;
    const size = src?.size;
    if (src === undefined || size === undefined || (size <= threshold && size <= MAX_SINGLE_PUT)) {
        const headers = new LuaTable<string, string>();
        for (const [name, v] of pairs(given)) {
            headers.set(name, v);
        }
        headers.set("x-amz-copy-source", copySource(sb, sk));
        headers.set("x-amz-metadata-directive", replace ? "REPLACE" : "COPY");
        const [resp, err] = perform(client, { method: "PUT", bucket: b, key: k, headers: headers,
            timeout: timeLeft(deadline), parse: "copy_object" }, b, k);
        if (resp === undefined) {
            return failure(err);
        }
        const parsed = resp.parsed as { etag?: string; last_modified?: string };
        return $multi(true as const, { size: size, etag: quotedEtag(parsed.etag), last_modified: parsed.last_modified });
    }

    // A multipart upload copies nothing of the source's metadata: send it, unless replaced.
    const headers = new LuaTable<string, string>();
    for (const [name, v] of pairs(given)) {
        headers.set(name, v);
    }
    if (!replace) {
        if (src.content_type !== undefined) {
            headers.set("content-type", src.content_type);
        }
        for (const [name, v] of pairs(src.metadata)) {
            headers.set(`x-amz-meta-${name}`, v);
        }
    }
    if (math.ceil(size / partSize) > MAX_PARTS) {
        // Whole MiB, so that the part count stays under the limit after rounding.
        partSize = math.ceil(size / MAX_PARTS / MiB) * MiB;
    }
    const plan: Plan = {
        client: client, srcBucket: sb, srcKey: sk, bucket: b, key: k, size: size, etag: src.etag,
        partSize: partSize, parts: math.ceil(size / partSize), uploadId: "", deadline: deadline, next: 1,
        done: [], running: 0, cond: fiber.cond(),
    };
    const [info, err] = multipartCopy(plan, concurrency, headers);
    if (info === undefined) {
        return failure(err);
    }
    if (info.etag === undefined) {
        // Ceph RGW answers CompleteMultipartUpload with an empty ETag; HEAD has the right one.
        const [h] = perform(client, { method: "HEAD", bucket: b, key: k, timeout: timeLeft(deadline) }, b, k);
        if (h !== undefined) {
            const dst = objectInfo(h);
            info.etag = dst.etag;
            info.last_modified = dst.last_modified;
        }
    }
    return $multi(true as const, info);
}
