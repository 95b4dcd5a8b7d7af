// A client: one native client (connection pool, signer, event-loop reactor) and the calls of the
// Lua API as its methods (called with ':'); the calls themselves live in their own modules.

import * as native from "s3.native";
import type { NativeClient, NativeStats } from "s3.native";
import { Config, nativeConfig } from "./config";
import {
    createBucket, deleteBucket, deleteObject, getObject, getToFile, headObject, putFromFile, putObject,
} from "./objects";
import { presign } from "./presign";
import { argError } from "./util";
import { list, objects } from "./listing";
import { deleteMany } from "./deletion";
import { copyObject } from "./copy";
import { headBucket, listBuckets } from "./buckets";
import { abortMultipartUpload, listMultipartUploads } from "./uploads";

export class Client {
    /** The native client; not part of the API. */
    readonly _native: NativeClient;
    /** The resolved configuration; not part of the API. */
    readonly _cfg: Config;

    /** `existing`: a native client to use instead of making one (the C API's, see capi_engine). */
    constructor(cfg: Config, existing?: NativeClient) {
        this._cfg = cfg;
        this._native = existing ?? native.client_new(nativeConfig(cfg));
    }

    /** A client over a native client that already exists. */
    static wrap(this: void, existing: NativeClient, cfg: Config): Client {
        return new Client(cfg, existing);
    }

    get_to_file(bucket: unknown, key: unknown, path: unknown, opts?: unknown) {
        return getToFile(self(this, "get_to_file"), "client:get_to_file", bucket, key, path, opts);
    }
    put_from_file(bucket: unknown, key: unknown, path: unknown, opts?: unknown) {
        return putFromFile(self(this, "put_from_file"), "client:put_from_file", bucket, key, path, opts);
    }
    get(bucket: unknown, key: unknown, opts?: unknown) {
        return getObject(self(this, "get"), "client:get", bucket, key, opts);
    }
    put(bucket: unknown, key: unknown, body: unknown, opts?: unknown) {
        return putObject(self(this, "put"), "client:put", bucket, key, body, opts);
    }
    head(bucket: unknown, key: unknown, opts?: unknown) {
        return headObject(self(this, "head"), "client:head", bucket, key, opts);
    }
    delete(bucket: unknown, key: unknown, opts?: unknown) {
        return deleteObject(self(this, "delete"), "client:delete", bucket, key, opts);
    }
    create_bucket(bucket: unknown, opts?: unknown) {
        return createBucket(self(this, "create_bucket"), "client:create_bucket", bucket, opts);
    }
    delete_bucket(bucket: unknown, opts?: unknown) {
        return deleteBucket(self(this, "delete_bucket"), "client:delete_bucket", bucket, opts);
    }
    delete_many(bucket: unknown, keys: unknown, opts?: unknown) {
        return deleteMany(self(this, "delete_many"), "client:delete_many", bucket, keys, opts);
    }
    list(bucket: unknown, opts?: unknown) {
        return list(self(this, "list"), "client:list", bucket, opts);
    }
    objects(bucket: unknown, opts?: unknown) {
        return objects(self(this, "objects"), "client:objects", bucket, opts);
    }
    copy(srcBucket: unknown, srcKey: unknown, bucket: unknown, key: unknown, opts?: unknown) {
        return copyObject(self(this, "copy"), "client:copy", srcBucket, srcKey, bucket, key, opts);
    }
    list_buckets(opts?: unknown) {
        return listBuckets(self(this, "list_buckets"), "client:list_buckets", opts);
    }
    head_bucket(bucket: unknown, opts?: unknown) {
        return headBucket(self(this, "head_bucket"), "client:head_bucket", bucket, opts);
    }
    list_multipart_uploads(bucket: unknown, prefix?: unknown, opts?: unknown) {
        return listMultipartUploads(self(this, "list_multipart_uploads"), "client:list_multipart_uploads",
            bucket, prefix, opts);
    }
    abort_multipart_upload(bucket: unknown, key: unknown, uploadId: unknown, opts?: unknown) {
        return abortMultipartUpload(self(this, "abort_multipart_upload"), "client:abort_multipart_upload",
            bucket, key, uploadId, opts);
    }
    /** A presigned URL (no request; never yields). */
    presign(method: unknown, bucket: unknown, key: unknown, opts?: unknown): string {
        return presign(self(this, "presign"), "client:presign", method, bucket, key, opts);
    }
    /** Requests in flight and the event-loop time the client's transfers took. */
    stats(): NativeStats {
        return self(this, "stats")._native.stats();
    }
}

/** Catches client.get(...) written for client:get(...). */
function self(c: unknown, method: string): Client {
    if (type(c) !== "table" || getmetatable(c as object) !== (Client.prototype as unknown)) {
        return argError(`use client:${method}(...) instead of client.${method}(...)`);
    }
    return c as Client;
}
