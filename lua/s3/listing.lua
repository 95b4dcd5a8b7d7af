--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____objects = require("s3.objects")
local bucketArg = ____objects.bucketArg
local optTypes = ____objects.optTypes
local ____request = require("s3.request")
local failure = ____request.failure
local perform = ____request.perform
local refusedHere = ____request.refusedHere
local ____util = require("s3.util")
local argError = ____util.argError
local checkOpts = ____util.checkOpts
local checkStringMap = ____util.checkStringMap
--- S3 returns at most 1000 keys a page whatever max_keys asks.
local MAX_KEYS = 1000
local LIST_OPTS = optTypes(
    "prefix",
    "string",
    "delimiter",
    "string",
    "max_keys",
    "integer",
    "continuation_token",
    "string",
    "start_after",
    "string",
    "timeout",
    "nonnegative",
    "headers",
    "table"
)
local OBJECTS_OPTS = optTypes(
    "prefix",
    "string",
    "delimiter",
    "string",
    "max_keys",
    "integer",
    "start_after",
    "string",
    "timeout",
    "nonnegative",
    "headers",
    "table"
)
local function checkListOpts(fn, opts, allowed)
    local o = checkOpts(fn, opts, allowed)
    local maxKeys = o.max_keys
    if maxKeys ~= nil and (maxKeys < 1 or maxKeys > MAX_KEYS) then
        return argError((((fn .. ": opts.max_keys must be 1-") .. tostring(MAX_KEYS)) .. ", got ") .. tostring(maxKeys))
    end
    for ____, name in ipairs({"prefix", "delimiter", "continuation_token", "start_after"}) do
        local v = o[name]
        if v ~= nil and (string.find(v, "\0", 1, true)) ~= nil then
            return argError(((fn .. ": opts.") .. name) .. " must not contain a NUL byte")
        end
    end
    return {
        prefix = o.prefix,
        delimiter = o.delimiter,
        max_keys = maxKeys,
        continuation_token = o.continuation_token,
        start_after = o.start_after,
        timeout = o.timeout,
        headers = checkStringMap(fn, "opts.headers", o.headers, false)
    }
end
--- One ListObjectsV2 request. Empty strings are not sent (S3 treats them as absent anyway).
function ____exports.listPage(client, b, a, token)
    local query = {}
    query["list-type"] = "2"
    query["encoding-type"] = "url"
    if a.prefix ~= nil and a.prefix ~= "" then
        query.prefix = a.prefix
    end
    if a.delimiter ~= nil and a.delimiter ~= "" then
        query.delimiter = a.delimiter
    end
    if a.max_keys ~= nil then
        query["max-keys"] = tostring(a.max_keys)
    end
    if token ~= nil and token ~= "" then
        query["continuation-token"] = token
    end
    if a.start_after ~= nil and a.start_after ~= "" then
        query["start-after"] = a.start_after
    end
    local req = {
        method = "GET",
        bucket = b,
        query = query,
        headers = a.headers,
        timeout = a.timeout,
        parse = "list_objects"
    }
    local resp, err = perform(client, req, b, nil)
    if resp == nil then
        return nil, err
    end
    local page = resp.parsed
    page.key_count = nil
    page.encoding_type = nil
    if not page.is_truncated then
        page.next_continuation_token = nil
    end
    return page, nil
end
function ____exports.list(client, fn, bucket, opts)
    local b = bucketArg(client, fn, bucket)
    local a = checkListOpts(fn, opts, LIST_OPTS)
    local refused = refusedHere(fn, b, nil)
    if refused ~= nil then
        return failure(refused)
    end
    return ____exports.listPage(client, b, a, a.continuation_token)
end
--- The iterator function of objects(): the next object, fetching the next page only when this
-- one is used up. A failed page raises the error object (a `for` loop has no place for
-- `nil, err`); pcall gets it back with its code.
local function nextObject(cursor)
    do
        while true do
            local page = cursor.page
            if page ~= nil and cursor.index < #page.objects then
                local entry = page.objects[cursor.index + 1]
                cursor.index = cursor.index + 1
                return entry
            end
            if not cursor.more then
                cursor.page = nil
                return nil
            end
            local refused = refusedHere(cursor.fn, cursor.bucket, nil)
            if refused ~= nil then
                return error(refused, 0)
            end
            local next, err = ____exports.listPage(cursor.client, cursor.bucket, cursor.args, cursor.token)
            if next == nil then
                cursor.more = false
                return error(err, 0)
            end
            cursor.page = next
            cursor.index = 0
            cursor.token = next.next_continuation_token
            cursor.more = next.is_truncated and cursor.token ~= nil
        end
    end
end
--- for obj in objects(bucket, opts) do ... end: every object, page by page (max_keys a page).
function ____exports.objects(client, fn, bucket, opts)
    local b = bucketArg(client, fn, bucket)
    local a = checkListOpts(fn, opts, OBJECTS_OPTS)
    local cursor = {
        client = client,
        fn = fn,
        bucket = b,
        args = a,
        index = 0,
        more = true
    }
    return nextObject, cursor
end
return ____exports
