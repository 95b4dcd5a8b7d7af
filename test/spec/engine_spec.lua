-- The transfer engine against the real server: multipart upload and parallel ranged download
-- around every size boundary (compared by hash, ETags checked by HEAD), progress, Content-MD5,
-- If-Match when the object changes mid-download, and no orphaned upload after a failure, a
-- cancel, a raise in on_progress or a file that changes size.
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')
local clock = require('clock')
local digest = require('digest')
local h = dofile('test/spec/helper.lua')

local MiB = 1024 * 1024

describe('the transfer engine', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local bucket = h.bucket_name('engine')
    -- Small parts keep the data sizes modest; the boundaries are the same as with the defaults.
    local PART, THRESHOLD = 5 * MiB, 6 * MiB
    local client, dir

    -- Uploads not completed nor aborted, as ListMultipartUploads tells them.
    local function open_uploads(b)
        local uploads = assert(client:list_multipart_uploads(b or bucket))
        local ids = {}
        for _, u in ipairs(uploads) do table.insert(ids, u.upload_id) end
        return ids
    end

    local function wait_no_uploads()
        local deadline = clock.monotonic() + 10
        local ids = open_uploads()
        while #ids > 0 and clock.monotonic() < deadline do
            fiber.sleep(0.1)
            ids = open_uploads()
        end
        return ids
    end

    setup(function()
        dir = h.tempdir()
        client = s3.new({endpoint = h.config.endpoint, region = h.config.region,
            access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key,
            part_size = PART, multipart_threshold = THRESHOLD, concurrency = 4, retries = 1})
        assert(client:create_bucket(bucket))
    end)

    teardown(function()
        h.rmtree(dir)
    end)

    for _, case in ipairs({
        {'threshold - 1', THRESHOLD - 1, 1},
        {'threshold', THRESHOLD, 2},
        {'threshold + 1', THRESHOLD + 1, 2},
        {'two parts exactly', 2 * PART, 2},
        {'two parts and a byte', 2 * PART + 1, 3},
        {'seven parts and a bit', 7 * PART + 12345, 8},
    }) do
        local name, size, parts = case[1], case[2], case[3]
        it('round-trips ' .. name .. ' (' .. size .. ' bytes) in ' .. parts .. ' part(s)', function()
            local src = h.random_file(dir .. '/src', size)
            local key = 'sizes/' .. name
            local ups, downs = {}, {}
            local ok, info = client:put_from_file(bucket, key, src, {
                on_progress = function(done, total) table.insert(ups, {done, total}) end})
            assert.is_true(ok, tostring(info))
            local head = assert(client:head(bucket, key))
            assert.are.equal(size, head.size)
            if parts > 1 then
                assert.matches('%-' .. parts .. '"?$', head.etag)
            else
                assert.is_nil(head.etag:find('-', 1, true))
            end
            local dst = dir .. '/dst'
            local got, ginfo = client:get_to_file(bucket, key, dst, {
                on_progress = function(done, total) table.insert(downs, {done, total}) end})
            assert.is_true(got, tostring(ginfo))
            assert.are.equal(size, ginfo.size)
            assert.are.equal(h.sha256_file(src), h.sha256_file(dst))
            for _, calls in ipairs({ups, downs}) do
                assert.is_true(#calls >= 1)
                for i = 2, #calls do
                    assert.is_true(calls[i][1] >= calls[i - 1][1], 'progress went back')
                end
                assert.are.same({size, size}, calls[#calls])
            end
            assert.are.same({}, h.leftovers(dir, 'dst.s3tmp'))
        end)
    end

    it('sends Content-MD5, and the server refuses a wrong one with BadDigest', function()
        local body = 'checked body'
        local wrong = digest.base64_encode(digest.md5('another body'))
        local resp, err = client._native:request({method = 'PUT', bucket = bucket, key = 'digest',
            body = body, headers = {['content-md5'] = wrong}})
        assert.is_nil(resp)
        assert.are.equal('BadDigest', err.code)
        local src = dir .. '/small'
        h.write_file(src, body)
        assert.is_true((client:put_from_file(bucket, 'digest', src)))
        assert.are.equal(body, (client:get(bucket, 'digest')))
    end)

    it('reads the time stamps of ListMultipartUploads as UTC (which uploads a lost answer made)', function()
        local epoch_of = require('s3.multipart').epochOf
        assert.are.equal(0, epoch_of('1970-01-01T00:00:00.000Z'))
        assert.are.equal(1796128807, epoch_of('2026-12-01T12:40:07.123Z'))
        assert.are.equal(1709251199, epoch_of('2024-02-29T23:59:59Z'))
        assert.are.equal(951868800, epoch_of('2000-03-01T00:00:00.000Z'))
        assert.are.equal(946684799, epoch_of('1999-12-31T23:59:59.000Z'))
        assert.is_nil(epoch_of('yesterday'))
    end)

    -- The requests a client makes, recorded on their way to its native client.
    local function recorded(c)
        local real = c._native
        local seen = {}
        c._native = setmetatable({request = function(_, req)
            table.insert(seen, {method = req.method, query = req.query or {}, headers = req.headers or {}})
            return real:request(req)
        end}, {__index = function(_, name)
            local v = real[name]
            if type(v) == 'function' then
                return function(_, ...) return v(real, ...) end
            end
            return v
        end})
        return seen
    end

    it('sends every part and a single PUT from a file with the Content-MD5 of its bytes', function()
        local c = s3.new({endpoint = h.config.endpoint, region = h.config.region,
            access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key,
            part_size = PART, multipart_threshold = THRESHOLD, concurrency = 4})
        local seen = recorded(c)
        local src = h.random_file(dir .. '/md5-parts', 2 * PART + 123)
        assert.is_true((c:put_from_file(bucket, 'md5-parts', src)))
        local data = h.read_file(src)
        local parts = 0
        for _, r in ipairs(seen) do
            local n = tonumber(r.query.partNumber)
            if r.method == 'PUT' and n ~= nil then
                parts = parts + 1
                local slice = data:sub((n - 1) * PART + 1, n * PART)
                assert.are.equal(digest.base64_encode(digest.md5(slice)), r.headers['content-md5'])
            end
        end
        assert.are.equal(3, parts)
        local small = h.random_file(dir .. '/md5-single', 1000)
        assert.is_true((c:put_from_file(bucket, 'md5-single', small)))
        local last = seen[#seen]
        assert.are.equal('PUT', last.method)
        assert.are.equal(digest.base64_encode(digest.md5(h.read_file(small))), last.headers['content-md5'])
    end)

    it('a wrong part_size or concurrency raises before anything is opened or sent', function()
        local fds = h.fd_count()
        local ok, err = pcall(client.get_to_file, client, bucket, 'any', dir .. '/bad-option', {part_size = 1})
        assert.is_false(ok)
        assert.matches('part_size', tostring(err))
        ok, err = pcall(client.get_to_file, client, bucket, 'any', dir .. '/bad-option', {concurrency = 0})
        assert.is_false(ok)
        assert.matches('concurrency', tostring(err))
        assert.are.same({}, h.leftovers(dir, 'bad-option'))
        -- An upload checks them whatever its size, before it opens its file.
        local small = h.random_file(dir .. '/bad-option-src', 10)
        ok, err = pcall(client.put_from_file, client, bucket, 'bad-option', small, {part_size = 1})
        assert.is_false(ok)
        assert.matches('part_size', tostring(err))
        ok, err = pcall(client.put, client, bucket, 'bad-option', 'tiny', {concurrency = 0})
        assert.is_false(ok)
        assert.matches('concurrency', tostring(err))
        ok, err = pcall(client.put, client, bucket, 'bad-option', function() return nil end, {part_size = 1})
        assert.is_false(ok)
        assert.matches('part_size', tostring(err))
        assert.are.equal(fds, h.fd_count())
        local _, herr = client:head(bucket, 'bad-option')
        assert.are.equal('NotFound', herr.code)
    end)

    it('reports the progress of put and get of a string, monotonic and ending at the size', function()
        local body = string.rep('0123456789abcdef', 3 * MiB / 16) .. 'tail'
        local function recorder()
            local calls = {}
            return calls, function(done, total) table.insert(calls, {done, total}) end
        end
        local function check(calls, total)
            assert.is_true(#calls >= 1)
            for i = 2, #calls do assert.is_true(calls[i][1] >= calls[i - 1][1]) end
            assert.are.same({total, total}, calls[#calls])
        end
        local put_calls, on_put = recorder()
        assert.is_true((client:put(bucket, 'string-progress', body, {on_progress = on_put})))
        check(put_calls, #body)
        local get_calls, on_get = recorder()
        local data = client:get(bucket, 'string-progress', {on_progress = on_get})
        assert.are.equal(body, data)
        check(get_calls, #body)
        local ok, err = pcall(client.get, client, bucket, 'string-progress', {on_progress = function()
            error('get stopped here')
        end})
        assert.is_false(ok)
        assert.matches('get stopped here', tostring(err))
    end)

    it('fails with PreconditionFailed when the object changes mid-download, leaving the old file', function()
        local src = h.random_file(dir .. '/v1', 4 * PART)
        assert(client:put_from_file(bucket, 'changing', src))
        local dst = dir .. '/changing'
        h.write_file(dst, 'old content')
        local replaced = false
        local ok, err = client:get_to_file(bucket, 'changing', dst, {concurrency = 1,
            on_progress = function()
                if not replaced then
                    replaced = true
                    assert(client:put(bucket, 'changing', 'a new version'))
                end
            end})
        assert.is_true(replaced)
        assert.is_nil(ok)
        assert.are.equal('PreconditionFailed', err.code)
        assert.matches('changed during the download', err.message)
        assert.are.equal('old content', h.read_file(dst))
        assert.are.same({}, h.leftovers(dir, 'changing.s3tmp'))
    end)

    it('aborts the upload when on_progress raises, and re-raises', function()
        local src = h.random_file(dir .. '/raise', 4 * PART)
        local ok, err = pcall(client.put_from_file, client, bucket, 'raised', src, {
            on_progress = function(done) if done > 0 then error('stop here') end end})
        assert.is_false(ok)
        assert.matches('stop here', tostring(err))
        assert.are.same({}, wait_no_uploads())
        local _, herr = client:head(bucket, 'raised')
        assert.are.equal('NotFound', herr.code)
    end)

    it('a raise in the last on_progress comes before the object is made: none is, no upload is left', function()
        local src = h.random_file(dir .. '/last-raise', 2 * PART + 1)
        local chunks = {h.read_file(src)}
        client:delete(bucket, 'last-raise')
        for name, put in pairs({
            file = function(opts) return client:put_from_file(bucket, 'last-raise', src, opts) end,
            reader = function(opts)
                local i = 0
                return client:put(bucket, 'last-raise', function()
                    i = i + 1
                    return chunks[i]
                end, opts)
            end,
        }) do
            local ok, err = pcall(put, {on_progress = function(done, total)
                if done == total then error('stopped at the end') end
            end})
            assert.is_false(ok, name)
            assert.matches('stopped at the end', tostring(err))
            assert.are.same({}, wait_no_uploads())
            local _, herr = client:head(bucket, 'last-raise')
            assert.are.equal('NotFound', herr.code, name)
        end
    end)

    it('aborts the upload when the fiber is cancelled mid-upload', function()
        local src = h.random_file(dir .. '/cancel', 6 * PART)
        local result
        local f = fiber.create(function()
            result = {client:put_from_file(bucket, 'cancelled', src, {concurrency = 2})}
        end)
        fiber.sleep(0.05)
        f:cancel()
        local deadline = clock.monotonic() + 5
        while result == nil and clock.monotonic() < deadline do fiber.sleep(0.01) end
        assert.is_not_nil(result, 'the cancelled call did not return')
        assert.is_nil(result[1])
        assert.are.equal('Cancelled', result[2].code)
        assert.are.same({}, wait_no_uploads())
        local _, herr = client:head(bucket, 'cancelled')
        assert.are.equal('NotFound', herr.code)
    end)

    it('fails and aborts when the file changes size during the upload', function()
        local src = h.random_file(dir .. '/grows', 3 * PART)
        local grown = false
        local ok, err = client:put_from_file(bucket, 'grows', src, {concurrency = 1,
            on_progress = function()
                if not grown then
                    grown = true
                    local fh = assert(fio.open(src, {'O_WRONLY', 'O_APPEND'}))
                    fh:write('more')
                    fh:close()
                end
            end})
        assert.is_nil(ok)
        assert.are.equal('IOError', err.code)
        assert.matches('changed size', err.message)
        assert.are.same({}, wait_no_uploads())
    end)

    it('fails a part whose server answers an error, aborting the upload', function()
        -- A bucket that vanishes mid-upload makes every later part fail (NoSuchUpload/NoSuchBucket).
        local other = h.bucket_name('engine-gone')
        assert(client:create_bucket(other))
        local src = h.random_file(dir .. '/gone', 4 * PART)
        local aborted_upload = false
        local ok, err = client:put_from_file(other, 'k', src, {concurrency = 1,
            on_progress = function(done)
                if done > 0 and not aborted_upload then
                    aborted_upload = true
                    -- Abort it behind the engine's back: the next part gets NoSuchUpload.
                    local id = open_uploads(other)[1]
                    assert(client:abort_multipart_upload(other, 'k', id))
                end
            end})
        assert.is_nil(ok)
        -- NoSuchUpload for a part sent after the abort; when every part was in before it,
        -- RGW 16 answers the Complete of an aborted upload with 500 (InternalError).
        assert.is_truthy(err.code == 'NoSuchUpload' or err.code == 'InternalError', tostring(err))
        local _, herr = client:head(other, 'k')
        assert.are.equal('NotFound', herr.code)
    end)

    for _, size in ipairs({3 * MiB, 4 * PART + 77}) do
        it('uploads ' .. size .. ' bytes from a FIFO (length unknown), compared by hash', function()
            local src = h.random_file(dir .. '/fifo-src', size)
            local fifo = dir .. '/fifo'
            fio.unlink(fifo)
            assert.are.equal(0, os.execute(string.format('mkfifo %q', fifo)))
            -- The writer runs beside us; opening the FIFO for reading waits for it (in a worker).
            assert.are.equal(0, os.execute(string.format('cat %q > %q &', src, fifo)))
            local ok, info = client:put_from_file(bucket, 'from fifo', fifo)
            assert.is_true(ok, tostring(info))
            assert.are.equal(size, info.size)
            local head = assert(client:head(bucket, 'from fifo'))
            assert.are.equal(size, head.size)
            assert.is_true((client:get_to_file(bucket, 'from fifo', dir .. '/fifo-dst')))
            assert.are.equal(h.sha256_file(src), h.sha256_file(dir .. '/fifo-dst'))
        end)
    end

    -- A stream's first buffer holds the threshold; past it the stream is cut into parts.
    for _, case in ipairs({
        {'threshold - 1', THRESHOLD - 1, nil},
        {'threshold', THRESHOLD, 2},
        {'threshold + 1', THRESHOLD + 1, 2},
        {'two parts exactly', 2 * PART, 2},
        {'three parts and a byte', 3 * PART + 1, 4},
    }) do
        it('streams ' .. case[1] .. ' bytes from a reader, compared by hash', function()
            local src = h.random_file(dir .. '/stream-src', case[2])
            local data = h.read_file(src)
            local at = 1
            local ok, info = client:put(bucket, 'stream ' .. case[1], function()
                -- Odd chunk sizes, so that chunks straddle the part buffers.
                local chunk = data:sub(at, at + 300000 - 1)
                at = at + #chunk
                return chunk
            end)
            assert.is_true(ok, tostring(info))
            assert.are.equal(case[2], info.size)
            local etag = assert(client:head(bucket, 'stream ' .. case[1])).etag
            if case[3] == nil then
                assert.is_nil(etag:find('-', 1, true), etag)
            else
                assert.matches('%-' .. case[3] .. '"?$', etag)
            end
            local dst = dir .. '/stream-dst'
            assert.is_true((client:get_to_file(bucket, 'stream ' .. case[1], dst)))
            assert.are.equal(h.sha256_file(src), h.sha256_file(dst))
        end)
    end

    it('a stream with the threshold two parts long cuts its first buffer in two', function()
        local c = s3.new({endpoint = h.config.endpoint, region = h.config.region,
            access_key_id = h.config.access_key_id, secret_access_key = h.config.secret_access_key,
            part_size = PART, multipart_threshold = 2 * PART})
        local src = h.random_file(dir .. '/stream-two', 2 * PART + 3)
        local fifo = dir .. '/fifo-two'
        fio.unlink(fifo)
        assert.are.equal(0, os.execute(string.format('mkfifo %q', fifo)))
        assert.are.equal(0, os.execute(string.format('cat %q > %q &', src, fifo)))
        local ok, info = c:put_from_file(bucket, 'stream two', fifo)
        assert.is_true(ok, tostring(info))
        assert.matches('%-3"?$', assert(c:head(bucket, 'stream two')).etag)
        local dst = dir .. '/stream-two-dst'
        assert.is_true((c:get_to_file(bucket, 'stream two', dst)))
        assert.are.equal(h.sha256_file(src), h.sha256_file(dst))
    end)

    it('a stream keeps its part buffers within 48 MiB at the defaults (RSS growth under 64 MiB)', function()
        local c = s3.new(h.config) -- 8 MiB parts, 24 in flight: unbounded, that would be 200 MiB
        local size = 400 * MiB
        local fifo = dir .. '/fifo-big'
        fio.unlink(fifo)
        assert.are.equal(0, os.execute(string.format('mkfifo %q', fifo)))
        assert.are.equal(0, os.execute(string.format('head -c %d /dev/zero > %q &', size, fifo)))
        collectgarbage()
        local rss0 = h.rss_kib('VmRSS')
        h.reset_peak_rss()
        local ok, info = c:put_from_file(bucket, 'stream big', fifo)
        local growth_mib = (h.rss_kib('VmHWM') - rss0) / 1024
        assert.is_true(ok, tostring(info))
        assert.are.equal(size, info.size)
        print(('\n    400 MiB from a FIFO at the defaults: RSS growth %.1f MiB'):format(growth_mib))
        assert.is_true(growth_mib < 64, ('RSS grew %.1f MiB'):format(growth_mib))
        assert(c:delete(bucket, 'stream big'))
    end)

    it('the part size of a stream doubles every 400 parts after 5,000: 10,000 parts reach 5 TiB', function()
        local size_of = require('s3.stream_upload').streamPartSize
        assert.are.equal(8 * MiB, size_of(8 * MiB, 1))
        assert.are.equal(8 * MiB, size_of(8 * MiB, 5000))
        assert.are.equal(16 * MiB, size_of(8 * MiB, 5001))
        assert.are.equal(16 * MiB, size_of(8 * MiB, 5400))
        assert.are.equal(32 * MiB, size_of(8 * MiB, 5401))
        assert.are.equal(5 * 1024 * MiB, size_of(5 * 1024 * MiB, 9999))
        -- From the smallest part size S3 allows on.
        for _, first in ipairs({5 * MiB, 8 * MiB}) do
            local total = 0
            for i = 1, 10000 do total = total + size_of(first, i) end
            assert.is_true(total >= 5 * 1024 * 1024 * MiB, 'only ' .. total .. ' bytes in 10,000 parts')
        end
    end)

    it('uploads from a reader function in parts, with progress of unknown total', function()
        local chunk = string.rep('0123456789abcdef', 4096) -- 64 KiB
        local n, count = 0, math.ceil((3 * PART + 5) / #chunk)
        local calls = {}
        local ok, info = client:put(bucket, 'from reader', function()
            n = n + 1
            if n <= count then return chunk end
        end, {on_progress = function(done, total) table.insert(calls, {done, total}) end})
        assert.is_true(ok, tostring(info))
        assert.are.equal(count * #chunk, info.size)
        assert.matches('%-4"?$', assert(client:head(bucket, 'from reader')).etag)
        local body = assert(client:get(bucket, 'from reader'))
        assert.are.equal(string.rep(chunk, count), body)
        assert.are.same({count * #chunk, count * #chunk}, calls[#calls])
    end)

    it('puts a short reader stream in one PUT', function()
        local parts = {'a', 'bc', '', 'def'}
        local i = 0
        assert.is_true((client:put(bucket, 'short reader', function() i = i + 1; return parts[i] end)))
        assert.are.equal('abc', (client:get(bucket, 'short reader')))
    end)

    it('aborts the upload when the reader raises, and re-raises', function()
        local n = 0
        local ok, err = pcall(client.put, client, bucket, 'reader raises', function()
            n = n + 1
            if n > 200 then error('reader broke') end
            return string.rep('x', 64 * 1024)
        end)
        assert.is_false(ok)
        assert.matches('reader broke', tostring(err))
        assert.are.same({}, wait_no_uploads())
        local _, herr = client:head(bucket, 'reader raises')
        assert.are.equal('NotFound', herr.code)
    end)

    -- Overwrites the first bytes of the download's temporary file (found beside dst).
    local function corrupt_temp(dst)
        local name = h.leftovers(dir, fio.basename(dst) .. '.s3tmp.')[1]
        local fh = assert(fio.open(dir .. '/' .. name, {'O_WRONLY'}))
        fh:pwrite('CORRUPTED', 0)
        fh:close()
    end

    for _, case in ipairs({{'single-part', 2 * MiB}, {'multipart', 3 * PART + 99}}) do
        local name, size = case[1], case[2]
        it('verify = true accepts a good ' .. name .. ' download and catches a corrupted one', function()
            local src = h.random_file(dir .. '/verify-src', size)
            assert(client:put_from_file(bucket, 'verify ' .. name, src))
            local dst = dir .. '/verified'
            local ok, info = client:get_to_file(bucket, 'verify ' .. name, dst, {verify = true})
            assert.is_true(ok, tostring(info))
            assert.are.equal(h.sha256_file(src), h.sha256_file(dst))
            h.write_file(dst, 'previous content')
            local corrupted = false
            local bad, err = client:get_to_file(bucket, 'verify ' .. name, dst, {verify = true,
                on_progress = function(done, total)
                    if done == total and not corrupted then
                        corrupted = true
                        corrupt_temp(dst)
                    end
                end})
            assert.is_true(corrupted)
            assert.is_nil(bad)
            assert.are.equal('BadDigest', err.code)
            assert.are.equal('previous content', h.read_file(dst))
            assert.are.same({}, h.leftovers(dir, 'verified.s3tmp'))
        end)
    end
end)
