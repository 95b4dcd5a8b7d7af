// The deadline of a call made of several requests (copy, delete_many, listing pages): `timeout`
// bounds the whole call, and each request gets what is left of it (perform then bounds its
// attempts and backoff by that).

import * as clock from "clock";

/** The deadline for `timeout` seconds from now (the call's, else the client's when > 0), or nil. */
export function deadlineOf(timeout: number | undefined, clientTimeout: number): number | undefined {
    const budget = timeout ?? (clientTimeout > 0 ? clientTimeout : undefined);
    return budget !== undefined ? clock.monotonic() + budget : undefined;
}

/**
 * The timeout of the next request: what is left (a value under perform's minimum makes perform
 * fail with Timeout before sending), or nil for none.
 */
export function timeLeft(deadline: number | undefined): number | undefined {
    if (deadline === undefined) {
        return undefined;
    }
    const left = deadline - clock.monotonic();
    return left > 0 ? left : 0;
}
