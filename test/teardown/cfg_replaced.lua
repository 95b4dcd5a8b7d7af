-- s3.cfg replaces the default client while transfers run on the old one: they finish, new calls
-- go to the new client, and the old one goes away once they are done.
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')
local t = dofile('test/teardown/common.lua')

local bucket = t.bucket('cfg')
local dir = fio.tempdir()
s3.cfg(t.config)
assert(s3.create_bucket(bucket))
local size = 32 * 1024 * 1024
assert(s3.put_from_file(bucket, 'big', t.file(dir .. '/src', size)))

local results, finished = {}, 0
for i = 1, 4 do
    fiber.create(function()
        results[i] = {s3.get_to_file(bucket, 'big', dir .. '/dst' .. i)}
        finished = finished + 1
    end)
end
fiber.sleep(0.01)
s3.cfg(t.with(t.config, {retries = 1}))
-- The new default works at once, while the old one still carries the four transfers.
assert(s3.put(bucket, 'after', 'new client'))
while finished < 4 do fiber.sleep(0.01) end
for i = 1, 4 do
    assert(results[i][1] == true, tostring(results[i][2]))
    assert(fio.stat(dir .. '/dst' .. i).size == size)
end
for _ = 1, 3 do
    s3.cfg(t.config)
    t.collect()
end
assert(s3.get(bucket, 'after') == 'new client')
fio.rmtree(dir)
t.ok()
os.exit(0)
