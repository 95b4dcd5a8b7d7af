-- Tarantool's http.client as a benchmark contender: what applications do today. The whole body
-- is held in memory (a GET's body becomes a Lua string, then fio writes it to the file; a PUT
-- reads the whole file into a Lua string first). Requests are not signed, so this contender runs
-- against the plain HTTP origin (nginx) only.
--
--   tarantool bench/httpc.lua op=OP base=URL [key=K] [path=P] [count=N] [concurrency=N]
--       [nkeys=N] [prefix=P]
--
-- OP as in bench/module.lua; URLs are BASE/KEY (BASE ends with the bucket).
-- Prints one RESULT line (see bench/lib/common.lua).
local dir = debug.getinfo(1, 'S').source:sub(2):match('^(.*)/[^/]*$') or '.'
local common = dofile(dir .. '/lib/common.lua')
local http_client = require('http.client')

local a = common.args(arg)
local op = common.str(a, 'op')
local base = common.str(a, 'base')
local concurrency = common.num(a, 'concurrency', 1)
local httpc = http_client.new({max_connections = math.max(64, concurrency),
                               max_total_connections = math.max(64, concurrency)})
local REQ_OPTS = {timeout = 3600}

local function request(method, url, body)
    local resp = httpc:request(method, url, body, REQ_OPTS)
    if resp.status < 200 or resp.status > 299 then
        error(string.format('%s %s: %s %s', method, url, tostring(resp.status),
                            tostring(resp.reason)), 0)
    end
    return resp
end

if op == 'get_file' then
    local key, path = common.str(a, 'key'), common.str(a, 'path')
    common.measure(function()
        local resp = request('GET', base .. '/' .. key)
        local body = resp.body or ''
        common.write_file(path, body)
        return #body, 1
    end)
elseif op == 'put_file' then
    local key, path = common.str(a, 'key'), common.str(a, 'path')
    common.measure(function()
        local body = common.read_file(path)
        request('PUT', base .. '/' .. key, body)
        return #body, 1
    end)
elseif op == 'get_many' then
    local count, nkeys = common.num(a, 'count'), common.num(a, 'nkeys')
    local prefix = common.str(a, 'prefix')
    local urls = {}
    for i = 0, nkeys - 1 do urls[i] = string.format('%s/%s%04d', base, prefix, i) end
    common.measure(function()
        return common.parallel(count, concurrency, function(i)
            local resp = request('GET', urls[i % nkeys])
            return #(resp.body or '')
        end)
    end)
elseif op == 'put_many' then
    local count, path = common.num(a, 'count'), common.str(a, 'path')
    local prefix = common.str(a, 'prefix')
    common.measure(function()
        -- An application holds the body in memory: read it once, send it count times.
        local body = common.read_file(path)
        return common.parallel(count, concurrency, function(i)
            request('PUT', string.format('%s/%s%04d', base, prefix, i), body)
            return #body
        end)
    end)
elseif op == 'noop' then   -- the empty start the harness subtracts
    common.measure(function() return 0, 1 end)
else
    common.fail('unknown op ' .. op)
end
os.exit(0)
