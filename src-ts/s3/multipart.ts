// The requests of a multipart upload (Create, Complete, Abort) for the engines that run one
// (upload.ts, stream_upload.ts, copy.ts) and for abort_multipart_upload. Arguments are checked
// by the callers. No API module is imported here, so that every engine can use it.

import type { NativeCounter, NativeRequest, PartBuffer } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { perform } from "./request";


export function createUpload(
    client: Client, b: string, k: string, headers: LuaTable<string, string>, timeout: number | undefined
): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
    const query = new LuaTable<string, string>();
    query.set("uploads", "");
    const [resp, err] = perform(client, { method: "POST", bucket: b, key: k, query: query, headers: headers,
        timeout: timeout, parse: "create_multipart_upload" }, b, k);
    if (resp === undefined) {
        return $multi(undefined, err);
    }
    const id = (resp.parsed as { upload_id?: string } | undefined)?.upload_id;
    if (id === undefined || id === "") {
        return $multi(undefined, newError("InvalidResponse", "CreateMultipartUpload answered no UploadId", b, k,
            resp.status));
    }
    return $multi(id, undefined);
}

/** Where a part's bytes come from: a string, a range of a file descriptor or of a part buffer. */
export interface PartBody {
    body?: string;
    body_fd?: number;
    body_buffer?: PartBuffer;
    body_offset?: number;
    body_size?: number;
}

/**
 * UploadPart of part partNumber with its Content-MD5: the part's ETag, or why there is none
 * (an answer without an ETag could not be completed, so it is an error here).
 */
export function uploadPart(
    client: Client, b: string, k: string, id: string, partNumber: number, part: PartBody, contentMd5: string,
    progress: NativeCounter | undefined, timeout: number | undefined,
): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
    const query = new LuaTable<string, string>();
    query.set("partNumber", tostring(partNumber));
    query.set("uploadId", id);
    const headers = new LuaTable<string, string>();
    headers.set("content-md5", contentMd5);
    const [resp, err] = perform(client, {
        method: "PUT", bucket: b, key: k, query: query, headers: headers, body: part.body,
        body_fd: part.body_fd, body_buffer: part.body_buffer, body_offset: part.body_offset, body_size: part.body_size,
        progress: progress, timeout: timeout,
    }, b, k);
    if (resp === undefined) {
        return $multi(undefined, err);
    }
    const etag = resp.headers.get("etag");
    if (etag === undefined || etag === "") {
        return $multi(undefined, newError("InvalidResponse", `UploadPart of part ${partNumber} answered no ETag`, b, k,
            resp.status));
    }
    return $multi(etag, undefined);
}

export interface CompletedPart {
    part_number: number;
    etag: string;
}

/** Completes the upload; the ETag S3 gives (empty from Ceph RGW 16, which sends <ETag/>). */
/**
 * The conditions of a write (if-match, if-none-match) belong on CompleteMultipartUpload, where S3
 * decides whether the object is written; CreateMultipartUpload gets the other headers.
 */
export function splitConditions(
    headers: LuaTable<string, string>,
): LuaMultiReturn<[LuaTable<string, string>, LuaTable<string, string>]> {
    const rest = new LuaTable<string, string>();
    const conditions = new LuaTable<string, string>();
    for (const [name, value] of pairs(headers)) {
        if (name === "if-match" || name === "if-none-match") {
            conditions.set(name, value);
        } else {
            rest.set(name, value);
        }
    }
    return $multi(rest, conditions);
}

export function completeUpload(
    client: Client, b: string, k: string, id: string, parts: CompletedPart[], timeout: number | undefined,
    conditions?: LuaTable<string, string>,
): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
    const body: string[] = ["<CompleteMultipartUpload>"];
    for (const p of parts) {
        // ETags are hex digits in quotes: nothing to escape but the quotes.
        body.push(`<Part><PartNumber>${p.part_number}</PartNumber><ETag>${xmlQuoteEtag(p.etag)}</ETag></Part>`);
    }
    body.push("</CompleteMultipartUpload>");
    const query = new LuaTable<string, string>();
    query.set("uploadId", id);
    const headers = new LuaTable<string, string>();
    if (conditions !== undefined) {
        for (const [name, value] of pairs(conditions)) {
            headers.set(name, value);
        }
    }
    headers.set("content-type", "application/xml");
    const req: NativeRequest = { method: "POST", bucket: b, key: k, query: query, headers: headers,
        body: body.join(""), timeout: timeout, parse: "complete_multipart_upload" };
    const [resp, err] = perform(client, req, b, k);
    if (resp === undefined) {
        return $multi(undefined, err);
    }
    return $multi((resp.parsed as { etag?: string } | undefined)?.etag ?? "", undefined);
}

function xmlQuoteEtag(etag: string): string {
    const [s] = string.gsub(string.gsub(etag, "&", "&amp;")[0], '"', "&quot;");
    return s;
}

export function abortUpload(
    client: Client, b: string, k: string, id: string, headers: LuaTable<string, string> | undefined,
    timeout: number | undefined
): S3Error | undefined {
    const query = new LuaTable<string, string>();
    query.set("uploadId", id);
    const [resp, err] = perform(client, { method: "DELETE", bucket: b, key: k, query: query, headers: headers,
        timeout: timeout }, b, k);
    return resp === undefined ? err : undefined;
}
