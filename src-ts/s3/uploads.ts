// Multipart uploads as objects of their own: listing the unfinished ones and aborting one (to
// clean up after a killed process). The requests of an upload are in multipart.ts.

import type { Client } from "./client";
import { deadlineOf, timeLeft } from "./deadline";
import { S3Error } from "./errors";
import { bucketArg, optTypes } from "./objects";
import { abortUpload } from "./multipart";
import { failure, perform, refusedHere } from "./request";
import { argError, checkKey, checkName, checkOpts, checkStringMap } from "./util";

export interface UploadEntry {
    key: string;
    upload_id: string;
    initiated?: string;
    storage_class?: string;
}

interface ParsedUploads {
    uploads: UploadEntry[];
    is_truncated: boolean;
    next_key_marker?: string;
    next_upload_id_marker?: string;
}

const SIMPLE_OPTS = optTypes("timeout", "nonnegative", "headers", "table");

/** Every unfinished multipart upload of the bucket (under prefix), across pages. */
export function listMultipartUploads(
    client: Client, fn: string, bucket: unknown, prefix: unknown, opts: unknown
): LuaMultiReturn<[UploadEntry[], undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    if (prefix !== undefined && typeof prefix !== "string") {
        return argError(`${fn}: prefix must be a string`);
    }
    if (prefix !== undefined && string.find(prefix, "\0", 1, true)[0] !== undefined) {
        return argError(`${fn}: prefix must not contain a NUL byte`);
    }
    const o = checkOpts(fn, opts, SIMPLE_OPTS);
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    const refused = refusedHere(fn, b, undefined);
    if (refused !== undefined) {
        return failure(refused);
    }
    const deadline = deadlineOf(o.get("timeout") as number | undefined, client._cfg.timeout);
    const out: UploadEntry[] = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (;;) {
        const query = new LuaTable<string, string>();
        // No encoding-type=url here: Ceph RGW 16 then %-encodes <Key> but not <NextKeyMarker> and
        // sends no <EncodingType>, so the answer cannot be decoded reliably. Plain XML carries
        // every key but those with control bytes.
        query.set("uploads", "");
        if (prefix !== undefined && prefix !== "") query.set("prefix", prefix);
        if (keyMarker !== undefined) query.set("key-marker", keyMarker);
        if (idMarker !== undefined) query.set("upload-id-marker", idMarker);
        const [resp, err] = perform(client, { method: "GET", bucket: b, query: query, headers: headers,
            timeout: timeLeft(deadline), parse: "list_multipart_uploads" }, b, undefined);
        if (resp === undefined) {
            return failure(err);
        }
        const page = resp.parsed as ParsedUploads;
        for (const u of page.uploads) {
            out.push(u);
        }
        if (!page.is_truncated || page.next_key_marker === undefined ||
            (page.next_key_marker === keyMarker && page.next_upload_id_marker === idMarker)) {
            return $multi(out, undefined);
        }
        keyMarker = page.next_key_marker;
        idMarker = page.next_upload_id_marker;
    }
}

export function abortMultipartUpload(
    client: Client, fn: string, bucket: unknown, key: unknown, uploadId: unknown, opts: unknown
): LuaMultiReturn<[true, undefined] | [undefined, S3Error]> {
    const b = bucketArg(client, fn, bucket);
    const k = checkKey(fn, key);
    const id = checkName(fn, "upload_id", uploadId);
    const o = checkOpts(fn, opts, SIMPLE_OPTS);
    const headers = checkStringMap(fn, "opts.headers", o.get("headers"), false);
    const refused = refusedHere(fn, b, k);
    if (refused !== undefined) {
        return failure(refused);
    }
    const err = abortUpload(client, b, k, id, headers, o.get("timeout") as number | undefined);
    if (err !== undefined) {
        return failure(err);
    }
    return $multi(true as const, undefined);
}
