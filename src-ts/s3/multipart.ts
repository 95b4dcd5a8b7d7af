// The requests of a multipart upload (Create, Complete, Abort) for the engines that run one
// (upload.ts, stream_upload.ts, copy.ts) and for abort_multipart_upload. Arguments are checked
// by the callers. No API module is imported here, so that every engine can use it.

import * as digest from "digest";
import * as fiber from "fiber";
import * as log from "log";
import type { NativeCounter, NativeRequest, PartBuffer } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { perform } from "./request";

/** Seconds an abort (or a listing to find one) may take, whatever is left of the call's deadline. */
export const CLEANUP_TIMEOUT = 60;
/** How far the server's clock may be from ours when telling which uploads a call began. */
const CLOCK_SLACK = 15;

/**
 * CreateMultipartUpload. An attempt whose answer was lost (a reset, a time-out) may still have
 * made an upload that nobody knows the id of: once an attempt was repeated, or the call was
 * cancelled in it, the uploads of this very key begun since the call started are aborted, all but
 * the one returned. (A second writer of the same key that began its own upload in those seconds
 * would lose it: two writers of one key race anyway.)
 */
export function createUpload(
    client: Client, b: string, k: string, headers: LuaTable<string, string>, timeout: number | undefined
): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
    const query = new LuaTable<string, string>();
    query.set("uploads", "");
    const startedAt = os.time();
    let repeated = false;
    const [resp, err] = perform(client, { method: "POST", bucket: b, key: k, query: query, headers: headers,
        timeout: timeout, parse: "create_multipart_upload" }, b, k, () => {
        repeated = true;
        return undefined;
    });
    const id = (resp?.parsed as { upload_id?: string } | undefined)?.upload_id;
    if (err !== undefined && err.code === "Cancelled") {
        // This fiber's requests end at once now: the cleanup runs on a fiber of its own.
        fiber.create(() => abortStrays(client, b, k, startedAt, undefined));
    } else if (repeated) {
        abortStrays(client, b, k, startedAt, id);
    }
    if (resp === undefined) {
        return $multi(undefined, err);
    }
    if (id === undefined || id === "") {
        return $multi(undefined, newError("InvalidResponse", "CreateMultipartUpload answered no UploadId", b, k,
            resp.status));
    }
    return $multi(id, undefined);
}

/** Seconds since the epoch of an S3 time stamp (2026-12-01T12:40:00.000Z is UTC). */
export function epochOf(stamp: string): number | undefined {
    const [y, mo, d, hh, mm, ss] = string.match(stamp, "^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)");
    if (ss === undefined) {
        return undefined;
    }
    // Days from the civil date, March-based years (so the leap day is a year's last).
    const month = tonumber(mo) as number;
    const year = (tonumber(y) as number) - (month <= 2 ? 1 : 0);
    const era = math.floor(year / 400);
    const yearOfEra = year - era * 400;
    const dayOfYear = math.floor((153 * ((month + 9) % 12) + 2) / 5) + (tonumber(d) as number) - 1;
    const dayOfEra = yearOfEra * 365 + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100) + dayOfYear;
    const days = era * 146097 + dayOfEra - 719468;
    return days * 86400 + (tonumber(hh) as number) * 3600 + (tonumber(mm) as number) * 60 + (tonumber(ss) as number);
}

interface ListedUpload {
    key: string;
    upload_id: string;
    initiated?: string;
}

/** Aborts the uploads of key k begun since `since` (our clock, seconds) but `keep`; logs what fails. */
function abortStrays(client: Client, b: string, k: string, since: number, keep: string | undefined): void {
    const query = new LuaTable<string, string>();
    query.set("uploads", "");
    query.set("prefix", k);
    const [resp, err] = perform(client, { method: "GET", bucket: b, query: query, timeout: CLEANUP_TIMEOUT,
        parse: "list_multipart_uploads" }, b, k);
    if (resp === undefined) {
        log.warn("s3: could not list the uploads of %s/%s to abort one a lost answer made: %s", b, k, tostring(err));
        return;
    }
    const serverSince = since + client._native.clock_offset() - CLOCK_SLACK;
    for (const u of (resp.parsed as { uploads: ListedUpload[] }).uploads) {
        const began = u.initiated !== undefined ? epochOf(u.initiated) : undefined;
        if (u.key === k && u.upload_id !== keep && began !== undefined && began >= serverSince) {
            const abortErr = abortUpload(client, b, k, u.upload_id, undefined, CLEANUP_TIMEOUT);
            if (abortErr !== undefined && abortErr.code !== "NoSuchUpload") {
                log.warn("s3: could not abort multipart upload %s of %s/%s: %s", u.upload_id, b, k, tostring(abortErr));
            }
        }
    }
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
    let repeated = false;
    const [resp, err] = perform(client, req, b, k, () => {
        repeated = true;
        return undefined;
    });
    if (resp === undefined) {
        // An attempt whose answer was lost may have completed the upload: the repeat then finds
        // no upload (or, with If-None-Match, the object it made). The object tells.
        if (repeated && (err.code === "NoSuchUpload" || err.code === "PreconditionFailed")) {
            const etag = completedAs(client, b, k, parts, timeout);
            if (etag !== undefined) {
                return $multi(etag, undefined);
            }
        }
        return $multi(undefined, err);
    }
    return $multi((resp.parsed as { etag?: string } | undefined)?.etag ?? "", undefined);
}

/** The ETag S3 gives the object completed from these parts: md5 of their MD5s, "-" N. */
export function compositeEtag(parts: CompletedPart[]): string | undefined {
    const md5s: string[] = [];
    for (const p of parts) {
        const [hex] = string.match(p.etag, '^"?(%x+)"?$');
        if (hex === undefined || hex.length !== 32) {
            return undefined;
        }
        md5s.push(string.gsub(hex, "%x%x", (pair: string) => string.char(tonumber(pair, 16) as number))[0]);
    }
    return `${digest.md5_hex(md5s.join(""))}-${parts.length}`;
}

/** The object's ETag when the object at k is the one these parts complete; else undefined. */
function completedAs(
    client: Client, b: string, k: string, parts: CompletedPart[], timeout: number | undefined,
): string | undefined {
    const want = compositeEtag(parts);
    if (want === undefined) {
        return undefined;
    }
    const [resp] = perform(client, { method: "HEAD", bucket: b, key: k, timeout: timeout }, b, k);
    const etag = resp?.headers.get("etag");
    if (etag === undefined) {
        return undefined;
    }
    const [bare] = string.gsub(string.lower(etag), '"', "");
    return bare === want ? etag : undefined;
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
