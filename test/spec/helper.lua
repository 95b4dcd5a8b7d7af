-- Shared by the integration specs: the test server from the environment (test/run_all.sh starts
-- it), unique buckets, files, hashes, fd counts and a ticker fiber that measures loop stalls.
local fio = require('fio')
local fiber = require('fiber')
local clock = require('clock')

local M = {}

M.endpoint = os.getenv('S3_ENDPOINT')
M.config = {
    endpoint = M.endpoint,
    region = os.getenv('S3_REGION') or 'us-east-1',
    access_key_id = os.getenv('S3_ACCESS_KEY'),
    secret_access_key = os.getenv('S3_SECRET_KEY'),
}

function M.have_server()
    return M.endpoint ~= nil and M.endpoint ~= ''
end

local counter = 0
function M.bucket_name(prefix)
    counter = counter + 1
    return string.format('%s-%d-%d', prefix, math.random(1, 1e9), counter)
end

function M.tempdir()
    return fio.tempdir()
end

function M.rmtree(dir)
    if dir and fio.path.exists(dir) then fio.rmtree(dir) end
end

-- A file of size bytes of random data, made outside Lua so big files cost no Lua memory.
function M.random_file(path, size)
    if size == 0 then
        local fh = assert(fio.open(path, {'O_WRONLY', 'O_CREAT', 'O_TRUNC'}, tonumber('644', 8)))
        fh:close()
        return path
    end
    local cmd = string.format('head -c %d /dev/urandom > %q', size, path)
    assert(os.execute(cmd) == 0, cmd)
    return path
end

function M.write_file(path, content)
    local fh = assert(fio.open(path, {'O_WRONLY', 'O_CREAT', 'O_TRUNC'}, tonumber('644', 8)))
    assert(fh:write(content))
    fh:close()
end

function M.read_file(path)
    local fh = assert(fio.open(path, {'O_RDONLY'}))
    local data = fh:read()
    fh:close()
    return data
end

function M.sha256_file(path)
    local p = assert(io.popen(string.format('sha256sum %q', path)))
    local out = p:read('*a')
    p:close()
    return out:match('^(%x+)')
end

function M.fd_count()
    return #fio.listdir('/proc/self/fd')
end

function M.socket_count()
    local n = 0
    for _, name in ipairs(fio.listdir('/proc/self/fd')) do
        local target = fio.readlink('/proc/self/fd/' .. name)
        if target and target:find('^socket:') then n = n + 1 end
    end
    return n
end

function M.rss_kib(field)
    for line in io.lines('/proc/self/status') do
        local value = line:match('^' .. (field or 'VmRSS') .. ':%s+(%d+)')
        if value then return tonumber(value) end
    end
end

-- Resets the peak RSS (VmHWM) to the current RSS.
function M.reset_peak_rss()
    local f = io.open('/proc/self/clear_refs', 'w')
    if f then f:write('5'); f:close() end
end

