// TypeScript declarations of the s3 rock's Lua API, for TypeScriptToLua projects:
//
//     import * as s3 from "s3";
//     s3.cfg({ endpoint: "http://127.0.0.1:9000", access_key_id: "K", secret_access_key: "S" });
//     const [body, err] = s3.get("bucket", "key");
//
// Add this file to the project (tsconfig "files", or "include" of its folder), list "s3" in
// tstl.noResolvePaths (the module comes from the rock at run time: require("s3")), and use
// "types": ["lua-types/jit", "@typescript-to-lua/language-extensions"].
//
// Options are exact object types: a misspelt option in an object literal ({ endpiont: ... },
// { part_sise: ... }) is a compile error, as the module raises on it at run time.
// Module functions are called with '.', client methods with ':' (interface methods).
// Calls that fail at run time return [undefined, S3Error]; wrong arguments raise.
//
// Kept honest by test/typings/check.sh, which compiles examples/typescript against it.

/// <reference types="@typescript-to-lua/language-extensions" />

declare module "s3" {
    /** Codes of S3Error: S3's own, or the module's. Any other S3 code may come too. */
    export type S3ErrorCode =
        | "NoSuchKey" | "NoSuchBucket" | "NoSuchUpload" | "AccessDenied" | "SignatureDoesNotMatch"
        | "SlowDown" | "EntityTooLarge" | "EntityTooSmall" | "BucketNotEmpty" | "BucketAlreadyExists"
        | "BucketAlreadyOwnedByYou" | "InvalidBucketName" | "PreconditionFailed" | "InvalidRange"
        | "RequestTimeTooSkewed" | "RequestTimeout" | "InternalError" | "NotFound"
        | "ConnectionError" | "TLSError" | "Timeout" | "IOError" | "Cancelled" | "InvalidArgument"
        | (string & {});

    /** The error object of a failed call (`nil, err`); tostring(err) is one readable line. */
    export interface S3Error {
        code: S3ErrorCode;
        /** HTTP status when a response arrived. */
        status?: number;
        message: string;
        request_id?: string;
        bucket?: string;
        key?: string;
        /** Whether repeating the same request may succeed. */
        retryable: boolean;
    }

    export type Failure = [undefined, S3Error];
    /** name -> value, for headers, metadata and query parameters. */
    export type StringMap = { [name: string]: string };

    /** s3.cfg{} and s3.new{}; every field not given comes from the environment or the defaults. */
    export interface Config {
        /** http(s)://host[:port]; default AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else https://s3.<region>.amazonaws.com */
        endpoint?: string;
        region?: string;
        access_key_id?: string;
        secret_access_key?: string;
        session_token?: string;
        /** Unsigned requests without credentials, for public buckets. */
        anonymous?: boolean;
        /** Default: virtual-hosted on AWS (path-style per request where a bucket cannot be a host name), else path. */
        addressing?: "path" | "virtual";
        connect_timeout?: number;
        /** Seconds for a whole call, retries included; 0: none. */
        timeout?: number;
        /** Seconds without a byte moving before a transfer fails (retryable Timeout); 0: never. */
        idle_timeout?: number;
        max_connections?: number;
        retries?: number;
        part_size?: number;
        multipart_threshold?: number;
        concurrency?: number;
        verify_peer?: boolean;
        ca_file?: string;
        proxy?: string;
        legacy_bucket_names?: boolean;
    }

