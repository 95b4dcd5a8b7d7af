--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local md5Base64, newBuffer, letGo, sendPart, waitFor, uploadParts, MAX_PARTS
local digest = require("digest")
local fiber = require("fiber")
local native = require("s3.native")
local ____config = require("s3.config")
local MAX_PART_SIZE = ____config.MAX_PART_SIZE
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____parts = require("s3.parts")
local Progress = ____parts.Progress
local ____request = require("s3.request")
local perform = ____request.perform
local ____deadline = require("s3.deadline")
local timeLeft = ____deadline.timeLeft
local ____upload = require("s3.upload")
local abortDetached = ____upload.abortDetached
local completedResponse = ____upload.completedResponse
local ____multipart = require("s3.multipart")
local completeUpload = ____multipart.completeUpload
local createUpload = ____multipart.createUpload
local splitConditions = ____multipart.splitConditions
local uploadPart = ____multipart.uploadPart
--- The size of part `index` (1-based) of a stream whose first parts have `partSize` bytes.
function ____exports.streamPartSize(partSize, index)
    if index <= ____exports.FIXED_PARTS then
        return partSize
    end
    local doublings = math.ceil((index - ____exports.FIXED_PARTS) / ____exports.PARTS_PER_DOUBLING)
    return math.min(partSize * 2 ^ doublings, MAX_PART_SIZE)
end
function md5Base64(buf, offset, size)
    return digest.base64_encode(
        buf:md5(offset, size),
        {nowrap = true}
    )
end
function newBuffer(capacity, bucket, key)
    local buf, why = native.part_buffer(capacity)
    if buf == nil then
        return nil, newError(
            "OutOfMemory",
            ((why .. " of ") .. tostring(capacity)) .. " bytes",
            bucket,
            key
        )
    end
    return buf, nil
end
function letGo(state, buf, shared)
    if shared ~= nil then
        shared.users = shared.users - 1
        if shared.users > 0 then
            return
        end
    end
    state.held = state.held - buf:cap()
    buf:release()
end
function sendPart(client, bucket, key, uploadId, index, buf, offset, size, shared, o, progress, state)
    local ran, raised = pcall(function()
        local etag, err = uploadPart(
            client,
            bucket,
            key,
            uploadId,
            index,
            {body_buffer = buf, body_offset = offset, body_size = size},
            md5Base64(buf, offset, size),
            progress.counter,
            timeLeft(o.deadline)
        )
        if etag == nil then
            if state.failure == nil then
                state.failure = err
            end
        else
            state.parts[index] = {part_number = index, etag = etag}
        end
    end)
    if not ran and state.failure == nil then
        state.failure = newError(
            "Cancelled",
            (("part " .. tostring(index)) .. ": ") .. tostring(raised),
            bucket,
            key
        )
    end
    letGo(state, buf, shared)
    state.running = state.running - 1
    state.cond:signal()
end
function waitFor(state, progress, cond)
    while not cond() do
        state.cond:wait(0.1)
        fiber.testcancel()
        progress:report(false)
    end
