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
local CLEANUP_TIMEOUT = ____multipart.CLEANUP_TIMEOUT
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
--- Fibers computing Content-MD5s ahead: the coio workers (and both cores) hash in parallel.
local DIGEST_FIBERS = 2
--- The Content-MD5s of a file's parts, computed ahead of the parts that send them, at most
-- `ahead` parts beyond the last one taken. Parts that start together (all of a round behind a
-- per-connection cap end together) would otherwise all hash first with their connections idle.
local DigestsAhead = __TS__Class()
DigestsAhead.name = "DigestsAhead"
function DigestsAhead.prototype.____constructor(self, up, count, ahead)
    self.up = up
    self.count = count
    self.ahead = ahead
    self.md5 = {}
    self.failed = {}
    self.next = 1
    self.taken = 0
    self.running = 0
    self.stopped = false
    self.cond = fiber.cond()
    local n = math.min(DIGEST_FIBERS, count)
    do
        local i = 0
        while i < n do
            self.running = self.running + 1
            fiber.new(function() return self:hashLoop() end)
            i = i + 1
        end
    end
end
function DigestsAhead.prototype.hashLoop(self)
    pcall(function()
        while not self.stopped and self.next <= self.count do
            do
                if self.next > self.taken + self.ahead then
                    self.cond:wait(1)
                    goto __continue10
                end
                local index = self.next
                self.next = index + 1
                local up = self.up
                local offset = (index - 1) * up.partSize
                local size = math.min(up.partSize, up.size - offset)
                local md5, err = ____exports.contentMd5(
                    up.fd,
                    up.base + offset,
                    size,
                    up.bucket,
                    up.key
                )
                if md5 ~= nil then
                    self.md5[index] = md5
                else
                    self.failed[index] = err
                end
                self.cond:broadcast()
            end
            ::__continue10::
        end
    end)
    self.running = self.running - 1
    self.cond:broadcast()
end
function DigestsAhead.prototype.take(self, index)
    if index > self.taken then
        self.taken = index
        self.cond:broadcast()
    end
    while self.md5[index] == nil and self.failed[index] == nil and self.running > 0 do
        local waited = pcall(function()
            self.cond:wait(0.1)
            fiber.testcancel()
        end)
        if not waited then
            return nil, newError("Cancelled", "the fiber was cancelled", self.up.bucket, self.up.key)
        end
    end
    local md5 = self.md5[index]
    self.md5[index] = nil
    if md5 ~= nil then
        return md5, nil
    end
    local err = self.failed[index]
    if err ~= nil then
        return nil, err
    end
    local offset = (index - 1) * self.up.partSize
    return ____exports.contentMd5(
        self.up.fd,
        self.up.base + offset,
        math.min(self.up.partSize, self.up.size - offset),
        self.up.bucket,
        self.up.key
    )
end
function DigestsAhead.prototype.stop(self)
    self.stopped = true
    self.cond:broadcast()
    while self.running > 0 do
        pcall(fiber.sleep, 0.005)
    end
end
local function sendFilePart(up, digests, index)
    local offset = (index - 1) * up.partSize
    local size = math.min(up.partSize, up.size - offset)
    local md5, md5Err = digests:take(index)
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
            CLEANUP_TIMEOUT
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
    local digests = __TS__New(DigestsAhead, up, count, o.concurrency)
    local function work(index)
        return sendFilePart(up, digests, index)
    end
    local ran, failed = pcall(function() return runParts(
        count,
        o.concurrency,
        work,
        up.progress,
        bucket,
        key
    ) end)
    digests:stop()
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
    local reportedOk, reportErr = pcall(function() return up.progress:report(true) end)
    if not reportedOk then
        ____exports.abortDetached(client, bucket, key, uploadId)
        return error(reportErr, 0)
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
    return ____exports.completedResponse(etag), nil
end
return ____exports
