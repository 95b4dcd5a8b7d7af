-- A scripted stand-in for s3.native, for the specs of the Lua layer's own logic (no server): it
-- records the configurations and requests it gets; each request pops the next handler(req) from
-- `script` (default: 200 with an empty body). Not an S3 mock: the integration specs use RGW.
local fio = require('fio')

local M = {}


-- The real module's local helpers (digests, XML, counters, probes, part buffers) work as they are.
local real = require('s3.native')

function M.new()
    local f = { clients = {}, requests = {}, script = {} }
    f.md5_fd, f.md5_string, f.counter = real.md5_fd, real.md5_string, real.counter
    f.response_probe, f.part_buffer = real.response_probe, real.part_buffer
    f.set_default = function(c) f.default = c end
    f.yield_allowed = true
    f.can_yield = function() return f.yield_allowed end
    f.reap = function() end
    f.client_new = function(cfg)
        assert(type(cfg) == 'table', 'client_new wants a table')
        local c = { cfg = cfg }
        table.insert(f.clients, c)
        return setmetatable(c, { __index = {
            request = function(_, req)
                if req.sink_fd then
                    req.sink_path = fio.readlink('/proc/self/fd/' .. req.sink_fd)
                end
                table.insert(f.requests, req)
                local handler = table.remove(f.script, 1)
                if handler then
                    return handler(req)
                end
                return { status = 200, headers = { ['content-length'] = '0' },
                         body = req.sink_fd == nil and '' or nil, bytes = 0 }
            end,
        } })
    end
    return f
end

-- A fresh copy of the s3 module on top of the fake native module.
function M.load_s3(native)
    M.unload()
    package.loaded['s3.native'] = native
    return require('s3')
end

-- Every module of the rock, so that none keeps the native module it was loaded with.
function M.unload()
    for name in pairs(package.loaded) do
        if name == 's3' or name:sub(1, 3) == 's3.' then
            package.loaded[name] = nil
        end
    end
end

return M
