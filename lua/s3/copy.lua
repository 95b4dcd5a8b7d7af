--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__New(target, ...)
    local instance = setmetatable({}, target.prototype)
    instance:____constructor(...)
    return instance
end
-- End of Lua Library inline imports
local ____exports = {}
local ____config = require("s3.config")
local MAX_SINGLE_PUT = ____config.MAX_SINGLE_PUT
local ____deadline = require("s3.deadline")
local deadlineOf = ____deadline.deadlineOf
local timeLeft = ____deadline.timeLeft
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____objects = require("s3.objects")
local bucketArg = ____objects.bucketArg
local objectInfo = ____objects.objectInfo
local optTypes = ____objects.optTypes
local requestHeaders = ____objects.requestHeaders
local versionQuery = ____objects.versionQuery
local ____request = require("s3.request")
local failure = ____request.failure
local perform = ____request.perform
local refusedHere = ____request.refusedHere
local ____parts = require("s3.parts")
local Progress = ____parts.Progress
local partSizeFor = ____parts.partSizeFor
local runParts = ____parts.runParts
local ____upload = require("s3.upload")
local abortDetached = ____upload.abortDetached
local ____multipart = require("s3.multipart")
local completeUpload = ____multipart.completeUpload
local createUpload = ____multipart.createUpload
local ____util = require("s3.util")
local argError = ____util.argError
local checkKey = ____util.checkKey
local checkOpts = ____util.checkOpts
local uriEncodeKey = ____util.uriEncodeKey
local COPY_OPTS = optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "content_type",
    "string",
    "metadata",
    "table",
    "part_size",
    "integer",
    "concurrency",
    "integer",
    "multipart_threshold",
    "integer",
    "version_id",
    "string"
)
local MiB = 1024 * 1024
--- S3's limits for parts: 5 MiB to 5 GiB, at most 10,000 of them.
local MIN_PART = 5 * MiB
local MAX_PART = MAX_SINGLE_PUT
--- ETags as HEAD and listings give them, in quotes (Ceph RGW's CopyObjectResult has none).
local function quotedEtag(etag)
    if etag == nil or etag == "" or string.sub(etag, 1, 1) == "\"" then
        return etag
    end
    return ("\"" .. etag) .. "\""
end
--- x-amz-copy-source: bucket/key, the key encoded the AWS way with '/' kept, and the version.
local function copySource(b, k, version)
    local source = (b .. "/") .. uriEncodeKey(k)
    return version ~= nil and (source .. "?versionId=") .. uriEncodeKey(version) or source
end
--- One UploadPartCopy.
local function copyPart(plan, n)
    local first = (n - 1) * plan.partSize
    local last = math.min(first + plan.partSize, plan.size) - 1
    local query = {}
    query.partNumber = tostring(n)
    query.uploadId = plan.uploadId
    local headers = {}
    headers["x-amz-copy-source"] = copySource(plan.srcBucket, plan.srcKey, plan.srcVersion)
    headers["x-amz-copy-source-range"] = (("bytes=" .. string.format("%d", first)) .. "-") .. string.format("%d", last)
    if plan.etag ~= nil and plan.etag ~= "" then
        headers["x-amz-copy-source-if-match"] = plan.etag
    end
    local req = {
        method = "PUT",
        bucket = plan.bucket,
        key = plan.key,
        query = query,
        headers = headers,
        timeout = timeLeft(plan.deadline),
        parse = "copy_part"
    }
    local resp, err = perform(plan.client, req, plan.bucket, plan.key)
    if resp == nil then
        return err
    end
    local etag = resp.parsed.etag
    if etag == nil or etag == "" then
        return newError(
            "InvalidResponse",
            ("UploadPartCopy of part " .. tostring(n)) .. " answered no ETag",
            plan.bucket,
            plan.key,
            resp.status
        )
    end
    plan.done[n] = {part_number = n, etag = etag}
    return nil
end
local function multipartCopy(plan, concurrency, headers)
    local id, createErr = createUpload(
        plan.client,
        plan.bucket,
        plan.key,
        headers,
        timeLeft(plan.deadline)
    )
    if id == nil then
        return failure(createErr)
    end
    plan.uploadId = id
    local function work(n)
        return copyPart(plan, n)
    end
    local ran, failed = pcall(function() return runParts(
        plan.parts,
        concurrency,
        work,
        __TS__New(Progress, nil, plan.size, nil),
        plan.bucket,
        plan.key
    ) end)
    if not ran or failed ~= nil then
        abortDetached(plan.client, plan.bucket, plan.key, id)
        if not ran then
            return error(failed, 0)
        end
        return failure(failed)
    end
    local etag, completeErr = completeUpload(
        plan.client,
        plan.bucket,
        plan.key,
        id,
        plan.done,
        timeLeft(plan.deadline)
    )
    if etag == nil then
        abortDetached(plan.client, plan.bucket, plan.key, id)
        return failure(completeErr)
    end
    return {size = plan.size, etag = etag ~= "" and etag or nil, parts = plan.parts}, nil
end
function ____exports.copyObject(client, fn, srcBucket, srcKey, bucket, key, opts)
    local sb = bucketArg(client, fn, srcBucket)
    local sk = checkKey(fn, srcKey)
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local o = checkOpts(fn, opts, COPY_OPTS)
    local versionQ = versionQuery(fn, o)
    local version = versionQ ~= nil and versionQ.versionId or nil
    local replace = o.content_type ~= nil or o.metadata ~= nil
    local given = requestHeaders(fn, o)
    local cfg = client._cfg
    local threshold = o.multipart_threshold or cfg.multipart_threshold
    local partSize = o.part_size or cfg.part_size
    local concurrency = o.concurrency or cfg.concurrency
    if partSize < MIN_PART or partSize > MAX_PART then
        return argError((((((fn .. ": opts.part_size must be ") .. tostring(MIN_PART)) .. "-") .. tostring(MAX_PART)) .. " bytes, got ") .. tostring(partSize))
    end
    if threshold < 0 then
        return argError((fn .. ": opts.multipart_threshold must be >= 0, got ") .. tostring(threshold))
    end
    if concurrency < 1 then
        return argError((fn .. ": opts.concurrency must be at least 1, got ") .. tostring(concurrency))
    end
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local deadline = deadlineOf(o.timeout, cfg.timeout)
    local head, headErr = perform(
        client,
        {
            method = "HEAD",
            bucket = sb,
            key = sk,
            query = versionQ,
            timeout = timeLeft(deadline)
        },
        sb,
        sk
    )
    if head == nil and headErr.status ~= 404 and headErr.status ~= 403 then
        return failure(headErr)
    end
    local src = head ~= nil and objectInfo(head) or nil
    local size = src and src.size
    if src == nil or size == nil or size <= threshold and size <= MAX_SINGLE_PUT then
        local headers = {}
        for name, v in pairs(given) do
            headers[name] = v
        end
        headers["x-amz-copy-source"] = copySource(sb, sk, version)
        headers["x-amz-metadata-directive"] = replace and "REPLACE" or "COPY"
        local resp, err = perform(
            client,
            {
                method = "PUT",
                bucket = b,
                key = k,
                headers = headers,
                timeout = timeLeft(deadline),
                parse = "copy_object"
            },
            b,
            k
        )
        if resp == nil then
            return failure(err)
        end
        local parsed = resp.parsed
        return true, {
            size = size,
            etag = quotedEtag(parsed.etag),
            last_modified = parsed.last_modified
        }
    end
    local headers = {}
    for name, v in pairs(given) do
        headers[name] = v
    end
    if not replace then
        if src.content_type ~= nil then
            headers["content-type"] = src.content_type
        end
        for name, v in pairs(src.metadata) do
            headers["x-amz-meta-" .. name] = v
        end
    end
    local grown = partSizeFor(size, partSize)
    if grown == nil then
        return failure(newError(
            "EntityTooLarge",
            tostring(size) .. " bytes is more than an S3 object holds (5 TiB)",
            b,
            k
        ))
    end
    partSize = grown
    local plan = {
        client = client,
        srcBucket = sb,
        srcVersion = version,
        srcKey = sk,
        bucket = b,
        key = k,
        size = size,
        etag = src.etag,
        partSize = partSize,
        parts = math.ceil(size / partSize),
        uploadId = "",
        deadline = deadline,
        done = {}
    }
    local info, err = multipartCopy(plan, concurrency, headers)
    if info == nil then
        return failure(err)
    end
    if info.etag == nil then
        local h = perform(
            client,
            {
                method = "HEAD",
                bucket = b,
                key = k,
                timeout = timeLeft(deadline)
            },
            b,
            k
        )
        if h ~= nil then
            local dst = objectInfo(h)
            info.etag = dst.etag
            info.last_modified = dst.last_modified
        end
    end
    return true, info
end
return ____exports
