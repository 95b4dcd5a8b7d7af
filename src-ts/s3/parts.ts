// The transfer engine's common ground: how an object is cut into parts, and running parts on a
// few fibers of their own while the calling fiber waits, reports progress and stays cancellable.

import * as clock from "clock";
import * as fiber from "fiber";
import * as native from "s3.native";
import type { NativeCounter, NativeRequest, NativeResponse } from "s3.native";
import type { Client } from "./client";
import { MAX_PART_SIZE } from "./config";
import { S3Error, newError } from "./errors";
import { Perform, perform } from "./request";

const MiB = 1024 * 1024;
/** S3 takes at most this many parts in one upload. */
export const MAX_PARTS = 10000;
/** How often on_progress is called at most while a transfer runs. */
const PROGRESS_INTERVAL = 0.1;

/**
 * The part size for an object of `size` bytes: the wanted one, grown (in whole MiB) until the
 * object fits in MAX_PARTS parts. Undefined when even the largest part is not enough.
 */
export function partSizeFor(size: number, wanted: number): number | undefined {
    let partSize = wanted;
    if (math.ceil(size / partSize) > MAX_PARTS) {
        partSize = math.ceil(size / MAX_PARTS / MiB) * MiB;
    }
    return partSize <= MAX_PART_SIZE ? partSize : undefined;
}

/** total is nil while an upload of unknown length runs. */
export type ProgressFn = (this: void, done: number, total: number | undefined) => void;

/**
 * Calls on_progress at most every PROGRESS_INTERVAL and never with a smaller `done` than before
 * (a failed attempt's bytes are taken back from the counter; the report waits until they are
 * made up again). Only ever called from the fiber of the call.
 */
export class Progress {
    private last = -1;
    private lastAt = 0;
    /** (total, total) was reported: nothing is after it. */
    private ended = false;

    constructor(
        private readonly fn: ProgressFn | undefined,
        private total: number | undefined,
        readonly counter: NativeCounter | undefined,
        private readonly base = 0,
    ) {}

    /** Once a stream of unknown length has ended. */
    setTotal(total: number): void {
        this.total = total;
    }

    /** Reports if due; `force` reports now (at the end). Raises what on_progress raises. */
    report(force: boolean): void {
        if (this.fn === undefined || this.counter === undefined || this.ended) {
            return;
        }
        const now = clock.monotonic();
        if (!force && now - this.lastAt < PROGRESS_INTERVAL) {
            return;
        }
        let done = this.base + this.counter.value();
        if (this.total !== undefined && done > this.total) {
            done = this.total;
        }
        if (done < this.last || (done === this.last && !force)) {
            return;
        }
        this.last = done;
        this.lastAt = now;
        this.ended = done === this.total;
        this.fn(done, this.total);
    }

    /** The end, (total, total), unless a report told it already. Raises what on_progress raises. */
    finish(total: number): void {
        this.total = total;
        if (this.fn === undefined || this.ended) {
            return;
        }
        this.last = total;
        this.lastAt = clock.monotonic();
        this.ended = true;
        this.fn(total, total);
    }
}

/** What one part's work returns: undefined when it went well. */
export type PartFn = (this: void, index: number) => S3Error | undefined;

interface PoolState {
    next: number;
    count: number;
    running: number;
    failure?: S3Error;
    raised?: unknown;
    cond: fiber.Cond;
    work: PartFn;
}

function worker(this: void, state: PoolState): void {
    while (state.failure === undefined && state.raised === undefined && state.next <= state.count) {
        const index = state.next;
        state.next = index + 1;
        const [ok, res] = pcall(state.work, index);
        if (!ok) {
            // A raise once the pool stopped for a failure (a cancel) is that failure's echo.
            if (state.failure === undefined && state.raised === undefined) {
                state.raised = res;
            }
        } else if (res !== undefined && state.failure === undefined) {
            state.failure = res as S3Error;
        }
    }
    state.running = state.running - 1;
    state.cond.signal();
}

/** A pool whose part count is known only once its first part has begun (a download's size). */
export interface PoolGrowth {
    /** Waits up to timeout seconds for the final count; undefined while it is not known yet. */
    wait(this: void, timeout: number): number | undefined;
}

