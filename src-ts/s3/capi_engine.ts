// The transfer engine for the C API (s3-tarantool.h): get_to_fd and put_from_fd run here, called
// from C (src-c/tarantool/capi_engine.c) on the calling fiber, so that C modules get the same
// multipart uploads, parallel ranges, retries, deadlines and progress as Lua.

import type { NativeClient, NativeError, NativeRequest } from "s3.native";
import { Client } from "./client";
import { Config, DEFAULTS } from "./config";
import { downloadToFd } from "./download";
import { listPage } from "./listing";
import { S3Error } from "./errors";
import { ProgressFn, performWithProgress } from "./parts";
import { deadlineOf, timeLeft } from "./deadline";
import { contentMd5, uploadMultipart } from "./upload";

/** What the C side passes: opts->offset, timeout (0: the client's), content_type, progress. */
interface CapiOptions {
    offset: number;
    timeout?: number;
    content_type?: string;
    on_progress?: ProgressFn;
}

/** A client over a native client the C API holds, with the settings it was made with. */
function clientOf(nativeClient: NativeClient): Client {
    const e = nativeClient.engine_settings();
    const cfg: Config = {
        endpoint: "", aws_endpoint: false, region: "", access_key_id: "", secret_access_key: "",
        addressing: "path", legacy_bucket_names: true, anonymous: false,
        connect_timeout: DEFAULTS.connect_timeout, timeout: e.timeout, idle_timeout: DEFAULTS.idle_timeout,
        max_connections: DEFAULTS.max_connections, retries: e.retries, part_size: e.part_size,
        multipart_threshold: e.multipart_threshold, concurrency: e.concurrency, verify_peer: true,
    };
    return Client.wrap(nativeClient, cfg);
}

function nativeError(err: S3Error): NativeError {
    return { code: err.code, status: err.status, message: err.message, request_id: err.request_id };
}

export function get_to_fd(
    this: void, nativeClient: NativeClient, bucket: string, key: string, fd: number, o: CapiOptions,
): LuaMultiReturn<[true, number] | [undefined, NativeError]> {
    const client = clientOf(nativeClient);
    const [resp, err] = downloadToFd(client, bucket, key, fd, {
        headers: new LuaTable(), partSize: client._cfg.part_size,
        concurrency: client._cfg.concurrency, deadline: deadlineOf(o.timeout, client._cfg.timeout),
        onProgress: o.on_progress, offset: o.offset,
        // Ranges are written at their offsets: a repeated first request simply writes over.
        restart: () => undefined,
    });
    if (resp === undefined) {
        return $multi(undefined, nativeError(err));
    }
    return $multi(true as const, resp.bytes);
}

export function put_from_fd(
    this: void, nativeClient: NativeClient, bucket: string, key: string, fd: number, size: number, o: CapiOptions,
): LuaMultiReturn<[true, number] | [undefined, NativeError]> {
    const client = clientOf(nativeClient);
    const headers = new LuaTable<string, string>();
    if (o.content_type !== undefined) {
        headers.set("content-type", o.content_type);
    }
    const deadline = deadlineOf(o.timeout, client._cfg.timeout);
    if (size >= client._cfg.multipart_threshold) {
        const [mresp, merr] = uploadMultipart(client, bucket, key, fd, size, {
            headers: headers, partSize: client._cfg.part_size, concurrency: client._cfg.concurrency,
            deadline: deadline, onProgress: o.on_progress, offset: o.offset,
            // The fd is the caller's: its size is theirs to keep still.
            currentSize: () => size,
        });
        if (mresp === undefined) {
            return $multi(undefined, nativeError(merr));
        }
        return $multi(true as const, size);
    }
    const [md5, md5Err] = contentMd5(fd, o.offset, size, bucket, key);
    if (md5 === undefined) {
        return $multi(undefined, nativeError(md5Err));
    }
    headers.set("content-md5", md5);
    const req: NativeRequest = {
        method: "PUT", bucket: bucket, key: key, headers: headers, body_fd: fd, body_offset: o.offset,
        body_size: size, timeout: timeLeft(deadline),
    };
    const [resp, err] = performWithProgress(client, req, bucket, key, size, o.on_progress);
    if (resp === undefined) {
        return $multi(undefined, nativeError(err));
    }
    return $multi(true as const, size);
}

/** on_object(key, size, etag, last_modified, storage_class) -> true to stop. */
type ObjectCallback = (this: void, key: string, size: number, etag?: string, lastModified?: string,
    storageClass?: string) => boolean;

export function list_objects(
    this: void, nativeClient: NativeClient, bucket: string, prefix: string, onObject: ObjectCallback,
): LuaMultiReturn<[true, undefined] | [undefined, NativeError]> {
    const client = clientOf(nativeClient);
    const deadline = deadlineOf(undefined, client._cfg.timeout);
    let token: string | undefined;
    for (;;) {
        const [page, err] = listPage(client, bucket, {
            prefix: prefix !== "" ? prefix : undefined, headers: new LuaTable(), timeout: timeLeft(deadline),
        }, token);
        if (page === undefined) {
            return $multi(undefined, nativeError(err));
        }
        for (const o of page.objects) {
            if (onObject(o.key, o.size, o.etag, o.last_modified, o.storage_class)) {
                return $multi(true as const, undefined);
            }
        }
        if (!page.is_truncated || page.next_continuation_token === undefined) {
            return $multi(true as const, undefined);
        }
        token = page.next_continuation_token;
    }
}
