-- Shared by the teardown cases: each case is a script run in a child tarantool by
-- test/spec/teardown_spec.lua, so that a crash fails that case instead of killing the runner.
-- A case prints 'teardown ok' when it reached its end; the spec checks that and exit status 0.
local fiber = require('fiber')
local socket = require('socket')

local M = {}

M.config = {
    endpoint = os.getenv('S3_ENDPOINT'),
    region = os.getenv('S3_REGION') or 'us-east-1',
    access_key_id = os.getenv('S3_ACCESS_KEY'),
    secret_access_key = os.getenv('S3_SECRET_KEY'),
}

function M.tls_config()
    local cfg = table.copy(M.config)
    cfg.endpoint = os.getenv('S3_TLS_ENDPOINT')
    cfg.ca_file = os.getenv('S3_CA_FILE')
    return cfg
end

function M.with(cfg, extra)
    local c = table.copy(cfg)
    for k, v in pairs(extra or {}) do c[k] = v end
    return c
end

function M.bucket(prefix)
    return string.format('%s-%d-%d', prefix, require('tarantool').pid(), math.random(1, 1e9))
end

-- A file of size bytes (sparse: the content does not matter here, only that it takes a while).
function M.file(path, size)
    assert(os.execute(string.format('truncate -s %d %q', size, path)) == 0)
    return path
end

-- A server that accepts connections and never answers: requests to it stay in flight.
function M.silent_server()
    local held = {}
    local server = socket.tcp_server('127.0.0.1', 0, function(s)
        table.insert(held, s)
        repeat local data = s:read(1) until data == nil or data == ''
    end)
    local port = server:name().port
    return 'http://127.0.0.1:' .. port, server
end

function M.fiber_count()
    local n = 0
    for _ in pairs(fiber.info()) do n = n + 1 end
    return n
end

function M.fd_count()
    return #require('fio').listdir('/proc/self/fd')
end

function M.collect()
    if jit then jit.flush() end
    collectgarbage('collect')
    collectgarbage('collect')
end

function M.ok()
    io.stdout:write('teardown ok\n')
    io.stdout:flush()
end

return M
