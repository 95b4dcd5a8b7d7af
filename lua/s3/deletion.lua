--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local checkPrefix
local digest = require("digest")
local ____deadline = require("s3.deadline")
local deadlineOf = ____deadline.deadlineOf
local timeLeft = ____deadline.timeLeft
local ____listing = require("s3.listing")
local listPage = ____listing.listPage
local ____objects = require("s3.objects")
local bucketArg = ____objects.bucketArg
local optTypes = ____objects.optTypes
local ____request = require("s3.request")
local failure = ____request.failure
local perform = ____request.perform
local refusedHere = ____request.refusedHere
local ____util = require("s3.util")
local MAX_KEY_BYTES = ____util.MAX_KEY_BYTES
local argError = ____util.argError
local checkName = ____util.checkName
local checkOpts = ____util.checkOpts
local checkStringMap = ____util.checkStringMap
local xmlEscape = ____util.xmlEscape
function checkPrefix(fn, prefix)
    if (string.find(prefix, "\0", 1, true)) ~= nil then
        return argError(fn .. ": keys.prefix must not contain a NUL byte")
    end
    return prefix
end
--- S3 takes at most 1000 keys in one DeleteObjects request.
local BATCH = 1000
local DELETE_MANY_OPTS = optTypes("timeout", "nonnegative", "headers", "table")
--- The keys of a delete_many call: an array of keys, or {prefix = ...}.
local function checkKeys(fn, keys)
    if type(keys) ~= "table" then
        return argError(fn .. ": keys must be a table (an array of keys, or {prefix = ...})")
    end
    local t = keys
    local prefix = t.prefix
    if prefix ~= nil then
        for k in pairs(t) do
            if k ~= "prefix" then
                return argError((fn .. ": keys must be either an array of keys or {prefix = ...}, ") .. ("got another field '" .. tostring(k)) .. "'")
            end
        end
        if type(prefix) ~= "string" then
            return argError(fn .. ": keys.prefix must be a string")
        end
        return nil, checkPrefix(fn, prefix)
    end
    local n = #t
    local count = 0
    for k in pairs(t) do
        count = count + 1
        if type(k) ~= "number" then
            return argError(((fn .. ": keys must be an array of keys or {prefix = ...}, got field '") .. tostring(k)) .. "'")
        end
    end
    if count ~= n then
        return argError(fn .. ": keys must be an array without holes")
    end
    local out = {}
    do
        local i = 1
        while i <= n do
            local key = checkName(
                fn,
                ("keys[" .. tostring(i)) .. "]",
                t[i]
            )
            if #key > MAX_KEY_BYTES then
                return argError(((((((fn .. ": keys[") .. tostring(i)) .. "] must be 1-") .. tostring(MAX_KEY_BYTES)) .. " bytes, got ") .. tostring(#key)) .. " bytes")
            end
            out[#out + 1] = key
            i = i + 1
        end
    end
    return out, nil
end
--- The DeleteObjects body for keys[from..to] (0-based, to exclusive).
local function deleteBody(keys, from, to)
    local parts = {"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete>"}
    do
        local i = from
        while i < to do
            parts[#parts + 1] = ("<Object><Key>" .. xmlEscape(keys[i + 1])) .. "</Key></Object>"
            i = i + 1
        end
    end
    parts[#parts + 1] = "</Delete>"
    return table.concat(parts, "")
end
--- One DeleteObjects request; its results are appended to `into`.
local function deleteBatch(client, b, keys, from, to, headers, deadline, into)
    local body = deleteBody(keys, from, to)
    local h = {}
    for k, v in pairs(headers) do
        h[k] = v
    end
    h["content-type"] = "application/xml"
    h["content-md5"] = digest.base64_encode(
        digest.md5(body),
        {nowrap = true}
    )
    local query = {}
    query.delete = ""
    local req = {
        method = "POST",
        bucket = b,
        query = query,
        headers = h,
        body = body,
        timeout = timeLeft(deadline),
        parse = "delete_objects"
    }
    local resp, err = perform(client, req, b, nil)
    if resp == nil then
        return err
    end
    local parsed = resp.parsed
    for ____, k in ipairs(parsed.deleted) do
        local ____into_deleted_0 = into.deleted
        ____into_deleted_0[#____into_deleted_0 + 1] = k
    end
    for ____, e in ipairs(parsed.errors) do
        local ____into_errors_4 = into.errors
        local ____e_key_2 = e.key
        local ____e_code_3 = e.code
        local ____temp_1
        if e.message ~= "" then
            ____temp_1 = e.message
        else
            ____temp_1 = nil
        end
        ____into_errors_4[#____into_errors_4 + 1] = {key = ____e_key_2, code = ____e_code_3, message = ____temp_1}
    end
    return nil
end
function ____exports.deleteMany(client, fn, bucket, keys, opts)
    local b = bucketArg(client, fn, bucket)
    local list, prefix = checkKeys(fn, keys)
    local o = checkOpts(fn, opts, DELETE_MANY_OPTS)
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    local refused = refusedHere(fn, b, nil)
    if refused ~= nil then
        return failure(refused)
    end
    local deadline = deadlineOf(o.timeout, client._cfg.timeout)
    local result = {deleted = {}, errors = {}}
    if list ~= nil then
        do
            local from = 0
            while from < #list do
                local err = deleteBatch(
                    client,
                    b,
                    list,
                    from,
                    math.min(from + BATCH, #list),
                    headers,
                    deadline,
                    result
                )
                if err ~= nil then
                    return failure(err)
                end
                from = from + BATCH
            end
        end
        return result, nil
    end
    local args = {prefix = prefix, headers = headers}
    local token
    do
        while true do
            args.timeout = timeLeft(deadline)
            local page, err = listPage(client, b, args, token)
            if page == nil then
                return failure(err)
            end
            local pageKeys = {}
            for ____, obj in ipairs(page.objects) do
                pageKeys[#pageKeys + 1] = obj.key
            end
            if #pageKeys > 0 then
                local e = deleteBatch(
                    client,
                    b,
                    pageKeys,
                    0,
                    #pageKeys,
                    headers,
                    deadline,
                    result
                )
                if e ~= nil then
                    return failure(e)
                end
            end
            token = page.next_continuation_token
            if not page.is_truncated or token == nil then
                return result, nil
            end
        end
    end
end
return ____exports
