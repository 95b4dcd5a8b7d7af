--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____util = require("s3.util")
local CONTROL_BYTE = ____util.CONTROL_BYTE
local argError = ____util.argError
local hasType = ____util.hasType
local quote = ____util.quote
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
    concurrency = 24,
    verify_peer = true,
    legacy_bucket_names = false
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
OPTION_TYPES.legacy_bucket_names = "boolean"
OPTION_TYPES.anonymous = "boolean"
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
function ____exports.checkRange(fn, name, v, min, max)
    if v < min or max ~= nil and v > max then
        local range = max == nil and ">= " .. tostring(min) or (("between " .. tostring(min)) .. " and ") .. tostring(max)
        argError((((((fn .. ": ") .. name) .. " must be ") .. range) .. ", got ") .. tostring(v))
    end
end
--- Checks an endpoint URL, `http(s)://host[:port]` with an optional trailing '/', and returns it
-- as the native side takes it: the scheme in lower case, no trailing '/'. The host is a name, an
-- IPv4 address or an [IPv6 address]; the port 1-65535; no user, path, query or fragment (S3
-- serves buckets at the root, credentials go in access_key_id/secret_access_key). Raises naming
-- `what`: the option, or the environment variable the endpoint came from.
local function checkEndpoint(fn, what, raw)
    local shape = "http(s)://host[:port]"
    local function bad(problem)
        return argError((((((fn .. ": ") .. what) .. " ") .. problem) .. ", got ") .. quote(raw))
    end
    if (string.find(raw, CONTROL_BYTE)) ~= nil or (string.find(raw, " ", 1, true)) ~= nil then
        return bad(("must be " .. shape) .. " without spaces or control characters")
    end
    local schemePart, rest = string.match(raw, "^(%a[%w+.%-]*)://(.*)$")
    local ____temp_1
    if schemePart == nil then
        ____temp_1 = nil
    else
        ____temp_1 = string.lower(schemePart)
    end
    local scheme = ____temp_1
    if scheme ~= "http" and scheme ~= "https" then
        return bad(("must be an http:// or https:// URL (" .. shape) .. ")")
    end
    local authorityPart, tailPart = string.match(rest, "^([^/?#]*)(.*)$")
    local authority = authorityPart
    local tail = tailPart
    if tail ~= "" and tail ~= "/" then
        if (string.find(tail, "[?#]")) ~= nil then
            return bad(("must be " .. shape) .. " without a query or fragment")
        end
        return bad(("must be " .. shape) .. " without a path (S3 serves buckets at the root)")
    end
    if (string.find(authority, "@", 1, true)) ~= nil then
        return bad(("must be " .. shape) .. " without a user or password (credentials go in access_key_id and secret_access_key)")
    end
    local port
    if string.sub(authority, 1, 1) == "[" then
        local v6, after = string.match(authority, "^%[([^%]]*)%](.*)$")
        if v6 == nil then
            return bad("has an IPv6 address without its closing ']'")
        end
        if (string.find(v6, "^[%x:.]+$")) == nil or (string.find(v6, ":", 1, true)) == nil then
            return bad(("has an invalid IPv6 address '[" .. v6) .. "]'")
        end
        port = after
    else
        local hostPart, after = string.match(authority, "^([^:]*)(.*)$")
        local host = hostPart
        if host == "" then
            return bad(("has no host (" .. shape) .. ")")
        end
        if (string.find(host, "[^A-Za-z0-9._%-]")) ~= nil or (string.find(host, "^%.")) ~= nil or (string.find(host, "%.$")) ~= nil or (string.find(host, "..", 1, true)) ~= nil then
            return bad(("has an invalid host '" .. host) .. "' (a name, an IPv4 address or an [IPv6 address])")
        end
        if (string.find(host, "^[%d.]+$")) ~= nil then
            local a, b, cc, d = string.match(host, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
            if a == nil or tonumber(a) > 255 or tonumber(b) > 255 or tonumber(cc) > 255 or tonumber(d) > 255 then
                return bad(("has an invalid IPv4 address '" .. host) .. "'")
            end
        end
        port = after
    end
    if port ~= "" then
        local digits = string.match(port, "^:(%d+)$")
        if digits == nil or #digits > 5 or tonumber(digits) < 1 or tonumber(digits) > 65535 then
            return bad("must have a port of 1-65535 after the host")
        end
    end
    return (scheme .. "://") .. authority
end
--- ca_file must name a readable file: a typo would otherwise only show as failing TLS handshakes.
-- Plain stdio, not fio: s3.cfg does not yield.
local function checkCaFile(fn, path)
    local f, openErr = io.open(path, "rb")
    if f == nil then
        local reason = string.sub(openErr or "", 1, #path + 2) == path .. ": " and string.sub(openErr or "", #path + 3) or tostring(openErr)
        return argError((((fn .. ": ca_file ") .. quote(path)) .. " cannot be read: ") .. reason)
    end
    local file = f
    local ____, readErr = file:read(1)
    file:close()
    if readErr ~= nil then
        return argError((((fn .. ": ca_file ") .. quote(path)) .. " cannot be read: ") .. tostring(readErr))
    end
end
--- Validates `opts` (nil or a table) and completes it from the environment and defaults.
-- Raises, naming `fn` (e.g. "s3.cfg") and the option, on an unknown option or a bad value.
function ____exports.resolveConfig(fn, opts)
    if opts ~= nil and type(opts) ~= "table" then
        return argError(fn .. ": options must be a table")
    end
    local ____opts_2 = opts
    if ____opts_2 == nil then
        ____opts_2 = {}
    end
    local o = ____opts_2
    local checked = {}
    for k, v in pairs(o) do
        do
            local want = type(k) == "string" and OPTION_TYPES[k] or nil
            if want == nil then
                return argError(((fn .. ": unknown option '") .. tostring(k)) .. "'")
            end
            if v == nil then
                goto __continue27
            end
            if not hasType(v, want) then
                return argError((((fn .. ": ") .. k) .. " must be ") .. typeName(want))
            end
            if type(v) == "string" and (string.find(v, "\0", 1, true)) ~= nil then
                return argError(((fn .. ": ") .. k) .. " must not contain a NUL byte")
            end
            checked[k] = v
        end
        ::__continue27::
    end
    local c = checked
    local region = c.region or env("AWS_REGION") or env("AWS_DEFAULT_REGION") or ____exports.DEFAULTS.region
    if region == "" then
        return argError(fn .. ": region must not be empty")
    end
    local endpoint
    local awsEndpoint = false
    if c.endpoint ~= nil then
        endpoint = checkEndpoint(fn, "endpoint", c.endpoint)
    elseif env("AWS_ENDPOINT_URL_S3") ~= nil then
        endpoint = checkEndpoint(
            fn,
            "AWS_ENDPOINT_URL_S3",
            env("AWS_ENDPOINT_URL_S3")
        )
    elseif env("AWS_ENDPOINT_URL") ~= nil then
        endpoint = checkEndpoint(
            fn,
            "AWS_ENDPOINT_URL",
            env("AWS_ENDPOINT_URL")
        )
    else
        endpoint = ("https://s3." .. region) .. ".amazonaws.com"
        awsEndpoint = true
    end
    if c.addressing ~= nil and c.addressing ~= "path" and c.addressing ~= "virtual" then
        return argError(((fn .. ": addressing must be 'path' or 'virtual', got '") .. c.addressing) .. "'")
    end
    local addressing = c.addressing or (awsEndpoint and "auto" or "path")
    local accessKeyId
    local secretAccessKey
    local sessionToken
    local ____c_anonymous_3 = c.anonymous
    if ____c_anonymous_3 == nil then
        ____c_anonymous_3 = false
    end
    local anonymous = ____c_anonymous_3
    if anonymous then
        if c.access_key_id ~= nil or c.secret_access_key ~= nil or c.session_token ~= nil then
            return argError(fn .. ": anonymous = true takes no access_key_id, secret_access_key or session_token")
        end
        accessKeyId = ""
        secretAccessKey = ""
    elseif c.access_key_id ~= nil or c.secret_access_key ~= nil then
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
            return argError((fn .. ": no credentials: pass access_key_id and secret_access_key ") .. "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or anonymous = true for public buckets)")
        end
    end
    if accessKeyId == "" and not anonymous then
        return argError(fn .. ": access_key_id must not be empty")
    end
    if secretAccessKey == "" and not anonymous then
        return argError(fn .. ": secret_access_key must not be empty")
    end
    if sessionToken == "" then
        sessionToken = nil
    end
    local connectTimeout = c.connect_timeout or ____exports.DEFAULTS.connect_timeout
    local timeout = c.timeout or ____exports.DEFAULTS.timeout
    local idleTimeout = c.idle_timeout or ____exports.DEFAULTS.idle_timeout
    local maxConnections = c.max_connections or ____exports.DEFAULTS.max_connections
    ____exports.checkRange(
        fn,
        "max_connections",
        maxConnections,
        1,
        nil
    )
    local retries = c.retries or ____exports.DEFAULTS.retries
    ____exports.checkRange(
        fn,
        "retries",
        retries,
        0,
        nil
    )
    local partSize = c.part_size or ____exports.DEFAULTS.part_size
    ____exports.checkRange(
        fn,
        "part_size",
        partSize,
        ____exports.MIN_PART_SIZE,
        ____exports.MAX_PART_SIZE
    )
    local multipartThreshold = c.multipart_threshold or ____exports.DEFAULTS.multipart_threshold
    ____exports.checkRange(
        fn,
        "multipart_threshold",
        multipartThreshold,
        ____exports.MIN_PART_SIZE,
        ____exports.MAX_SINGLE_PUT
    )
    local concurrency = c.concurrency or ____exports.DEFAULTS.concurrency
    ____exports.checkRange(
        fn,
        "concurrency",
        concurrency,
        1,
        nil
    )
    if c.ca_file ~= nil then
        checkCaFile(fn, c.ca_file)
    end
    local ____endpoint_6 = endpoint
    local ____awsEndpoint_7 = awsEndpoint
    local ____accessKeyId_8 = accessKeyId
    local ____secretAccessKey_9 = secretAccessKey
    local ____sessionToken_10 = sessionToken
    local ____c_verify_peer_4 = c.verify_peer
    if ____c_verify_peer_4 == nil then
        ____c_verify_peer_4 = ____exports.DEFAULTS.verify_peer
    end
    local ____c_ca_file_11 = c.ca_file
    local ____c_proxy_12 = c.proxy
    local ____c_legacy_bucket_names_5 = c.legacy_bucket_names
    if ____c_legacy_bucket_names_5 == nil then
        ____c_legacy_bucket_names_5 = ____exports.DEFAULTS.legacy_bucket_names
    end
    return {
        endpoint = ____endpoint_6,
        aws_endpoint = ____awsEndpoint_7,
        region = region,
        access_key_id = ____accessKeyId_8,
        secret_access_key = ____secretAccessKey_9,
        session_token = ____sessionToken_10,
        anonymous = anonymous,
        addressing = addressing,
        connect_timeout = connectTimeout,
        timeout = timeout,
        idle_timeout = idleTimeout,
        max_connections = maxConnections,
        retries = retries,
        part_size = partSize,
        multipart_threshold = multipartThreshold,
        concurrency = concurrency,
        verify_peer = ____c_verify_peer_4,
        ca_file = ____c_ca_file_11,
        proxy = ____c_proxy_12,
        legacy_bucket_names = ____c_legacy_bucket_names_5
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
        anonymous = cfg.anonymous,
        addressing = cfg.addressing,
        connect_timeout = cfg.connect_timeout,
        timeout = cfg.timeout,
        idle_timeout = cfg.idle_timeout,
        retries = cfg.retries,
        part_size = cfg.part_size,
        multipart_threshold = cfg.multipart_threshold,
        concurrency = cfg.concurrency,
        max_connections = cfg.max_connections,
        verify_peer = cfg.verify_peer,
        ca_file = cfg.ca_file,
        proxy = cfg.proxy
    }
end
return ____exports
