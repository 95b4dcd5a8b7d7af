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

export class Client {
    /** The native client; not part of the API. */
    readonly _native: NativeClient;
    /** The resolved configuration; not part of the API. */
    readonly _cfg: Config;

    constructor(cfg: Config) {
        this._cfg = cfg;
        this._native = native.client_new(nativeConfig(cfg));
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
