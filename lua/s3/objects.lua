--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local putInfo, partOptions, streamOptions, putFromReader
local fio = require("fio")
local ____config = require("s3.config")
local MAX_PART_SIZE = ____config.MAX_PART_SIZE
local MAX_SINGLE_PUT = ____config.MAX_SINGLE_PUT
local MIN_PART_SIZE = ____config.MIN_PART_SIZE
local checkRange = ____config.checkRange
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____download = require("s3.download")
local downloadToFd = ____download.downloadToFd
local ____verify = require("s3.verify")
local verifyDownload = ____verify.verifyDownload
local ____stream_upload = require("s3.stream_upload")
local uploadStream = ____stream_upload.uploadStream
local ____parts = require("s3.parts")
local performWithProgress = ____parts.performWithProgress
local ____request = require("s3.request")
local failure = ____request.failure
local perform = ____request.perform
local refusedHere = ____request.refusedHere
local ____deadline = require("s3.deadline")
local deadlineOf = ____deadline.deadlineOf
local timeLeft = ____deadline.timeLeft
local ____upload = require("s3.upload")
local contentMd5 = ____upload.contentMd5
local uploadMultipart = ____upload.uploadMultipart
local ____util = require("s3.util")
local argError = ____util.argError
local checkBucket = ____util.checkBucket
local checkHeaderValue = ____util.checkHeaderValue
local checkKey = ____util.checkKey
local checkName = ____util.checkName
local checkOpts = ____util.checkOpts
local checkStringMap = ____util.checkStringMap
local getpid = ____util.getpid
local osError = ____util.osError
local randomHex = ____util.randomHex
function putInfo(resp, size)
    local h = resp.headers or ({})
    return {size = size, etag = h.etag, version_id = h["x-amz-version-id"]}
end
function partOptions(client, fn, o)
    local partSize = o.part_size or client._cfg.part_size
    checkRange(
        fn,
        "opts.part_size",
        partSize,
        MIN_PART_SIZE,
        MAX_PART_SIZE
    )
    local concurrency = o.concurrency or client._cfg.concurrency
    checkRange(
        fn,
        "opts.concurrency",
        concurrency,
        1,
        nil
    )
    return partSize, concurrency
end
function streamOptions(client, o, headers, partSize, concurrency, deadline, onProgress)
    return {
        headers = headers,
        threshold = client._cfg.multipart_threshold,
        partSize = partSize,
        concurrency = concurrency,
        deadline = deadline,
        onProgress = onProgress
    }
end
function putFromReader(client, fn, b, k, reader, o, headers, partSize, concurrency)
    local deadline = deadlineOf(o.timeout, client._cfg.timeout)
    local pending
    local taken = 0
    local ended = false
    local function read(buf)
        while buf:len() < buf:cap() do
            if pending == nil then
                if ended then
                    return true, nil
                end
                local chunk = reader()
                if chunk ~= nil and type(chunk) ~= "string" then
                    return argError((fn .. ": the reader must return strings (or nil at the end), got a ") .. type(chunk))
                end
                if chunk == nil or chunk == "" then
                    ended = true
                    return true, nil
                end
                pending = chunk
                taken = 0
            end
            taken = taken + buf:append(pending, taken)
            if taken >= #pending then
                pending = nil
            end
        end
        return ended and pending == nil, nil
    end
    local resp, sizeOrErr = uploadStream(
        client,
        b,
        k,
        read,
        streamOptions(
            client,
            o,
            headers,
            partSize,
            concurrency,
            deadline,
            o.on_progress
        )
    )
    if resp == nil then
        return failure(sizeOrErr)
    end
    return true, putInfo(resp, sizeOrErr)
end
--- The bucket argument, checked by the client's bucket name rules (util.checkBucket).
function ____exports.bucketArg(client, fn, bucket)
    local cfg = client._cfg
    return checkBucket(fn, bucket, cfg.legacy_bucket_names, cfg.addressing == "virtual")
