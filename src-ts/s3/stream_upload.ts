// Uploads of unknown length (a pipe, a FIFO, a reader function): the body is cut into part
// buffers (native.part_buffer, memory outside Lua's heap) as it arrives. What stays under the
// threshold goes as one PUT; anything longer becomes a multipart upload whose buffers hold at most
// STREAM_MEMORY in all (at least one part in flight while the next one fills), each freed as soon
// as its part is done. After FIXED_PARTS parts the part size doubles every PARTS_PER_DOUBLING
// parts, so that a stream of any length up to S3's 5 TiB fits in 10,000 parts.

import * as digest from "digest";
import * as fiber from "fiber";
import * as native from "s3.native";
import type { NativeResponse, PartBuffer } from "s3.native";
import type { Client } from "./client";
import { MAX_PART_SIZE } from "./config";
import { S3Error, newError } from "./errors";
import { Progress, ProgressFn } from "./parts";
import { perform } from "./request";
import { timeLeft } from "./deadline";
import { abortDetached, completedResponse } from "./upload";
import { CompletedPart, completeUpload, createUpload, splitConditions, uploadPart } from "./multipart";

const MiB = 1024 * 1024;
/** What the part buffers of one stream upload may hold at once (more only for parts above half of it). */
export const STREAM_MEMORY = 48 * MiB;
/** Parts of part_size a stream starts with (39 GiB at the default 8 MiB), all at full parallelism. */
export const FIXED_PARTS = 5000;
/** Past those, the part size doubles every this many parts: 10,000 parts reach S3's 5 TiB. */
export const PARTS_PER_DOUBLING = 400;
const MAX_PARTS = 10000;

/**
 * Fills the room left in buf from the stream. Returns true once the stream has ended (the
 * buffer then holds its last bytes, maybe none), false when the buffer is full.
 */
export type StreamFiller = (this: void, buf: PartBuffer) => LuaMultiReturn<[boolean, undefined] | [undefined, S3Error]>;

export interface StreamOptions {
    headers: LuaTable<string, string>;
    threshold: number;
    partSize: number;
    concurrency: number;
    deadline?: number;
    onProgress?: ProgressFn;
}

/** The size of part `index` (1-based) of a stream whose first parts have `partSize` bytes. */
export function streamPartSize(this: void, partSize: number, index: number): number {
    if (index <= FIXED_PARTS) {
        return partSize;
    }
    const doublings = math.ceil((index - FIXED_PARTS) / PARTS_PER_DOUBLING);
    return math.min(partSize * 2 ** doublings, MAX_PART_SIZE);
}

function md5Base64(buf: PartBuffer, offset: number, size: number): string {
    return digest.base64_encode(buf.md5(offset, size), { nowrap: true });
}

function newBuffer(capacity: number, bucket: string, key: string): LuaMultiReturn<[PartBuffer, undefined] | [undefined, S3Error]> {
    const [buf, why] = native.part_buffer(capacity);
    if (buf === undefined) {
        return $multi(undefined, newError("OutOfMemory", `${why} of ${capacity} bytes`, bucket, key));
    }
    return $multi(buf, undefined);
}

/** The upload's state shared with the part fibers. */
interface Stream {
    running: number;
    /** Bytes of the buffers alive (in flight or filling). */
    held: number;
    failure?: S3Error;
    cond: fiber.Cond;
    parts: CompletedPart[];
    /** Every buffer taken, so that all are released however the upload ends. */
    buffers: PartBuffer[];
}

/** A buffer several parts are cut from (the first one): freed when the last of them is done. */
interface Shared {
    buf: PartBuffer;
    users: number;
}

function letGo(state: Stream, buf: PartBuffer, shared: Shared | undefined): void {
    if (shared !== undefined) {
        shared.users = shared.users - 1;
        if (shared.users > 0) {
            return;
        }
    }
    state.held = state.held - buf.cap();
    buf.release();
}

