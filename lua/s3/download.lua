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
local function changedError(r, err)
    return newError(
        "PreconditionFailed",
        ("the object changed during the download (its ETag is no longer " .. r.etag) .. ")",
        r.bucket,
        r.key,
        err.status,
        err.request_id
    )
end
--- Range `index` (2..n; the first one is the opening request) into its place in the file.
local function fetchRange(r, index)
    local offset = (index - 1) * r.partSize
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
        return err.code == "PreconditionFailed" and changedError(r, err) or err
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
--- Progress of a download is reported only once its size is known.
local function sizedOnly(fn)
    if fn == nil then
        return nil
    end
    return function(done, total)
        if total ~= nil then
            fn(done, total)
        end
    end
end
--- Fetches the object into fd (from offset o.offset on). Returns the first response, with the
-- object's size as `bytes` and without its Content-Range.
function ____exports.downloadToFd(client, bucket, key, fd, o)
    local base = o.offset or 0
    local probe = native.response_probe()
    local firstHeaders = copyHeaders(o.headers)
    firstHeaders.range = "bytes=0-" .. tostring(o.partSize - 1)
    local progress = __TS__New(
        Progress,
        sizedOnly(o.onProgress),
        nil,
        native.counter()
    )
    local r = {
        base = base,
        client = client,
        bucket = bucket,
        key = key,
        fd = fd,
        etag = "",
        total = -1,
        partSize = o.partSize,
        headers = o.headers,
        query = o.query,
        deadline = o.deadline,
        progress = progress
    }
    local first
    local firstOver = false
    local failure
    local seen = 0
    local function restart()
        local ____temp_0
        if r.total < 0 then
            ____temp_0 = o.restart()
        else
            ____temp_0 = nil
        end
        return ____temp_0
    end
    local function fetchFirst()
        local resp, err = perform(
            client,
            {
                method = "GET",
                bucket = bucket,
                key = key,
                headers = firstHeaders,
                query = o.query,
                sink_fd = fd,
                sink_offset = base,
                progress = progress.counter,
                headers_probe = probe,
                timeout = timeLeft(o.deadline)
            },
            bucket,
            key,
            restart
        )
        firstOver = true
        probe:wake()
        if resp ~= nil then
            first = resp
            return nil
        end
        if err.code == "InvalidRange" and r.total < 0 then
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
            first = whole
            return wholeErr
        end
        return err.code == "PreconditionFailed" and r.total >= 0 and changedError(r, err) or err
    end
    local function work(index)
        local ____temp_1
        if index == 1 then
            ____temp_1 = fetchFirst()
        else
            ____temp_1 = fetchRange(r, index)
        end
        return ____temp_1
    end
    local growth = {wait = function(timeout)
        local seq, status, size, etag = probe:wait(timeout, seen)
        if seq == nil then
            return firstOver and 1 or nil
        end
        seen = seq
        if status == 200 and size ~= nil and size >= 0 then
            r.total = size
            progress:setTotal(size)
            return 1
        end
        if status ~= 206 or size == nil or size < 0 then
            return firstOver and 1 or nil
        end
        r.total = size
        progress:setTotal(size)
        if size <= o.partSize then
            return 1
        end
        if etag == nil or etag == "" then
            failure = newError("InternalError", "the object has no ETag to fetch its ranges by", bucket, key)
            return 1
        end
        r.etag = etag
        firstHeaders["if-match"] = etag
        return math.ceil(size / o.partSize)
    end}
    local failed = runParts(
        1,
        o.concurrency,
        work,
        progress,
        bucket,
        key,
        growth
    )
    if failed ~= nil or failure ~= nil or first == nil then
        return nil, failed or failure or newError("InternalError", "no answer to the first range", bucket, key)
    end
    local response = first
    local total = response.status == 206 and r.total >= 0 and r.total or response.bytes
    if response.status == 206 and response.bytes ~= math.min(total, o.partSize) then
        return nil, newError(
            "IOError",
            ("the first range came with " .. tostring(response.bytes)) .. " bytes",
            bucket,
            key
        )
    end
    response.headers["content-range"] = nil
    response.bytes = total
    progress:finish(total)
    return response, nil
end
return ____exports