end
--- S3 takes at most 5 GiB in one PUT (a string body is always one PUT).
local function tooLarge(what, size, b, k)
    return newError(
        "EntityTooLarge",
        ((((what .. " is ") .. tostring(size)) .. " bytes: a single PUT is limited to 5 GiB (") .. tostring(MAX_SINGLE_PUT)) .. " bytes)",
        b,
        k
    )
end
function ____exports.optTypes(...)
    local names = {...}
    local t = {}
    do
        local i = 0
        while i < #names do
            t[names[i + 1]] = names[i + 1 + 1]
            i = i + 2
        end
    end
    return t
end
local GET_TO_FILE_OPTS = ____exports.optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "part_size",
    "integer",
    "concurrency",
    "integer",
    "fsync",
    "boolean",
    "on_progress",
    "function",
    "verify",
    "boolean",
    "if_match",
    "string",
    "if_none_match",
    "string",
    "if_modified_since",
    "any",
    "version_id",
    "string"
)
local GET_OPTS = ____exports.optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "range",
    "string",
    "on_progress",
    "function",
    "if_match",
    "string",
    "if_none_match",
    "string",
    "if_modified_since",
    "any",
    "version_id",
    "string"
)
local PUT_OPTS = ____exports.optTypes(
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
    "on_progress",
    "function",
    "if_match",
    "string",
    "if_none_match",
    "string"
)
local SIMPLE_OPTS = ____exports.optTypes("timeout", "nonnegative", "headers", "table")
local HEAD_OPTS = ____exports.optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "if_match",
    "string",
    "if_none_match",
    "string",
    "if_modified_since",
    "any",
    "version_id",
    "string"
)
local DELETE_OPTS = ____exports.optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "version_id",
    "string"
)
local CREATE_BUCKET_OPTS = ____exports.optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "location_constraint",
    "string"
)
--- An HTTP date for If-Modified-Since: given as one, or as a Unix time in seconds.
local function httpDate(fn, v)
    if type(v) == "number" and v == v and v >= 0 then
        return os.date(
            "!%a, %d %b %Y %H:%M:%S GMT",
            math.floor(v)
        )
    end
    if type(v) == "string" then
        return checkHeaderValue(fn, "opts.if_modified_since", v)
    end
    return argError(fn .. ": opts.if_modified_since must be an HTTP date string or a Unix time in seconds")
end
--- The conditions of a request: if_match, if_none_match, if_modified_since.
local function conditionHeaders(fn, o, headers)
    local ifMatch = o.if_match
    if ifMatch ~= nil then
        headers["if-match"] = checkHeaderValue(fn, "opts.if_match", ifMatch)
    end
    local ifNoneMatch = o.if_none_match
    if ifNoneMatch ~= nil then
        headers["if-none-match"] = checkHeaderValue(fn, "opts.if_none_match", ifNoneMatch)
    end
    local since = o.if_modified_since
    if since ~= nil then
        headers["if-modified-since"] = httpDate(fn, since)
    end
end
--- ?versionId= of opts.version_id, or nil.
function ____exports.versionQuery(fn, o)
    local version = o.version_id
    if version == nil then
        return nil
    end
    if version == "" then
        return argError(fn .. ": opts.version_id must not be empty")
    end
    local q = {}
    q.versionId = version
    return q
end
function ____exports.requestHeaders(fn, o)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    conditionHeaders(fn, o, headers)
    local contentType = o.content_type
    if contentType ~= nil then
        headers["content-type"] = checkHeaderValue(fn, "opts.content_type", contentType)
    end
    local meta = o.metadata
    if meta ~= nil then
        for k, v in pairs(checkStringMap(fn, "opts.metadata", meta, true)) do
            headers["x-amz-meta-" .. k] = v
        end
    end
    return headers