    export interface CallOpts {
        /** Seconds for the whole call. */
        timeout?: number;
        /** Extra request headers, all signed. */
        headers?: StringMap;
    }
    /** Conditions and versions of GET and HEAD: 304 -> NotModified, 412 -> PreconditionFailed. */
    export interface ReadConditions {
        if_match?: string;
        if_none_match?: string;
        /** An HTTP date, or a Unix time in seconds. */
        if_modified_since?: string | number;
        version_id?: string;
    }
    export type Progress = (this: void, done: number, total: number | undefined) => void;
    /** An upload of unknown length: the next chunk, or undefined (or "") at the end. */
    export type Reader = (this: void) => string | undefined;
    export interface HeadOpts extends CallOpts, ReadConditions {}
    export interface DeleteOpts extends CallOpts {
        version_id?: string;
    }
    export interface GetToFileOpts extends CallOpts, ReadConditions {
        part_size?: number;
        concurrency?: number;
        /** false: skip the fsync before the rename. */
        fsync?: boolean;
        /** Check the download against the ETag (MD5) before the rename. */
        verify?: boolean;
        on_progress?: Progress;
    }
    export interface GetOpts extends CallOpts, ReadConditions {
        /** e.g. "bytes=0-99" */
        range?: string;
        /** total is nil until the answer is in: the last call is (size, size). */
        on_progress?: Progress;
    }
    export interface PutOpts extends CallOpts {
        content_type?: string;
        /** Sent as x-amz-meta-<name>. */
        metadata?: StringMap;
        part_size?: number;
        concurrency?: number;
        on_progress?: Progress;
        /** "*": create only when absent (412 PreconditionFailed otherwise). */
        if_none_match?: string;
        if_match?: string;
    }
    export interface CreateBucketOpts extends CallOpts {
        location_constraint?: string;
    }
    export interface PresignOpts {
        /** Seconds the URL is valid: 1 to 604800 (7 days); 3600 when not given. */
        expires?: number;
        /** Signed headers: whoever uses the URL must send them as given. */
        headers?: StringMap;
        /** Extra query parameters, signed (e.g. response-content-type). */
        query?: StringMap;
        version_id?: string;
    }
    export interface ListOpts extends CallOpts {
        prefix?: string;
        delimiter?: string;
        max_keys?: number;
        continuation_token?: string;
        start_after?: string;
    }
    export interface ObjectsOpts extends CallOpts {
        prefix?: string;
        start_after?: string;
    }
    export interface CopyOpts extends CallOpts {
        content_type?: string;
        metadata?: StringMap;
        part_size?: number;
        concurrency?: number;
        multipart_threshold?: number;
        /** The source's version. */
        version_id?: string;
    }
    export type ListMultipartUploadsOpts = CallOpts;

    /** What a call tells about an object, from the response headers. */
    export interface ObjectInfo {
        size?: number;
        etag?: string;
        last_modified?: string;
        content_type?: string;
        /** x-amz-meta-* without the prefix. */
        metadata: StringMap;
        version_id?: string;
        content_range?: string;
    }
    export interface PutInfo {
        size: number;
        etag?: string;
        version_id?: string;
    }
    export interface ListedObject {
        key: string;
        size: number;
        etag: string;
        last_modified: string;
        storage_class?: string;
    }
    export interface ListResult {
        objects: ListedObject[];
        /** Common prefixes (with a delimiter). */
        prefixes: string[];
        is_truncated: boolean;
        next_continuation_token?: string;
    }
    export interface DeleteManyResult {
        deleted: string[];
        errors: { key: string; code: string; message: string }[];
    }
    export interface BucketEntry {
        name: string;
        creation_date: string;
    }
    export interface MultipartUpload {
        key: string;
        upload_id: string;
        initiated?: string;
        storage_class?: string;
    }
    export interface BucketInfo {
        exists: true;
        region?: string;
    }
    export interface CopyInfo {
        size?: number;
        etag?: string;
        last_modified?: string;
        /** Parts of a multipart copy; nil for a single CopyObject. */
        parts?: number;
    }
    export interface Stats {
        active_requests: number;
        loop_actions: number;
        loop_busy_seconds: number;
        loop_max_action_seconds: number;
        /** The most CPU time one step took. */
        loop_max_action_cpu_seconds: number;
        /** The longest step the OS did not preempt: the module's own hold of the event loop. */
        loop_max_unpreempted_action_seconds: number;
        loop_preempted_actions: number;
        /** The most work one step did: the lesser of its wall and CPU time, or its wall time if it blocked. */
        loop_max_action_work_seconds: number;
        /** Steps in which the thread slept in the kernel (blocked). */
        loop_blocked_actions: number;
    }
    export type PresignMethod = "GET" | "PUT" | "HEAD" | "DELETE";

