// Calls about buckets as a whole: listing the account's buckets, telling whether one exists.

import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { bucketArg, optTypes } from "./objects";
import { failure, perform, refusedHere } from "./request";
import { checkOpts, checkStringMap } from "./util";

export interface BucketEntry {
    name: string;
    creation_date?: string;
}

export interface BucketInfo {
    exists: true;
    /** x-amz-bucket-region, when the store sends it. */
    region?: string;
}

const SIMPLE_OPTS = optTypes("timeout", "nonnegative", "headers", "table");

export function listBuckets(
    client: Client, fn: string, opts: unknown
): LuaMultiReturn<[BucketEntry[], undefined] | [undefined, S3Error]> {
    const o = checkOpts(fn, opts, SIMPLE_OPTS);
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    const refused = refusedHere(fn, "", undefined);
    if (refused !== undefined) {
        refused.bucket = undefined;
        return failure(refused);
    }
    const [resp, err] = perform(client, { method: "GET", headers: headers,
        timeout: o.get("timeout") as number | undefined, parse: "list_buckets" }, undefined, undefined);
    if (resp === undefined) {
        return failure(err);
    }
    return $multi((resp.parsed as { buckets: BucketEntry[] }).buckets, undefined);
}

/**
 * HEAD of the bucket: {exists = true, region} when it exists and we may use it; else nil, err
 * with NoSuchBucket (404) or AccessDenied (403; it exists but is not ours, or the credentials
 * are wrong). A HEAD answer has no body, so the status alone tells them apart.
 */
export function headBucket(
    client: Client, fn: string, bucket: unknown, opts: unknown
): LuaMultiReturn<[BucketInfo, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const o = checkOpts(fn, opts, SIMPLE_OPTS);
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    const refused = refusedHere(fn, b, undefined);
    if (refused !== undefined) {
        return failure(refused);
    }
    const [resp, err] = perform(client, { method: "HEAD", bucket: b, headers: headers,
        timeout: o.get("timeout") as number | undefined }, b, undefined);
    if (resp === undefined) {
        if (err.status === 404) {
            return failure(newError("NoSuchBucket", `bucket '${b}' does not exist`, b, undefined, 404,
                err.request_id));
        }
        if (err.status === 403) {
            return failure(newError("AccessDenied",
                `bucket '${b}' exists but access to it is denied (or the credentials are wrong)`, b, undefined, 403,
                err.request_id));
        }
        return failure(err);
    }
    return $multi({ exists: true as const, region: resp.headers.get("x-amz-bucket-region") }, undefined);
}
