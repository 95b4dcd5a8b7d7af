-- A 6 GiB file up and down through the transfer engine, against a disk-backed RGW (bluestore;
-- test/run_all.sh starts it and sets S3_BIG_ENDPOINT when the disk has room): it crosses the
-- 5 GiB single-PUT limit, and the process's memory must stay flat (RSS growth <= 64 MiB with
-- the default settings) while the event loop keeps running.
local s3 = require('s3')
local fio = require('fio')
local clock = require('clock')
local h = dofile('test/spec/helper.lua')

local GiB = 1024 * 1024 * 1024
local SIZE = 6 * GiB

describe('a 6 GiB object', function()
    local endpoint = os.getenv('S3_BIG_ENDPOINT')
    if endpoint == nil or endpoint == '' then
        pending('S3_BIG_ENDPOINT is not set (make test starts a bluestore RGW when the disk has room)')
        return
    end
    local client = s3.new({endpoint = endpoint, region = h.config.region,
        access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key})
    local bucket = h.bucket_name('big') .. '-' .. math.random(1, 1e9)
    local dir

    setup(function()
        dir = h.tempdir()
        assert(client:create_bucket(bucket))
    end)

    teardown(function()
        client:delete(bucket, 'six')
        client:delete_bucket(bucket)
        h.rmtree(dir)
    end)

    it('goes up in parts and comes down in ranges with flat memory', function()
        -- Sparse: reading it costs no disk, and its content (zeros) is known without a copy.
        local src = dir .. '/six.src'
        assert.are.equal(0, os.execute(string.format('truncate -s %d %q', SIZE, src)))
        collectgarbage('collect')
        h.reset_peak_rss()
        local rss0 = h.rss_kib()
        local ticker = h.ticker()
        local t0 = clock.monotonic()
        local ok, info = client:put_from_file(bucket, 'six', src)
        local put_s = clock.monotonic() - t0
        assert.is_true(ok, tostring(info))
        local head = assert(client:head(bucket, 'six'))
        assert.are.equal(SIZE, head.size)
        -- 8 MiB parts by default: 768 of them.
        assert.matches('%-768"?$', head.etag)
        fio.unlink(src)
        local dst = dir .. '/six.dst'
        t0 = clock.monotonic()
        local put_stats = client:stats()
        -- A client of its own for the download, so that each direction's steps show apart.
        local down = s3.new({endpoint = endpoint, region = h.config.region,
            access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key})
        local got, ginfo = down:get_to_file(bucket, 'six', dst)
        local get_s = clock.monotonic() - t0
        local gap = ticker.stop()
        assert.is_true(got, tostring(ginfo))
        assert.are.equal(SIZE, fio.stat(dst).size)
        -- Every byte is zero, as the sparse source was.
        assert.are.equal(0, os.execute(string.format('cmp -s -n %d %q /dev/zero', SIZE, dst)))
        local growth_mib = (h.rss_kib('VmHWM') - rss0) / 1024
        local stats = down:stats()
        print(string.format('\n    6 GiB: put %.0f MB/s, get %.0f MB/s; RSS growth %.1f MiB; largest loop gap ' ..
            '%.1f ms; longest libcurl step: put %.1f ms wall, %.1f ms unpreempted, %.1f ms CPU, ' ..
            '%.1f ms work; get %.1f ms wall, %.1f ms unpreempted, %.1f ms CPU, %.1f ms work',
            SIZE / put_s / 1e6, SIZE / get_s / 1e6, growth_mib, gap * 1000,
            put_stats.loop_max_action_seconds * 1000, put_stats.loop_max_unpreempted_action_seconds * 1000,
            put_stats.loop_max_action_cpu_seconds * 1000, put_stats.loop_max_action_work_seconds * 1000,
            stats.loop_max_action_seconds * 1000, stats.loop_max_unpreempted_action_seconds * 1000,
            stats.loop_max_action_cpu_seconds * 1000, stats.loop_max_action_work_seconds * 1000))
        assert.is_true(growth_mib <= 64, string.format('RSS grew %.1f MiB', growth_mib))
        -- A step's work (the lesser of its wall and CPU time) at the defaults, 24 parts in
        -- flight, is bounded here at 50 ms, against a return of the loop's file I/O (which made
        -- 100-440 ms steps in this spec). The 10 ms bound is transfer_spec's (200 MiB): next to
        -- this bluestore RGW, whose loopback traffic to its OSD is heavy, the steps that passed
        -- 10 ms of work (13.8-25 ms seen, 4-8 ms in other runs) were timer actions moving their
        -- 1 MiB budget, and this kernel (no CONFIG_IRQ_TIME_ACCOUNTING) charges the interrupts
        -- and softirqs that land in a step to the thread's CPU clock: perf finds a third of the
        -- loop thread's busiest windows in softirq and the rest in memmove and recv copies.
        for name, st in pairs({put = put_stats, get = stats}) do
            assert.is_true(st.loop_max_action_work_seconds <= 0.050,
                ('a %s step did %.1f ms of work'):format(name, st.loop_max_action_work_seconds * 1000))
        end
        fio.unlink(dst)
    end)
end)
