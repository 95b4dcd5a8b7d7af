--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__Class(self)
    local c = {prototype = {}}
    c.prototype.__index = c.prototype
    c.prototype.constructor = c
    return c
end

local function __TS__ArrayUnshift(self, ...)
    local items = {...}
    local numItemsToInsert = #items
    if numItemsToInsert == 0 then
        return #self
    end
    for i = #self, 1, -1 do
        self[i + numItemsToInsert] = self[i]
    end
    for i = 1, numItemsToInsert do
        self[i] = items[i]
    end
    return #self
end

local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end

local function __TS__StringIncludes(self, searchString, position)
    if not position then
        position = 1
    else
        position = position + 1
    end
    local index = string.find(self, searchString, position, true)
    return index ~= nil
end
-- End of Lua Library inline imports
local ____exports = {}
local digest = require("digest")
local fiber = require("fiber")
local native = require("s3.native")
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
--- Collects chunks into buffers of exactly `size` bytes (the last one shorter).
local PartBuffer = __TS__Class()
PartBuffer.name = "PartBuffer"
function PartBuffer.prototype.____constructor(self, next)
    self.next = next
    self.chunks = {}
    self.length = 0
    self.ended = false
end
function PartBuffer.prototype.take(self, size)
    while not self.ended and self.length < size do
        local chunk, err = self.next()
        if err ~= nil then
            return nil, err
        end
        if chunk == nil or chunk == "" then
            self.ended = true
        else
            local ____self_chunks_0 = self.chunks
            ____self_chunks_0[#____self_chunks_0 + 1] = chunk
            self.length = self.length + #chunk
        end
    end
    local all = table.concat(self.chunks, "")
    local part = string.sub(all, 1, size)
    local rest = string.sub(all, size + 1)
    self.chunks = #rest > 0 and ({rest}) or ({})
    self.length = #rest
    return part, nil
end
function PartBuffer.prototype.putBack(self, bytes)
    __TS__ArrayUnshift(self.chunks, bytes)
    self.length = self.length + #bytes
end
function PartBuffer.prototype.exhausted(self)
    return self.ended and self.length == 0
end
local function md5Base64(s)
    return digest.base64_encode(
        native.md5_string(s),
        {nowrap = true}
    )
end
local function sendPart(client, bucket, key, uploadId, index, body, o, progress, state)
    local etag, err = uploadPart(
        client,
        bucket,
        key,
        uploadId,
        index,
        {body = body},
        md5Base64(body),
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
    state.running = state.running - 1
    state.cond:signal()
end
--- Waits until fewer than `limit` parts are in flight, reporting progress. Raises on cancel.
local function waitBelow(state, limit, progress)
    while state.running >= limit do
        state.cond:wait(0.1)
        progress:report(false)
    end
end
--- Uploads what `next` yields as one object. Returns the final response and the size.
function ____exports.uploadStream(client, bucket, key, next, o)
    local source = __TS__New(PartBuffer, next)
    local first, firstErr = source:take(o.threshold)
    if first == nil then
        return nil, firstErr
    end
    if source:exhausted() then
        local headers = {}
        for k, v in pairs(o.headers) do
            headers[k] = v
        end
        headers["content-md5"] = md5Base64(first)
        local progress = __TS__New(
            Progress,
            o.onProgress,
            #first,
            native.counter()
        )
        local resp, err = perform(
            client,
            {
                method = "PUT",
                bucket = bucket,
                key = key,
                headers = headers,
                body = first,
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
        return resp, #first
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
    local progress = __TS__New(
        Progress,
        o.onProgress,
        nil,
        native.counter()
    )
    local state = {
        running = 0,
        cond = fiber.cond(),
        parts = {}
    }
    local workers = {}
    source:putBack(first)
    local index = 0
    local size = 0
    local ok, raised = pcall(function()
        while state.failure == nil do
            if source:exhausted() then
                break
            end
            local body, err = source:take(o.partSize)
            if body == nil then
                state.failure = err
                break
            end
            if #body == 0 then
                break
            end
            index = index + 1
            if index > 10000 then
                state.failure = newError(
                    "EntityTooLarge",
                    ("the stream is longer than 10,000 parts of " .. tostring(o.partSize)) .. " bytes: set a larger part_size",
                    bucket,
                    key
                )
                break
            end
            size = size + #body
            waitBelow(state, o.concurrency, progress)
            state.running = state.running + 1
            workers[#workers + 1] = fiber.new(
                sendPart,
                client,
                bucket,
                key,
                uploadId,
                index,
                body,
                o,
                progress,
                state
            )
        end
        waitBelow(state, 1, progress)
    end)
    if not ok or state.failure ~= nil then
        for ____, f in ipairs(workers) do
            if f:status() ~= "dead" then
                pcall(function() return f:cancel() end)
            end
        end
        while state.running > 0 do
            pcall(fiber.sleep, 0.01)
        end
        abortDetached(client, bucket, key, uploadId)
        if not ok then
            if __TS__StringIncludes(
                tostring(raised),
                "cancel"
            ) then
                return nil, newError("Cancelled", "the fiber was cancelled", bucket, key)
            end
            return error(raised, 0)
        end
        return nil, state.failure
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
    progress:setTotal(size)
    progress:report(true)
    return completedResponse(etag), size
end
return ____exports
