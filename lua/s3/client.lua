--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
-- Lua Library inline imports
local function __TS__Class(self)
    local c = {prototype = {}}
    c.prototype.__index = c.prototype
    c.prototype.constructor = c
    return c
end
-- End of Lua Library inline imports
local ____exports = {}
local ____self, failure, bucketArg, tooLarge, refusedHere, perform, requestHeaders, objectInfo, putInfo, bodyBytes, discardTemp, deleteResource, BACKOFF_BASE, BACKOFF_CAP, MIN_ATTEMPT_SECONDS, GET_TO_FILE_OPTS, GET_OPTS, PUT_OPTS, SIMPLE_OPTS, CREATE_BUCKET_OPTS, META_PREFIX
local native = require("s3.native")
local clock = require("clock")
local fiber = require("fiber")
local fio = require("fio")
local log = require("log")
local ____config = require("s3.config")
local MAX_SINGLE_PUT = ____config.MAX_SINGLE_PUT
local nativeConfig = ____config.nativeConfig
local ____errors = require("s3.errors")
local newError = ____errors.newError
local fromNative = ____errors.fromNative
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
local randomFraction = ____util.randomFraction
local randomHex = ____util.randomHex
function ____self(c, method)
    if type(c) ~= "table" or getmetatable(c) ~= ____exports.Client.prototype then
        return argError(((("use client:" .. method) .. "(...) instead of client.") .. method) .. "(...)")
    end
    return c
end
function failure(err)
    return nil, err
end
function bucketArg(client, fn, bucket)
    local cfg = client._cfg
    return checkBucket(fn, bucket, cfg.legacy_bucket_names, cfg.addressing == "virtual")
end
function tooLarge(what, size, b, k)
    return newError(
        "EntityTooLarge",
        (((((what .. " is ") .. tostring(size)) .. " bytes: a single PUT is limited to 5 GiB (") .. tostring(MAX_SINGLE_PUT)) .. " bytes) ") .. "and multipart upload is not available yet",
        b,
        k
    )
end
function refusedHere(fn, bucket, key)
    if native.can_yield() then
        return nil
    end
    return newError("InvalidArgument", (fn .. " cannot run inside a transaction or a box trigger (a transfer yields): ") .. "start it in a fiber of its own (fiber.create) instead", bucket, key)
end
function perform(client, req, bucket, key, beforeRetry)
    local retries = client._cfg.retries
    local budget = req.timeout or (client._cfg.timeout > 0 and client._cfg.timeout or nil)
    local deadline = budget ~= nil and clock.monotonic() + budget or nil
    local attempt = 0
    do
        while true do
            if deadline ~= nil then
                local left = deadline - clock.monotonic()
                if left < MIN_ATTEMPT_SECONDS then
                    return nil, newError(
                        "Timeout",
                        ("the call's deadline (timeout = " .. tostring(budget)) .. " s) passed before the request was sent",
                        bucket,
                        key
                    )
                end
                req.timeout = left
            end
            local resp, nerr = client._native:request(req)
            if resp ~= nil then
                return resp, nil
            end
            local err = fromNative(nerr, bucket, key)
            if not err.retryable or attempt >= retries then
                return nil, err
            end
            local delay = randomFraction() * math.min(
                BACKOFF_CAP,
                BACKOFF_BASE * math.pow(2, attempt)
            )
            if deadline ~= nil and clock.monotonic() + delay + MIN_ATTEMPT_SECONDS >= deadline then
                return nil, err
            end
            log.verbose(
                "s3: %s %s/%s failed (%s), retry %d of %d in %.3f s",
                req.method,
                tostring(bucket),
                tostring(key),
                tostring(err),
                attempt + 1,
                retries,
                delay
            )
            local slept = pcall(fiber.sleep, delay)
            if not slept then
                return nil, newError("Cancelled", "the fiber was cancelled between retries", bucket, key)
            end
            attempt = attempt + 1
            if beforeRetry ~= nil then
                local e = beforeRetry()
                if e ~= nil then
                    return nil, e
                end
            end
        end
    end
end
function requestHeaders(fn, o)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
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
function objectInfo(resp, size)
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
function putInfo(resp, size)
    local h = resp.headers or ({})
    return {size = size, etag = h.etag, version_id = h["x-amz-version-id"]}
end
function bodyBytes(resp)
    return type(resp.bytes) == "number" and resp.bytes or nil
end
function discardTemp(fh, tmp)
    if fh ~= nil then
        pcall(function() return fh:close() end)
    end
    pcall(function() return fio.unlink(tmp) end)
