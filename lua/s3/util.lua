--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local escapeByte, percentByte
local digest = require("digest")
local tarantool = require("tarantool")
function escapeByte(c)
    if c == "\\" or c == "'" then
        return "\\" .. c
    end
    return "\\" .. tostring(string.byte(c))
end
function percentByte(c)
    return string.format(
        "%%%02X",
        string.byte(c)
    )
end
local OUR_SOURCE_PREFIX = (function()
    local ____opt_0 = debug.getinfo(1, "S")
    local src = ____opt_0 and ____opt_0.source or ""
    local prefix = string.match(src, "^(.*[/\\])")
    return prefix or src
end)()
--- Raises `msg` at the first stack level outside this rock, so that the position in
-- the message is the caller's line, like Tarantool's own modules do.
function ____exports.argError(msg)
    local level = 2
    do
        while true do
            local info = debug.getinfo(level, "S")
            if info == nil then
                level = 0
                break
            end
            local src = info.source or ""
            if string.sub(src, 1, #OUR_SOURCE_PREFIX) ~= OUR_SOURCE_PREFIX then
                break
            end
            level = level + 1
        end
    end
    error(msg, level)
end
function ____exports.isInteger(v)
    return type(v) == "number" and v == v and math.floor(v) == v and v ~= math.huge and v ~= -math.huge
end
function ____exports.isFiniteNumber(v)
    return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge
end
local C1 = string.char(1)
local C31 = string.char(31)
local C127 = string.char(127)
--- Any control byte: 0-31 and 127.
____exports.CONTROL_BYTE = (((("[%z" .. C1) .. "-") .. C31) .. C127) .. "]"
--- What quote() escapes.
local UNPRINTABLE = (((("[%z" .. C1) .. "-") .. C31) .. C127) .. "\\']"
--- `v` for an error message: quoted, bytes that would not print (NUL, line breaks...) as Lua
-- escapes (`'a\0x'`), long values cut to their first 60 bytes.
function ____exports.quote(v)
    local cut = #v > 64
    local escaped = string.gsub(
        cut and string.sub(v, 1, 60) or v,
        UNPRINTABLE,
        escapeByte
    )
    return cut and ((("'" .. escaped) .. "'... (") .. tostring(#v)) .. " bytes)" or ("'" .. escaped) .. "'"
end
--- A non-empty string argument without NUL bytes (C would cut it there), e.g. a path.
function ____exports.checkName(fn, what, v)
    if type(v) ~= "string" then
        return ____exports.argError(((fn .. ": ") .. what) .. " must be a string")
    end
    if v == "" then
        return ____exports.argError(((fn .. ": ") .. what) .. " must not be empty")
    end
    if (string.find(v, "\0", 1, true)) ~= nil then
        return ____exports.argError((((fn .. ": ") .. what) .. " must not contain a NUL byte, got ") .. ____exports.quote(v))
    end
    return v
end
--- S3 keys are 1 to 1024 bytes of UTF-8.
____exports.MAX_KEY_BYTES = 1024
function ____exports.checkKey(fn, v)
    local k = ____exports.checkName(fn, "key", v)
    if #k > ____exports.MAX_KEY_BYTES then
        return ____exports.argError(((((fn .. ": key must be 1-") .. tostring(____exports.MAX_KEY_BYTES)) .. " bytes, got ") .. tostring(#k)) .. " bytes")
    end
    return k
end
--- What is wrong with `b` as a bucket name by S3's rules for new buckets, or nil when nothing.
local function strictBucketProblem(b)
    if #b < 3 or #b > 63 or (string.find(b, "[^a-z0-9.%-]")) ~= nil then
        return "must be 3-63 characters of a-z 0-9 . -"
    end
    if (string.find(b, "^[a-z0-9].*[a-z0-9]$")) == nil then
        return "must start and end with a letter or a digit"
    end
    if (string.find(b, "[.%-]%.")) ~= nil or (string.find(b, "%.%-")) ~= nil then
        return "must not contain '..', '.-' or '-.'"
    end
    if (string.find(b, "^%d+%.%d+%.%d+%.%d+$")) ~= nil then
        return "must not be formatted as an IP address"
    end
    return nil
end
--- The same for legacy_bucket_names = true: what old us-east-1 buckets and other stores allow.
local function legacyBucketProblem(b)
    if #b > 255 or (string.find(b, "[^A-Za-z0-9._%-]")) ~= nil then
        return "must be 1-255 characters of A-Z a-z 0-9 . _ - (legacy_bucket_names)"
    end
    if b == "." or b == ".." then
        return "must not be '.' or '..'"
    end
    return nil
end
--- A bucket name. By default S3's rules for bucket names (3-63 characters of a-z 0-9 . -,
-- starting and ending with a letter or a digit, no '..', '.-' or '-.', not an IP address);
-- with `legacy` (legacy_bucket_names = true) also up to 255 of A-Z a-z 0-9 . _ -, but then
-- only with path-style addressing: a host name is case-insensitive and has no '_'.
function ____exports.checkBucket(fn, v, legacy, virtual)
    local b = ____exports.checkName(fn, "bucket", v)
    local problem = strictBucketProblem(b)
    if problem == nil then
        return b
    end
    local legacyProblem = legacyBucketProblem(b)
    if not legacy then
        local hint = legacyProblem == nil and " (for an existing bucket named so, set legacy_bucket_names = true)" or ""
        return ____exports.argError(((((fn .. ": bucket ") .. problem) .. ", got ") .. ____exports.quote(b)) .. hint)
    end
    if legacyProblem ~= nil then
        return ____exports.argError((((fn .. ": bucket ") .. legacyProblem) .. ", got ") .. ____exports.quote(b))
    end
    if virtual then
        return ____exports.argError((((fn .. ": bucket ") .. ____exports.quote(b)) .. " cannot be used with virtual-hosted addressing, ") .. ("which puts it in the host name (where it " .. problem) .. "): use addressing = 'path'")
    end
    return b
end
--- Type names: Lua's own, plus "integer" and "number" (finite) and "nonnegative" (finite number >= 0).
function ____exports.hasType(v, want)
    if want == "integer" then
        return ____exports.isInteger(v)
    end
    if want == "number" then
        return ____exports.isFiniteNumber(v)
    end
    if want == "nonnegative" then
        return ____exports.isFiniteNumber(v) and v >= 0
    end
    if want == "any" then
        return true
    end
    return type(v) == want
end
function ____exports.typeName(want)
    if want == "integer" then
        return "an integer"
    end
    if want == "nonnegative" then
        return "a non-negative number"
    end
    return "a " .. want
end
--- `opts` is nil or a table whose keys are all in `allowed` (name -> Lua type name).
function ____exports.checkOpts(fn, opts, allowed)
    if opts == nil then
        return {}
    end
    if type(opts) ~= "table" then
        return ____exports.argError(fn .. ": opts must be a table")
    end
    local t = opts
    for k, v in pairs(t) do
        local want = type(k) == "string" and allowed[k] or nil
        if want == nil then
            return ____exports.argError(((fn .. ": unknown option '") .. tostring(k)) .. "'")
        end
        if not ____exports.hasType(v, want) then
            return ____exports.argError((((fn .. ": opts.") .. k) .. " must be ") .. ____exports.typeName(want))
        end
    end
    return t
end
--- Headers the native side sets itself; a caller's copy would break the signature or the framing.
local RESERVED_HEADERS = {}
for ____, name in ipairs({
    "host",
    "authorization",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-security-token",
    "content-length",
    "transfer-encoding",
    "expect",
    "connection"
}) do
    RESERVED_HEADERS[name] = true
end
--- What is wrong with `v` as an HTTP header value, or nil. No control bytes: CR and LF would end the
-- header, NUL would cut it in C, and even a tab (which HTTP allows) is signed differently by
-- different servers (Ceph RGW answers SignatureDoesNotMatch).
local function headerValueProblem(v)
    local at = string.find(v, ____exports.CONTROL_BYTE)
    if at == nil then
        return nil
    end
    local c = string.byte(v, at)
    if c == 0 then
        return "must not contain a NUL byte"
    end
    if c == 10 or c == 13 then
        return "must not contain a line break (CR or LF)"
    end
    return (("must not contain control characters (byte " .. tostring(c)) .. (c == 9 and ", a tab" or "")) .. ")"
end
--- A string option sent as a header value (content_type, range): raises like checkStringMap.
function ____exports.checkHeaderValue(fn, what, v)
    local problem = headerValueProblem(v)
    if problem ~= nil then
        return ____exports.argError((((((fn .. ": ") .. what) .. " ") .. problem) .. ", got ") .. ____exports.quote(v))
    end
    return v
end
--- A table of name -> string (numbers are converted) for headers (`meta` false) and metadata
-- (`meta` true, sent as x-amz-meta-<name>). Names must be HTTP tokens and are lower-cased, as
-- HTTP header names are case-insensitive; values must not contain NUL, CR, LF or other control
-- bytes. Headers the client sets itself (host, authorization...) are refused.
function ____exports.checkStringMap(fn, what, v, meta)
    local out = {}
    if v == nil then
        return out
    end
    if type(v) ~= "table" then
        return ____exports.argError(((fn .. ": ") .. what) .. " must be a table")
    end
    for k, val in pairs(v) do
        if type(k) ~= "string" or k == "" then
            return ____exports.argError(((fn .. ": ") .. what) .. " keys must be non-empty strings")
        end
        if (string.find(k, "[^A-Za-z0-9!#$%%&'*+.^_`|~%-]")) ~= nil then
            if (string.find(k, "\0", 1, true)) ~= nil then
                return ____exports.argError(((((fn .. ": ") .. what) .. " name ") .. ____exports.quote(k)) .. " must not contain a NUL byte")
            end
            return ____exports.argError((((((fn .. ": ") .. what) .. " name ") .. ____exports.quote(k)) .. " must be an HTTP token ") .. "(letters, digits and !#$%&'*+-.^_`|~)")
        end
        local name = string.lower(k)
        if not meta and RESERVED_HEADERS[name] == true then
            return ____exports.argError(((((fn .. ": ") .. what) .. ".") .. k) .. " cannot be given: the client sets it itself")
        end
        local s
        if type(val) == "number" then
            s = tostring(val)
        elseif type(val) == "string" then
            s = val
        else
            return ____exports.argError(((((fn .. ": ") .. what) .. ".") .. k) .. " must be a string")
        end
        local problem = headerValueProblem(s)
        if problem ~= nil then
            return ____exports.argError((((((((fn .. ": ") .. what) .. ".") .. k) .. " ") .. problem) .. ", got ") .. ____exports.quote(s))
        end
        out[name] = s
    end
    return out
end
--- fio's errors are box.error objects whose text starts with "fio: ".
function ____exports.osError(e)
    local s = e == nil and "unknown error" or tostring(e)
    return string.sub(s, 1, 5) == "fio: " and string.sub(s, 6) or s
end
--- `n` random bytes as lower-case hex.
function ____exports.randomHex(n)
    local bytes = digest.urandom(n)
    local out = {}
    do
        local i = 1
        while i <= #bytes do
            out[#out + 1] = string.format(
                "%02x",
                string.byte(bytes, i)
            )
            i = i + 1
        end
    end
    return table.concat(out, "")
end
--- A uniformly random number in [0, 1), from the OS (math.random is seeded identically in every process).
function ____exports.randomFraction()
    local b = digest.urandom(4)
    local b1, b2, b3, b4 = string.byte(b, 1, 4)
    return (((b1 * 256 + b2) * 256 + b3) * 256 + b4) / 4294967296
end
local cachedPid
--- The process id (for temporary file names), 0 if unknown.
function ____exports.getpid()
    if cachedPid == nil then
        local ok, pid = pcall(function() return tarantool.pid() end)
        cachedPid = ok and type(pid) == "number" and pid or 0
    end
    return cachedPid
end
local XML_ESCAPES = {}
XML_ESCAPES["&"] = "&amp;"
XML_ESCAPES["<"] = "&lt;"
XML_ESCAPES[">"] = "&gt;"
XML_ESCAPES["\""] = "&quot;"
XML_ESCAPES["'"] = "&apos;"
--- Text for an XML element: the five special characters as entities.
function ____exports.xmlEscape(s)
    local escaped = string.gsub(s, "[&<>\"']", XML_ESCAPES)
    return escaped
end
--- A key the way S3 wants it in x-amz-copy-source: each byte but A-Za-z0-9-._~ and '/' as %XX.
function ____exports.uriEncodeKey(s)
    local encoded = string.gsub(s, "[^A-Za-z0-9%-%._~/]", percentByte)
    return encoded
end
return ____exports
