-- The process exits while clients are alive, idle or mid-transfer: arg[1] says how it exits
-- ('os.exit' or 'end': the script just ends) and what the clients do ('idle' or 'busy').
-- With 'busy' the transfers are cut by the exit (3.x cancels their fibers at shutdown).
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')
local t = dofile('test/teardown/common.lua')
local how, what = arg[1], arg[2]

local bucket = t.bucket('exit')
s3.cfg(t.config)                                  -- the default client
assert(s3.create_bucket(bucket))
assert(s3.put(bucket, 'k', 'v'))
local clients = {s3.new(t.config), s3.new(t.tls_config())}
for _, c in ipairs(clients) do assert(c:get(bucket, 'k')) end
_G.keep = clients

local dir = fio.tempdir()
if what == 'busy' then
    assert(s3.put_from_file(bucket, 'big', t.file(dir .. '/src', 64 * 1024 * 1024)))
    local silent = s3.new(t.with(t.config, {endpoint = (t.silent_server()), retries = 0}))
    table.insert(clients, silent)
    fiber.create(function() silent:get(bucket, 'k') end)
    for i, c in ipairs(clients) do
        for j = 1, 2 do
            fiber.create(function() c:get_to_file(bucket, 'big', string.format('%s/dst-%d-%d', dir, i, j)) end)
        end
    end
    fiber.create(function() s3.get_to_file(bucket, 'big', dir .. '/dst-default') end)
    fiber.sleep(0.05)
    assert(s3.stats().active_requests > 0 or clients[1]:stats().active_requests > 0)
end
t.ok()
if how == 'os.exit' then
    os.exit(0)
end
-- 'end': nothing is left to run, so tarantool must exit by itself (idle clients keep no fiber
-- awake). With 'busy' the script would wait for the transfers; it is not a case.
