--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____util = require("s3.util")
local argError = ____util.argError
local hasType = ____util.hasType
local typeName = ____util.typeName
local MiB = 1024 * 1024
local GiB = 1024 * MiB
--- S3's part size limits (the last part may be smaller than the minimum).
____exports.MIN_PART_SIZE = 5 * MiB
____exports.MAX_PART_SIZE = 5 * GiB
--- A single PUT carries at most 5 GiB.
____exports.MAX_SINGLE_PUT = 5 * GiB
____exports.DEFAULTS = {
    region = "us-east-1",
    connect_timeout = 10,
    timeout = 0,
    idle_timeout = 30,
    max_connections = 64,
    retries = 3,
    part_size = 8 * MiB,
    multipart_threshold = 16 * MiB,
    concurrency = 8,
    verify_peer = true
}
--- Every accepted option and its type (see util.hasType).
local OPTION_TYPES = {}
OPTION_TYPES.endpoint = "string"
OPTION_TYPES.region = "string"
OPTION_TYPES.access_key_id = "string"
OPTION_TYPES.secret_access_key = "string"
OPTION_TYPES.session_token = "string"
OPTION_TYPES.addressing = "string"
OPTION_TYPES.connect_timeout = "nonnegative"
OPTION_TYPES.timeout = "nonnegative"
OPTION_TYPES.idle_timeout = "nonnegative"
OPTION_TYPES.max_connections = "integer"
OPTION_TYPES.retries = "integer"
OPTION_TYPES.part_size = "integer"
OPTION_TYPES.multipart_threshold = "integer"
OPTION_TYPES.concurrency = "integer"
OPTION_TYPES.verify_peer = "boolean"
OPTION_TYPES.ca_file = "string"
OPTION_TYPES.proxy = "string"
--- An environment variable, nil when unset or empty.
local function env(name)
    local v = os.getenv(name)
    local ____temp_0
    if v == nil or v == "" then
        ____temp_0 = nil
    else
        ____temp_0 = v
    end
    return ____temp_0
