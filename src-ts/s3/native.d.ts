// The contract of the C module `s3.native` (src-c/tarantool/). Lua never touches
// the bytes of a transfer: bodies go between libcurl and a file descriptor (or a
// Lua string for small bodies).


declare module "s3.native" {
    /** The configuration the C side receives, fully resolved (no defaults left to guess). */
    export interface NativeConfig {
        endpoint: string;
        region: string;
        access_key_id: string;
        secret_access_key: string;
        session_token?: string;
        /** Unsigned requests; the keys are then "" and not used. */
        anonymous: boolean;
        addressing: "path" | "virtual" | "auto";
        connect_timeout: number;
        /** Seconds; 0 means no overall limit. */
        timeout: number;
        /** Seconds without a byte moving after which a request fails (Timeout); 0: never. */
        idle_timeout: number;
        /** The transfer engine's settings, kept for the C API (client:engine_settings()). */
        retries: number;
        part_size: number;
        multipart_threshold: number;
        concurrency: number;
        max_connections: number;
        verify_peer: boolean;
        ca_file?: string;
        proxy?: string;
    }

    export interface NativeRequest {
        method: "GET" | "PUT" | "HEAD" | "DELETE" | "POST";
        bucket?: string;
        /** Raw UTF-8; the C side encodes it. */
        key?: string;
        /** name -> value; '' for valueless parameters such as `uploads`. */
        query?: LuaTable<string, string>;
        /** Lower-case header names. */
        headers?: LuaTable<string, string>;
        body?: string;
        body_fd?: number;
        /** A slice (body_offset, body_size) of a part buffer, sent without a copy. */
        body_buffer?: PartBuffer;
        body_offset?: number;
        body_size?: number;
        /** A 2xx response body is written to this fd at sink_offset instead of being returned. */
        sink_fd?: number;
        sink_offset?: number;
        /** Seconds for this attempt, waiting for a connection included; overrides the client's. */
        timeout?: number;
        /** Body bytes moved are added to it as they move (and taken back when the attempt fails). */
        progress?: NativeCounter;
        /** Filled as soon as the final answer's headers came (before its body). */
        headers_probe?: ResponseProbe;
        /**
         * Parse a 2xx XML body as it arrives (src-c/core/xml_schema.c) into `parsed`. A 200 whose
         * body is an <Error> document fails with its S3 code; one that is not the expected
         * document fails with InvalidResponse.
         */
        parse?: ParseSchema;
    }

    export type ParseSchema =
        | "list_objects" | "list_buckets" | "list_multipart_uploads" | "delete_objects"
        | "copy_object" | "copy_part" | "create_multipart_upload" | "complete_multipart_upload";

    export interface NativeResponse {
        status: number;
        /** Lower-case names, x-amz-meta-* included. */
        headers: LuaTable<string, string>;
        body?: string;
        /** Number of body bytes received. */
        bytes: number;
        /**
         * With `parse`: the document as a table. Scalars under their names (booleans false when
         * absent), each record list always present: list_objects {is_truncated,
         * next_continuation_token, key_count, objects = {{key, size, etag, last_modified,
         * storage_class}}, prefixes = {string}}; list_buckets {buckets = {{name, creation_date}}};
         * list_multipart_uploads {is_truncated, next_key_marker, next_upload_id_marker, uploads =
         * {{key, upload_id, initiated, storage_class}}, prefixes}; delete_objects {deleted =
         * {string}, errors = {{key, code, message}}}; copy_object / copy_part {etag,
         * last_modified}; create_multipart_upload {upload_id, key}; complete_multipart_upload
         * {etag, location}.
         */
        parsed?: unknown;
    }

    export interface NativeError {
        /** S3 code (NoSuchKey, ...) or ConnectionError / TLSError / Timeout / IOError / Cancelled / InvalidArgument / EntityTooLarge / InternalError. */
        code: string;
        /** HTTP status; nil when there was no response. */
        status?: number;
        message?: string;
        request_id?: string;
    }

    /** What client:presign takes: the URL is computed locally, nothing is sent. */
    export interface NativePresign {
        method: "GET" | "PUT" | "HEAD" | "DELETE";
        bucket: string;
        key: string;
        /** Whole seconds, 1 to 604800. */
        expires: number;
        /** Signed headers whoever uses the URL must send (lower-case names). */
        headers?: LuaTable<string, string>;
        /** name -> value; '' for a parameter without a value. */
        query?: LuaTable<string, string>;
    }

