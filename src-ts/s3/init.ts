// require('s3'): the module-level API (a lazily created default client) and s3.new.

import { Client } from "./client";
import {
    createBucket, deleteBucket, deleteObject, getObject, getToFile, headObject, putFromFile, putObject,
} from "./objects";
import { presign as presignWith } from "./presign";
import * as native from "s3.native";
import { resolveConfig } from "./config";
import { errorMeta, isError } from "./errors";
import { list as listObjects, objects as iterateObjects } from "./listing";
import { deleteMany } from "./deletion";
import { copyObject } from "./copy";
import { headBucket, listBuckets } from "./buckets";
import { abortMultipartUpload, listMultipartUploads } from "./uploads";

let defaultClient: Client | undefined;

/** Makes c the default client of Lua and of the C API. */
function setDefault(c: Client): Client {
    defaultClient = c;
    native.set_default(c._native);
    return c;
}

/** Configures the default client; options not given come from the environment. */
export function cfg(opts?: unknown): void {
    setDefault(new Client(resolveConfig("s3.cfg", opts)));
}

/** An independent client; its methods are called with ':'. */
function newClient(opts?: unknown): Client {
    return new Client(resolveConfig("s3.new", opts));
}

/** The default client; made from the environment when s3.cfg was never called. */
function getDefault(fn: string): Client {
    if (defaultClient === undefined) {
        return setDefault(new Client(resolveConfig(fn, undefined)));
    }
    return defaultClient;
}

function deleteDefault(bucket: unknown, key: unknown, opts?: unknown) {
    return deleteObject(getDefault("s3.delete"), "s3.delete", bucket, key, opts);
}

export { newClient as new, deleteDefault as delete };

export function get_to_file(bucket: unknown, key: unknown, path: unknown, opts?: unknown) {
    return getToFile(getDefault("s3.get_to_file"), "s3.get_to_file", bucket, key, path, opts);
}

export function put_from_file(bucket: unknown, key: unknown, path: unknown, opts?: unknown) {
    return putFromFile(getDefault("s3.put_from_file"), "s3.put_from_file", bucket, key, path, opts);
}

export function get(bucket: unknown, key: unknown, opts?: unknown) {
    return getObject(getDefault("s3.get"), "s3.get", bucket, key, opts);
}

export function put(bucket: unknown, key: unknown, body: unknown, opts?: unknown) {
    return putObject(getDefault("s3.put"), "s3.put", bucket, key, body, opts);
}

export function head(bucket: unknown, key: unknown, opts?: unknown) {
    return headObject(getDefault("s3.head"), "s3.head", bucket, key, opts);
}

export function create_bucket(bucket: unknown, opts?: unknown) {
    return createBucket(getDefault("s3.create_bucket"), "s3.create_bucket", bucket, opts);
}

export function delete_bucket(bucket: unknown, opts?: unknown) {
    return deleteBucket(getDefault("s3.delete_bucket"), "s3.delete_bucket", bucket, opts);
}

export function delete_many(bucket: unknown, keys: unknown, opts?: unknown) {
    return deleteMany(getDefault("s3.delete_many"), "s3.delete_many", bucket, keys, opts);
}

export function list(bucket: unknown, opts?: unknown) {
    return listObjects(getDefault("s3.list"), "s3.list", bucket, opts);
}

export function objects(bucket: unknown, opts?: unknown) {
    return iterateObjects(getDefault("s3.objects"), "s3.objects", bucket, opts);
}

export function copy(srcBucket: unknown, srcKey: unknown, bucket: unknown, key: unknown, opts?: unknown) {
    return copyObject(getDefault("s3.copy"), "s3.copy", srcBucket, srcKey, bucket, key, opts);
}

export function list_buckets(opts?: unknown) {
    return listBuckets(getDefault("s3.list_buckets"), "s3.list_buckets", opts);
}

export function head_bucket(bucket: unknown, opts?: unknown) {
    return headBucket(getDefault("s3.head_bucket"), "s3.head_bucket", bucket, opts);
}

export function list_multipart_uploads(bucket: unknown, prefix?: unknown, opts?: unknown) {
    return listMultipartUploads(getDefault("s3.list_multipart_uploads"), "s3.list_multipart_uploads",
        bucket, prefix, opts);
}

export function abort_multipart_upload(bucket: unknown, key: unknown, uploadId: unknown, opts?: unknown) {
    return abortMultipartUpload(getDefault("s3.abort_multipart_upload"), "s3.abort_multipart_upload",
        bucket, key, uploadId, opts);
}

/** A presigned URL for the default client (no request; never yields). */
export function presign(method: unknown, bucket: unknown, key: unknown, opts?: unknown): string {
    return presignWith(getDefault("s3.presign"), "s3.presign", method, bucket, key, opts);
}

/** The default client's stats (see client:stats()). */
export function stats() {
    return getDefault("s3.stats").stats();
}

/** True for the error objects this module returns as `nil, err`. */
export const is_error = isError;

/** The metatable of those error objects. */
export const error_mt = errorMeta;
