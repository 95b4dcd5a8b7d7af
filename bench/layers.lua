-- Where the module's time goes: the same transfer timed through each layer, in one process.
-- Run by bench/profile.sh (inside `bench/run.sh --serve`), from a directory whose .rocks holds
-- the rock:
--
--   tarantool bench/layers.lua big   endpoint=URL bucket=B key=K size=N dir=D [runs=3] [only=LAYERS]
--   tarantool bench/layers.lua small endpoint=URL bucket=B nkeys=N count=N concurrency=C [runs=3]
--
-- big:   api    s3 get_to_file (temporary file, pwrite, fsync, rename)
--        file   the native request alone, body written to a file (no fsync, no rename)
--        fsync  fsync of that file alone
--        null   the native request alone, body written to /dev/null (network, libcurl, reactor)
-- small: api    client:get through the Lua API
--        native the native request alone (no argument checks, no ObjectInfo, no retry loop)
-- only=api,file,... picks layers. Every layer runs on a fresh client with a ticker fiber; a line
-- gives the median time and rate, the largest loop gap and client:stats() (libcurl steps on the
-- loop, their total time, the longest) when the module has it.
local dir = debug.getinfo(1, 'S').source:sub(2):match('^(.*)/[^/]*$') or '.'
local common = dofile(dir .. '/lib/common.lua')
local s3 = require('s3')
local fio = require('fio')
local fiber = require('fiber')
local clock = require('clock')

local what = table.remove(arg, 1)
local a = common.args(arg)
local runs = common.num(a, 'runs', 3)
local concurrency = common.num(a, 'concurrency', 1)
local bucket = common.str(a, 'bucket')
local only = {}
for name in (a.only or 'api,file,fsync,null,native'):gmatch('[^,]+') do only[name] = true end

local function new_client()
    return s3.new{
        endpoint = common.str(a, 'endpoint'),
        region = common.str(a, 'region', 'us-east-1'),
        access_key_id = common.str(a, 'access_key', 'bench'),
        secret_access_key = common.str(a, 'secret_key', 'bench'),
        max_connections = math.max(64, concurrency),
        multipart_threshold = 5 * 1024 * 1024 * 1024,
    }
end

local function stats(client)
    if type(client.stats) ~= 'function' then return nil end
    local ok, st = pcall(client.stats, client)
    return ok and type(st) == 'table' and st.loop_actions ~= nil and st or nil
end

local function median(xs)
    local c = {}
    for i, x in ipairs(xs) do c[i] = x end
    table.sort(c)
    return c[math.ceil(#c / 2)]
end

local function check(ok, err, what_)
    if not ok then error(what_ .. ': ' .. tostring(type(err) == 'table' and err.message or err), 0) end
end

-- layer(NAME, AMOUNT, UNIT, fn(client) -> seconds or nil (then the wall time counts), [after()])
local function layer(name, amount, unit, fn, after)
    local times, gaps, steps, busy, longest = {}, {}, {}, {}, 0
    for _ = 1, runs do
        local client = new_client()
        local s0 = stats(client)
        local t = common.ticker()
        fiber.sleep(0.005)
        local t0 = clock.monotonic()
        local inner = fn(client)
        local dt = inner or (clock.monotonic() - t0)
        local gap = t.stop()
        times[#times + 1] = dt
        gaps[#gaps + 1] = gap or dt * 1000
        local s1 = stats(client)
        if s0 and s1 and inner == nil then
            steps[#steps + 1] = s1.loop_actions - s0.loop_actions
            busy[#busy + 1] = s1.loop_busy_seconds - s0.loop_busy_seconds
            longest = math.max(longest, s1.loop_max_action_seconds * 1000)
        end
        if after then after() end
    end
    local t = median(times)
    local rate = unit == 'MB/s' and amount / t / 1e6 or amount / t
    local maxgap = 0
    for _, g in ipairs(gaps) do maxgap = math.max(maxgap, g) end
    local loop = ''
    if #steps > 0 then
        loop = string.format('  | %6d steps, busy %5.1f%%, longest %5.1f ms',
            median(steps), median(busy) / t * 100, longest)
    end
    print(string.format('%-44s %7.3f s %7.0f %-5s | gap max %6.1f ms%s', name, t, rate, unit, maxgap, loop))
end

local function drop(path)
    fio.unlink(path)
    os.execute('sync')
end

if what == 'big' then
    local key, size, d = common.str(a, 'key'), common.num(a, 'size'), common.str(a, 'dir')
    local path = d .. '/layers.out'
    if only.api then
        layer('s3 get_to_file (whole call)', size, 'MB/s', function(client)
            check(client:get_to_file(bucket, key, path))
        end, function() drop(path) end)
    end
    if only.file then
        layer('native GET -> file (no fsync, no rename)', size, 'MB/s', function(client)
            local fh = assert(fio.open(path, {'O_WRONLY', 'O_CREAT', 'O_TRUNC'}, tonumber('644', 8)))
            local resp, err = client._native:request({method = 'GET', bucket = bucket, key = key,
                                                      headers = {}, sink_fd = fh.fh, sink_offset = 0})
            check(resp, err, 'native request')
            fh:close()
        end, function() drop(path) end)
    end
    if only.fsync then
        -- the file as the native request leaves it (dirty in the page cache), then fsync alone
        local fsync_times = {}
        layer('fsync of that file (coio thread)', size, 'MB/s', function(client)
            local fh = assert(fio.open(path, {'O_WRONLY', 'O_CREAT', 'O_TRUNC'}, tonumber('644', 8)))
            local resp, err = client._native:request({method = 'GET', bucket = bucket, key = key,
                                                      headers = {}, sink_fd = fh.fh, sink_offset = 0})
            check(resp, err, 'native request')
            local t0 = clock.monotonic()
            fh:fsync()
            local dt = clock.monotonic() - t0
            fh:close()
            fsync_times[#fsync_times + 1] = dt
            return dt
        end, function() drop(path) end)
    end
    if only.null then
        layer('native GET -> /dev/null', size, 'MB/s', function(client)
            local fh = assert(fio.open('/dev/null', {'O_WRONLY'}))
            local resp, err = client._native:request({method = 'GET', bucket = bucket, key = key,
                                                      headers = {}, sink_fd = fh.fh, sink_offset = 0})
            check(resp, err, 'native request')
            fh:close()
        end)
    end
elseif what == 'small' then
    local nkeys, count = common.num(a, 'nkeys'), common.num(a, 'count')
    local keys = {}
    for i = 0, nkeys - 1 do keys[i] = string.format('small/%04d', i) end
    if only.api then
        layer(string.format('client:get, c=%d', concurrency), count, 'req/s', function(client)
            common.parallel(count, concurrency, function(i)
                local body, err = client:get(bucket, keys[i % nkeys])
                check(body, err, 'get')
                return #body
            end)
        end)
    end
    if only.native then
        layer(string.format('native request, c=%d', concurrency), count, 'req/s', function(client)
            common.parallel(count, concurrency, function(i)
                local resp, err = client._native:request({method = 'GET', bucket = bucket,
                                                          key = keys[i % nkeys], headers = {}})
                check(resp, err, 'native request')
                return #resp.body
            end)
        end)
    end
else
    error('usage: layers.lua big|small key=value...')
end
os.exit(0)
