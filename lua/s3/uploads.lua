--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____deadline = require("s3.deadline")
local deadlineOf = ____deadline.deadlineOf
local timeLeft = ____deadline.timeLeft
local ____objects = require("s3.objects")
local bucketArg = ____objects.bucketArg
local optTypes = ____objects.optTypes
local ____multipart = require("s3.multipart")
local abortUpload = ____multipart.abortUpload
local ____request = require("s3.request")
local failure = ____request.failure
local perform = ____request.perform
local refusedHere = ____request.refusedHere
local ____util = require("s3.util")
local argError = ____util.argError
local checkKey = ____util.checkKey
local checkName = ____util.checkName
local checkOpts = ____util.checkOpts
local checkStringMap = ____util.checkStringMap
local SIMPLE_OPTS = optTypes("timeout", "nonnegative", "headers", "table")
--- Every unfinished multipart upload of the bucket (under prefix), across pages.
function ____exports.listMultipartUploads(client, fn, bucket, prefix, opts)
    local b = bucketArg(client, fn, bucket)
    if prefix ~= nil and type(prefix) ~= "string" then
        return argError(fn .. ": prefix must be a string")
    end
    if prefix ~= nil and (string.find(prefix, "\0", 1, true)) ~= nil then
        return argError(fn .. ": prefix must not contain a NUL byte")
    end
    local o = checkOpts(fn, opts, SIMPLE_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    local refused = refusedHere(fn, b, nil)
    if refused ~= nil then
        return failure(refused)
    end
    local deadline = deadlineOf(o.timeout, client._cfg.timeout)
    local out = {}
    local keyMarker
    local idMarker
    do
        while true do
            local query = {}
            query.uploads = ""
            if prefix ~= nil and prefix ~= "" then
                query.prefix = prefix
            end
            if keyMarker ~= nil then
                query["key-marker"] = keyMarker
            end
            if idMarker ~= nil then
                query["upload-id-marker"] = idMarker
            end
            local resp, err = perform(
                client,
                {
                    method = "GET",
                    bucket = b,
                    query = query,
                    headers = headers,
                    timeout = timeLeft(deadline),
                    parse = "list_multipart_uploads"
                },
                b,
                nil
            )
            if resp == nil then
                return failure(err)
            end
            local page = resp.parsed
            for ____, u in ipairs(page.uploads) do
                out[#out + 1] = u
            end
            if not page.is_truncated or page.next_key_marker == nil or page.next_key_marker == keyMarker and page.next_upload_id_marker == idMarker then
                return out, nil
            end
            keyMarker = page.next_key_marker
            idMarker = page.next_upload_id_marker
        end
    end
end
function ____exports.abortMultipartUpload(client, fn, bucket, key, uploadId, opts)
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local id = checkName(fn, "upload_id", uploadId)
    local o = checkOpts(fn, opts, SIMPLE_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    local refused = refusedHere(fn, b, k)
    if refused ~= nil then
        return failure(refused)
    end
    local err = abortUpload(
        client,
        b,
        k,
        id,
        headers,
        o.timeout
    )
    if err ~= nil then
        return failure(err)
    end
    return true, nil
end
return ____exports