end
local META_PREFIX = "x-amz-meta-"
function ____exports.objectInfo(resp, size)
    local h = resp.headers or ({})
    local metadata = {}
    for k, v in pairs(h) do
        if string.sub(k, 1, #META_PREFIX) == META_PREFIX then
            metadata[string.sub(k, #META_PREFIX + 1)] = v
        end
    end
    return {
        size = size or tonumber(h["content-length"]),
        etag = h.etag,
        last_modified = h["last-modified"],
        content_type = h["content-type"],
        metadata = metadata,
        version_id = h["x-amz-version-id"],
        content_range = h["content-range"]
    }
end
local function bodyBytes(resp)
    return type(resp.bytes) == "number" and resp.bytes or nil
end
--- Closes (if open) and removes the temporary file; never raises.
local function discardTemp(fh, tmp)
    if fh ~= nil then
        pcall(function() return fh:close() end)
    end
    pcall(function() return fio.unlink(tmp) end)
end
function ____exports.getToFile(client, fn, bucket, key, path, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local p = checkName(fn, "path", path)
    local o = checkOpts(fn, opts, GET_TO_FILE_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    conditionHeaders(fn, o, headers)
    local version = ____exports.versionQuery(fn, o)
    local partSize, concurrency = partOptions(client, fn, o)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local tmp = ""
    local fh
    local openErr
    do
        local i = 0
        while i < 5 and fh == nil do
            tmp = (((p .. ".s3tmp.") .. tostring(getpid())) .. ".") .. randomHex(6)
            fh, openErr = fio.open(tmp, {"O_RDWR", "O_CREAT", "O_EXCL"}, 420)
            if fh == nil and (string.find(
                osError(openErr),
                "exists",
                1,
                true
            )) == nil then
                break
            end
            i = i + 1
        end
    end
    if fh == nil then
        return failure(newError(
            "IOError",
            (("cannot create temporary file '" .. tmp) .. "': ") .. osError(openErr),
            b,
            k
        ))
    end
    local file = fh
    local deadline = deadlineOf(o.timeout, client._cfg.timeout)
    local function truncate()
        local ok, e = file:truncate(0)
        if not ok then
            return newError(
                "IOError",
                (("cannot truncate '" .. tmp) .. "': ") .. osError(e),
                b,
                k
            )
        end
        file:seek(0, "SEEK_SET")
        return nil
    end
    local ok, res = pcall(function()
        local resp, err = downloadToFd(
            client,
            b,
            k,
            file.fh,
            {
                headers = headers,
                partSize = partSize,
                concurrency = concurrency,
                deadline = deadline,
                restart = truncate,
                query = version,
                onProgress = o.on_progress
            }
        )
        return {resp = resp, err = err}
    end)
    if not ok then
        discardTemp(file, tmp)
        return error(res, 0)
    end
    local outcome = res
    if outcome.resp == nil then
        discardTemp(file, tmp)
        return failure(outcome.err or newError("InternalError", "request failed", b, k))
    end
    local resp = outcome.resp
    if o.verify == true then
        local checked, res2 = pcall(function() return verifyDownload(
            client,
            b,
            k,
            file.fh,
            resp.bytes,
            resp.headers,
            version,
            deadline
        ) end)
        if not checked or res2 ~= nil then
            discardTemp(file, tmp)
            if not checked then
                return error(res2, 0)
            end
            return failure(res2)
        end
    end
    local synced, syncErr = unpack(
        o.fsync == false and ({true, nil}) or ({file:fsync()}),
        1,
        2
    )
    if not synced then
        discardTemp(file, tmp)
        return failure(newError(
            "IOError",
            (("cannot fsync '" .. tmp) .. "': ") .. osError(syncErr),
            b,
            k
        ))
    end
    local closed, closeErr = file:close()
    if not closed then
        discardTemp(nil, tmp)
        return failure(newError(
            "IOError",
            (("cannot close '" .. tmp) .. "': ") .. osError(closeErr),
            b,
            k
        ))
    end
    local renamed, renameErr = fio.rename(tmp, p)
    if not renamed then
        discardTemp(nil, tmp)
        return failure(newError(
            "IOError",
            (((("cannot rename '" .. tmp) .. "' to '") .. p) .. "': ") .. osError(renameErr),
            b,
            k
        ))
    end
    return true, ____exports.objectInfo(
        resp,
        bodyBytes(resp)
    )
end
function ____exports.putFromFile(client, fn, bucket, key, path, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local p = checkName(fn, "path", path)
    local o = checkOpts(fn, opts, PUT_OPTS)
    local headers = ____exports.requestHeaders(fn, o)
    local partSize, concurrency = partOptions(client, fn, o)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local fh, openErr = fio.open(p, {"O_RDONLY"})
    if fh == nil then
        return failure(newError(
            "IOError",
            (("cannot open '" .. p) .. "': ") .. osError(openErr),
            b,
            k
        ))
    end
    local ok, res = pcall(function()
        local st, statErr = fh:stat()
        if st == nil then
            return {err = newError(
                "IOError",
                (("cannot stat '" .. p) .. "': ") .. osError(statErr),
                b,
                k
            )}
        end
        local deadline = deadlineOf(o.timeout, client._cfg.timeout)
        local onProgress = o.on_progress
        if st:is_fifo() or st:is_chr() then
            local fd = fh.fh
            local function read(buf)
                local room = buf:cap() - buf:len()
                local got, readErr = buf:fill_from_fd(fd)
                if got == nil then
                    return nil, newError("IOError", (("cannot read '" .. p) .. "': ") .. readErr, b, k)
                end
                return got < room, nil
            end
            local sresp, sizeOrErr = uploadStream(
                client,
                b,
                k,
                read,
                streamOptions(
                    client,
                    o,
                    headers,
                    partSize,
                    concurrency,
                    deadline,
                    onProgress
                )
            )
            if sresp == nil then
                return {err = sizeOrErr}
            end
            return {resp = sresp, size = sizeOrErr}
        end
        if not st:is_reg() then
            return {err = newError("IOError", ("'" .. p) .. "' is not a regular file, a pipe or a device", b, k)}
        end
        local size = st.size
        if size >= client._cfg.multipart_threshold then
            local mresp, merr = uploadMultipart(
                client,
                b,
                k,
                fh.fh,
                size,
                {
                    headers = headers,
                    partSize = partSize,
                    concurrency = concurrency,
                    deadline = deadline,
                    onProgress = onProgress,
                    currentSize = function()
                        local ____opt_0 = (fh:stat())
                        return ____opt_0 and ____opt_0.size
                    end
                }
            )
            return {resp = mresp, err = merr, size = size}
        end
        if size > MAX_SINGLE_PUT then
            return {err = tooLarge(("'" .. p) .. "'", size, b, k)}
        end
        local md5, md5Err = contentMd5(
            fh.fh,
            0,
            size,
            b,
            k
        )
        if md5 == nil then
            return {err = md5Err}
        end
        headers["content-md5"] = md5
        local req = {
            method = "PUT",
            bucket = b,
            key = k,
            headers = headers,
            body_fd = fh.fh,
            body_offset = 0,
            body_size = size,
            timeout = timeLeft(deadline)
        }
        local resp, err = performWithProgress(
            client,
            req,
            b,
            k,
            size,
            onProgress
        )
        return {resp = resp, err = err, size = size}
    end)
    pcall(function() return fh:close() end)
    if not ok then
        return error(res, 0)
    end
    local outcome = res
    if outcome.resp == nil then
        return failure(outcome.err or newError("InternalError", "request failed", b, k))
    end
    return true, putInfo(outcome.resp, outcome.size or 0)
end
function ____exports.getObject(client, fn, bucket, key, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local o = checkOpts(fn, opts, GET_OPTS)
    local headers = ____exports.requestHeaders(fn, o)
    local range = o.range
    if range ~= nil then
        headers.range = checkHeaderValue(fn, "opts.range", range)
    end
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local req = {
        method = "GET",
        bucket = b,
        key = k,
        headers = headers,
        query = ____exports.versionQuery(fn, o),
        timeout = o.timeout
    }
    local resp, err = performWithProgress(
        client,
        req,
        b,
        k,
        nil,
        o.on_progress
    )
    if resp == nil then
        return failure(err)
    end
    local body = resp.body or ""
    return body, ____exports.objectInfo(resp, #body)
end
function ____exports.putObject(client, fn, bucket, key, body, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    if type(body) ~= "string" and type(body) ~= "function" then
        return argError(fn .. ": body must be a string or a reader function")
    end
    local o = checkOpts(fn, opts, PUT_OPTS)
    local headers = ____exports.requestHeaders(fn, o)
    local partSize, concurrency = partOptions(client, fn, o)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    if type(body) == "function" then
        return putFromReader(
            client,
            fn,
            b,
            k,
            body,
            o,
            headers,
            partSize,
            concurrency
        )
    end
    if #body > MAX_SINGLE_PUT then
        return failure(tooLarge("the body", #body, b, k))
    end
    local req = {
        method = "PUT",
        bucket = b,
        key = k,
        headers = headers,
        body = body,
        timeout = o.timeout
    }
    local resp, err = performWithProgress(
        client,
        req,
        b,
        k,
        #body,
        o.on_progress
    )
    if resp == nil then
        return failure(err)
    end
    return true, putInfo(resp, #body)
end
function ____exports.headObject(client, fn, bucket, key, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local o = checkOpts(fn, opts, HEAD_OPTS)
    local headers = ____exports.requestHeaders(fn, o)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local resp, err = perform(
        client,
        {
            method = "HEAD",
            bucket = b,
            key = k,
            headers = headers,
            query = ____exports.versionQuery(fn, o),
            timeout = o.timeout
        },
        b,
        k
    )
    if resp == nil then
        return failure(err)
    end
    return ____exports.objectInfo(resp), nil
end
--- DELETE of an object or, without a key, of a bucket.
local function deleteResource(client, fn, b, k, opts)
    local o = checkOpts(fn, opts, k ~= nil and DELETE_OPTS or SIMPLE_OPTS)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local resp, err = perform(
        client,
        {
            method = "DELETE",
            bucket = b,
            key = k,
            headers = ____exports.requestHeaders(fn, o),
            query = ____exports.versionQuery(fn, o),
            timeout = o.timeout
        },
        b,
        k
    )
    if resp == nil then
        return failure(err)
    end
    return true, nil
end
function ____exports.deleteObject(client, fn, bucket, key, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    return deleteResource(
        client,
        fn,
        b,
        k,
        opts
    )
end
function ____exports.createBucket(client, fn, bucket, opts)
    local b = ____exports.bucketArg(client, fn, bucket)
    local o = checkOpts(fn, opts, CREATE_BUCKET_OPTS)
    local headers = ____exports.requestHeaders(fn, o)
    local refused = refusedHere(fn, b, nil)
    if refused ~= nil then
        return failure(refused)
    end
    local constraint = o.location_constraint
    if constraint == nil and client._cfg.aws_endpoint and client._cfg.region ~= "us-east-1" then
        constraint = client._cfg.region
    end
    local req = {method = "PUT", bucket = b, headers = headers, timeout = o.timeout}
    if constraint ~= nil and constraint ~= "" then
        req.body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" .. ("<LocationConstraint>" .. constraint) .. "</LocationConstraint></CreateBucketConfiguration>"
        headers["content-type"] = "application/xml"
    end
    local resp, err = perform(client, req, b, nil)
    if resp == nil then
        return failure(err)
    end
    return true, nil
end
function ____exports.deleteBucket(client, fn, bucket, opts)
    return deleteResource(
        client,
        fn,
        ____exports.bucketArg(client, fn, bucket),
        nil,
        opts
    )
end
return ____exports