    /** What a client is doing and how much of the event loop its transfers took. */
    export interface NativeStats {
        active_requests: number;
        /** libcurl steps run on the loop, and the time they took in all and at most. */
        loop_actions: number;
        loop_busy_seconds: number;
        loop_max_action_seconds: number;
        /** The most CPU time one step took (its wall time above also holds preemption and blocking I/O). */
        loop_max_action_cpu_seconds: number;
        /** The longest wall time of a step the OS did not preempt: the module's own hold of the loop. */
        loop_max_unpreempted_action_seconds: number;
        /** Steps the OS preempted (on a busy machine their wall time is partly other processes'). */
        loop_preempted_actions: number;
        /**
         * The most work one step did: per step the lesser of its wall time (which holds
         * preemption and a VM's steal) and its CPU time (which a VM sometimes charges in lumps),
         * or its wall time when it blocked in the kernel.
         */
        loop_max_action_work_seconds: number;
        /** Steps in which the thread slept in the kernel (blocked: a fault on a file page, a lock). */
        loop_blocked_actions: number;
    }

    export interface NativeClient {
        /** Blocks only the calling fiber. Non-2xx answers and transport failures return nil, err. */
        request(req: NativeRequest): LuaMultiReturn<[NativeResponse, undefined] | [undefined, NativeError]>;
        /** Seconds the signing clock runs ahead of the local one (learnt from RequestTimeTooSkewed); sets it when given. */
        clock_offset(seconds?: number): number;
        stats(): NativeStats;
        /** What the transfer engine needs of the client's configuration (for the C API). */
        engine_settings(): { retries: number; part_size: number; multipart_threshold: number;
            concurrency: number; timeout: number };
        /** A presigned URL; never yields. nil, err on what only the C side checks. */
        presign(req: NativePresign): LuaMultiReturn<[string, undefined] | [undefined, NativeError]>;
    }

    /** Raises on a malformed configuration. */
    export function client_new(this: void, cfg: NativeConfig): NativeClient;

    export interface NativeCounter {
        value(): number;
    }
    /** A byte counter requests add to (NativeRequest.progress). */
    export function counter(this: void): NativeCounter;
    /** Raw MD5 of size bytes of fd at offset, computed in a worker thread (yields). */
    export function md5_fd(this: void, fd: number, offset: number, size: number): LuaMultiReturn<[string, undefined] | [undefined, string]>;
    /** Raw MD5 of s, computed in a worker thread (yields). */
    export function md5_string(this: void, s: string): string;

    /** What a request's final answer headers said, as soon as they came. */
    export interface ResponseProbe {
        /**
         * Once more than `seen` answers came: their count, the latest status, the object's size
         * (Content-Range's total for a 206, Content-Length for a 200; -1 when not told) and ETag.
         * Nothing when none came within timeout seconds or wake() was called. Yields.
         */
        wait(timeout: number, seen?: number): LuaMultiReturn<[number, number, number, string] | [undefined, undefined, undefined, undefined]>;
        /** Ends a wait at once (the request is over). */
        wake(): void;
    }
    export function response_probe(this: void): ResponseProbe;

    /** Memory for one part of an upload of unknown length, outside Lua's heap. */
    export interface PartBuffer {
        /** Copies bytes of s from offset `from` (0-based) on, as many as fit; returns how many. */
        append(s: string, from?: number): number;
        /** Reads fd into the room left, in a worker thread (yields); fewer bytes only at the end. */
        fill_from_fd(fd: number): LuaMultiReturn<[number, undefined] | [undefined, string]>;
        /** Raw MD5 of a slice, in a worker thread (yields). */
        md5(offset: number, size: number): string;
        /** The bytes from `from` on go to the start of the empty buffer `other`. */
        move_tail(from: number, other: PartBuffer): void;
        len(): number;
        cap(): number;
        clear(): void;
        /** Frees the memory now; the buffer is unusable after it. */
        release(): void;
    }
    export function part_buffer(this: void, capacity: number): LuaMultiReturn<[PartBuffer, undefined] | [undefined, string]>;

    /** False inside a transaction or a box trigger, where no fiber may yield. */
    export function can_yield(this: void): boolean;

    /** Tears down the clients collected since the last call into the module (it happens on every call). */
    export function reap(this: void): void;

    /** The client the C API (s3-tarantool.h) hands out as the default one; nil for none. */
    export function set_default(this: void, client?: NativeClient): void;
}
