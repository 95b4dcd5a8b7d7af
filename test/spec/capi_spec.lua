-- The C API (s3-tarantool.h) as another module uses it: examples/capi and a probe module are built
-- against the header the rock installed, then run inside tarantool against the real server.
local s3 = require('s3')
local fio = require('fio')
local fiber = require('fiber')
local clock = require('clock')
local h = dofile('test/spec/helper.lua')

local MiB = 1024 * 1024
local HEADER_DIR = fio.abspath('.rocks/lib/tarantool/s3/include')
-- The headers of the Tarantool under test (test/run_all.sh sets it), never whatever /usr/include
-- holds: a module must be built for the Tarantool it runs in.
local TARANTOOL_INCLUDE_DIR = os.getenv('TARANTOOL_INCLUDE_DIR') or '/usr/include'

local function build(source_dir, build_dir)
    local cmd = string.format('cmake -S %q -B %q -DS3_INCLUDE_DIR=%q -DTARANTOOL_INCLUDE_DIR=%q ' ..
        '> %q/cmake.log 2>&1 && cmake --build %q >> %q/cmake.log 2>&1', source_dir, build_dir,
        HEADER_DIR, TARANTOOL_INCLUDE_DIR, build_dir, build_dir, build_dir)
    fio.mktree(build_dir)
    if os.execute(cmd) ~= 0 then
        error('build of ' .. source_dir .. ' failed:\n' .. h.read_file(build_dir .. '/cmake.log'))
    end
    package.cpath = build_dir .. '/?.so;' .. package.cpath
end

