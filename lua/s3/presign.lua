--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____objects = require("s3.objects")
local bucketArg = ____objects.bucketArg
local ____util = require("s3.util")
local argError = ____util.argError
local checkKey = ____util.checkKey
local checkOpts = ____util.checkOpts
local checkStringMap = ____util.checkStringMap
local hasType = ____util.hasType
local isInteger = ____util.isInteger
local quote = ____util.quote
local typeName = ____util.typeName
--- One hour unless told; SigV4 allows at most 7 days.
____exports.DEFAULT_EXPIRES = 3600
____exports.MAX_EXPIRES = 7 * 24 * 3600
local METHODS = {}
for ____, m in ipairs({"GET", "PUT", "HEAD", "DELETE"}) do
    METHODS[m] = true
end
local PRESIGN_OPTS = {}
PRESIGN_OPTS.expires = "integer"
PRESIGN_OPTS.headers = "table"
PRESIGN_OPTS.query = "table"
PRESIGN_OPTS.version_id = "string"
--- Query parameters: non-empty names, string (or number) values, no NUL bytes; the signer's own refused.
local function checkQuery(fn, v)
    local out = {}
    if v == nil then
        return out
    end
    for k, val in pairs(v) do
        if type(k) ~= "string" or k == "" then
            return argError(fn .. ": opts.query keys must be non-empty strings")
        end
        if (string.find(k, "\0", 1, true)) ~= nil then
            return argError(((fn .. ": opts.query name ") .. quote(k)) .. " must not contain a NUL byte")
        end
        if string.lower(string.sub(k, 1, 6)) == "x-amz-" then
            return argError(((fn .. ": opts.query.") .. k) .. " cannot be given: the signer sets the X-Amz-* parameters")
        end
        if not hasType(val, "string") and not hasType(val, "number") then
            return argError((((fn .. ": opts.query.") .. k) .. " must be ") .. typeName("string"))
        end
        local s = tostring(val)
        if (string.find(s, "\0", 1, true)) ~= nil then
            return argError(((fn .. ": opts.query.") .. k) .. " must not contain a NUL byte")
        end
        out[k] = s
    end
    return out
end
--- presign(method, bucket, key [, {expires, headers, query, version_id}]) -> url. Raises on a
-- wrong argument (also expires over 7 days, or an anonymous client). Never yields, so it runs
-- anywhere, inside a transaction or a trigger too.
function ____exports.presign(client, fn, method, bucket, key, opts)
    if type(method) ~= "string" or METHODS[method] ~= true then
        return argError((fn .. ": method must be 'GET', 'PUT', 'HEAD' or 'DELETE', got ") .. (type(method) == "string" and quote(method) or type(method)))
    end
    local b = bucketArg(client, fn, bucket)
    local k = checkKey(fn, key)
    local o = checkOpts(fn, opts, PRESIGN_OPTS)
    local expires = o.expires or ____exports.DEFAULT_EXPIRES
    if not isInteger(expires) or expires < 1 or expires > ____exports.MAX_EXPIRES then
        return argError((((fn .. ": opts.expires must be 1-") .. tostring(____exports.MAX_EXPIRES)) .. " seconds (7 days at most), got ") .. tostring(expires))
    end
    local headers = checkStringMap(fn, "opts.headers", o.headers, false)
    local query = checkQuery(fn, o.query)
    local versionId = o.version_id
    if versionId ~= nil then
        if versionId == "" or (string.find(versionId, "\0", 1, true)) ~= nil then
            return argError(fn .. ": opts.version_id must be a non-empty string without NUL bytes")
        end
        query.versionId = versionId
    end
    if client._cfg.anonymous then
        return argError(fn .. ": an anonymous client (anonymous = true) has no credentials to presign with")
    end
    local req = {
        method = method,
        bucket = b,
        key = k,
        expires = expires,
        headers = headers,
        query = query
    }
    local url, err = client._native:presign(req)
    if url == nil then
        return argError((fn .. ": ") .. (err and err.message or "cannot presign"))
    end
    return url
end
return ____exports
