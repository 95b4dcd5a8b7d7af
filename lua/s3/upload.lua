--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local digest = require("digest")
local fiber = require("fiber")
local log = require("log")
local native = require("s3.native")
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____parts = require("s3.parts")
local Progress = ____parts.Progress
local partSizeFor = ____parts.partSizeFor
local runParts = ____parts.runParts
local ____deadline = require("s3.deadline")
local timeLeft = ____deadline.timeLeft
local ____multipart = require("s3.multipart")
local abortUpload = ____multipart.abortUpload
local completeUpload = ____multipart.completeUpload
local createUpload = ____multipart.createUpload
local splitConditions = ____multipart.splitConditions
local uploadPart = ____multipart.uploadPart
--- What a completed multipart upload answers, shaped as a single PUT's answer (the ETag is the
-- one header the callers read). RGW answers an empty <ETag/>: HEAD has the right one then.
function ____exports.completedResponse(etag)
    local headers = {}
    if etag ~= "" then
        headers.etag = etag
    end
    return {status = 200, headers = headers, bytes = 0}
end
--- Seconds an abort may take, whatever is left of the call's deadline.
local ABORT_TIMEOUT = 60
--- S3's largest object.
local MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024 * 1024
--- Base64 of the MD5 of a range of fd, off the event loop; an IOError when it cannot be read.
function ____exports.contentMd5(fd, offset, size, bucket, key)
    local md5, why = native.md5_fd(fd, offset, size)
    if md5 == nil then
        return nil, newError("IOError", "cannot read the file to hash it: " .. why, bucket, key)
    end
    return digest.base64_encode(md5, {nowrap = true}), nil
end
local function sendFilePart(up, index)
    local offset = (index - 1) * up.partSize
    local size = math.min(up.partSize, up.size - offset)
    local md5, md5Err = ____exports.contentMd5(
        up.fd,
        up.base + offset,
        size,
        up.bucket,
        up.key
    )
    if md5 == nil then
        return md5Err
    end
    local etag, err = uploadPart(
        up.client,
        up.bucket,
        up.key,
        up.uploadId,
        index,
        {body_fd = up.fd, body_offset = up.base + offset, body_size = size},
        md5,
        up.progress.counter,
        timeLeft(up.deadline)
    )
    if etag == nil then
        return err
    end
    up.parts[index] = {part_number = index, etag = etag}
    return nil
end
--- Aborts the upload from a fiber of its own: the calling fiber may be cancelled, and a cancelled
-- fiber's requests end at once. Waits for it unless the caller is cancelled, so that by the time
-- a failed call returns, the upload is gone.
function ____exports.abortDetached(client, bucket, key, uploadId)
    local state = {
        done = false,
        cond = fiber.cond()
    }
    fiber.new(function()
        local err = abortUpload(
            client,
            bucket,
            key,
            uploadId,
            nil,
            ABORT_TIMEOUT
        )
        if err ~= nil and err.code ~= "NoSuchUpload" then
            log.warn(
                "s3: could not abort multipart upload %s of %s/%s: %s",
                uploadId,
                bucket,
                key,
                tostring(err)
            )
        end
        state.done = true
        state.cond:signal()
    end)
    while not state.done do
        local waited = pcall(function()
            state.cond:wait(1)
            fiber.testcancel()
        end)
        if not waited then
            return
        end
    end
end
--- Uploads size bytes of fd as one object in parts.
function ____exports.uploadMultipart(client, bucket, key, fd, size, o)
    local partSize = partSizeFor(size, o.partSize)
    if partSize == nil or size > MAX_OBJECT_SIZE then
        return nil, newError(
            "EntityTooLarge",
            tostring(size) .. " bytes is more than an S3 object holds (5 TiB)",
            bucket,
            key
        )
    end
    local createHeaders, conditions = splitConditions(o.headers)
    local uploadId, createErr = createUpload(
        client,
        bucket,
        key,
        createHeaders,
        timeLeft(o.deadline)
    )
    if uploadId == nil then
        return nil, createErr
    end
    local count = math.max(
        1,
        math.ceil(size / partSize)
    )
    local up = {
        base = o.offset or 0,
        client = client,
        bucket = bucket,
        key = key,
        uploadId = uploadId,
        fd = fd,
        size = size,
        partSize = partSize,
        parts = {},
        deadline = o.deadline,
        progress = __TS__New(
            Progress,
            o.onProgress,
            size,
            native.counter()
        )
    }
    local function work(index)
        return sendFilePart(up, index)
    end
    local ran, failed = pcall(function() return runParts(
        count,
        o.concurrency,
        work,
        up.progress,
        bucket,
        key
    ) end)
    local ____ran_0
    if ran then
        ____ran_0 = failed
    else
        ____ran_0 = nil
    end
    local failure = ____ran_0
    if ran and failure == nil and o.currentSize() ~= size then
        failure = newError(
            "IOError",
            ("the file changed size during the upload (was " .. tostring(size)) .. " bytes)",
            bucket,
            key
        )
    end
    if not ran or failure ~= nil then
        ____exports.abortDetached(client, bucket, key, uploadId)
        if not ran then
            return error(failed, 0)
        end
        return nil, failure
    end
    local etag, doneErr = completeUpload(
        client,
        bucket,
        key,
        uploadId,
        up.parts,
        timeLeft(o.deadline),
        conditions
    )
    if etag == nil then
        ____exports.abortDetached(client, bucket, key, uploadId)
        return nil, doneErr
    end
    local reportedOk, reportErr = pcall(function() return up.progress:report(true) end)
    if not reportedOk then
        return error(reportErr, 0)
    end
    return ____exports.completedResponse(etag), nil
end
return ____exports
