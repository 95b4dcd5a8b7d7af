// Server-side copy: CopyObject up to the multipart threshold (and S3's 5 GiB limit), above it a
// multipart upload of UploadPartCopy parts with `concurrency` parts in flight, aborted on any
// failure or cancel so that no parts are left behind. The bytes never leave the server.

import type { NativeRequest } from "s3.native";
import type { Client } from "./client";
import { MAX_SINGLE_PUT } from "./config";
import { deadlineOf, timeLeft } from "./deadline";
import { S3Error, newError } from "./errors";
import { bucketArg, objectInfo, optTypes, requestHeaders, versionQuery } from "./objects";
import { failure, perform, refusedHere } from "./request";
import { PartFn, Progress, partSizeFor, runParts } from "./parts";
import { abortDetached } from "./upload";
import { CompletedPart, completeUpload, createUpload } from "./multipart";
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
    "part_size", "integer", "concurrency", "integer", "multipart_threshold", "integer", "version_id", "string"
);

const MiB = 1024 * 1024;
/** S3's limits for parts: 5 MiB to 5 GiB, at most 10,000 of them. */
const MIN_PART = 5 * MiB;
const MAX_PART = MAX_SINGLE_PUT;

/** ETags as HEAD and listings give them, in quotes (Ceph RGW's CopyObjectResult has none). */
function quotedEtag(etag: string | undefined): string | undefined {
    if (etag === undefined || etag === "" || string.sub(etag, 1, 1) === '"') {
        return etag;
    }
    return `"${etag}"`;
}

/** x-amz-copy-source: bucket/key, the key encoded the AWS way with '/' kept, and the version. */
function copySource(b: string, k: string, version: string | undefined): string {
    const source = `${b}/${uriEncodeKey(k)}`;
    return version !== undefined ? `${source}?versionId=${uriEncodeKey(version)}` : source;
}

interface Plan {
    client: Client;
    srcBucket: string;
    srcVersion?: string;
    srcKey: string;
    bucket: string;
    key: string;
    size: number;
    etag?: string;
    partSize: number;
    parts: number;
    uploadId: string;
    deadline?: number;
    done: CompletedPart[];
}

/** One UploadPartCopy. */
function copyPart(plan: Plan, n: number): S3Error | undefined {
    const first = (n - 1) * plan.partSize;
    const last = math.min(first + plan.partSize, plan.size) - 1;
    const query = new LuaTable<string, string>();
    query.set("partNumber", tostring(n));
    query.set("uploadId", plan.uploadId);
    const headers = new LuaTable<string, string>();
    headers.set("x-amz-copy-source", copySource(plan.srcBucket, plan.srcKey, plan.srcVersion));
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

function multipartCopy(
    plan: Plan, concurrency: number, headers: LuaTable<string, string>
): LuaMultiReturn<[CopyInfo, undefined] | [undefined, S3Error]> {
    const [id, createErr] = createUpload(plan.client, plan.bucket, plan.key, headers, timeLeft(plan.deadline));
    if (id === undefined) {
        return failure(createErr);
    }
    plan.uploadId = id;
    // The engine's pool: the first failure stops the rest; a cancel stops the parts in flight.
    const work: PartFn = (n: number) => copyPart(plan, n);
    const [ran, failed] = pcall(() => runParts(plan.parts, concurrency, work,
        new Progress(undefined, plan.size, undefined), plan.bucket, plan.key));
    if (!ran || failed !== undefined) {
        abortDetached(plan.client, plan.bucket, plan.key, id);
        if (!ran) {
            return error(failed, 0);
        }
        return failure(failed as S3Error);
    }
    const [etag, completeErr] = completeUpload(plan.client, plan.bucket, plan.key, id, plan.done,
        timeLeft(plan.deadline));
    if (etag === undefined) {
        abortDetached(plan.client, plan.bucket, plan.key, id);
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
    // The source's version (versionId on its HEAD and in x-amz-copy-source).
    const versionQ = versionQuery(fn, o);
    const version = versionQ !== undefined ? versionQ.get("versionId") : undefined;
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
    const [head, headErr] = perform(client, { method: "HEAD", bucket: sb, key: sk, query: versionQ,
        timeout: timeLeft(deadline) },
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
        headers.set("x-amz-copy-source", copySource(sb, sk, version));
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
    const grown = partSizeFor(size, partSize);
    if (grown === undefined) {
        return failure(newError("EntityTooLarge", `${size} bytes is more than an S3 object holds (5 TiB)`, b, k));
    }
    partSize = grown;
    const plan: Plan = {
        client: client, srcBucket: sb, srcVersion: version, srcKey: sk, bucket: b, key: k, size: size, etag: src.etag,
        partSize: partSize, parts: math.ceil(size / partSize), uploadId: "", deadline: deadline, done: [],
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
