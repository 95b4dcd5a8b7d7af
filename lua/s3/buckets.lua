--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____errors = require("s3.errors")
local newError = ____errors.newError
local ____objects = require("s3.objects")
local bucketArg = ____objects.bucketArg
local optTypes = ____objects.optTypes
local ____request = require("s3.request")
local failure = ____request.failure
local perform = ____request.perform
local refusedHere = ____request.refusedHere
local ____util = require("s3.util")
local checkOpts = ____util.checkOpts
local checkStringMap = ____util.checkStringMap
local SIMPLE_OPTS = optTypes("timeout", "nonnegative", "headers", "table")
function ____exports.listBuckets(client, fn, opts)
    local o = checkOpts(fn, opts, SIMPLE_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    local refused = refusedHere(fn, "", nil)
    if refused ~= nil then
        refused.bucket = nil
        return failure(refused)
    end
    local resp, err = perform(client, {method = "GET", headers = headers, timeout = o.timeout, parse = "list_buckets"}, nil, nil)
    if resp == nil then
        return failure(err)
    end
    return resp.parsed.buckets, nil
end
--- HEAD of the bucket: {exists = true, region} when it exists and we may use it; else nil, err
-- with NoSuchBucket (404) or AccessDenied (403; it exists but is not ours, or the credentials
-- are wrong). A HEAD answer has no body, so the status alone tells them apart.
function ____exports.headBucket(client, fn, bucket, opts)
    local b = bucketArg(client, fn, bucket)
    local o = checkOpts(fn, opts, SIMPLE_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    local refused = refusedHere(fn, b, nil)
    if refused ~= nil then
        return failure(refused)
    end
    local resp, err = perform(client, {method = "HEAD", bucket = b, headers = headers, timeout = o.timeout}, b, nil)
    if resp == nil then
        if err.status == 404 then
            return failure(newError(
                "NoSuchBucket",
                ("bucket '" .. b) .. "' does not exist",
                b,
                nil,
                404,
                err.request_id
            ))
        end
        if err.status == 403 then
            return failure(newError(
                "AccessDenied",
                ("bucket '" .. b) .. "' exists but access to it is denied (or the credentials are wrong)",
                b,
                nil,
                403,
                err.request_id
            ))
        end
        return failure(err)
    end
    return {exists = true, region = resp.headers["x-amz-bucket-region"]}, nil
end
return ____exports