end
function ____exports.getToFile(client, fn, bucket, key, path, opts)
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local p = checkName(fn, "path", path)
    local o = checkOpts(fn, opts, GET_TO_FILE_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
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
            fh, openErr = fio.open(tmp, {"O_WRONLY", "O_CREAT", "O_EXCL"}, 420)
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
    local req = {
        method = "GET",
        bucket = b,
        key = k,
        headers = headers,
        sink_fd = file.fh,
        sink_offset = 0,
        timeout = o.timeout
    }
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
        local resp, err = perform(
            client,
            req,
            b,
            k,
            truncate
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
    return true, objectInfo(
        resp,
        bodyBytes(resp)
    )
end
function ____exports.putFromFile(client, fn, bucket, key, path, opts)
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local p = checkName(fn, "path", path)
    local o = checkOpts(fn, opts, PUT_OPTS)
    local headers = requestHeaders(fn, o)
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
        if not st:is_reg() then
            return {err = newError("IOError", ("'" .. p) .. "' is not a regular file", b, k)}
        end
        local size = st.size
        if size > MAX_SINGLE_PUT then
            return {err = tooLarge(("'" .. p) .. "'", size, b, k)}
        end
        local req = {
            method = "PUT",
            bucket = b,
            key = k,
            headers = headers,
            body_fd = fh.fh,
            body_offset = 0,
            body_size = size,
            timeout = o.timeout
        }
        local resp, err = perform(client, req, b, k)
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
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local o = checkOpts(fn, opts, GET_OPTS)
    local headers = requestHeaders(fn, o)
    local range = o.range
    if range ~= nil then
        headers.range = checkHeaderValue(fn, "opts.range", range)
    end
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local resp, err = perform(client, {
        method = "GET",
        bucket = b,
        key = k,
        headers = headers,
        timeout = o.timeout
    }, b, k)
    if resp == nil then
        return failure(err)
    end
    local body = resp.body or ""
    return body, objectInfo(resp, #body)
end
function ____exports.putObject(client, fn, bucket, key, body, opts)
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    if type(body) ~= "string" then
        return argError(fn .. ": body must be a string")
    end
    local o = checkOpts(fn, opts, PUT_OPTS)
    local headers = requestHeaders(fn, o)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    if #body > MAX_SINGLE_PUT then
        return failure(tooLarge("the body", #body, b, k))
    end
    local resp, err = perform(client, {
        method = "PUT",
        bucket = b,
        key = k,
        headers = headers,
        body = body,
        timeout = o.timeout
    }, b, k)
    if resp == nil then
        return failure(err)
    end
    return true, putInfo(resp, #body)
end
function ____exports.headObject(client, fn, bucket, key, opts)
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local o = checkOpts(fn, opts, SIMPLE_OPTS)
    local headers = requestHeaders(fn, o)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local resp, err = perform(client, {
        method = "HEAD",
        bucket = b,
        key = k,
        headers = headers,
        timeout = o.timeout
    }, b, k)
    if resp == nil then
        return failure(err)
    end
    return objectInfo(resp), nil
end
function deleteResource(client, fn, b, k, opts)
    local o = checkOpts(fn, opts, SIMPLE_OPTS)
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
            headers = requestHeaders(fn, o),
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
    local b = bucketArg(client, fn, bucket)
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
    local b = bucketArg(client, fn, bucket)
    local o = checkOpts(fn, opts, CREATE_BUCKET_OPTS)
    local headers = requestHeaders(fn, o)
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
        bucketArg(client, fn, bucket),
        nil,
        opts
    )
end
BACKOFF_BASE = 0.1
BACKOFF_CAP = 20
____exports.Client = __TS__Class()
local Client = ____exports.Client
Client.name = "Client"
function Client.prototype.____constructor(self, cfg)
    self._cfg = cfg
    self._native = native.client_new(nativeConfig(cfg))
end
function Client.prototype.get_to_file(self, bucket, key, path, opts)
    return ____exports.getToFile(
        ____self(self, "get_to_file"),
        "client:get_to_file",
        bucket,
        key,
        path,
        opts
    )
end
function Client.prototype.put_from_file(self, bucket, key, path, opts)
    return ____exports.putFromFile(
        ____self(self, "put_from_file"),
        "client:put_from_file",
        bucket,
        key,
        path,
        opts
    )
end
function Client.prototype.get(self, bucket, key, opts)
    return ____exports.getObject(
        ____self(self, "get"),
        "client:get",
        bucket,
        key,
        opts
    )
end
function Client.prototype.put(self, bucket, key, body, opts)
    return ____exports.putObject(
        ____self(self, "put"),
        "client:put",
        bucket,
        key,
        body,
        opts
    )
end
function Client.prototype.head(self, bucket, key, opts)
    return ____exports.headObject(
        ____self(self, "head"),
        "client:head",
        bucket,
        key,
        opts
    )
end
function Client.prototype.delete(self, bucket, key, opts)
    return ____exports.deleteObject(
        ____self(self, "delete"),
        "client:delete",
        bucket,
        key,
        opts
    )
end
function Client.prototype.create_bucket(self, bucket, opts)
    return ____exports.createBucket(
        ____self(self, "create_bucket"),
        "client:create_bucket",
        bucket,
        opts
    )
end
function Client.prototype.delete_bucket(self, bucket, opts)
    return ____exports.deleteBucket(
        ____self(self, "delete_bucket"),
        "client:delete_bucket",
        bucket,
        opts
    )
end
function Client.prototype.stats(self)
    return ____self(self, "stats")._native:stats()
end
MIN_ATTEMPT_SECONDS = 0.001
local function optTypes(...)
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
GET_TO_FILE_OPTS = optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "part_size",
    "integer",
    "concurrency",
    "integer",
    "fsync",
    "boolean"
)
GET_OPTS = optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "range",
    "string"
)
PUT_OPTS = optTypes(
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
    "integer"
)
SIMPLE_OPTS = optTypes("timeout", "nonnegative", "headers", "table")
CREATE_BUCKET_OPTS = optTypes(
    "timeout",
    "nonnegative",
    "headers",
    "table",
    "location_constraint",
    "string"
)
META_PREFIX = "x-amz-meta-"
return ____exports