describe('the C API', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local bucket = h.bucket_name('capi')
    local dir, backup, probe

    setup(function()
        dir = h.tempdir()
        assert(fio.path.exists(HEADER_DIR .. '/s3-tarantool.h'), 'the rock did not install its header')
        build(fio.abspath('examples/capi'), dir .. '/capi_backup')
        build(fio.abspath('test/capi'), dir .. '/capi_probe')
        s3.cfg(h.config)
        assert(s3.create_bucket(bucket))
        backup = require('capi_backup')
        probe = require('capi_probe')
    end)

    teardown(function()
        h.rmtree(dir)
    end)

    it('round-trips a file through the default client, compared by hash', function()
        local src = h.random_file(dir .. '/src', 3 * MiB + 17)
        local dst = dir .. '/dst'
        assert.is_true((backup.backup(bucket, 'c api/round trip', src)))
        assert.are.equal(3 * MiB + 17, assert(s3.head(bucket, 'c api/round trip')).size)
        assert.is_true((backup.restore(bucket, 'c api/round trip', dst)))
        assert.are.equal(h.sha256_file(src), h.sha256_file(dst))
    end)

    it('two restores of one path at once each write a temporary file of their own', function()
        local src = h.random_file(dir .. '/twice-src', 20 * MiB + 5)
        assert.is_true((backup.backup(bucket, 'c api/twice', src)))
        local dst = dir .. '/twice-dst'
        local done = fiber.channel(2)
        for _ = 1, 2 do
            fiber.create(function() done:put({backup.restore(bucket, 'c api/twice', dst)}) end)
        end
        for _ = 1, 2 do
            local r = done:get(60)
            assert.is_not_nil(r, 'a restore did not return')
            assert.is_true(r[1], tostring(r[2] and r[2].message))
        end
        assert.are.equal(h.sha256_file(src), h.sha256_file(dst))
        assert.are.same({}, h.leftovers(dir, 'twice-dst.'))
    end)

    it('moves a file above the threshold through the engine, with progress (multipart up, ranges down)', function()
        local size = 40 * MiB + 3
        local src = h.random_file(dir .. '/big-src', size)
        local up = assert(probe.transfer('put', bucket, 'c api/big', src))
        assert.are.equal(size, up.bytes)
        assert.is_true(up.calls >= 1)
        assert.is_false(up.went_back)
        assert.are.equal(size, up.done)
        assert.are.equal(size, up.total)
        local head = assert(s3.head(bucket, 'c api/big'))
        assert.are.equal(size, head.size)
        -- 8 MiB parts: a multipart upload of 6 parts
        assert.matches('%-6"?$', head.etag)
        local down = assert(probe.transfer('get', bucket, 'c api/big', dir .. '/big-dst'))
        assert.are.equal(size, down.bytes)
        assert.are.equal(size, down.done)
        assert.is_false(down.went_back)
        assert.are.equal(h.sha256_file(src), h.sha256_file(dir .. '/big-dst'))
        -- and the sample module backs it up too
        assert.is_true((backup.backup(bucket, 'c api/big by example', src)))
        assert.matches('%-6"?$', assert(s3.head(bucket, 'c api/big by example')).etag)
        assert.is_true((backup.restore(bucket, 'c api/big by example', dir .. '/big-restored')))
        assert.are.equal(h.sha256_file(src), h.sha256_file(dir .. '/big-restored'))
    end)

    it('ends a download whose disk writes fail with IOError, and stops the transfer', function()
        if not fio.path.exists('/dev/full') then
            pending('no /dev/full here')
            return
        end
        local key = 'c api/to a full disk'
        assert(s3.put(bucket, key, string.rep('x', 3 * MiB)))
        -- get_to_fd writes where the caller's fd points: /dev/full answers every write with
        -- ENOSPC, from the coio worker that does the writes.
        local res, err = probe.transfer('get', bucket, key, '/dev/full')
        assert.is_nil(res)
        assert.is_truthy(err:find('^IOError'), err)
        assert.is_truthy(err:find('space', 1, true), err)
        assert.are.equal(0, s3.stats().active_requests)
    end)

    it('lists objects across pages through the C API, a callback per object, and stops when told', function()
        local lb = h.bucket_name('capi-list') .. '-' .. math.random(1, 1e9)
        assert(s3.create_bucket(lb))
        local want = {}
        local fibers_done = 0
        for w = 1, 16 do
            fiber.create(function()
                for i = w, 1105, 16 do
                    local key = string.format('dir/k %04d+&=', i)
                    assert(s3.put(lb, key, 'xy'))
                    want[i] = key
                end
                fibers_done = fibers_done + 1
            end)
        end
        assert(s3.put(lb, 'other/one', 'z'))
        while fibers_done < 16 do fiber.sleep(0.01) end
        local keys, bytes = assert(probe.list(lb, 'dir/'))
        assert.are.equal(1105, #keys)
        assert.are.equal(2 * 1105, bytes)
        table.sort(want)
        assert.are.same(want, keys)
        local first = assert(probe.list(lb, 'dir/', 3))
        assert.are.same({want[1], want[2], want[3]}, first)
        local all = assert(probe.list(lb))
        assert.are.equal(1106, #all)
        local _, err = probe.list('no-such-bucket-' .. math.random(1, 1e9))
        assert.matches('^NoSuchBucket', err)
        assert(s3.delete_many(lb, {prefix = ''}))
        assert(s3.delete_bucket(lb))
    end)

    it('uses a client made by s3.new', function()
        local client = s3.new(h.config)
        local src = h.random_file(dir .. '/src-new', 1000)
        assert.is_true((backup.backup(bucket, 'c api/new client', src, client)))
        assert.is_true((backup.restore(bucket, 'c api/new client', dir .. '/dst-new', client)))
        assert.are.equal(h.sha256_file(src), h.sha256_file(dir .. '/dst-new'))
        local cfg = table.copy(h.config)
        cfg.secret_access_key = 'wrong'
        local bad = s3.new(cfg)
        local ok, err = backup.backup(bucket, 'c api/bad', src, bad)
        assert.is_nil(ok)
        assert.are.equal('SignatureDoesNotMatch', err.code)
        ok, err = backup.backup(bucket, 'c api/bad', src, {})
        assert.is_nil(ok)
        assert.are.equal('InvalidArgument', err.code)
    end)

    it('reports NoSuchKey through the error struct and leaves no file behind', function()
        local target = dir .. '/missing'
        local ok, err = backup.restore(bucket, 'c api/no such key', target)
        assert.is_nil(ok)
        assert.are.equal('NoSuchKey', err.code)
        assert.are.equal(404, err.status)
        assert.is_true(#err.request_id > 0)
        assert.is_false(fio.path.exists(target))
        assert.are.same({}, h.leftovers(dir, 'missing.'))
    end)

    it('serves 20 fibers at once while a ticker fiber keeps running', function()
        local src = h.random_file(dir .. '/src-many', MiB)
        local want = h.sha256_file(src)
        local ticker = h.ticker()
        local done = fiber.channel(20)
        for i = 1, 20 do
            fiber.create(function()
                local key = 'c api/many/' .. i
                local ok, err = backup.backup(bucket, key, src)
                if ok then
                    ok, err = backup.restore(bucket, key, dir .. '/many-' .. i)
                end
                done:put(ok and true or (err.code .. ': ' .. err.message))
            end)
        end
        local failures = {}
        for _ = 1, 20 do
            local r = done:get(60)
            if r ~= true then table.insert(failures, tostring(r)) end
        end
        local gap = ticker.stop()
        print(string.format('\n    C API, 20 fibers: largest loop gap %.1f ms', gap * 1000))
        assert.are.same({}, failures)
        for i = 1, 20 do
            assert.are.equal(want, h.sha256_file(dir .. '/many-' .. i))
        end
        -- A stall check, not a speed figure: on 2 shared cores the OS alone makes 100-300 ms gaps.
        assert.is_true(gap < 0.5, 'the loop stalled for ' .. gap * 1000 .. ' ms')
    end)

    it('head, delete and presign through the C API', function()
        assert(s3.put(bucket, 'c api/héad me', 'twelve bytes', { content_type = 'text/x-probe' }))
        local info = assert(probe.head(bucket, 'c api/héad me'))
        assert.are.equal(12, info.content_length)
        assert.are.equal('text/x-probe', info.content_type)
        assert.matches('^"%x+"$', info.etag)
        assert.matches('GMT$', info.last_modified)
        local _, err = probe.head(bucket, 'c api/none')
        assert.are.equal(404, err.status)

        -- the same URL the Lua API makes, and the server takes it without credentials
        local url = assert(probe.presign('GET', bucket, 'c api/héad me', 300))
        assert.matches('X%-Amz%-Expires=300&', url)
        assert.matches('/c%%20api/h%%C3%%A9ad%%20me%?', url)
        local p = assert(io.popen("curl -s '" .. url .. "'"))
        assert.are.equal('twelve bytes', p:read('*a'))
        p:close()
        -- a buffer too small: refused, with the length it needs
        local none, small_err, needed = probe.presign('GET', bucket, 'c api/héad me', 300, 16)
        assert.is_nil(none)
        assert.are.equal('InvalidArgument', small_err.code)
        assert.are.equal(#url, needed)
        assert.is_truthy(probe.presign('GET', bucket, 'c api/héad me', 300, needed + 1))
        -- a client made by s3.new; an anonymous one cannot presign
        assert.is_truthy(probe.presign('PUT', bucket, 'k', 60, 4096, s3.new(h.config)))
        local anon = s3.new({ endpoint = h.endpoint, anonymous = true })
        local _, anon_err = probe.presign('GET', bucket, 'k', 60, 4096, anon)
        assert.are.equal('InvalidArgument', anon_err.code)
        assert.matches('anonymous', anon_err.message)

        assert.is_true(probe.delete(bucket, 'c api/héad me'))
        _, err = probe.head(bucket, 'c api/héad me')
        assert.are.equal(404, err.status)
        -- S3 deletes a missing key without complaint
        assert.is_true(probe.delete(bucket, 'c api/héad me'))
        _, err = probe.delete('no-such-bucket-' .. math.random(1e9), 'k')
        assert.are.equal('NoSuchBucket', err.code)
    end)

    it('refuses bad arguments of head, delete and presign', function()
        local results = probe.object_bad_args()
        assert.are.equal(11, #results)
        for _, r in ipairs(results) do
            assert.matches('^%-1 InvalidArgument: ', r)
        end
        assert.matches('info', results[2])
        assert.matches('info', results[3])
        assert.matches('method must be one of GET PUT HEAD DELETE', results[6])
        assert.matches('expires must be 1%-604800', results[8])
        assert.matches('expires must be 1%-604800', results[9])
        assert.are.equal(-1, results.without_err)
    end)

    it('rejects a wrong API version or a larger struct than the rock has', function()
        assert.is_true((probe.load(1)))
        local ok, why = probe.load(999)
        assert.is_nil(ok)
        assert.matches('version 1, this module needs 999', why, 1, true)
        ok, why = probe.load(1, 1048576)
        assert.is_nil(ok)
        assert.matches('needs 1048576', why, 1, true)
    end)

    it('refuses bad arguments and calls from a foreign thread without crashing', function()
        local results = probe.bad_args()
        assert.are.equal(6, #results)
        for _, r in ipairs(results) do
            assert.matches('^%-1 InvalidArgument: ', r)
        end
        assert.are.equal(-1, results.without_err)
        local rc, code, message = probe.from_thread()
        assert.are.equal(-1, rc)
        assert.are.equal('InvalidArgument', code)
        assert.matches('TX thread', message)
    end)

    describe('behind a fault-injecting proxy', function()
        local proxy
        local MID_PART = MiB / 2

        setup(function()
            proxy = h.start_proxy({log = dir .. '/proxy.log'})
        end)

        teardown(function()
            if proxy ~= nil then proxy:stop() end
        end)

        local function proxied(opts)
            local cfg = {endpoint = proxy.endpoint, region = h.config.region,
                access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key,
                part_size = 5 * MiB, multipart_threshold = 5 * MiB + 1, retries = 2, idle_timeout = 1}
            for k, v in pairs(opts or {}) do cfg[k] = v end
            return s3.new(cfg)
        end

        local function no_orphan()
            return h.wait_until(function() return #assert(s3.list_multipart_uploads(bucket)) == 0 end, 10)
        end

        it('a part reset once is retried alone; a reset range too', function()
            local src = h.random_file(dir .. '/retried', 12 * MiB)
            proxy:mode(('reset dir=request after=%d method=PUT count=1'):format(MID_PART))
            assert.is_true((backup.backup(bucket, 'c api/retried', src, proxied())))
            assert.are.equal(1, proxy:stats().faults)
            proxy:mode(('reset after=%d method=GET count=1'):format(MID_PART))
            assert.is_true((backup.restore(bucket, 'c api/retried', dir .. '/retried-dst', proxied())))
            assert.are.equal(1, proxy:stats().faults)
            assert.are.equal(h.sha256_file(src), h.sha256_file(dir .. '/retried-dst'))
            assert.is_true(no_orphan())
        end)

        it('the client\'s deadline ends a call whose server never answers, and aborts its upload', function()
            local src = h.random_file(dir .. '/deadline', 12 * MiB)
            proxy:mode('blackhole method=PUT')
            local t0 = clock.monotonic()
            local ok, err = backup.backup(bucket, 'c api/deadline', src, proxied({timeout = 2}))
            local took = clock.monotonic() - t0
            proxy:mode('pass')
            assert.is_nil(ok)
            assert.are.equal('Timeout', err.code, tostring(err.message))
            assert.is_true(took < 2 + 1.5, ('took %.2f s with a 2 s deadline'):format(took))
            assert.is_true(no_orphan())
        end)

        it('a cancel of the calling fiber ends the call with Cancelled and aborts its upload', function()
            local src = h.random_file(dir .. '/cancelled', 12 * MiB)
            proxy:mode('trickle dir=request rate=1048576 method=PUT')
            local result = fiber.channel(1)
            local f = fiber.create(function()
                result:put({backup.backup(bucket, 'c api/cancelled', src, proxied())})
            end)
            assert.is_true(h.wait_until(function() return proxy:stats().requests >= 2 end, 10))
            f:cancel()
            local r = result:get(10)
            proxy:mode('pass')
            assert.is_not_nil(r, 'the cancelled call did not return')
            assert.is_nil(r[1])
            assert.are.equal('Cancelled', r[2].code, tostring(r[2].message))
            assert.is_true(no_orphan())
            local _, herr = s3.head(bucket, 'c api/cancelled')
            assert.are.equal('NotFound', herr.code)
        end)
    end)
end)
