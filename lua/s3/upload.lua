--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local xmlEscape
local clock = require("clock")
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
local ____request = require("s3.request")
local perform = ____request.perform
--- What is left of the call's deadline, for the next request (undefined: no deadline).
function ____exports.timeLeft(deadline)
    if deadline == nil then
        return nil
    end
    return math.max(
        0,
        deadline - clock.monotonic()
    )
end
function xmlEscape(s)
    local escaped = string.gsub(s, "[&<>]", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;"})
    return escaped
end
--- Aborts the upload, from a fiber of its own: the calling fiber may be cancelled, and a
-- cancelled fiber's requests end at once. Waits for it unless the caller is cancelled.
function ____exports.abortUpload(client, bucket, key, uploadId)
    local query = {}
    query.uploadId = uploadId
    local state = {
        done = false,
        cond = fiber.cond()
    }
    fiber.new(function()
        local resp, err = perform(client, {
            method = "DELETE",
            bucket = bucket,
            key = key,
            query = query,
            timeout = 60
        }, bucket, key)
        if resp == nil and err.code ~= "NoSuchUpload" then
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
        local waited = pcall(function() return state.cond:wait(1) end)
        if not waited then
            return
        end
    end
end
--- CreateMultipartUpload: the upload id, or why there is none.
function ____exports.createUpload(client, bucket, key, headers, deadline)
    local query = {}
    query.uploads = ""
    local created, createErr = perform(
        client,
        {
            method = "POST",
            bucket = bucket,
            key = key,
            query = query,
            headers = headers,
            timeout = ____exports.timeLeft(deadline)
        },
        bucket,
        key
    )
    if created == nil then
        return nil, createErr
    end
    local uploadId = native.xml_text(created.body or "", "UploadId")
    if uploadId == nil or uploadId == "" then
        return nil, newError("InternalError", "CreateMultipartUpload answered no UploadId", bucket, key)
    end
    return uploadId, nil
end
--- CompleteMultipartUpload with the parts' ETags (etags[i] is part i + 1); a 200 carrying an
-- <Error> is an error. On failure the upload is aborted.
function ____exports.completeUpload(client, bucket, key, uploadId, etags, deadline)
    local parts = {"<CompleteMultipartUpload>"}
    do
        local i = 0
        while i < #etags do
            parts[#parts + 1] = ((("<Part><PartNumber>" .. tostring(i + 1)) .. "</PartNumber><ETag>") .. xmlEscape(etags[i + 1])) .. "</ETag></Part>"
            i = i + 1
        end
    end
    parts[#parts + 1] = "</CompleteMultipartUpload>"
    local query = {}
    query.uploadId = uploadId
    local headers = {}
    headers["content-type"] = "application/xml"
    local req = {
        method = "POST",
        bucket = bucket,
        key = key,
        query = query,
        headers = headers,
        body = table.concat(parts, ""),
        error_in_body = true,
        timeout = ____exports.timeLeft(deadline)
    }
    local done, doneErr = perform(client, req, bucket, key)
    if done == nil then
        ____exports.abortUpload(client, bucket, key, uploadId)
        return nil, doneErr
    end
    local etag = native.xml_text(done.body or "", "ETag")
    if etag ~= nil and etag ~= "" then
        done.headers.etag = etag
    end
    return done, nil
end
--- S3's largest object.
local MAX_OBJECT_SIZE = 5 * 1024 * 1024 * 1024 * 1024
--- The deadline of a call that took `timeout` (the call's, else the client's when > 0).
function ____exports.callDeadline(client, timeout)
    local budget = timeout or (client._cfg.timeout > 0 and client._cfg.timeout or nil)
    return budget ~= nil and clock.monotonic() + budget or nil
end
--- Base64 of the MD5 of a range of fd, off the event loop; an IOError when it cannot be read.
function ____exports.contentMd5(fd, offset, size, bucket, key)
    local md5, why = native.md5_fd(fd, offset, size)
    if md5 == nil then
        return nil, newError("IOError", "cannot read the file to hash it: " .. why, bucket, key)
    end
    return digest.base64_encode(md5, {nowrap = true}), nil
end
local function uploadPart(up, index)
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
    local query = {}
    query.partNumber = tostring(index)
    query.uploadId = up.uploadId
    local headers = {}
    headers["content-md5"] = md5
    local resp, err = perform(
        up.client,
        {
            method = "PUT",
            bucket = up.bucket,
            key = up.key,
            query = query,
            headers = headers,
            body_fd = up.fd,
            body_offset = up.base + offset,
            body_size = size,
            progress = up.progress.counter,
            timeout = ____exports.timeLeft(up.deadline)
        },
        up.bucket,
        up.key
    )
    if resp == nil then
        return err
    end
    local etag = resp.headers.etag
    if etag == nil or etag == "" then
        return newError(
            "InternalError",
            ("the server gave part " .. tostring(index)) .. " no ETag",
            up.bucket,
            up.key
        )
    end
    up.etags[index] = etag
    return nil
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
    local uploadId, createErr = ____exports.createUpload(
        client,
        bucket,
        key,
        o.headers,
        o.deadline
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
        etags = {},
        deadline = o.deadline,
        progress = __TS__New(
            Progress,
            o.onProgress,
            size,
            native.counter()
        )
    }
    local function work(index)
        return uploadPart(up, index)
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
        ____exports.abortUpload(client, bucket, key, uploadId)
        if not ran then
            return error(failed, 0)
        end
        return nil, failure
    end
    local done, doneErr = ____exports.completeUpload(
        client,
        bucket,
        key,
        uploadId,
        up.etags,
        o.deadline
    )
    if done == nil then
        return nil, doneErr
    end
    local reportedOk, reportErr = pcall(function() return up.progress:report(true) end)
    if not reportedOk then
        return error(reportErr, 0)
    end
    return done, nil
end
return ____exports