function sendPart(
    this: void, client: Client, bucket: string, key: string, uploadId: string, index: number,
    buf: PartBuffer, offset: number, size: number, shared: Shared | undefined,
    o: StreamOptions, progress: Progress, state: Stream,
): void {
    // However this fiber ends (a cancel may raise in a retry's sleep), the count goes down only
    // after the request is over: the buffer is freed when nothing reads it any more.
    const [ran, raised] = pcall(() => {
        const [etag, err] = uploadPart(client, bucket, key, uploadId, index,
            { body_buffer: buf, body_offset: offset, body_size: size }, md5Base64(buf, offset, size),
            progress.counter, timeLeft(o.deadline));
        if (etag === undefined) {
            if (state.failure === undefined) {
                state.failure = err;
            }
        } else {
            state.parts[index - 1] = { part_number: index, etag: etag };
        }
    });
    if (!ran && state.failure === undefined) {
        state.failure = newError("Cancelled", `part ${index}: ${tostring(raised)}`, bucket, key);
    }
    letGo(state, buf, shared);
    state.running = state.running - 1;
    state.cond.signal();
}

/** Waits, reporting progress, until cond() holds. Raises on cancel. */
function waitFor(state: Stream, progress: Progress, cond: (this: void) => boolean): void {
    while (!cond()) {
        state.cond.wait(0.1);
        // A cancel wakes the wait without a raise on some versions (2.6): ask.
        fiber.testcancel();
        progress.report(false);
    }
}

/** A single PUT of the whole (short) stream from its one buffer. */
function putWhole(
    client: Client, bucket: string, key: string, buf: PartBuffer, o: StreamOptions,
): LuaMultiReturn<[NativeResponse, number] | [undefined, S3Error]> {
    const size = buf.len();
    const headers = new LuaTable<string, string>();
    for (const [k, v] of pairs(o.headers)) {
        headers.set(k, v);
    }
    headers.set("content-md5", md5Base64(buf, 0, size));
    const progress = new Progress(o.onProgress, size, native.counter());
    const [resp, err] = perform(client, { method: "PUT", bucket: bucket, key: key, headers: headers,
        body_buffer: buf, body_offset: 0, body_size: size, progress: progress.counter,
        timeout: timeLeft(o.deadline) }, bucket, key);
    if (resp === undefined) {
        return $multi(undefined, err);
    }
    progress.report(true);
    return $multi(resp, size);
}

/** Uploads what `fill` yields as one object. Returns the final response and the size. */
export function uploadStream(
    client: Client, bucket: string, key: string, fill: StreamFiller, o: StreamOptions,
): LuaMultiReturn<[NativeResponse, number] | [undefined, S3Error]> {
    const [first, firstErr] = newBuffer(o.threshold, bucket, key);
    if (first === undefined) {
        return $multi(undefined, firstErr);
    }
    // A raise (in a reader) frees the buffer at once too, then goes on up.
    const [firstRan, filled] = pcall(() => {
        const [ended, err] = fill(first);
        return { ended: ended, err: err };
    });
    if (!firstRan || filled.ended === undefined) {
        first.release();
        if (!firstRan) {
            return error(filled, 0);
        }
        return $multi(undefined, filled.err as S3Error);
    }
    if (first.len() < o.threshold) {
        // Ended under the threshold: one PUT.
        const [wholeRan, put] = pcall(() => {
            const [resp, sizeOrErr] = putWhole(client, bucket, key, first, o);
            return { resp: resp, sizeOrErr: sizeOrErr };
        });
        first.release();
        if (!wholeRan) {
            return error(put, 0);
        }
        if (put.resp === undefined) {
            return $multi(undefined, put.sizeOrErr as S3Error);
        }
        return $multi(put.resp, put.sizeOrErr as number);
    }
    return uploadParts(client, bucket, key, first, filled.ended, fill, o);
}

