--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____client = require("s3.client")
local Client = ____client.Client
local ____config = require("s3.config")
local DEFAULTS = ____config.DEFAULTS
local ____download = require("s3.download")
local downloadToFd = ____download.downloadToFd
local ____listing = require("s3.listing")
local listPage = ____listing.listPage
local ____parts = require("s3.parts")
local performWithProgress = ____parts.performWithProgress
local ____deadline = require("s3.deadline")
local deadlineOf = ____deadline.deadlineOf
local timeLeft = ____deadline.timeLeft
local ____upload = require("s3.upload")
local contentMd5 = ____upload.contentMd5
local uploadMultipart = ____upload.uploadMultipart
--- A client over a native client the C API holds, with the settings it was made with.
local function clientOf(nativeClient)
    local e = nativeClient:engine_settings()
    local cfg = {
        endpoint = "",
        aws_endpoint = false,
        region = "",
        access_key_id = "",
        secret_access_key = "",
        addressing = "path",
        legacy_bucket_names = true,
        anonymous = false,
        connect_timeout = DEFAULTS.connect_timeout,
        timeout = e.timeout,
        idle_timeout = DEFAULTS.idle_timeout,
        max_connections = DEFAULTS.max_connections,
        retries = e.retries,
        part_size = e.part_size,
        multipart_threshold = e.multipart_threshold,
        concurrency = e.concurrency,
        verify_peer = true
    }
    return Client.wrap(nativeClient, cfg)
end
local function nativeError(err)
    return {code = err.code, status = err.status, message = err.message, request_id = err.request_id}
end
function ____exports.get_to_fd(nativeClient, bucket, key, fd, o)
    local client = clientOf(nativeClient)
    local resp, err = downloadToFd(
        client,
        bucket,
        key,
        fd,
        {
            headers = {},
            partSize = client._cfg.part_size,
            concurrency = client._cfg.concurrency,
            deadline = deadlineOf(o.timeout, client._cfg.timeout),
            onProgress = o.on_progress,
            offset = o.offset,
            restart = function() return nil end
        }
    )
    if resp == nil then
        return nil, nativeError(err)
    end
    return true, resp.bytes
end
function ____exports.put_from_fd(nativeClient, bucket, key, fd, size, o)
    local client = clientOf(nativeClient)
    local headers = {}
    if o.content_type ~= nil then
        headers["content-type"] = o.content_type
    end
    local deadline = deadlineOf(o.timeout, client._cfg.timeout)
    if size >= client._cfg.multipart_threshold then
        local mresp, merr = uploadMultipart(
            client,
            bucket,
            key,
            fd,
            size,
            {
                headers = headers,
                partSize = client._cfg.part_size,
                concurrency = client._cfg.concurrency,
                deadline = deadline,
                onProgress = o.on_progress,
                offset = o.offset,
                currentSize = function() return size end
            }
        )
        if mresp == nil then
            return nil, nativeError(merr)
        end
        return true, size
    end
    local md5, md5Err = contentMd5(
        fd,
        o.offset,
        size,
        bucket,
        key
    )
    if md5 == nil then
        return nil, nativeError(md5Err)
    end
    headers["content-md5"] = md5
    local req = {
        method = "PUT",
        bucket = bucket,
        key = key,
        headers = headers,
        body_fd = fd,
        body_offset = o.offset,
        body_size = size,
        timeout = timeLeft(deadline)
    }
    local resp, err = performWithProgress(
        client,
        req,
        bucket,
        key,
        size,
        o.on_progress
    )
    if resp == nil then
        return nil, nativeError(err)
    end
    return true, size
end
function ____exports.list_objects(nativeClient, bucket, prefix, onObject)
    local client = clientOf(nativeClient)
    local deadline = deadlineOf(nil, client._cfg.timeout)
    local token
    do
        while true do
            local page, err = listPage(
                client,
                bucket,
                {
                    prefix = prefix ~= "" and prefix or nil,
                    headers = {},
                    timeout = timeLeft(deadline)
                },
                token
            )
            if page == nil then
                return nil, nativeError(err)
            end
            for ____, o in ipairs(page.objects) do
                if onObject(
                    o.key,
                    o.size,
                    o.etag,
                    o.last_modified,
                    o.storage_class
                ) then
                    return true, nil
                end
            end
            if not page.is_truncated or page.next_continuation_token == nil then
                return true, nil
            end
            token = page.next_continuation_token
        end
    end
end
return ____exports
