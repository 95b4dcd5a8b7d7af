--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__Class(self)
    local c = {prototype = {}}
    c.prototype.__index = c.prototype
    c.prototype.constructor = c
    return c
end

local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local clock = require("clock")
local fiber = require("fiber")
local native = require("s3.native")
local ____config = require("s3.config")
local MAX_PART_SIZE = ____config.MAX_PART_SIZE
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____request = require("s3.request")
local perform = ____request.perform
local MiB = 1024 * 1024
--- S3 takes at most this many parts in one upload.
____exports.MAX_PARTS = 10000
--- How often on_progress is called at most while a transfer runs.
local PROGRESS_INTERVAL = 0.1
--- The part size for an object of `size` bytes: the wanted one, grown (in whole MiB) until the
-- object fits in MAX_PARTS parts. Undefined when even the largest part is not enough.
function ____exports.partSizeFor(size, wanted)
    local partSize = wanted
    if math.ceil(size / partSize) > ____exports.MAX_PARTS then
        partSize = math.ceil(size / ____exports.MAX_PARTS / MiB) * MiB
    end
    return partSize <= MAX_PART_SIZE and partSize or nil
end
--- Calls on_progress at most every PROGRESS_INTERVAL and never with a smaller `done` than before
-- (a failed attempt's bytes are taken back from the counter; the report waits until they are
-- made up again). Only ever called from the fiber of the call.
____exports.Progress = __TS__Class()
local Progress = ____exports.Progress
Progress.name = "Progress"
function Progress.prototype.____constructor(self, fn, total, counter, base)
    if base == nil then
        base = 0
    end
    self.fn = fn
    self.total = total
    self.counter = counter
    self.base = base
    self.last = -1
    self.lastAt = 0
    self.ended = false
end
function Progress.prototype.setTotal(self, total)
    self.total = total
end
function Progress.prototype.report(self, force)
    if self.fn == nil or self.counter == nil or self.ended then
        return
    end
    local now = clock.monotonic()
    if not force and now - self.lastAt < PROGRESS_INTERVAL then
        return
    end
    local done = self.base + self.counter:value()
    if self.total ~= nil and done > self.total then
        done = self.total
    end
    if done < self.last or done == self.last and not force then
        return
    end
    self.last = done
    self.lastAt = now
    self.ended = done == self.total
    self.fn(done, self.total)
end
function Progress.prototype.finish(self, total)
    self.total = total
    if self.fn == nil or self.ended then
        return
    end
    self.last = total
    self.lastAt = clock.monotonic()
    self.ended = true
    self.fn(total, total)
end
local function worker(state)
    while state.failure == nil and state.raised == nil and state.next <= state.count do
        local index = state.next
        state.next = index + 1
        local ok, res = pcall(state.work, index)
        if not ok then
            if state.failure == nil and state.raised == nil then
                state.raised = res
            end
        elseif res ~= nil and state.failure == nil then
            state.failure = res
        end
    end
    state.running = state.running - 1
    state.cond:signal()
end
local function spawn(state, fibers, concurrency)
    local wanted = math.min(concurrency, state.running + state.count - state.next + 1)
    while state.running < wanted do
        state.running = state.running + 1
        fibers[#fibers + 1] = fiber.new(worker, state)
    end
end
--- Runs work(1..count) on at most `concurrency` fibers; the calling fiber waits, reporting
-- progress. The first failure stops the others from taking new parts, and is returned once
-- every worker is done. A cancel of the calling fiber, or a raise in on_progress, cancels the
-- workers (their requests end at once); a raise is re-raised once they are all gone, so no
-- fiber outlives the call. With `growth`, the count grows to what growth.wait() tells, and more
-- workers start at once (a worker still on part 1 goes on with the next parts).
function ____exports.runParts(count, concurrency, work, progress, bucket, key, growth)
    local state = {
        next = 1,
        count = count,
        running = 0,
        cond = fiber.cond(),
        work = work
    }
    local fibers = {}
    spawn(state, fibers, concurrency)
    local growing = growth ~= nil
    local stopped = false
    while state.running > 0 or growing do
        local waited
        if growing and not stopped then
            waited = pcall(function()
                local grown = growth.wait(PROGRESS_INTERVAL)
                fiber.testcancel()
                if grown ~= nil then
                    growing = false
                    if state.failure == nil and state.raised == nil and grown > state.count then
                        state.count = grown
                        spawn(state, fibers, concurrency)
                    end
                elseif state.running == 0 then
                    growing = false
                end
            end)
        else
            growing = false
            waited = pcall(function()
                state.cond:wait(PROGRESS_INTERVAL)
                fiber.testcancel()
            end)
        end
        local reported = true
        local raised
        if waited and not stopped then
            reported, raised = pcall(function() return progress:report(false) end)
        end
        if not stopped and (not waited or not reported) then
            stopped = true
            if not waited then
                state.failure = newError("Cancelled", "the fiber was cancelled", bucket, key)
            else
                state.raised = raised
            end
            for ____, f in ipairs(fibers) do
                if f:status() ~= "dead" then
                    pcall(function() return f:cancel() end)
                end
            end
        end
    end
    if state.raised ~= nil then
        return error(state.raised, 0)
    end
    return state.failure
end
--- One request on a fiber of its own, so that the calling fiber can report progress meanwhile
-- (on_progress runs only there, never in a libcurl callback). total undefined: a download of a
-- size told only by its answer; the last report gives the bytes received as the total. Without
-- on_progress it is perform, on the calling fiber.
function ____exports.performWithProgress(client, req, b, k, total, onProgress, beforeRetry)
    if onProgress == nil then
        return perform(
            client,
            req,
            b,
            k,
            beforeRetry
        )
    end
    local progress = __TS__New(
        ____exports.Progress,
        onProgress,
        total,
        native.counter()
    )
    req.progress = progress.counter
    local box = {}
    local function work()
        local resp, err = perform(
            client,
            req,
            b,
            k,
            beforeRetry
        )
        box.resp = resp
        return err
    end
    local err = ____exports.runParts(
        1,
        1,
        work,
        progress,
        b,
        k
    )
    if err ~= nil or box.resp == nil then
        return nil, err or newError("InternalError", "request failed", b, k)
    end
    if total == nil then
        progress:setTotal(type(box.resp.bytes) == "number" and box.resp.bytes or 0)
    end
    progress:report(true)
    return box.resp, nil
end
return ____exports