function spawn(state: PoolState, fibers: fiber.Fiber[], concurrency: number): void {
    const wanted = math.min(concurrency, state.running + state.count - state.next + 1);
    while (state.running < wanted) {
        state.running = state.running + 1;
        fibers.push(fiber.create_later(worker, state));
    }
}

/**
 * Runs work(1..count) on at most `concurrency` fibers; the calling fiber waits, reporting
 * progress. The first failure stops the others from taking new parts, and is returned once
 * every worker is done. A cancel of the calling fiber, or a raise in on_progress, cancels the
 * workers (their requests end at once); a raise is re-raised once they are all gone, so no
 * fiber outlives the call. With `growth`, the count grows to what growth.wait() tells, and more
 * workers start at once (a worker still on part 1 goes on with the next parts).
 */
export function runParts(
    count: number, concurrency: number, work: PartFn, progress: Progress,
    bucket: string, key: string, growth?: PoolGrowth,
): S3Error | undefined {
    const state: PoolState = { next: 1, count: count, running: 0, cond: fiber.cond(), work: work };
    const fibers: fiber.Fiber[] = [];
    spawn(state, fibers, concurrency);
    let growing = growth !== undefined;
    let stopped = false;
    while (state.running > 0 || growing) {
        let waited: boolean;
        if (growing && !stopped) {
            [waited] = pcall(() => {
                const grown = (growth as PoolGrowth).wait(PROGRESS_INTERVAL);
                fiber.testcancel();
                if (grown !== undefined) {
                    growing = false;
                    if (state.failure === undefined && state.raised === undefined && grown > state.count) {
                        state.count = grown;
                        spawn(state, fibers, concurrency);
                    }
                } else if (state.running === 0) {
                    // The first part ended (failed, or raised) without telling the count.
                    growing = false;
                }
            });
        } else {
            growing = false;
            [waited] = pcall(() => {
                state.cond.wait(PROGRESS_INTERVAL);
                // A cancel wakes the wait without a raise on some versions (2.6): ask.
                fiber.testcancel();
            });
        }
        let reported = true;
        let raised: unknown;
        if (waited && !stopped) {
            [reported, raised] = pcall(() => progress.report(false));
        }
        if (!stopped && (!waited || !reported)) {
            // Cancelled, or on_progress raised: stop every worker, then wait for them.
            stopped = true;
            if (!waited) {
                state.failure = newError("Cancelled", "the fiber was cancelled", bucket, key);
            } else {
                state.raised = raised;
            }
            for (const f of fibers) {
                if (f.status() !== "dead") {
                    // fiber:cancel() raises when the caller is cancelled itself.
                    pcall(() => f.cancel());
                }
            }
        }
    }
    if (state.raised !== undefined) {
        return error(state.raised as string, 0);
    }
    return state.failure;
}

/**
 * One request on a fiber of its own, so that the calling fiber can report progress meanwhile
 * (on_progress runs only there, never in a libcurl callback). total undefined: a download of a
 * size told only by its answer; the last report gives the bytes received as the total. Without
 * on_progress it is perform, on the calling fiber.
 */
export function performWithProgress(
    client: Client, req: NativeRequest, b: string, k: string, total: number | undefined,
    onProgress: ProgressFn | undefined, beforeRetry?: () => S3Error | undefined,
): Perform {
    if (onProgress === undefined) {
        return perform(client, req, b, k, beforeRetry);
    }
    const progress = new Progress(onProgress, total, native.counter());
    req.progress = progress.counter;
    const box: { resp?: NativeResponse } = {};
    const work = (): S3Error | undefined => {
        const [resp, err] = perform(client, req, b, k, beforeRetry);
        box.resp = resp;
        return err;
    };
    const err = runParts(1, 1, work, progress, b, k);
    if (err !== undefined || box.resp === undefined) {
        return $multi(undefined, err ?? newError("InternalError", "request failed", b, k));
    }
    if (total === undefined) {
        progress.setTotal(typeof box.resp.bytes === "number" ? box.resp.bytes : 0);
    }
    progress.report(true);
    return $multi(box.resp, undefined);
}
