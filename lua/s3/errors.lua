--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local function errorToString(self)
    local parts = {}
    local head = self.code
    if self.status ~= nil then
        head = ((head .. " (") .. tostring(self.status)) .. ")"
    end
    if self.message ~= nil and self.message ~= "" then
        head = (head .. ": ") .. self.message
    end
    parts[#parts + 1] = head
    local ctx = {}
    if self.bucket ~= nil then
        ctx[#ctx + 1] = "bucket=" .. self.bucket
    end
    if self.key ~= nil then
        ctx[#ctx + 1] = "key=" .. self.key
    end
    if self.request_id ~= nil and self.request_id ~= "" then
        ctx[#ctx + 1] = "request_id=" .. self.request_id
    end
    if #ctx > 0 then
        parts[#parts + 1] = ("[" .. table.concat(ctx, " ")) .. "]"
    end
    return table.concat(parts, " ")
end
--- The metatable of every error object; `getmetatable(err) == s3.error_mt` tells ours apart.
____exports.errorMeta = {__tostring = errorToString}
local RETRYABLE_STATUS = {}
RETRYABLE_STATUS[500] = true
RETRYABLE_STATUS[502] = true
RETRYABLE_STATUS[503] = true
RETRYABLE_STATUS[504] = true
--- S3 codes worth another attempt (with a response).
local RETRYABLE_S3_CODE = {}
RETRYABLE_S3_CODE.SlowDown = true
RETRYABLE_S3_CODE.RequestTimeout = true
RETRYABLE_S3_CODE.InternalError = true
RETRYABLE_S3_CODE.ServiceUnavailable = true
--- Transport failures (no response) worth another attempt. Not TLSError: a certificate that failed
-- verification fails the same way again (the fix is ca_file or verify_peer), nor EntityTooLarge.
local RETRYABLE_TRANSPORT_CODE = {}
RETRYABLE_TRANSPORT_CODE.ConnectionError = true
RETRYABLE_TRANSPORT_CODE.Timeout = true
function ____exports.isRetryable(code, status)
    if status == nil then
        return RETRYABLE_TRANSPORT_CODE[code] == true
    end
    if status >= 400 and status < 500 then
        return code == "RequestTimeout" or code == "SlowDown" or code == "RequestTimeTooSkewed"
    end
    return RETRYABLE_STATUS[status] == true or RETRYABLE_S3_CODE[code] == true
end
function ____exports.newError(code, message, bucket, key, status, requestId)
    local e = {
        code = code,
        status = status,
        message = message,
        request_id = requestId,
        bucket = bucket,
        key = key,
        retryable = ____exports.isRetryable(code, status)
    }
    return setmetatable(e, ____exports.errorMeta)
end
--- Turns the native module's error table into our error object.
function ____exports.fromNative(nerr, bucket, key)
    if nerr == nil or type(nerr) ~= "table" then
        return ____exports.newError(
            "InternalError",
            ("native request failed without an error object (" .. tostring(nerr)) .. ")",
            bucket,
            key
        )
    end
    local code = type(nerr.code) == "string" and nerr.code ~= "" and nerr.code or "InternalError"
    local message = type(nerr.message) == "string" and nerr.message or ""
    local status = type(nerr.status) == "number" and nerr.status or nil
    local requestId = type(nerr.request_id) == "string" and nerr.request_id or nil
    return ____exports.newError(
        code,
        message,
        bucket,
        key,
        status,
        requestId
    )
end
function ____exports.isError(v)
    return type(v) == "table" and getmetatable(v) == ____exports.errorMeta
end
return ____exports
