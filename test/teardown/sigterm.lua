-- Stopped by SIGTERM (what a service manager sends) while clients are idle and mid-transfer.
-- Prints 'ready' when the transfers run; the spec then sends the signal.
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')
local t = dofile('test/teardown/common.lua')

local bucket = t.bucket('sigterm')
local dir = fio.tempdir()
s3.cfg(t.config)
assert(s3.create_bucket(bucket))
assert(s3.put_from_file(bucket, 'big', t.file(dir .. '/src', 16 * 1024 * 1024)))
local idle = s3.new(t.tls_config())
assert(idle:head(bucket, 'big'))
local busy = s3.new(t.config)
local silent = s3.new(t.with(t.config, {endpoint = (t.silent_server()), retries = 0}))
fiber.create(function() silent:get(bucket, 'k') end)
for i = 1, 3 do
    fiber.create(function()
        -- Until a call fails: shutdown (3.x) cancels this fiber and the call returns Cancelled.
        while busy:get_to_file(bucket, 'big', dir .. '/dst' .. i) do end
    end)
end
_G.keep = {idle, busy, silent}
fiber.sleep(0.05)
t.ok()
print('ready')
io.stdout:flush()
-- 3.x cancels this fiber too at shutdown: fiber.sleep raises, and the script ends.
pcall(fiber.sleep, 60)
