// Error objects returned as the second value of a failed call (`nil, err`).
// A plain table with a shared metatable: fields for programs, __tostring for people.

import type { NativeError } from "s3.native";

export interface S3Error {
    /**
     * S3 code (NoSuchKey, AccessDenied, SlowDown, EntityTooLarge...) or ours: Timeout,
     * ConnectionError, TLSError, IOError, Cancelled, InvalidArgument, InternalError.
     */
    code: string;
    /** HTTP status when there was a response, else nil. */
    status?: number;
    message: string;
    request_id?: string;
    bucket?: string;
    key?: string;
    /** Whether repeating the same request may succeed. */
    retryable: boolean;
}

function errorToString(this: S3Error): string {
    const parts: string[] = [];
    let head = this.code;
    if (this.status !== undefined) {
        head = `${head} (${this.status})`;
    }
    if (this.message !== undefined && this.message !== "") {
        head = `${head}: ${this.message}`;
    }
    parts.push(head);
    const ctx: string[] = [];
    if (this.bucket !== undefined) ctx.push(`bucket=${this.bucket}`);
    if (this.key !== undefined) ctx.push(`key=${this.key}`);
    if (this.request_id !== undefined && this.request_id !== "") ctx.push(`request_id=${this.request_id}`);
    if (ctx.length > 0) {
        parts.push(`[${ctx.join(" ")}]`);
    }
    return parts.join(" ");
}

/** The metatable of every error object; `getmetatable(err) == s3.error_mt` tells ours apart. */
export const errorMeta: LuaMetatable<S3Error> = {
    __tostring: errorToString,
};

const RETRYABLE_STATUS: LuaTable<number, boolean> = new LuaTable();
RETRYABLE_STATUS.set(500, true);
RETRYABLE_STATUS.set(502, true);
RETRYABLE_STATUS.set(503, true);
RETRYABLE_STATUS.set(504, true);

/** S3 codes worth another attempt (with a response). */
const RETRYABLE_S3_CODE: LuaTable<string, boolean> = new LuaTable();
RETRYABLE_S3_CODE.set("SlowDown", true);
RETRYABLE_S3_CODE.set("RequestTimeout", true);
RETRYABLE_S3_CODE.set("InternalError", true);
RETRYABLE_S3_CODE.set("ServiceUnavailable", true);

/**
 * Transport failures (no response) worth another attempt. Not TLSError: a certificate that failed
 * verification fails the same way again (the fix is ca_file or verify_peer), nor EntityTooLarge.
 */
const RETRYABLE_TRANSPORT_CODE: LuaTable<string, boolean> = new LuaTable();
RETRYABLE_TRANSPORT_CODE.set("ConnectionError", true);
RETRYABLE_TRANSPORT_CODE.set("Timeout", true);

export function isRetryable(code: string, status: number | undefined): boolean {
    if (status === undefined) {
        return RETRYABLE_TRANSPORT_CODE.get(code) === true;
    }
    if (status >= 400 && status < 500) {
        // Client errors are not retried, except S3's transient codes: RequestTimeout arrives as
        // 400, some S3-compatible stores send SlowDown as 429, and after RequestTimeTooSkewed (403)
        // the native client has already taken the server's clock, so the next attempt works.
        return code === "RequestTimeout" || code === "SlowDown" || code === "RequestTimeTooSkewed";
    }
    return RETRYABLE_STATUS.get(status) === true || RETRYABLE_S3_CODE.get(code) === true;
}

export function newError(
    code: string,
    message: string,
    bucket?: string,
    key?: string,
    status?: number,
    requestId?: string
): S3Error {
    const e: S3Error = {
        code: code,
        status: status,
        message: message,
        request_id: requestId,
        bucket: bucket,
        key: key,
        retryable: isRetryable(code, status),
    };
    return setmetatable(e, errorMeta);
}

/** Turns the native module's error table into our error object. */
export function fromNative(nerr: NativeError | undefined, bucket?: string, key?: string): S3Error {
    if (nerr === undefined || typeof nerr !== "object") {
        return newError("InternalError", `native request failed without an error object (${tostring(nerr)})`, bucket, key);
    }
    const code = typeof nerr.code === "string" && nerr.code !== "" ? nerr.code : "InternalError";
    const message = typeof nerr.message === "string" ? nerr.message : "";
    const status = typeof nerr.status === "number" ? nerr.status : undefined;
    const requestId = typeof nerr.request_id === "string" ? nerr.request_id : undefined;
    return newError(code, message, bucket, key, status, requestId);
}

export function isError(v: unknown): v is S3Error {
    return type(v) === "table" && getmetatable(v as object) === errorMeta;
}
