--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local clock = require("clock")
--- The deadline for `timeout` seconds from now (the call's, else the client's when > 0), or nil.
function ____exports.deadlineOf(timeout, clientTimeout)
    local budget = timeout or (clientTimeout > 0 and clientTimeout or nil)
    return budget ~= nil and clock.monotonic() + budget or nil
end
--- The timeout of the next request: what is left (a value under perform's minimum makes perform
-- fail with Timeout before sending), or nil for none.
function ____exports.timeLeft(deadline)
    if deadline == nil then
        return nil
    end
    local left = deadline - clock.monotonic()
    return left > 0 and left or 0
end
return ____exports
