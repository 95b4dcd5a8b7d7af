--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__ArrayPush(self, ...)
    local items = {...}
    local len = #self
    for i = 1, #items do
        len = len + 1
        self[len] = items[i]
    end
    return len
end

local function __TS__ArrayIncludes(self, searchElement, fromIndex)
    if fromIndex == nil then
        fromIndex = 0
    end
    local len = #self
    local k = fromIndex
    if fromIndex < 0 then
        k = len + fromIndex
    end
    if k < 0 then
        k = 0
    end
    for i = k + 1, len do
        if self[i] == searchElement then
            return true
        end
    end
    return false
end
-- End of Lua Library inline imports
local ____exports = {}
local digest = require("digest")
local native = require("s3.native")
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____parts = require("s3.parts")
local partSizeFor = ____parts.partSizeFor
local ____request = require("s3.request")
local perform = ____request.perform
local ____deadline = require("s3.deadline")
local timeLeft = ____deadline.timeLeft
local MiB = 1024 * 1024
local function hexOf(raw)
    local out = {}
    do
        local i = 1
        while i <= #raw do
            out[#out + 1] = string.format(
                "%02x",
                string.byte(raw, i)
            )
            i = i + 1
        end
    end
    return table.concat(out, "")
end
--- The composite ETag (without the -N) of fd's size bytes cut in parts of partSize.
local function compositeMd5(fd, size, partSize, count)
    local digests = {}
    do
        local i = 0
        while i < count do
            local offset = i * partSize
            local md5, why = native.md5_fd(
                fd,
                offset,
                math.min(partSize, size - offset)
            )
            if md5 == nil then
                return nil, why
            end
            digests[#digests + 1] = md5
            i = i + 1
        end
    end
    return digest.md5_hex(table.concat(digests, "")), nil
end
--- Part sizes that cut size bytes into exactly count parts, the likeliest first.
local function candidatePartSizes(client, size, count, fromServer)
    local out = {}
    local wanted = {}
    if fromServer ~= nil then
        wanted[#wanted + 1] = fromServer
    end
    wanted[#wanted + 1] = client._cfg.part_size
    wanted[#wanted + 1] = partSizeFor(size, client._cfg.part_size) or client._cfg.part_size
    __TS__ArrayPush(wanted, 8 * MiB, 5 * MiB, 16 * MiB)
    for ____, p in ipairs(wanted) do
        if p > 0 and math.ceil(size / p) == count and not __TS__ArrayIncludes(out, p) then
            out[#out + 1] = p
        end
    end
    return out
end
--- An object whose ETag is no digest of its bytes (SSE-KMS; SSE-C), as its answer tells.
local function encryptedByKey(headers)
    local sse = headers["x-amz-server-side-encryption"]
    return sse ~= nil and (string.find(sse, "kms", 1, true)) ~= nil or headers["x-amz-server-side-encryption-customer-algorithm"] ~= nil
end
--- Undefined when fd holds what the ETag of the answer's headers says; else the error that fails
-- the download. version: the download's versionId query, which the HEAD of part 1 asks for too.
function ____exports.verifyDownload(client, bucket, key, fd, size, headers, version, deadline)
    local etag = headers.etag
    if encryptedByKey(headers) then
        return newError("InvalidArgument", "cannot verify: the object is encrypted with SSE-KMS or SSE-C, its ETag is no MD5 of its bytes", bucket, key)
    end
    local bare = string.gsub(etag or "", "\"", "")
    local whole = string.match(bare, "^(%x+)$")
    local md5, parts = string.match(bare, "^(%x+)%-(%d+)$")
    if whole ~= nil and #whole == 32 then
        local raw, why = native.md5_fd(fd, 0, size)
        if raw == nil then
            return newError("IOError", "cannot read the download to verify it: " .. why, bucket, key)
        end
        if hexOf(raw) == string.lower(whole) then
            return nil
        end
        return newError("BadDigest", "the downloaded bytes do not match the object's ETag " .. etag, bucket, key)
    end
    if md5 == nil or #md5 ~= 32 or parts == nil then
        return newError(
            "InvalidArgument",
            ("cannot verify: the ETag " .. tostring(etag)) .. " is not an MD5 (objects encrypted with SSE-KMS/SSE-C have none)",
            bucket,
            key
        )
    end
    local count = tonumber(parts)
    local query = {}
    query.partNumber = "1"
    if version ~= nil then
        for name, value in pairs(version) do
            query[name] = value
        end
    end
    local head = perform(
        client,
        {
            method = "HEAD",
            bucket = bucket,
            key = key,
            query = query,
            timeout = timeLeft(deadline)
        },
        bucket,
        key
    )
    local fromServer
    if head ~= nil and (head.headers["x-amz-mp-parts-count"] ~= nil or (tonumber(head.headers["content-length"]) or size) < size) then
        fromServer = tonumber(head.headers["content-length"])
    end
    local candidates = candidatePartSizes(client, size, count, fromServer)
    if #candidates == 0 then
        return newError(
            "InvalidArgument",
            ((("cannot verify: no known part size cuts " .. tostring(size)) .. " bytes into ") .. tostring(count)) .. " parts",
            bucket,
            key
        )
    end
    for ____, partSize in ipairs(candidates) do
        local composite, why = compositeMd5(fd, size, partSize, count)
        if composite == nil then
            return newError("IOError", "cannot read the download to verify it: " .. why, bucket, key)
        end
        if composite == string.lower(md5) then
            return nil
        end
    end
    return newError(
        "BadDigest",
        ((("the downloaded bytes do not match the object's ETag " .. etag) .. " (part sizes tried: ") .. table.concat(candidates, ", ")) .. ")",
        bucket,
        key
    )
end
return ____exports
