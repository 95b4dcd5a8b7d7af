--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local native = require("s3.native")
local clock = require("clock")
local fiber = require("fiber")
local log = require("log")
local ____errors = require("s3.errors")
local newError = ____errors.newError
local fromNative = ____errors.fromNative
local ____util = require("s3.util")
local randomFraction = ____util.randomFraction
--- Full jitter: attempt n sleeps a uniform random time in [0, min(CAP, BASE * 2^n)) seconds.
local BACKOFF_BASE = 0.1
local BACKOFF_CAP = 20
function ____exports.failure(err)
    return nil, err
end
--- Inside a transaction or a box trigger no fiber may yield (2.6 crashes on the first yield, a
-- memtx transaction is aborted), and every call yields: refused before anything is touched.
function ____exports.refusedHere(fn, bucket, key)
    if native.can_yield() then
        return nil
    end
    return newError("InvalidArgument", (fn .. " cannot run inside a transaction or a box trigger (a transfer yields): ") .. "start it in a fiber of its own (fiber.create) instead", bucket, key)
end
--- Below this a deadline counts as passed: libcurl's time-outs are whole milliseconds, 0 is none.
local MIN_ATTEMPT_SECONDS = 0.001
--- Runs `req`, retrying retryable failures up to the client's `retries` times with backoff.
-- `req.timeout` (the call's, else the client's `timeout` when > 0) is the deadline of the whole
-- call: each attempt gets what is left of it (waiting for a connection included), backoff never
-- sleeps past it, and when too little is left for another attempt the last failure is returned.
-- `beforeRetry` runs before every repeated attempt (e.g. to truncate a sink file) and may fail it.
function ____exports.perform(client, req, bucket, key, beforeRetry)
    local retries = client._cfg.retries
    local budget = req.timeout or (client._cfg.timeout > 0 and client._cfg.timeout or nil)
    local deadline = budget ~= nil and clock.monotonic() + budget or nil
    local attempt = 0
    do
        while true do
            if deadline ~= nil then
                local left = deadline - clock.monotonic()
                if left < MIN_ATTEMPT_SECONDS then
                    return nil, newError(
                        "Timeout",
                        ("the call's deadline (timeout = " .. tostring(budget)) .. " s) passed before the request was sent",
                        bucket,
                        key
                    )
                end
                req.timeout = left
            end
            local resp, nerr = client._native:request(req)
            if resp ~= nil then
                return resp, nil
            end
            local err = fromNative(nerr, bucket, key)
            if not err.retryable or attempt >= retries then
                return nil, err
            end
            local delay = randomFraction() * math.min(
                BACKOFF_CAP,
                BACKOFF_BASE * math.pow(2, attempt)
            )
            if deadline ~= nil and clock.monotonic() + delay + MIN_ATTEMPT_SECONDS >= deadline then
                return nil, err
            end
            log.verbose(
                "s3: %s %s/%s failed (%s), retry %d of %d in %.3f s",
                req.method,
                tostring(bucket),
                tostring(key),
                tostring(err),
                attempt + 1,
                retries,
                delay
            )
            local slept = pcall(fiber.sleep, delay)
            if not slept then
                return nil, newError("Cancelled", "the fiber was cancelled between retries", bucket, key)
            end
            attempt = attempt + 1
            if beforeRetry ~= nil then
                local e = beforeRetry()
                if e ~= nil then
                    return nil, e
                end
            end
        end
    end
end
return ____exports
