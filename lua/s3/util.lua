--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local digest = require("digest")
local tarantool = require("tarantool")
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
--- A non-empty string argument, e.g. bucket or key.
function ____exports.checkName(fn, what, v)
    if type(v) ~= "string" then
        return ____exports.argError(((fn .. ": ") .. what) .. " must be a string")
    end
    if v == "" then
        return ____exports.argError(((fn .. ": ") .. what) .. " must not be empty")
    end
    return v
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
--- A table of name -> string (numbers are converted) for headers and metadata.
-- Names are lower-cased, as HTTP header names are case-insensitive.
function ____exports.checkStringMap(fn, what, v)
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
        if type(val) == "number" then
            out[string.lower(k)] = tostring(val)
        elseif type(val) == "string" then
            out[string.lower(k)] = val
        else
            return ____exports.argError(((((fn .. ": ") .. what) .. ".") .. k) .. " must be a string")
        end
    end
    return out
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
return ____exports
