// Uploads of unknown length (a pipe, a FIFO, a reader function): the body is cut into part
// buffers as it arrives. What fits under the threshold goes as one PUT; anything larger becomes a
// multipart upload with at most `concurrency` part buffers in flight while the next one fills, so
// memory stays at about (concurrency + 1) x part_size whatever the length.

import * as digest from "digest";
import * as fiber from "fiber";
import * as native from "s3.native";
import type { NativeResponse } from "s3.native";
import type { Client } from "./client";
import { S3Error, newError } from "./errors";
import { Progress, ProgressFn } from "./parts";
import { perform } from "./request";
import { timeLeft } from "./deadline";
import { abortDetached, completedResponse } from "./upload";
import { CompletedPart, completeUpload, createUpload, splitConditions, uploadPart } from "./multipart";

/** Returns the next chunk, "" or undefined at the end; an error ends the upload. */
export type ChunkSource = (this: void) => LuaMultiReturn<[string | undefined, S3Error | undefined]>;

export interface StreamOptions {
    headers: LuaTable<string, string>;
    threshold: number;
    partSize: number;
    concurrency: number;
    deadline?: number;
    onProgress?: ProgressFn;
}

/** Collects chunks into buffers of exactly `size` bytes (the last one shorter). */
class PartBuffer {
    private chunks: string[] = [];
    private length = 0;
    ended = false;

    constructor(private readonly next: ChunkSource) {}

    /** Up to size bytes; fewer only at the end. */
    take(size: number): LuaMultiReturn<[string, undefined] | [undefined, S3Error]> {
        while (!this.ended && this.length < size) {
            const [chunk, err] = this.next();
            if (err !== undefined) {
                return $multi(undefined, err);
            }
            if (chunk === undefined || chunk === "") {
                this.ended = true;
            } else {
                this.chunks.push(chunk);
                this.length = this.length + chunk.length;
            }
        }
        const all = this.chunks.join("");
        const part = string.sub(all, 1, size);
        const rest = string.sub(all, size + 1);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.length = rest.length;
        return $multi(part, undefined);
    }

    /** Puts bytes taken back in front, to be taken again. */
    putBack(bytes: string): void {
        this.chunks.unshift(bytes);
        this.length = this.length + bytes.length;
    }

    /** Whether nothing is left to take. */
    exhausted(): boolean {
        return this.ended && this.length === 0;
    }
}

function md5Base64(s: string): string {
    return digest.base64_encode(native.md5_string(s), { nowrap: true });
}

interface InFlight {
    running: number;
    failure?: S3Error;
    cond: fiber.Cond;
    parts: CompletedPart[];
}

function sendPart(
    this: void, client: Client, bucket: string, key: string, uploadId: string, index: number, body: string,
    o: StreamOptions, progress: Progress, state: InFlight,
): void {
    const [etag, err] = uploadPart(client, bucket, key, uploadId, index, { body: body }, md5Base64(body),
        progress.counter, timeLeft(o.deadline));
    if (etag === undefined) {
        if (state.failure === undefined) {
            state.failure = err;
        }
    } else {
        state.parts[index - 1] = { part_number: index, etag: etag };
    }
    state.running = state.running - 1;
    state.cond.signal();
}

/** Waits until fewer than `limit` parts are in flight, reporting progress. Raises on cancel. */
function waitBelow(state: InFlight, limit: number, progress: Progress): void {
    while (state.running >= limit) {
        state.cond.wait(0.1);
        progress.report(false);
    }
}

/** Uploads what `next` yields as one object. Returns the final response and the size. */
export function uploadStream(
    client: Client, bucket: string, key: string, next: ChunkSource, o: StreamOptions,
): LuaMultiReturn<[NativeResponse, number] | [undefined, S3Error]> {
    const source = new PartBuffer(next);
    const [first, firstErr] = source.take(o.threshold);
    if (first === undefined) {
        return $multi(undefined, firstErr);
    }
    if (source.exhausted()) {
        // Everything fits in one PUT.
        const headers = new LuaTable<string, string>();
        for (const [k, v] of pairs(o.headers)) {
            headers.set(k, v);
        }
        headers.set("content-md5", md5Base64(first));
        const progress = new Progress(o.onProgress, first.length, native.counter());
        const [resp, err] = perform(client, { method: "PUT", bucket: bucket, key: key, headers: headers, body: first,
            progress: progress.counter, timeout: timeLeft(o.deadline) }, bucket, key);
        if (resp === undefined) {
            return $multi(undefined, err);
        }
        progress.report(true);
        return $multi(resp, first.length);
    }
    const [createHeaders, conditions] = splitConditions(o.headers);
    const [uploadId, createErr] = createUpload(client, bucket, key, createHeaders, timeLeft(o.deadline));
    if (uploadId === undefined) {
        return $multi(undefined, createErr);
    }
    const progress = new Progress(o.onProgress, undefined, native.counter());
    const state: InFlight = { running: 0, cond: fiber.cond(), parts: [] };
    const workers: fiber.Fiber[] = [];
    // The first buffer was taken to see whether it all fits in one PUT: cut it into parts too.
    source.putBack(first);
    let index = 0;
    let size = 0;
    const [ok, raised] = pcall(() => {
        while (state.failure === undefined) {
            if (source.exhausted()) {
                break;
            }
            const [body, err] = source.take(o.partSize);
            if (body === undefined) {
                state.failure = err;
                break;
            }
            if (body.length === 0) {
                break;
            }
            index = index + 1;
            if (index > 10000) {
                state.failure = newError("EntityTooLarge",
                    `the stream is longer than 10,000 parts of ${o.partSize} bytes: set a larger part_size`, bucket, key);
                break;
            }
            size = size + body.length;
            waitBelow(state, o.concurrency, progress);
            state.running = state.running + 1;
            workers.push(fiber.create_later(sendPart, client, bucket, key, uploadId, index, body, o, progress, state));
        }
        waitBelow(state, 1, progress);
    });
    if (!ok || state.failure !== undefined) {
        for (const f of workers) {
            if (f.status() !== "dead") {
                // fiber:cancel() raises when the caller is cancelled itself.
                pcall(() => f.cancel());
            }
        }
        // The workers end at once once cancelled; wait for them so no fiber outlives the call.
        while (state.running > 0) {
            pcall(fiber.sleep, 0.01);
        }
        abortDetached(client, bucket, key, uploadId);
        if (!ok) {
            if (tostring(raised).includes("cancel")) {
                return $multi(undefined, newError("Cancelled", "the fiber was cancelled", bucket, key));
            }
            return error(raised as string, 0);
        }
        return $multi(undefined, state.failure as S3Error);
    }
    const [etag, doneErr] = completeUpload(client, bucket, key, uploadId, state.parts, timeLeft(o.deadline), conditions);
    if (etag === undefined) {
        abortDetached(client, bucket, key, uploadId);
        return $multi(undefined, doneErr);
    }
    progress.setTotal(size);
    progress.report(true);
    return $multi(completedResponse(etag), size);
}
