-- Leak checks against the real S3 server: open descriptors, fibers and the module's own
-- counters (stats().active_requests) are back where they started after 10,000 requests, after
-- 500 transfers cancelled with fiber:cancel() and after 200 clients made, used and collected.
--
-- Baselines are taken after a warm-up of the same work (connection caches filled, one-time
-- allocations done: fiber.info() opens a 2-fd pipe the first time it runs). Afterwards the
-- counts may take a moment to settle (watcher fibers see their removed sockets on their next
-- wake-up): they are polled for up to 3 s, never assumed.
local s3 = require('s3')
local fio = require('fio')
local fiber = require('fiber')
local clock = require('clock')
local digest = require('digest')
local h = dofile('test/spec/helper.lua')

describe('leak checks', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local bucket = h.bucket_name('leaks')
    local dir, tiny
    local proxy

    setup(function()
        dir = h.tempdir()
        s3.cfg(h.config)
        assert(s3.create_bucket(bucket))
        tiny = digest.urandom(100)
        assert(s3.put(bucket, 'tiny', tiny))
        assert(s3.put(bucket, 'blob', digest.urandom(64 * 1024)))
        h.fiber_count() -- fiber.info()'s pipe, before any baseline
    end)

    teardown(function()
        if proxy ~= nil then proxy:stop() end
        h.rmtree(dir)
    end)

    -- c: a client, or nil for the default one (s3.stats())
    local function snapshot(c)
        local stats = c ~= nil and c:stats() or s3.stats()
        return {fds = h.fd_count(), fibers = h.fiber_count(), active = stats.active_requests}
    end

    -- Waits (up to 3 s) until nothing exceeds the baseline; poke() runs on every check (a call
    -- into the module from this fiber). Returns the last snapshot.
    local function settle(base, c, poke)
        local now
        h.wait_until(function()
            if poke then poke() end
            now = snapshot(c)
            return now.fds <= base.fds and now.fibers <= base.fibers and now.active <= base.active
        end, 3)
        return now
    end

    -- Garbage from earlier specs (clients and their sockets) is released before a baseline, so
    -- that it cannot go away during the measurement and hide a leak.
    local function quiesce()
        for _ = 1, 2 do collectgarbage('collect') end
        jit.flush()
        for _ = 1, 2 do collectgarbage('collect') end
        s3.stats() -- collected clients are released at the next call into the module
        fiber.sleep(0.1)
    end

    local function assert_back(base, now, what)
        local msg = ('%s: fds %d -> %d, fibers %d -> %d, active_requests %d -> %d'):format(what,
            base.fds, now.fds, base.fibers, now.fibers, base.active, now.active)
        assert.is_true(now.fds <= base.fds, msg)
        assert.is_true(now.fibers <= base.fibers, msg)
        assert.are.equal(0, now.active, msg)
        return msg
    end

    -- n requests (get and head in turn) spread over `width` fibers; returns the failures.
    local function hammer(c, n, width)
        local done = fiber.channel(width)
        local failures = {}
        local per = math.ceil(n / width)
        for w = 1, width do
            fiber.create(function()
                for i = 1, per do
                    local r, err
                    if (w + i) % 2 == 0 then
                        r, err = c:get(bucket, 'tiny')
                        if r ~= nil and r ~= tiny then r, err = nil, 'wrong body' end
                    else
                        r, err = c:head(bucket, 'tiny')
                    end
                    if r == nil then
                        local k = tostring(err and err.code or err)
                        failures[k] = (failures[k] or 0) + 1
                    end
                end
                done:put(true)
            end)
        end
        for _ = 1, width do assert(done:get(120), 'a worker did not finish within 120 s') end
        return failures, per * width
    end

    it('10,000 small requests leave nothing behind', function()
        local cfg = table.copy(h.config)
        cfg.max_connections = 64
        local c = s3.new(cfg)
        assert.are.same({}, (hammer(c, 512, 64))) -- fills the connection cache
        quiesce()
        local base = snapshot(c)
        local t0 = clock.monotonic()
        local failures, n = hammer(c, 10000, 64)
        local took = clock.monotonic() - t0
        assert.are.same({}, failures)
        local msg = assert_back(base, settle(base, c), n .. ' requests')
        print(('\n    %d requests in %.1f s; %s'):format(n, took, msg))
    end)

    it('500 transfers cancelled mid-transfer or in the connection queue leave nothing behind', function()
        -- Through the proxy: every GET stalls after 4 KiB, so a cancel always meets a transfer
        -- in flight (16 connections) or a call waiting for a connection (the other 34 of 50).
        proxy = proxy or h.start_proxy({log = fio.pathjoin(dir, 'proxy.log')})
        proxy:mode('stall after=4096 method=GET')
        local cfg = table.copy(h.config)
        cfg.endpoint = proxy.endpoint
        cfg.max_connections = 16
        local c = s3.new(cfg)
        local BATCH = 50
        local outcomes = {}
        local function batch(no)
            local fibers = {}
            for i = 1, BATCH do
                local f = fiber.new(function()
                    local ok, r, err
                    if i % 2 == 0 then
                        ok, r, err = pcall(c.get_to_file, c, bucket, 'blob', fio.pathjoin(dir, ('t%d-%d'):format(no, i)))
                    else
                        ok, r, err = pcall(c.get, c, bucket, 'blob')
                    end
                    local k = not ok and 'raised: ' .. tostring(r)
                        or r ~= nil and 'succeeded'
                        or tostring(err and err.code or err)
                    outcomes[k] = (outcomes[k] or 0) + 1
                end)
                f:set_joinable(true)
                table.insert(fibers, f)
            end
            assert.is_true(h.wait_until(function() return c:stats().active_requests >= 16 end, 5),
                'transfers did not start: ' .. c:stats().active_requests)
            fiber.sleep(0.02)
            for _, f in ipairs(fibers) do f:cancel() end
            for _, f in ipairs(fibers) do f:join() end
        end
        batch(0) -- warm-up
        outcomes = {}
        quiesce()
        local base = snapshot(c)
        local t0 = clock.monotonic()
        for no = 1, 500 / BATCH do batch(no) end
        local took = clock.monotonic() - t0
        assert.are.same({Cancelled = 500}, outcomes)
        local msg = assert_back(base, settle(base, c), '500 cancelled')
        assert.are.same({}, h.leftovers(dir, 't'))
        -- the client closed every connection it cancelled: the proxy sees none left open
        assert.is_true(h.wait_until(function() return proxy:stats().open == 0 end, 3),
            proxy:stats().open .. ' connections still open at the proxy')
        print(('\n    500 cancels in %.1f s; %s'):format(took, msg))
    end)

    it('200 clients made, used and collected leave nothing behind', function()
        local function use_one()
            local c = s3.new(h.config)
            assert(c:get(bucket, 'tiny'))
            assert(c:head(bucket, 'tiny'))
        end
        -- Collected clients are released at the next call into the module from a fiber.
        local function collect()
            for _ = 1, 2 do collectgarbage('collect') end
            jit.flush()
            for _ = 1, 2 do collectgarbage('collect') end
        end
        local poke = function() s3.stats() end
        use_one()
        quiesce()
        local base = snapshot(nil)
        local t0 = clock.monotonic()
        for i = 1, 200 do
            use_one()
            if i % 20 == 0 then collect() end
        end
        collect()
        local took = clock.monotonic() - t0
        local msg = assert_back(base, settle(base, nil, poke), '200 clients')
        print(('\n    200 clients in %.1f s; %s'):format(took, msg))
    end)
end)
