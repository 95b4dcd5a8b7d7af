// Running one native request for a call: the call's deadline, retries with backoff, the
// contexts where a call may not run at all.

import * as native from "s3.native";
import type { NativeRequest, NativeResponse } from "s3.native";
import * as clock from "clock";
import * as fiber from "fiber";
import * as log from "log";
import type { Client } from "./client";
import { S3Error, newError, fromNative } from "./errors";
import { randomFraction } from "./util";

/** Full jitter: attempt n sleeps a uniform random time in [0, min(CAP, BASE * 2^n)) seconds. */
const BACKOFF_BASE = 0.1;
const BACKOFF_CAP = 20;

export type Failure = LuaMultiReturn<[undefined, S3Error]>;
export type Perform = LuaMultiReturn<[NativeResponse, undefined] | [undefined, S3Error]>;

export function failure(err: S3Error): Failure {
    return $multi(undefined, err);
}

/**
 * Inside a transaction or a box trigger no fiber may yield (2.6 crashes on the first yield, a
 * memtx transaction is aborted), and every call yields: refused before anything is touched.
 */
export function refusedHere(fn: string, bucket: string, key: string | undefined): S3Error | undefined {
    if (native.can_yield()) {
        return undefined;
    }
    return newError("InvalidArgument",
        `${fn} cannot run inside a transaction or a box trigger (a transfer yields): ` +
        "start it in a fiber of its own (fiber.create) instead", bucket, key);
}

/** Below this a deadline counts as passed: libcurl's time-outs are whole milliseconds, 0 is none. */
const MIN_ATTEMPT_SECONDS = 0.001;

/**
 * Runs `req`, retrying retryable failures up to the client's `retries` times with backoff.
 * `req.timeout` (the call's, else the client's `timeout` when > 0) is the deadline of the whole
 * call: each attempt gets what is left of it (waiting for a connection included), backoff never
 * sleeps past it, and when too little is left for another attempt the last failure is returned.
 * `beforeRetry` runs before every repeated attempt (e.g. to truncate a sink file) and may fail it.
 */
export function perform(
    client: Client,
    req: NativeRequest,
    bucket: string | undefined,
    key: string | undefined,
    beforeRetry?: () => S3Error | undefined
): Perform {
    const retries = client._cfg.retries;
    const budget = req.timeout ?? (client._cfg.timeout > 0 ? client._cfg.timeout : undefined);
    const deadline = budget !== undefined ? clock.monotonic() + budget : undefined;
    let attempt = 0;
    for (;;) {
        if (deadline !== undefined) {
            const left = deadline - clock.monotonic();
            if (left < MIN_ATTEMPT_SECONDS) {
                return $multi(undefined, newError("Timeout",
                    `the call's deadline (timeout = ${budget} s) passed before the request was sent`, bucket, key));
            }
            req.timeout = left;
        }
        const [resp, nerr] = client._native.request(req);
        if (resp !== undefined) {
            return $multi(resp, undefined);
        }
        const err = fromNative(nerr, bucket, key);
        if (!err.retryable || attempt >= retries) {
            return $multi(undefined, err);
        }
        const delay = randomFraction() * math.min(BACKOFF_CAP, BACKOFF_BASE * math.pow(2, attempt));
        if (deadline !== undefined && clock.monotonic() + delay + MIN_ATTEMPT_SECONDS >= deadline) {
            // No time for another attempt: what went wrong is more use than "deadline passed".
            return $multi(undefined, err);
        }
        log.verbose("s3: %s %s/%s failed (%s), retry %d of %d in %.3f s",
            req.method, tostring(bucket), tostring(key), tostring(err), attempt + 1, retries, delay);
        // A cancel while sleeping ends the call as a cancel mid-transfer does.
        const [slept] = pcall(fiber.sleep, delay);
        if (!slept) {
            return $multi(undefined, newError("Cancelled", "the fiber was cancelled between retries", bucket, key));
        }
        attempt = attempt + 1;
        if (beforeRetry !== undefined) {
            const e = beforeRetry();
            if (e !== undefined) {
                return $multi(undefined, e);
            }
        }
    }
}