    /** A client of s3.new; its methods are called with ':'. */
    export interface Client {
        get_to_file(bucket: string, key: string, path: string, opts?: GetToFileOpts): LuaMultiReturn<[true, ObjectInfo] | Failure>;
        put_from_file(bucket: string, key: string, path: string, opts?: PutOpts): LuaMultiReturn<[true, PutInfo] | Failure>;
        get(bucket: string, key: string, opts?: GetOpts): LuaMultiReturn<[string, ObjectInfo] | Failure>;
        put(bucket: string, key: string, body: string | Reader, opts?: PutOpts): LuaMultiReturn<[true, PutInfo] | Failure>;
        head(bucket: string, key: string, opts?: HeadOpts): LuaMultiReturn<[ObjectInfo, undefined] | Failure>;
        delete(bucket: string, key: string, opts?: DeleteOpts): LuaMultiReturn<[true, undefined] | Failure>;
        create_bucket(bucket: string, opts?: CreateBucketOpts): LuaMultiReturn<[true, undefined] | Failure>;
        delete_bucket(bucket: string, opts?: CallOpts): LuaMultiReturn<[true, undefined] | Failure>;
        /** Computed locally, no request, never yields; raises on a wrong argument. */
        presign(method: PresignMethod, bucket: string, key: string, opts?: PresignOpts): string;
        stats(): Stats;
        list(bucket: string, opts?: ListOpts): LuaMultiReturn<[ListResult, undefined] | Failure>;
        objects(bucket: string, opts?: ObjectsOpts): LuaIterable<ListedObject>;
        delete_many(bucket: string, keys: string[] | { prefix: string }, opts?: CallOpts): LuaMultiReturn<[DeleteManyResult, undefined] | Failure>;
        copy(src_bucket: string, src_key: string, dst_bucket: string, dst_key: string, opts?: CopyOpts): LuaMultiReturn<[true, CopyInfo] | Failure>;
        list_buckets(opts?: CallOpts): LuaMultiReturn<[BucketEntry[], undefined] | Failure>;
        head_bucket(bucket: string, opts?: CallOpts): LuaMultiReturn<[BucketInfo, undefined] | Failure>;
        list_multipart_uploads(bucket: string, prefix?: string, opts?: ListMultipartUploadsOpts): LuaMultiReturn<[MultipartUpload[], undefined] | Failure>;
        abort_multipart_upload(bucket: string, key: string, upload_id: string, opts?: CallOpts): LuaMultiReturn<[true, undefined] | Failure>;
    }

    /** Configures the default client. */
    export function cfg(this: void, opts?: Config): void;
    /** An independent client. */
    function new_(this: void, opts?: Config): Client;
    export { new_ as new };

    export function get_to_file(this: void, bucket: string, key: string, path: string, opts?: GetToFileOpts): LuaMultiReturn<[true, ObjectInfo] | Failure>;
    export function put_from_file(this: void, bucket: string, key: string, path: string, opts?: PutOpts): LuaMultiReturn<[true, PutInfo] | Failure>;
    export function get(this: void, bucket: string, key: string, opts?: GetOpts): LuaMultiReturn<[string, ObjectInfo] | Failure>;
    export function put(this: void, bucket: string, key: string, body: string | Reader, opts?: PutOpts): LuaMultiReturn<[true, PutInfo] | Failure>;
    export function head(this: void, bucket: string, key: string, opts?: HeadOpts): LuaMultiReturn<[ObjectInfo, undefined] | Failure>;
    function delete_(this: void, bucket: string, key: string, opts?: DeleteOpts): LuaMultiReturn<[true, undefined] | Failure>;
    export { delete_ as delete };
    export function create_bucket(this: void, bucket: string, opts?: CreateBucketOpts): LuaMultiReturn<[true, undefined] | Failure>;
    export function delete_bucket(this: void, bucket: string, opts?: CallOpts): LuaMultiReturn<[true, undefined] | Failure>;
    export function presign(this: void, method: PresignMethod, bucket: string, key: string, opts?: PresignOpts): string;
    export function stats(this: void): Stats;
    export function is_error(this: void, v: unknown): v is S3Error;
    export function list(this: void, bucket: string, opts?: ListOpts): LuaMultiReturn<[ListResult, undefined] | Failure>;
    export function objects(this: void, bucket: string, opts?: ObjectsOpts): LuaIterable<ListedObject>;
    export function delete_many(this: void, bucket: string, keys: string[] | { prefix: string }, opts?: CallOpts): LuaMultiReturn<[DeleteManyResult, undefined] | Failure>;
    export function copy(this: void, src_bucket: string, src_key: string, dst_bucket: string, dst_key: string, opts?: CopyOpts): LuaMultiReturn<[true, CopyInfo] | Failure>;
    export function list_buckets(this: void, opts?: CallOpts): LuaMultiReturn<[BucketEntry[], undefined] | Failure>;
    export function head_bucket(this: void, bucket: string, opts?: CallOpts): LuaMultiReturn<[BucketInfo, undefined] | Failure>;
    export function list_multipart_uploads(this: void, bucket: string, prefix?: string, opts?: ListMultipartUploadsOpts): LuaMultiReturn<[MultipartUpload[], undefined] | Failure>;
    export function abort_multipart_upload(this: void, bucket: string, key: string, upload_id: string, opts?: CallOpts): LuaMultiReturn<[true, undefined] | Failure>;
}
