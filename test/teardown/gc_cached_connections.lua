-- A client collected while it holds cached keep-alive connections (HTTP and HTTPS): libcurl 8.x
-- reports their sockets while closing them; that must not start or wake a fiber inside __gc.
local s3 = require('s3')
local fiber = require('fiber')
local t = dofile('test/teardown/common.lua')

local bucket = t.bucket('gc-cached')
local setup = s3.new(t.config)
assert(setup:create_bucket(bucket))
assert(setup:put(bucket, 'k', 'value'))
t.fiber_count() -- fiber.info opens its pipe once
local fibers, fds = t.fiber_count(), t.fd_count()

for _, cfg in ipairs({t.config, t.tls_config()}) do
    for _ = 1, 5 do
        do
            local c = s3.new(cfg)
            -- Several connections at once, so several are cached.
            local done = 0
            for _ = 1, 4 do
                fiber.create(function() assert(c:get(bucket, 'k')); done = done + 1 end)
            end
            while done < 4 do fiber.sleep(0.001) end
        end
        t.collect()
    end
end
-- What the collected clients held is released at the next call into the module.
setup:stats()
fiber.sleep(0.05)
local now_fibers, now_fds = t.fiber_count(), t.fd_count()
assert(now_fibers <= fibers, string.format('fibers %d -> %d', fibers, now_fibers))
assert(now_fds <= fds, string.format('fds %d -> %d', fds, now_fds))
t.ok()
os.exit(0)
