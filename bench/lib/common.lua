-- Shared by the Tarantool contenders of bench/run.sh: arguments, the ticker fiber, file
-- helpers and the one result line the harness parses.
--
-- A contender script prints exactly one line starting with "RESULT " on success:
--   RESULT ok=1 bytes=N seconds=S requests=N max_gap_ms=X p99_gap_ms=Y ticks=N
-- and on failure "RESULT ok=0 error=..." (then exits 1).
local fiber = require('fiber')
local clock = require('clock')
local fio = require('fio')

local M = {}

-- key=value arguments -> table (numbers stay strings; use M.num).
function M.args(list)
    local a = {}
    for _, item in ipairs(list or {}) do
        local k, v = item:match('^([%w_]+)=(.*)$')
        if k == nil then
            M.fail('bad argument (want key=value): ' .. item)
        end
        a[k] = v
    end
    return a
end

function M.num(a, name, default)
    local v = a[name]
    if v == nil or v == '' then
        if default == nil then M.fail('missing argument ' .. name) end
        return default
    end
    local n = tonumber(v)
    if n == nil then M.fail('argument ' .. name .. ' is not a number: ' .. v) end
    return n
end

function M.str(a, name, default)
    local v = a[name]
    if v == nil or v == '' then
        if default == nil then M.fail('missing argument ' .. name) end
        return default
    end
    return v
end

local function oneline(s)
    return (tostring(s):gsub('[\r\n]+', ' '))
end

function M.fail(msg)
    io.stdout:write('RESULT ok=0 error=', oneline(msg), '\n')
    io.stdout:flush()
    os.exit(1)
end

-- A fiber sleeping 1 ms in a loop; every gap between two wake-ups is recorded, so a stalled
-- event loop shows up as a large gap. stop() returns max and 99th-percentile gap in ms and the
-- number of gaps.
function M.ticker()
    local gaps = table.new and table.new(65536, 0) or {}
    local state = {running = true}
    local n = 0
    state.fiber = fiber.create(function()
        local last = clock.monotonic()
        while state.running do
            fiber.sleep(0.001)
            local now = clock.monotonic()
            n = n + 1
            gaps[n] = now - last
            last = now
        end
    end)
    function state.stop()
        state.running = false
        if n == 0 then
            -- The loop never let the ticker run: the whole transfer was one stall.
            return nil, nil, 0
        end
        table.sort(gaps)
        local max = gaps[n]
        local idx = math.ceil(n * 0.99)
        if idx < 1 then idx = 1 end
        return max * 1000, gaps[idx] * 1000, n
    end
    return state
end

-- Runs body() between a ticker start and stop; prints the RESULT line.
-- body returns bytes, requests (or raises / returns nil, err). extra(), if given, returns more
-- " key=value" fields for the line.
function M.measure(body, extra)
    -- let the ticker take its first step before the clock starts
    local t = M.ticker()
    fiber.sleep(0.01)
    local t0 = clock.monotonic()
    local ok, bytes, requests = pcall(body)
    local dt = clock.monotonic() - t0
    local max_gap, p99_gap, ticks = t.stop()
    if not ok then
        M.fail(bytes)
    end
    if bytes == nil then
        M.fail(requests or 'failed')
    end
    -- A transfer shorter than one tick, or one long stall, leaves no gap inside it: count the
    -- whole transfer as the gap then.
    if ticks == 0 then
        max_gap, p99_gap = dt * 1000, dt * 1000
    end
    local more = ''
    if extra ~= nil then
        local ok_extra, res = pcall(extra)
        if ok_extra and res ~= nil then more = res end
    end
    io.stdout:write(string.format(
        'RESULT ok=1 bytes=%d seconds=%.6f requests=%d max_gap_ms=%.3f p99_gap_ms=%.3f ticks=%d%s\n',
        bytes, dt, requests or 1, max_gap, p99_gap, ticks, more))
    io.stdout:flush()
end

function M.read_file(path)
    local fh, err = fio.open(path, {'O_RDONLY'})
    if fh == nil then error('cannot open ' .. path .. ': ' .. tostring(err)) end
    local size = fh:stat().size
    local data = fh:read(size)
    fh:close()
    if data == nil or #data ~= size then error('short read of ' .. path) end
    return data
end

function M.write_file(path, data)
    local fh, err = fio.open(path, {'O_WRONLY', 'O_CREAT', 'O_TRUNC'}, tonumber('644', 8))
    if fh == nil then error('cannot create ' .. path .. ': ' .. tostring(err)) end
    local ok, werr = fh:write(data)
    if not ok then error('cannot write ' .. path .. ': ' .. tostring(werr)) end
    fh:close()
end

function M.file_size(path)
    local st = fio.stat(path)
    if st == nil then error('no file ' .. path) end
    return st.size
end

-- Runs `workers` fibers that share `total` jobs; job(i) does the i-th request (1-based) and
-- returns the bytes moved, or raises. Returns total bytes, total requests.
function M.parallel(total, workers, job)
    local next_i, done, bytes, first_err = 0, 0, 0, nil
    local finished = fiber.channel(workers)
    for _ = 1, workers do
        fiber.create(function()
            while first_err == nil do
                next_i = next_i + 1
                local i = next_i
                if i > total then break end
                local ok, res = pcall(job, i)
                if not ok then
                    first_err = first_err or res
                    break
                end
                bytes = bytes + res
                done = done + 1
            end
            finished:put(true)
        end)
    end
    for _ = 1, workers do finished:get() end
    if first_err ~= nil then error(first_err, 0) end
    return bytes, done
end

return M