-- Files left in dir whose name starts with prefix (temporary files of get_to_file).
function M.leftovers(dir, prefix)
    local found = {}
    for _, name in ipairs(fio.listdir(dir) or {}) do
        if name:sub(1, #prefix) == prefix then table.insert(found, name) end
    end
    return found
end

-- A fiber that sleeps 1 ms in a loop and records the largest gap it saw: a stalled event loop
-- shows up as a large gap. stop() returns the largest gap in seconds.
function M.ticker()
    local state = {max_gap = 0, running = true}
    state.fiber = fiber.create(function()
        local last = clock.monotonic()
        while state.running do
            fiber.sleep(0.001)
            local now = clock.monotonic()
            if now - last > state.max_gap then state.max_gap = now - last end
            last = now
        end
    end)
    function state.stop()
        state.running = false
        return state.max_gap
    end
    return state
end

-- Runs a script in a child tarantool (the one under test, TARANTOOL_BIN), so that a crash or a
-- hang fails one test instead of killing the runner. Returns the combined output and popen's
-- wait() status; raises when the child runs past deadline seconds (it is killed then).
-- on_output(text so far, ph) sees the output as it arrives, to signal the child, say.
function M.run_child(args, on_output, deadline)
    local popen = require('popen')
    local argv = {os.getenv('TARANTOOL_BIN') or 'tarantool'}
    for _, a in ipairs(args) do table.insert(argv, a) end
    for i, a in ipairs(argv) do argv[i] = string.format('%q', a) end
    local ph = assert(popen.shell('exec ' .. table.concat(argv, ' ') .. ' 2>&1', 'r'))
    deadline = deadline or 60
    local chunks, ends = {}, clock.monotonic() + deadline
    while true do
        local left = ends - clock.monotonic()
        if left <= 0 then
            ph:kill()
            ph:wait()
            ph:close()
            error(string.format('%s: no exit within %d s; output:\n%s', args[1], deadline,
                table.concat(chunks)))
        end
        local chunk = ph:read({timeout = math.min(left, 1)})
        if chunk == '' then break end
        if chunk ~= nil then
            table.insert(chunks, chunk)
            if on_output then on_output(table.concat(chunks), ph) end
        end
    end
    local status = ph:wait()
    ph:close()
    return table.concat(chunks), status
end

-- Number of fibers (fiber.info() entries). fiber.info() opens a 2-fd pipe the first time it
-- runs: call this once before taking an fd baseline.
function M.fiber_count()
    local n = 0
    for _ in pairs(fiber.info()) do n = n + 1 end
    return n
end

-- Waits up to `timeout` seconds for cond() to hold, checking every 10 ms; returns its last value.
function M.wait_until(cond, timeout)
    local deadline = clock.monotonic() + (timeout or 5)
    local v = cond()
    while not v and clock.monotonic() < deadline do
        fiber.sleep(0.01)
        v = cond()
    end
    return v
end

-- The fault-injecting proxy (test/fault/proxy.py) in front of `upstream` (default: the test
-- server), started with popen and stopped by proxy:stop(). It also exits by itself when this
-- process goes away (it watches its stdin, a pipe we hold).
--   local p = h.start_proxy({log = path})  -- p.endpoint: 'http://127.0.0.1:PORT'
--   p:mode('reset after=1000 method=GET count=1')   -- also zeroes the counters
--   p:stats()   -- {connections, open, requests, methods = {GET = n}, faulted, faults, ...}
local proxy_mt = {__index = {}}

function proxy_mt.__index:command(line)
    local socket = require('socket')
    local json = require('json')
    if self.control == nil then
        self.control = assert(socket.tcp_connect('127.0.0.1', self.control_port, 5))
    end
    assert(self.control:write(line .. '\n'))
    local reply = self.control:read('\n', 5)
    assert(reply ~= nil and reply ~= '', 'fault proxy: no answer to ' .. line)
    return json.decode(reply)
end

function proxy_mt.__index:mode(spec)
    local r = self:command('mode ' .. spec)
    assert(r.ok, 'fault proxy: ' .. tostring(r.error))
    return r
end

function proxy_mt.__index:stats()
    local r = self:command('stats')
    assert(r.ok)
    r.methods = r.methods or {}
    r.faulted = r.faulted or {}
    return r
end

function proxy_mt.__index:log()
    return table.concat(self:command('log').log, '\n')
end

function proxy_mt.__index:stop()
    if self.control ~= nil then
        pcall(function() self.control:close() end)
        self.control = nil
    end
    if self.ph ~= nil then
        pcall(function() self.ph:kill() end)
        pcall(function() self.ph:wait() end)
        pcall(function() self.ph:close() end)
        self.ph = nil
    end
end

local repo = fio.abspath(fio.dirname(debug.getinfo(1, 'S').source:sub(2)) .. '/../..')

-- popen runs argv[1] without a PATH search.
local function which(name)
    for dir in (os.getenv('PATH') or '/usr/bin:/bin'):gmatch('[^:]+') do
        local path = dir .. '/' .. name
        if fio.path.exists(path) then return path end
    end
    return name
end

function M.start_proxy(opts)
    opts = opts or {}
    local popen = require('popen')
    local argv = {which('python3'), repo .. '/test/fault/proxy.py', '--exit-on-stdin-eof',
                  '--upstream', opts.upstream or M.endpoint, '--log', opts.log or '/dev/null'}
    if opts.rcvbuf ~= nil then
        table.insert(argv, '--rcvbuf')
        table.insert(argv, tostring(opts.rcvbuf))
    end
    if opts.mode ~= nil then
        table.insert(argv, '--mode')
        table.insert(argv, opts.mode)
    end
    local ph = assert(popen.new(argv, {stdin = popen.opts.PIPE, stdout = popen.opts.PIPE,
                                       stderr = popen.opts.PIPE}))
    local out = ''
    local deadline = clock.monotonic() + 10
    while select(2, out:gsub('\n', '')) < 2 and clock.monotonic() < deadline do
        local chunk = ph:read({timeout = 0.2}) -- nil, err on a timeout
        if chunk ~= nil then out = out .. chunk end
        if (chunk == nil or chunk == '') and ph:info().status.state ~= 'alive' then break end
    end
    local port, control = out:match('^(%d+)\n(%d+)\n')
    if port == nil then
        local err = ph:read({stderr = true, timeout = 0.5}) or ''
        pcall(function() ph:kill(); ph:wait(); ph:close() end)
        error('fault proxy did not start: ' .. out .. err)
    end
    return setmetatable({ph = ph, port = tonumber(port), control_port = tonumber(control),
                         endpoint = 'http://127.0.0.1:' .. port}, proxy_mt)
end

return M
