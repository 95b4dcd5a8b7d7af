--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local native = require("s3.native")
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____parts = require("s3.parts")
local Progress = ____parts.Progress
local runParts = ____parts.runParts
local ____request = require("s3.request")
local perform = ____request.perform
local ____deadline = require("s3.deadline")
local timeLeft = ____deadline.timeLeft
local function copyHeaders(h)
    local out = {}
    for k, v in pairs(h) do
        out[k] = v
    end
    return out
end
--- "bytes 0-99/1234" -> 1234
local function totalOf(contentRange)
    if contentRange == nil then
        return nil
    end
    local total = string.match(contentRange, "/(%d+)%s*$")
    local ____temp_0
    if total ~= nil then
        ____temp_0 = tonumber(total)
    else
        ____temp_0 = nil
    end
    return ____temp_0
end
local function fetchRange(r, index)
    local offset = r.first + (index - 1) * r.partSize
    local last = math.min(offset + r.partSize, r.total) - 1
    local headers = copyHeaders(r.headers)
    headers.range = (("bytes=" .. tostring(offset)) .. "-") .. tostring(last)
    headers["if-match"] = r.etag
    local resp, err = perform(
        r.client,
        {
            method = "GET",
            bucket = r.bucket,
            key = r.key,
            headers = headers,
            query = r.query,
            sink_fd = r.fd,
            sink_offset = r.base + offset,
            progress = r.progress.counter,
            timeout = timeLeft(r.deadline)
        },
        r.bucket,
        r.key
    )
    if resp == nil then
        if err.code == "PreconditionFailed" then
            return newError(
                "PreconditionFailed",
                ("the object changed during the download (its ETag is no longer " .. r.etag) .. ")",
                r.bucket,
                r.key,
                err.status,
                err.request_id
            )
        end
        return err
    end
    if resp.bytes ~= last - offset + 1 then
        return newError(
            "IOError",
            ((((("range " .. tostring(offset)) .. "-") .. tostring(last)) .. " came with ") .. tostring(resp.bytes)) .. " bytes",
            r.bucket,
            r.key
        )
    end
    return nil
end
--- Fetches the object into fd (from offset 0). Returns the first response, with the object's
-- size as `bytes` and without its Content-Range.
function ____exports.downloadToFd(client, bucket, key, fd, o)
    local base = o.offset or 0
    local headers = copyHeaders(o.headers)
    headers.range = "bytes=0-" .. tostring(o.threshold - 1)
    local first, firstErr = perform(
        client,
        {
            method = "GET",
            bucket = bucket,
            key = key,
            headers = headers,
            query = o.query,
            sink_fd = fd,
            sink_offset = base,
            timeout = timeLeft(o.deadline)
        },
        bucket,
        key,
        o.restart
    )
    if first == nil then
        if firstErr.code ~= "InvalidRange" then
            return nil, firstErr
        end
        local whole, wholeErr = perform(
            client,
            {
                method = "GET",
                bucket = bucket,
                key = key,
                headers = o.headers,
                query = o.query,
                sink_fd = fd,
                sink_offset = base,
                timeout = timeLeft(o.deadline)
            },
            bucket,
            key,
            o.restart
        )
        if whole ~= nil and o.onProgress ~= nil then
            o.onProgress(whole.bytes, whole.bytes)
        end
        if whole == nil then
            return nil, wholeErr
        end
        return whole, nil
    end
    local ____temp_1
    if first.status == 206 then
        ____temp_1 = totalOf(first.headers["content-range"])
    else
        ____temp_1 = first.bytes
    end
    local total = ____temp_1
    if total == nil then
        return nil, newError("InternalError", "a ranged answer without the object's size", bucket, key)
    end
    first.headers["content-range"] = nil
    local etag = first.headers.etag
    if total > first.bytes then
        if etag == nil or etag == "" then
            return nil, newError("InternalError", "the object has no ETag to fetch its ranges by", bucket, key)
        end
        local r = {
            base = base,
            client = client,
            bucket = bucket,
            key = key,
            fd = fd,
            etag = etag,
            first = first.bytes,
            total = total,
            partSize = o.partSize,
            headers = o.headers,
            query = o.query,
            deadline = o.deadline,
            progress = __TS__New(
                Progress,
                o.onProgress,
                total,
                native.counter(),
                first.bytes
            )
        }
        local reportedOk, reportErr = pcall(function() return r.progress:report(true) end)
        if not reportedOk then
            return error(reportErr, 0)
        end
        local count = math.ceil((total - first.bytes) / o.partSize)
        local function work(index)
            return fetchRange(r, index)
        end
        local failed = runParts(
            count,
            o.concurrency,
            work,
            r.progress,
            bucket,
            key
        )
        if failed ~= nil then
            return nil, failed
        end
    end
    first.bytes = total
    if o.onProgress ~= nil then
        o.onProgress(total, total)
    end
    return first, nil
end
return ____exports