function uploadParts(
    client: Client, bucket: string, key: string, first: PartBuffer, firstEnded: boolean,
    fill: StreamFiller, o: StreamOptions,
): LuaMultiReturn<[NativeResponse, number] | [undefined, S3Error]> {
    const [createHeaders, conditions] = splitConditions(o.headers);
    const [uploadId, createErr] = createUpload(client, bucket, key, createHeaders, timeLeft(o.deadline));
    if (uploadId === undefined) {
        first.release();
        return $multi(undefined, createErr);
    }
    const progress = new Progress(o.onProgress, undefined, native.counter());
    const state: Stream = { running: 0, held: first.cap(), cond: fiber.cond(), parts: [], buffers: [first] };
    const workers: fiber.Fiber[] = [];
    let index = 0;
    let size = 0;
    const start = (buf: PartBuffer, offset: number, len: number, shared: Shared | undefined): void => {
        index = index + 1;
        size = size + len;
        state.running = state.running + 1;
        workers.push(fiber.create_later(sendPart, client, bucket, key, uploadId, index, buf, offset, len, shared,
            o, progress, state));
    };
    const [ok, raised] = pcall(() => {
        // The first buffer (threshold bytes) is cut into parts of partSize; what is left past the
        // last whole one (shorter than a part may be) moves to the next buffer.
        const cut = math.min(first.len(), o.partSize);
        const whole = math.floor(first.len() / cut);
        let carry: PartBuffer | undefined;
        if (whole * cut < first.len()) {
            const [next, err] = newBuffer(streamPartSize(o.partSize, whole + 1), bucket, key);
            if (next === undefined) {
                state.failure = err;
                return;
            }
            state.buffers.push(next);
            state.held = state.held + next.cap();
            first.move_tail(whole * cut, next);
            carry = next;
        }
        const shared: Shared = { buf: first, users: whole };
        for (let i = 0; i < whole; i++) {
            waitFor(state, progress, () => state.running < o.concurrency);
            start(first, i * cut, cut, shared);
        }
        let ended = firstEnded;
        while (state.failure === undefined && !(ended && carry === undefined)) {
            let buf = carry;
            carry = undefined;
            if (buf === undefined) {
                const partSize = streamPartSize(o.partSize, index + 1);
                // Memory first: a new buffer only when it fits, or when nothing else is held.
                waitFor(state, progress, () => state.failure !== undefined ||
                    (state.running < o.concurrency && (state.held + partSize <= STREAM_MEMORY || state.held === 0)));
                if (state.failure !== undefined) {
                    break;
                }
                const [fresh, err] = newBuffer(partSize, bucket, key);
                if (fresh === undefined) {
                    state.failure = err;
                    break;
                }
                state.buffers.push(fresh);
                state.held = state.held + fresh.cap();
                buf = fresh;
            }
            if (!ended) {
                const [done, err] = fill(buf);
                if (done === undefined) {
                    state.failure = err;
                    break;
                }
                ended = done;
            }
            if (buf.len() === 0) {
                letGo(state, buf, undefined);
                break;
            }
            if (index + 1 > MAX_PARTS) {
                state.failure = newError("EntityTooLarge",
                    `the stream is longer than S3's 10,000 parts (${size} bytes so far)`, bucket, key);
                break;
            }
            waitFor(state, progress, () => state.running < o.concurrency);
            start(buf, 0, buf.len(), undefined);
        }
        waitFor(state, progress, () => state.running === 0);
    });
    const failed = !ok || state.failure !== undefined;
    if (failed) {
        for (const f of workers) {
            if (f.status() !== "dead") {
                // fiber:cancel() raises when the caller is cancelled itself.
                pcall(() => f.cancel());
            }
        }
        // The workers end soon once cancelled; wait for them so that no fiber outlives the call
        // and no buffer is freed under a request.
        while (state.running > 0) {
            pcall(fiber.sleep, 0.01);
        }
    }
    for (const buf of state.buffers) {
        buf.release();
    }
    if (failed) {
        abortDetached(client, bucket, key, uploadId);
        if (!ok) {
            // The fiber's own cancel is a Cancelled result; a reader's raise (whatever its text) is re-raised.
            const [notCancelled] = pcall(fiber.testcancel);
            if (!notCancelled) {
                return $multi(undefined, newError("Cancelled", "the fiber was cancelled", bucket, key));
            }
            return error(raised as string, 0);
        }
        return $multi(undefined, state.failure as S3Error);
    }
    // The last report comes before the object is made, so that a raise in it still leaves none.
    progress.setTotal(size);
    const [reportedOk, reportErr] = pcall(() => progress.report(true));
    if (!reportedOk) {
        abortDetached(client, bucket, key, uploadId);
        return error(reportErr, 0);
    }
    const [etag, doneErr] = completeUpload(client, bucket, key, uploadId, state.parts, timeLeft(o.deadline), conditions);
    if (etag === undefined) {
        abortDetached(client, bucket, key, uploadId);
        return $multi(undefined, doneErr);
    }
    return $multi(completedResponse(etag), size);
}
