-- The transfer engine behind the fault proxy (test/fault/proxy.py): resets, stalls and a slow
-- link in the middle of a multipart upload or a ranged download. Every case checks what a user
-- relies on: a failed part or range is retried alone; when the call gives up, the upload is
-- aborted (ListMultipartUploads shows no orphan) and the object is the old one, never a partial
-- one; a failed download leaves the target file as it was and no temporary file.
local s3 = require('s3')
local fio = require('fio')
local clock = require('clock')
local fiber = require('fiber')
local h = dofile('test/spec/helper.lua')

local MiB = 1024 * 1024
local PART = 5 * MiB
local SIZE = 3 * PART + MiB -- 4 parts or ranges: 5, 5, 5 and 1 MiB
local PARTS = 4
local MID_PART = MiB / 2 -- where a fault hits a part's body: inside every part, the last one too

describe('the transfer engine behind a fault-injecting proxy', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local bucket = h.bucket_name('engine-faults')
    local dir, direct, proxy, src, src_sha
    local OLD = 'the old object'

    local function client(opts)
        local cfg = {endpoint = proxy.endpoint, region = h.config.region,
            access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key,
            part_size = PART, multipart_threshold = PART + 1, concurrency = PARTS, retries = 2,
            idle_timeout = 1}
        for k, v in pairs(opts or {}) do cfg[k] = v end
        return s3.new(cfg)
    end

    local function open_uploads()
        local ids = {}
        for _, u in ipairs(assert(direct:list_multipart_uploads(bucket))) do
            table.insert(ids, u.upload_id)
        end
        return ids
    end

    -- The abort runs in a fiber of its own; it has finished within a moment of the call.
    local function assert_no_orphan()
        local ok = h.wait_until(function() return #open_uploads() == 0 end, 10)
        assert.is_true(ok, 'orphaned uploads: ' .. table.concat(open_uploads(), ', '))
    end

    local function object_sha(key)
        local path = fio.pathjoin(dir, 'check')
        fio.unlink(path)
        local ok, err = direct:get_to_file(bucket, key, path)
        if not ok then return nil, err end
        return h.sha256_file(path)
    end

    -- Starts upload(c) of key (holding OLD) on a fiber behind a slow link and cancels it once
    -- parts are on their way: the call ends with Cancelled, aborts its upload, keeps OLD.
    local function cancel_midway(key, upload)
        assert(direct:put(bucket, key, OLD))
        proxy:mode('trickle dir=request rate=1048576 method=PUT')
        local c = client()
        local result = fiber.channel(1)
        local f = fiber.create(function() result:put({upload(c)}) end)
        assert.is_true(h.wait_until(function() return proxy:stats().requests >= 2 end, 10))
        f:cancel()
        local r = result:get(10)
        assert.is_not_nil(r, 'the cancelled call did not return')
        assert.is_nil(r[1])
        assert.are.equal('Cancelled', r[2].code, tostring(r[2]))
        proxy:mode('pass')
        assert_no_orphan()
        assert.are.equal(OLD, (direct:get(bucket, key)))
        assert.are.equal(0, c:stats().active_requests)
    end

    setup(function()
        dir = h.tempdir()
        direct = s3.new(h.config)
        assert(direct:create_bucket(bucket))
        src = h.random_file(fio.pathjoin(dir, 'src'), SIZE)
        src_sha = h.sha256_file(src)
        proxy = h.start_proxy({log = fio.pathjoin(dir, 'proxy.log')})
    end)

    teardown(function()
        if proxy ~= nil then proxy:stop() end
        h.rmtree(dir)
    end)

    describe('multipart upload', function()
        it('a part reset once mid-body: that part alone is sent again, the object completes', function()
            proxy:mode(('reset dir=request after=%d method=PUT count=1'):format(MID_PART))
            local ok, err = client():put_from_file(bucket, 'up/reset once', src)
            assert.is_true(ok, tostring(err))
            local st = proxy:stats()
            assert.are.equal(1, st.faults)
            assert.are.equal(PARTS + 1, st.methods.PUT)
            assert.are.equal(src_sha, object_sha('up/reset once'))
            local head = assert(direct:head(bucket, 'up/reset once'))
            assert.matches('%-' .. PARTS .. '"?$', head.etag)
            assert_no_orphan()
        end)

        it('every part attempt reset: ConnectionError, the upload aborted, the old object kept', function()
            assert(direct:put(bucket, 'up/reset always', OLD))
            proxy:mode(('reset dir=request after=%d method=PUT'):format(MID_PART))
            local ok, err = client():put_from_file(bucket, 'up/reset always', src)
            assert.is_nil(ok)
            assert.are.equal('ConnectionError', err.code, tostring(err))
            assert_no_orphan()
            assert.are.equal(OLD, (direct:get(bucket, 'up/reset always')))
        end)

        it('a part stalled once: the idle bound ends that attempt and the retry completes it', function()
            proxy:mode(('stall dir=request after=%d method=PUT count=1'):format(MID_PART))
            local t0 = clock.monotonic()
            local ok, err = client():put_from_file(bucket, 'up/stall once', src)
            local took = clock.monotonic() - t0
            assert.is_true(ok, tostring(err))
            assert.is_true(took >= 1, ('took %.2f s: the stall cannot end before the idle bound'):format(took))
            assert.are.equal(src_sha, object_sha('up/stall once'))
            assert_no_orphan()
        end)

        it('a deadline that passes mid-upload on a slow link: Timeout by the deadline, upload aborted', function()
            assert(direct:put(bucket, 'up/slow', OLD))
            proxy:mode('trickle dir=request rate=1048576 method=PUT')
            local t0 = clock.monotonic()
            local ok, err = client():put_from_file(bucket, 'up/slow', src, {timeout = 2})
            local took = clock.monotonic() - t0
            assert.is_nil(ok)
            assert.are.equal('Timeout', err.code, tostring(err))
            assert.is_true(took < 2 + 1.5, ('took %.2f s with a 2 s deadline'):format(took))
            proxy:mode('pass')
            assert_no_orphan()
            assert.are.equal(OLD, (direct:get(bucket, 'up/slow')))
        end)

        -- A fault once on CreateMultipartUpload or CompleteMultipartUpload: the call succeeds with the
        -- whole object and leaves no upload behind.
        for _, case in ipairs({
            -- The server makes the upload; its answer (with the UploadId) never comes back: the
            -- upload that answer named is aborted.
            {'CreateMultipartUpload whose answer is lost', 'reset at=head after=10 method=POST path=?uploads'},
            -- The server completes the upload; the repeat finds it done.
            {'CompleteMultipartUpload whose answer is lost', 'reset at=head after=10 method=POST path=uploadId='},
            {'CompleteMultipartUpload with if_none_match whose answer is lost',
                'reset at=head after=10 method=POST path=uploadId=', {if_none_match = '*'}},
            {'CompleteMultipartUpload reset before the server read it',
                'reset dir=request at=head after=10 method=POST path=uploadId='},
        }) do
            it(case[1] .. ': the object completes, no upload is left', function()
                local key = 'up/' .. case[1]
                proxy:mode(case[2] .. ' count=1')
                local ok, err = client():put_from_file(bucket, key, src, case[3])
                assert.is_true(ok, tostring(err))
                assert.are.equal(1, proxy:stats().faults)
                assert.are.equal(src_sha, object_sha(key))
                assert_no_orphan()
            end)
        end

        it('a cancel mid-upload aborts the upload and keeps the old object', function()
            cancel_midway('up/cancel', function(c) return c:put_from_file(bucket, 'up/cancel', src) end)
        end)
    end)

    describe('stream upload (a reader of unknown length)', function()
        local function reader()
            local data = h.read_file(src)
            local at = 1
            return function()
                local chunk = data:sub(at, at + 256 * 1024 - 1)
                at = at + #chunk
                return chunk
            end
        end

        it('a part reset once mid-body: sent again from its buffer, the object completes', function()
            proxy:mode(('reset dir=request after=%d method=PUT count=1'):format(MID_PART))
            local ok, err = client():put(bucket, 'stream/reset once', reader())
            assert.is_true(ok, tostring(err))
            assert.are.equal(1, proxy:stats().faults)
            assert.are.equal(src_sha, object_sha('stream/reset once'))
            assert_no_orphan()
        end)

        it('a cancel mid-stream: Cancelled, the upload aborted, the old object kept', function()
            cancel_midway('stream/cancel', function(c) return c:put(bucket, 'stream/cancel', reader()) end)
        end)

        it('every part attempt reset: ConnectionError, the upload aborted, the old object kept', function()
            assert(direct:put(bucket, 'stream/reset always', OLD))
            proxy:mode(('reset dir=request after=%d method=PUT'):format(MID_PART))
            local ok, err = client():put(bucket, 'stream/reset always', reader())
            assert.is_nil(ok)
            assert.are.equal('ConnectionError', err.code, tostring(err))
            assert_no_orphan()
            assert.are.equal(OLD, (direct:get(bucket, 'stream/reset always')))
        end)
    end)

    describe('ranged download', function()
        local key = 'down/object'
        local target

        before_each(function()
            assert(direct:put_from_file(bucket, key, src))
            target = fio.pathjoin(dir, 'target')
            h.write_file(target, OLD)
        end)

        it('the other ranges start on the first answer\'s headers, while its body still streams', function()
            -- 2 MiB/s per answer: the first 5 MiB range alone takes 2.5 s.
            proxy:mode('trickle rate=2097152 method=GET')
            local c = client()
            local most, first_done_at = 0, nil
            local t0 = clock.monotonic()
            local watcher = fiber.create(function()
                while true do
                    most = math.max(most, c:stats().active_requests)
                    if clock.monotonic() - t0 > 1.5 then break end
                    fiber.sleep(0.01)
                end
            end)
            local ok, err = c:get_to_file(bucket, key, target, {on_progress = function(done)
                if done >= PART and first_done_at == nil then first_done_at = clock.monotonic() - t0 end
            end})
            assert.is_true(ok, tostring(err))
            pcall(fiber.cancel, watcher)
            assert.are.equal(src_sha, h.sha256_file(target))
            -- Within 1.5 s, long before the first range could have ended alone, all 4 ran.
            assert.are.equal(PARTS, most)
            assert.are.equal(PARTS, proxy:stats().methods.GET)
        end)

        it('an object of exactly part_size is one GET, one byte more is two ranges', function()
            for _, case in ipairs({{PART, 1}, {PART + 1, 2}}) do
                local path = fio.pathjoin(dir, 'edge')
                h.random_file(path, case[1])
                assert(direct:put_from_file(bucket, 'down/edge', path))
                proxy:mode('pass')
                local ok, err = client():get_to_file(bucket, 'down/edge', target)
                assert.is_true(ok, tostring(err))
                assert.are.equal(case[2], proxy:stats().methods.GET, case[1] .. ' bytes')
                assert.are.equal(h.sha256_file(path), h.sha256_file(target))
            end
        end)

        it('a range reset once mid-body: that range alone is fetched again', function()
            proxy:mode(('reset after=%d method=GET count=1'):format(MID_PART))
            local ok, err = client():get_to_file(bucket, key, target)
            assert.is_true(ok, tostring(err))
            local st = proxy:stats()
            assert.are.equal(1, st.faults)
            assert.are.equal(PARTS + 1, st.methods.GET)
            assert.are.equal(src_sha, h.sha256_file(target))
            assert.are.same({}, h.leftovers(dir, 'target.'))
        end)

        it('every range attempt reset: ConnectionError, the target file unchanged, no temporary file', function()
            proxy:mode(('reset after=%d method=GET'):format(MID_PART))
            local ok, err = client():get_to_file(bucket, key, target)
            assert.is_nil(ok)
            assert.are.equal('ConnectionError', err.code, tostring(err))
            assert.are.equal(OLD, h.read_file(target))
            assert.are.same({}, h.leftovers(dir, 'target.'))
        end)

        it('on_progress at most every 100 ms; a raise in it mid-download leaves the target and no temporary file', function()
            proxy:mode('trickle rate=2097152 method=GET')
            local at = {}
            local ok, err = client():get_to_file(bucket, key, target, {on_progress = function(done, total)
                table.insert(at, {clock.monotonic(), done, total})
            end})
            assert.is_true(ok, tostring(err))
            assert.is_true(#at >= 5, #at .. ' calls')
            -- Every call but the last (which comes at the end, whenever that is) waits 100 ms.
            for i = 2, #at - 1 do
                assert.is_true(at[i][1] - at[i - 1][1] >= 0.095,
                    ('calls %d and %d were %.3f s apart'):format(i - 1, i, at[i][1] - at[i - 1][1]))
            end
            assert.are.same({SIZE, SIZE}, {at[#at][2], at[#at][3]})
            h.write_file(target, OLD)
            local c = client()
            local raised, rerr = pcall(c.get_to_file, c, bucket, key, target, {
                on_progress = function(done) if done >= PART then error('enough of this') end end})
            assert.is_false(raised)
            assert.matches('enough of this', tostring(rerr))
            assert.are.equal(OLD, h.read_file(target))
            assert.are.same({}, h.leftovers(dir, 'target.'))
        end)

        it('a range stalled once: the idle bound ends that attempt and the retry completes it', function()
            proxy:mode(('stall after=%d method=GET count=1'):format(MID_PART))
            local ok, err = client():get_to_file(bucket, key, target)
            assert.is_true(ok, tostring(err))
            assert.are.equal(src_sha, h.sha256_file(target))
            assert.are.same({}, h.leftovers(dir, 'target.'))
        end)
    end)
end)