end
local function startsWith(s, prefix)
    return string.sub(s, 1, #prefix) == prefix
end
local function checkRange(fn, name, v, min, max)
    if v < min or max ~= nil and v > max then
        local range = max == nil and ">= " .. tostring(min) or (("between " .. tostring(min)) .. " and ") .. tostring(max)
        argError((((((fn .. ": ") .. name) .. " must be ") .. range) .. ", got ") .. tostring(v))
    end
end
--- Validates `opts` (nil or a table) and completes it from the environment and defaults.
-- Raises, naming `fn` (e.g. "s3.cfg") and the option, on an unknown option or a bad value.
function ____exports.resolveConfig(fn, opts)
    if opts ~= nil and type(opts) ~= "table" then
        return argError(fn .. ": options must be a table")
    end
    local ____opts_1 = opts
    if ____opts_1 == nil then
        ____opts_1 = {}
    end
    local o = ____opts_1
    local checked = {}
    for k, v in pairs(o) do
        do
            local want = type(k) == "string" and OPTION_TYPES[k] or nil
            if want == nil then
                return argError(((fn .. ": unknown option '") .. tostring(k)) .. "'")
            end
            if v == nil then
                goto __continue8
            end
            if not hasType(v, want) then
                return argError((((fn .. ": ") .. k) .. " must be ") .. typeName(want))
            end
            checked[k] = v
        end
        ::__continue8::
    end
    local c = checked
    local region = c.region or env("AWS_REGION") or env("AWS_DEFAULT_REGION") or ____exports.DEFAULTS.region
    if region == "" then
        return argError(fn .. ": region must not be empty")
    end
    local endpoint = c.endpoint or env("AWS_ENDPOINT_URL_S3") or env("AWS_ENDPOINT_URL")
    local awsEndpoint = false
    if endpoint == nil then
        endpoint = ("https://s3." .. region) .. ".amazonaws.com"
        awsEndpoint = true
    else
        local lower = string.lower(endpoint)
        if not startsWith(lower, "http://") and not startsWith(lower, "https://") then
            return argError(((fn .. ": endpoint must be an http:// or https:// URL, got '") .. endpoint) .. "'")
        end
        while #endpoint > 0 and string.sub(endpoint, -1) == "/" do
            endpoint = string.sub(endpoint, 1, -2)
        end
        if #endpoint <= (startsWith(lower, "https://") and 8 or 7) then
            return argError(((fn .. ": endpoint has no host: '") .. tostring(c.endpoint or endpoint)) .. "'")
        end
    end
    local addressing = c.addressing or (awsEndpoint and "virtual" or "path")
    if addressing ~= "path" and addressing ~= "virtual" then
        return argError(((fn .. ": addressing must be 'path' or 'virtual', got '") .. addressing) .. "'")
    end
    local accessKeyId
    local secretAccessKey
    local sessionToken
    if c.access_key_id ~= nil or c.secret_access_key ~= nil then
        if c.access_key_id == nil or c.secret_access_key == nil then
            return argError(fn .. ": access_key_id and secret_access_key must be given together")
        end
        accessKeyId = c.access_key_id
        secretAccessKey = c.secret_access_key
        sessionToken = c.session_token
    else
        accessKeyId = env("AWS_ACCESS_KEY_ID")
        secretAccessKey = env("AWS_SECRET_ACCESS_KEY")
        sessionToken = c.session_token or env("AWS_SESSION_TOKEN")
        if accessKeyId == nil or secretAccessKey == nil then
            return argError((fn .. ": no credentials: pass access_key_id and secret_access_key ") .. "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        end
    end
    if accessKeyId == "" then
        return argError(fn .. ": access_key_id must not be empty")
    end
    if secretAccessKey == "" then
        return argError(fn .. ": secret_access_key must not be empty")
    end
    if sessionToken == "" then
        sessionToken = nil
    end
    local connectTimeout = c.connect_timeout or ____exports.DEFAULTS.connect_timeout
    local timeout = c.timeout or ____exports.DEFAULTS.timeout
    local idleTimeout = c.idle_timeout or ____exports.DEFAULTS.idle_timeout
    local maxConnections = c.max_connections or ____exports.DEFAULTS.max_connections
    checkRange(
        fn,
        "max_connections",
        maxConnections,
        1,
        nil
    )
    local retries = c.retries or ____exports.DEFAULTS.retries
    checkRange(
        fn,
        "retries",
        retries,
        0,
        nil
    )
    local partSize = c.part_size or ____exports.DEFAULTS.part_size
    checkRange(
        fn,
        "part_size",
        partSize,
        ____exports.MIN_PART_SIZE,
        ____exports.MAX_PART_SIZE
    )
    local multipartThreshold = c.multipart_threshold or ____exports.DEFAULTS.multipart_threshold
    checkRange(
        fn,
        "multipart_threshold",
        multipartThreshold,
        ____exports.MIN_PART_SIZE,
        ____exports.MAX_SINGLE_PUT
    )
    local concurrency = c.concurrency or ____exports.DEFAULTS.concurrency
    checkRange(
        fn,
        "concurrency",
        concurrency,
        1,
        nil
    )
    local ____endpoint_3 = endpoint
    local ____awsEndpoint_4 = awsEndpoint
    local ____accessKeyId_5 = accessKeyId
    local ____secretAccessKey_6 = secretAccessKey
    local ____sessionToken_7 = sessionToken
    local ____c_verify_peer_2 = c.verify_peer
    if ____c_verify_peer_2 == nil then
        ____c_verify_peer_2 = ____exports.DEFAULTS.verify_peer
    end
    return {
        endpoint = ____endpoint_3,
        aws_endpoint = ____awsEndpoint_4,
        region = region,
        access_key_id = ____accessKeyId_5,
        secret_access_key = ____secretAccessKey_6,
        session_token = ____sessionToken_7,
        addressing = addressing,
        connect_timeout = connectTimeout,
        timeout = timeout,
        idle_timeout = idleTimeout,
        max_connections = maxConnections,
        retries = retries,
        part_size = partSize,
        multipart_threshold = multipartThreshold,
        concurrency = concurrency,
        verify_peer = ____c_verify_peer_2,
        ca_file = c.ca_file,
        proxy = c.proxy
    }
end
--- The part of the configuration the C side takes.
function ____exports.nativeConfig(cfg)
    return {
        endpoint = cfg.endpoint,
        region = cfg.region,
        access_key_id = cfg.access_key_id,
        secret_access_key = cfg.secret_access_key,
        session_token = cfg.session_token,
        addressing = cfg.addressing,
        connect_timeout = cfg.connect_timeout,
        timeout = cfg.timeout,
        idle_timeout = cfg.idle_timeout,
        max_connections = cfg.max_connections,
        verify_peer = cfg.verify_peer,
        ca_file = cfg.ca_file,
        proxy = cfg.proxy
    }
end
return ____exports
