-- A client whose last reference is dropped while its requests are in flight: the requests keep it
-- alive and end as they would; it goes away after them. One request moves data, one waits on a
-- server that never answers and is ended by its timeout.
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')
local t = dofile('test/teardown/common.lua')

local bucket = t.bucket('gc-flight')
local dir = fio.tempdir()
local setup = s3.new(t.config)
assert(setup:create_bucket(bucket))
assert(setup:put_from_file(bucket, 'big', t.file(dir .. '/src', 64 * 1024 * 1024)))

local results = {}
do
    local c = s3.new(t.config)
    fiber.create(function()
        results.moving = {c:get_to_file(bucket, 'big', dir .. '/dst')}
    end)
    local silent = s3.new(t.with(t.config, {endpoint = (t.silent_server()), retries = 0, timeout = 0.5}))
    fiber.create(function()
        results.silent = {silent:head(bucket, 'big')}
    end)
end
for _ = 1, 20 do t.collect(); fiber.sleep(0.01) end
while results.moving == nil or results.silent == nil do fiber.sleep(0.01) end
assert(results.moving[1] == true, tostring(results.moving[2]))
assert(results.silent[1] == nil and results.silent[2].code == 'Timeout', tostring(results.silent[2]))
t.collect()
setup:stats()
fio.rmtree(dir)
t.ok()
os.exit(0)