end
function uploadParts(client, bucket, key, first, firstEnded, fill, o)
    local createHeaders, conditions = splitConditions(o.headers)
    local uploadId, createErr = createUpload(
        client,
        bucket,
        key,
        createHeaders,
        timeLeft(o.deadline)
    )
    if uploadId == nil then
        first:release()
        return nil, createErr
    end
    local progress = __TS__New(
        Progress,
        o.onProgress,
        nil,
        native.counter()
    )
    local state = {
        running = 0,
        held = first:cap(),
        cond = fiber.cond(),
        parts = {},
        buffers = {first}
    }
    local workers = {}
    local index = 0
    local size = 0
    local function start(buf, offset, len, shared)
        index = index + 1
        size = size + len
        state.running = state.running + 1
        workers[#workers + 1] = fiber.new(
            sendPart,
            client,
            bucket,
            key,
            uploadId,
            index,
            buf,
            offset,
            len,
            shared,
            o,
            progress,
            state
        )
    end
    local ok, raised = pcall(function()
        local cut = math.min(
            first:len(),
            o.partSize
        )
        local whole = math.floor(first:len() / cut)
        local carry
        if whole * cut < first:len() then
            local next, err = newBuffer(
                ____exports.streamPartSize(o.partSize, whole + 1),
                bucket,
                key
            )
            if next == nil then
                state.failure = err
                return
            end
            local ____state_buffers_0 = state.buffers
            ____state_buffers_0[#____state_buffers_0 + 1] = next
            state.held = state.held + next:cap()
            first:move_tail(whole * cut, next)
            carry = next
        end
        local shared = {buf = first, users = whole}
        do
            local i = 0
            while i < whole do
                waitFor(
                    state,
                    progress,
                    function() return state.running < o.concurrency end
                )
                start(first, i * cut, cut, shared)
                i = i + 1
            end
        end
        local ended = firstEnded
        while state.failure == nil and not (ended and carry == nil) do
            local buf = carry
            carry = nil
            if buf == nil then
                local partSize = ____exports.streamPartSize(o.partSize, index + 1)
                waitFor(
                    state,
                    progress,
                    function() return state.failure ~= nil or state.running < o.concurrency and (state.held + partSize <= ____exports.STREAM_MEMORY or state.held == 0) end
                )
                if state.failure ~= nil then
                    break
                end
                local fresh, err = newBuffer(partSize, bucket, key)
                if fresh == nil then
                    state.failure = err
                    break
                end
                local ____state_buffers_1 = state.buffers
                ____state_buffers_1[#____state_buffers_1 + 1] = fresh
                state.held = state.held + fresh:cap()
                buf = fresh
            end
            if not ended then
                local done, err = fill(buf)
                if done == nil then
                    state.failure = err
                    break
                end
                ended = done
            end
            if buf:len() == 0 then
                letGo(state, buf, nil)
                break
            end
            if index + 1 > MAX_PARTS then
                state.failure = newError(
                    "EntityTooLarge",
                    ("the stream is longer than S3's 10,000 parts (" .. tostring(size)) .. " bytes so far)",
                    bucket,
                    key
                )
                break
            end
            waitFor(
                state,
                progress,
                function() return state.running < o.concurrency end
            )
            start(
                buf,
                0,
                buf:len(),
                nil
            )
        end
        waitFor(
            state,
            progress,
            function() return state.running == 0 end
        )
    end)
    local failed = not ok or state.failure ~= nil
    if failed then
        for ____, f in ipairs(workers) do
            if f:status() ~= "dead" then
                pcall(function() return f:cancel() end)
            end
        end
        while state.running > 0 do
            pcall(fiber.sleep, 0.01)
        end
    end
    for ____, buf in ipairs(state.buffers) do
        buf:release()
    end
    if failed then
        abortDetached(client, bucket, key, uploadId)
        if not ok then
            local notCancelled = pcall(fiber.testcancel)
            if not notCancelled then
                return nil, newError("Cancelled", "the fiber was cancelled", bucket, key)
            end
            return error(raised, 0)
        end
        return nil, state.failure
    end
    progress:setTotal(size)
    local reportedOk, reportErr = pcall(function() return progress:report(true) end)
    if not reportedOk then
        abortDetached(client, bucket, key, uploadId)
        return error(reportErr, 0)
    end
    local etag, doneErr = completeUpload(
        client,
        bucket,
        key,
        uploadId,
        state.parts,
        timeLeft(o.deadline),
        conditions
    )
    if etag == nil then
        abortDetached(client, bucket, key, uploadId)
        return nil, doneErr
    end
    return completedResponse(etag), size
end
local MiB = 1024 * 1024
--- What the part buffers of one stream upload may hold at once (more only for parts above half of it).
____exports.STREAM_MEMORY = 48 * MiB
--- Parts of part_size a stream starts with (39 GiB at the default 8 MiB), all at full parallelism.
____exports.FIXED_PARTS = 5000
--- Past those, the part size doubles every this many parts: 10,000 parts reach S3's 5 TiB.
____exports.PARTS_PER_DOUBLING = 400
MAX_PARTS = 10000
--- A single PUT of the whole (short) stream from its one buffer.
local function putWhole(client, bucket, key, buf, o)
    local size = buf:len()
    local headers = {}
    for k, v in pairs(o.headers) do
        headers[k] = v
    end
    headers["content-md5"] = md5Base64(buf, 0, size)
    local progress = __TS__New(
        Progress,
        o.onProgress,
        size,
        native.counter()
    )
    local resp, err = perform(
        client,
        {
            method = "PUT",
            bucket = bucket,
            key = key,
            headers = headers,
            body_buffer = buf,
            body_offset = 0,
            body_size = size,
            progress = progress.counter,
            timeout = timeLeft(o.deadline)
        },
        bucket,
        key
    )
    if resp == nil then
        return nil, err
    end
    progress:report(true)
    return resp, size
end
--- Uploads what `fill` yields as one object. Returns the final response and the size.
function ____exports.uploadStream(client, bucket, key, fill, o)
    local first, firstErr = newBuffer(o.threshold, bucket, key)
    if first == nil then
        return nil, firstErr
    end
    local firstRan, filled = pcall(function()
        local ended, err = fill(first)
        return {ended = ended, err = err}
    end)
    if not firstRan or filled.ended == nil then
        first:release()
        if not firstRan then
            return error(filled, 0)
        end
        return nil, filled.err
    end
    if first:len() < o.threshold then
        local wholeRan, put = pcall(function()
            local resp, sizeOrErr = putWhole(
                client,
                bucket,
                key,
                first,
                o
            )
            return {resp = resp, sizeOrErr = sizeOrErr}
        end)
        first:release()
        if not wholeRan then
            return error(put, 0)
        end
        if put.resp == nil then
            return nil, put.sizeOrErr
        end
        return put.resp, put.sizeOrErr
    end
    return uploadParts(
        client,
        bucket,
        key,
        first,
        filled.ended,
        fill,
        o
    )
end
return ____exports
