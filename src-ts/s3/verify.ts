// get_to_file{verify = true}: the downloaded bytes against the object's ETag, hashed in a worker
// thread. A single-part object's ETag is the MD5 of its bytes; a multipart one's is
// md5(part md5 || part md5 ...)-N, so the part boundaries are needed: the size of part 1 comes
// from HEAD ?partNumber=1 where the server supports it (AWS), else the part sizes that could
// have made N parts of this object are tried, the configured one first (Ceph RGW ignores
// partNumber).

import * as digest from "digest";
import * as native from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { partSizeFor } from "./parts";
import { perform } from "./request";
import { timeLeft } from "./deadline";

const MiB = 1024 * 1024;

function hexOf(raw: string): string {
    const out: string[] = [];
    for (let i = 1; i <= raw.length; i++) {
        out.push(string.format("%02x", string.byte(raw, i)));
    }
    return out.join("");
}

/** The composite ETag (without the -N) of fd's size bytes cut in parts of partSize. */
function compositeMd5(fd: number, size: number, partSize: number, count: number):
    LuaMultiReturn<[string, undefined] | [undefined, string]> {
    const digests: string[] = [];
    for (let i = 0; i < count; i++) {
        const offset = i * partSize;
        const [md5, why] = native.md5_fd(fd, offset, math.min(partSize, size - offset));
        if (md5 === undefined) {
            return $multi(undefined, why);
        }
        digests.push(md5);
    }
    return $multi(digest.md5_hex(digests.join("")), undefined);
}

/** Part sizes that cut size bytes into exactly count parts, the likeliest first. */
function candidatePartSizes(client: Client, size: number, count: number, fromServer?: number): number[] {
    const out: number[] = [];
    // No undefined inside: a Lua array ends at its first nil.
    const wanted: number[] = [];
    if (fromServer !== undefined) {
        wanted.push(fromServer);
    }
    wanted.push(client._cfg.part_size);
    wanted.push(partSizeFor(size, client._cfg.part_size) ?? client._cfg.part_size);
    wanted.push(8 * MiB, 5 * MiB, 16 * MiB);
    for (const p of wanted) {
        if (p > 0 && math.ceil(size / p) === count && !out.includes(p)) {
            out.push(p);
        }
    }
    return out;
}

/** An object whose ETag is no digest of its bytes (SSE-KMS; SSE-C), as its answer tells. */
function encryptedByKey(headers: LuaTable<string, string>): boolean {
    const sse = headers.get("x-amz-server-side-encryption");
    return (sse !== undefined && string.find(sse, "kms", 1, true)[0] !== undefined) ||
        headers.get("x-amz-server-side-encryption-customer-algorithm") !== undefined;
}

/**
 * Undefined when fd holds what the ETag of the answer's headers says; else the error that fails
 * the download. version: the download's versionId query, which the HEAD of part 1 asks for too.
 */
export function verifyDownload(
    client: Client, bucket: string, key: string, fd: number, size: number, headers: LuaTable<string, string>,
    version: LuaTable<string, string> | undefined, deadline: number | undefined,
): S3Error | undefined {
    const etag = headers.get("etag");
    if (encryptedByKey(headers)) {
        return newError("InvalidArgument",
            "cannot verify: the object is encrypted with SSE-KMS or SSE-C, its ETag is no MD5 of its bytes",
            bucket, key);
    }
    const [bare] = string.gsub(etag ?? "", '"', "");
    const [whole] = string.match(bare, "^(%x+)$");
    const [md5, parts] = string.match(bare, "^(%x+)%-(%d+)$");
    if (whole !== undefined && whole.length === 32) {
        const [raw, why] = native.md5_fd(fd, 0, size);
        if (raw === undefined) {
            return newError("IOError", `cannot read the download to verify it: ${why}`, bucket, key);
        }
        if (hexOf(raw) === string.lower(whole)) {
            return undefined;
        }
        return newError("BadDigest", `the downloaded bytes do not match the object's ETag ${etag}`, bucket, key);
    }
    if (md5 === undefined || md5.length !== 32 || parts === undefined) {
        return newError("InvalidArgument",
            `cannot verify: the ETag ${tostring(etag)} is not an MD5 (objects encrypted with SSE-KMS/SSE-C have none)`,
            bucket, key);
    }
    const count = tonumber(parts) as number;
    // The size of part 1, where the server tells it.
    const query = new LuaTable<string, string>();
    query.set("partNumber", "1");
    if (version !== undefined) {
        for (const [name, value] of pairs(version)) {
            query.set(name, value);
        }
    }
    const [head] = perform(client, { method: "HEAD", bucket: bucket, key: key, query: query,
        timeout: timeLeft(deadline) }, bucket, key);
    let fromServer: number | undefined;
    if (head !== undefined && (head.headers.get("x-amz-mp-parts-count") !== undefined ||
        (tonumber(head.headers.get("content-length")) ?? size) < size)) {
        fromServer = tonumber(head.headers.get("content-length"));
    }
    const candidates = candidatePartSizes(client, size, count, fromServer);
    if (candidates.length === 0) {
        return newError("InvalidArgument",
            `cannot verify: no known part size cuts ${size} bytes into ${count} parts`, bucket, key);
    }
    for (const partSize of candidates) {
        const [composite, why] = compositeMd5(fd, size, partSize, count);
        if (composite === undefined) {
            return newError("IOError", `cannot read the download to verify it: ${why}`, bucket, key);
        }
        if (composite === string.lower(md5)) {
            return undefined;
        }
    }
    return newError("BadDigest",
        `the downloaded bytes do not match the object's ETag ${etag} (part sizes tried: ${candidates.join(", ")})`,
        bucket, key);
}
