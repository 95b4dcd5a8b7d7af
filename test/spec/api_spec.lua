-- The Lua layer's own logic on top of a scripted fake of s3.native: requests it builds,
-- results and error objects, retries, and the temporary file of get_to_file. No server needed.

local ffi = require('ffi')
local fio = require('fio')
local fiber = require('fiber')

pcall(ffi.cdef, [[
    long write(int fd, const void *buf, unsigned long count);
    long pread(int fd, void *buf, unsigned long count, long offset);
]])

local fake = dofile('test/spec/fake_native.lua')
local fake_native, load_s3 = fake.new, fake.load_s3

-- Handlers for the script.
local function ok_body(body, headers)
    return function(req)
        if req.sink_fd then
            assert(ffi.C.write(req.sink_fd, body, #body) == #body)
            return { status = 200, headers = headers or {}, bytes = #body }
        end
        return { status = 200, headers = headers or {}, body = body, bytes = #body }
    end
end

local function fail(err, partial)
    return function(req)
        if partial and req.sink_fd then
            ffi.C.write(req.sink_fd, partial, #partial)
        end
        return nil, err
    end
end

local function s3_error(code, status, message)
    return fail({ code = code, status = status, message = message or '', request_id = 'REQ1' })
end

local function read_file(path)
    local fh = assert(fio.open(path, { 'O_RDONLY' }))
    local data = fh:read()
    fh:close()
    return data
end

local function write_file(path, data)
    local fh = assert(fio.open(path, { 'O_WRONLY', 'O_CREAT', 'O_TRUNC' }, tonumber('644', 8)))
    fh:write(data)
    fh:close()
end

local function fd_count()
    return #fio.listdir('/proc/self/fd')
end

local CFG = {
    endpoint = 'http://127.0.0.1:1', access_key_id = 'AKID', secret_access_key = 'SECRET', retries = 3,
}

describe('s3 API over a fake native module', function()
    local native, s3, dir

    before_each(function()
        native = fake_native()
        s3 = load_s3(native)
        s3.cfg(CFG)
        dir = fio.tempdir()
    end)

    after_each(function()
        fio.rmtree(dir)
        fake.unload()
    end)

    local function leftovers()
        local names = fio.listdir(dir)
        table.sort(names)
        return names
    end

    describe('error objects', function()
        it('carry code, status, message, request id, bucket, key and print on one line', function()
            native.script = { fail({ code = 'NoSuchKey', status = 404,
                message = 'The specified key does not exist.', request_id = 'TX123' }) }
            local body, err = s3.get('bkt', 'k')
            assert.is_nil(body)
            assert.are.equal('NoSuchKey', err.code)
            assert.are.equal(404, err.status)
            assert.are.equal('The specified key does not exist.', err.message)
            assert.are.equal('TX123', err.request_id)
            assert.are.equal('bkt', err.bucket)
            assert.are.equal('k', err.key)
            assert.is_false(err.retryable)
            assert.are.equal('NoSuchKey (404): The specified key does not exist. [bucket=bkt key=k request_id=TX123]',
                tostring(err))
            assert.is_true(s3.is_error(err))
            assert.are.equal(s3.error_mt, getmetatable(err))
            assert.is_false(s3.is_error({ code = 'x' }))
        end)

        it('print well without a message or a response', function()
            native.script = { s3_error('AccessDenied', 403, ''), fail({ code = 'ConnectionError', message = 'refused' }) }
            local _, err = s3.head('bkt', 'k')
            assert.are.equal('AccessDenied (403) [bucket=bkt key=k request_id=REQ1]', tostring(err))
            s3.cfg({ endpoint = CFG.endpoint, access_key_id = 'A', secret_access_key = 'S', retries = 0 })
            _, err = s3.delete_bucket('bkt')
            assert.are.equal('ConnectionError: refused [bucket=bkt]', tostring(err))
            assert.is_nil(err.status)
            assert.is_true(err.retryable)
        end)
    end)

    describe('retries', function()
        it('repeat 503 SlowDown with backoff until success', function()
            native.script = { s3_error('SlowDown', 503), s3_error('SlowDown', 503), ok_body('fine') }
            local t0 = fiber.clock()
            local body = s3.get('bkt', 'k')
            assert.are.equal('fine', body)
            assert.are.equal(3, #native.requests)
            assert.is_true(fiber.clock() - t0 < 1)
        end)

        it('give up after `retries` repeats with the last error', function()
            s3.cfg({ endpoint = CFG.endpoint, access_key_id = 'A', secret_access_key = 'S', retries = 2 })
            native.script = { s3_error('InternalError', 500), s3_error('ServiceUnavailable', 503),
                              s3_error('InternalError', 500), ok_body('never') }
            local body, err = s3.get('bkt', 'k')
            assert.is_nil(body)
            assert.are.equal('InternalError', err.code)
            assert.is_true(err.retryable)
            assert.are.equal(3, #native.requests)
        end)

        it('retry transport failures, 5xx and S3 transient codes', function()
            for _, e in ipairs({
                { code = 'ConnectionError' }, { code = 'Timeout' }, { code = 'BadGateway', status = 502 },
                { code = 'GatewayTimeout', status = 504 }, { code = 'RequestTimeout', status = 400 },
                { code = 'SlowDown', status = 429 },
            }) do
                native.requests = {}
                native.script = { fail(e), ok_body('x') }
                assert.are.equal('x', (s3.get('bkt', 'k')), e.code)
                assert.are.equal(2, #native.requests, e.code)
            end
        end)

        it('never retry 4xx, IOError, Cancelled or a native InternalError', function()
            for _, e in ipairs({
                { code = 'NoSuchKey', status = 404 }, { code = 'AccessDenied', status = 403 },
                { code = 'InvalidRange', status = 416 }, { code = 'IOError' }, { code = 'Cancelled' },
                { code = 'InternalError' }, { code = 'Whatever', status = 501 },
                { code = 'TLSError', message = 'SSL certificate problem: self-signed certificate' },
                { code = 'EntityTooLarge', status = 400 },
            }) do
                native.requests = {}
                native.script = { fail(e), ok_body('x') }
                local body, err = s3.get('bkt', 'k')
                assert.is_nil(body, e.code)
                assert.are.equal(e.code, err.code)
                assert.is_false(err.retryable, e.code)
                assert.are.equal(1, #native.requests, e.code)
                native.script = {}
            end
        end)

        it('are off with retries = 0', function()
            s3.cfg({ endpoint = CFG.endpoint, access_key_id = 'A', secret_access_key = 'S', retries = 0 })
            native.script = { s3_error('SlowDown', 503), ok_body('x') }
            local _, err = s3.put('bkt', 'k', 'body')
            assert.are.equal('SlowDown', err.code)
            assert.are.equal(1, #native.requests)
        end)
    end)

    describe('get_to_file', function()
        it('writes through a temporary file beside the target and renames it', function()
            local path = fio.pathjoin(dir, 'out.bin')
            native.script = { ok_body('hello world', {
                etag = '"abc"', ['content-length'] = '11', ['content-type'] = 'text/plain',
                ['last-modified'] = 'Wed, 25 Nov 2026 18:00:00 GMT', ['x-amz-meta-origin'] = 'test',
            }) }
            local ok, info = s3.get_to_file('bkt', 'dir/k', path, { timeout = 5 })
            assert.is_true(ok)
            assert.are.same({ size = 11, etag = '"abc"', content_type = 'text/plain',
                last_modified = 'Wed, 25 Nov 2026 18:00:00 GMT', metadata = { origin = 'test' } }, info)
            assert.are.equal('hello world', read_file(path))
            assert.are.same({ 'out.bin' }, leftovers())
            local req = native.requests[1]
            assert.are.equal('GET', req.method)
            assert.are.equal('bkt', req.bucket)
            assert.are.equal('dir/k', req.key)
            assert.are.equal(0, req.sink_offset)
            -- What is left of the call's deadline when the attempt starts.
            assert.is_true(req.timeout > 4.9 and req.timeout <= 5, tostring(req.timeout))
            assert.is_nil(req.body)
            assert.is_truthy(string.find(req.sink_path, path .. '.s3tmp.', 1, true), req.sink_path)
        end)

        it('replaces an existing file only on success', function()
            local path = fio.pathjoin(dir, 'precious')
            write_file(path, 'old content')
            native.script = { fail({ code = 'NoSuchKey', status = 404 }) }
            local ok, err = s3.get_to_file('bkt', 'k', path)
            assert.is_nil(ok)
            assert.are.equal('NoSuchKey', err.code)
            assert.are.equal('old content', read_file(path))
            assert.are.same({ 'precious' }, leftovers())
            native.script = { ok_body('new') }
            assert.is_true((s3.get_to_file('bkt', 'k', path)))
            assert.are.equal('new', read_file(path))
            assert.are.same({ 'precious' }, leftovers())
        end)

        it('starts the file over on a retry', function()
            local path = fio.pathjoin(dir, 'retried')
            native.script = { fail({ code = 'ConnectionError', message = 'reset' }, 'garbage garbage garbage'),
                              ok_body('short') }
            local ok, info = s3.get_to_file('bkt', 'k', path)
            assert.is_true(ok, tostring(info))
            assert.are.equal('short', read_file(path))
            assert.are.equal(2, #native.requests)
            assert.are.same({ 'retried' }, leftovers())
        end)

        it('removes the temporary file on a partial failure', function()
            local path = fio.pathjoin(dir, 'partial')
            native.script = { fail({ code = 'IOError', message = 'disk full' }, 'half') }
            local ok, err = s3.get_to_file('bkt', 'k', path)
            assert.is_nil(ok)
            assert.are.equal('IOError', err.code)
            assert.are.same({}, leftovers())
        end)

        it('removes the temporary file and re-raises when the native call raises', function()
            local path = fio.pathjoin(dir, 'raised')
            native.script = { function() error('boom from native') end }
            local ok, err = pcall(s3.get_to_file, 'bkt', 'k', path)
            assert.is_false(ok)
            assert.is_truthy(string.find(tostring(err), 'boom from native', 1, true))
            assert.are.same({}, leftovers())
        end)

        it('returns Cancelled without retrying and cleans up', function()
            local path = fio.pathjoin(dir, 'cancelled')
            native.script = { fail({ code = 'Cancelled', message = 'fiber is cancelled' }, 'part'), ok_body('x') }
            local ok, err = s3.get_to_file('bkt', 'k', path)
            assert.is_nil(ok)
            assert.are.equal('Cancelled', err.code)
            assert.are.equal(1, #native.requests)
            assert.are.same({}, leftovers())
        end)

        it('cleans up when the fiber is cancelled during the backoff', function()
            local path = fio.pathjoin(dir, 'backoff')
            s3.cfg({ endpoint = CFG.endpoint, access_key_id = 'A', secret_access_key = 'S', retries = 10 })
            for _ = 1, 11 do
                table.insert(native.script, s3_error('SlowDown', 503))
            end
            local f = fiber.new(function()
                return s3.get_to_file('bkt', 'k', path)
            end)
            f:set_joinable(true)
            while #native.requests < 2 do
                fiber.sleep(0.01)
            end
            -- The backoff is random: a short one may have let a third attempt out already.
            local sent = #native.requests
            f:cancel()
            local ok, res, err = f:join()
            assert.is_true(ok, tostring(res))
            assert.is_nil(res)
            assert.are.equal('Cancelled', err.code)
            assert.are.equal(sent, #native.requests, 'an attempt after the cancel')
            assert.is_true(sent < 11)
            assert.are.same({}, leftovers())
        end)

        it('returns IOError when the temporary file cannot be made', function()
            local ok, err = s3.get_to_file('bkt', 'k', fio.pathjoin(dir, 'no/such/dir/file'))
            assert.is_nil(ok)
            assert.are.equal('IOError', err.code)
            assert.is_nil(err.status)
            assert.is_truthy(string.find(err.message, 'No such file or directory', 1, true), err.message)
            assert.are.equal(0, #native.requests)
        end)

        it('returns IOError when the target is a directory, leaving nothing behind', function()
            local target = fio.pathjoin(dir, 'adir')
            assert(fio.mkdir(target))
            native.script = { ok_body('data') }
            local ok, err = s3.get_to_file('bkt', 'k', target)
            assert.is_nil(ok)
            assert.are.equal('IOError', err.code)
            assert.are.same({ 'adir' }, leftovers())
        end)

        it('leaks no descriptors', function()
            local before = fd_count()
            native.script = { ok_body('a'), s3_error('NoSuchKey', 404) }
            s3.get_to_file('bkt', 'k', fio.pathjoin(dir, 'f1'))
            s3.get_to_file('bkt', 'k', fio.pathjoin(dir, 'f2'))
            assert.are.equal(before, fd_count())
        end)
    end)

    describe('put_from_file', function()
        it('streams the file from its descriptor with headers and metadata', function()
            local path = fio.pathjoin(dir, 'src')
            write_file(path, 'file body 123')
            local seen
            native.script = { function(req)
                local buf = ffi.new('char[?]', req.body_size)
                local n = ffi.C.pread(req.body_fd, buf, req.body_size, req.body_offset)
                seen = ffi.string(buf, n)
                return { status = 200, headers = { etag = '"e1"' }, bytes = 0 }
            end }
            local before = fd_count()
            local ok, info = s3.put_from_file('bkt', 'k', path, {
                content_type = 'text/plain', metadata = { Origin = 'spec', n = 1 },
                headers = { ['Cache-Control'] = 'no-cache' }, timeout = 7,
            })
            assert.is_true(ok, tostring(info))
            assert.are.same({ size = 13, etag = '"e1"' }, info)
            assert.are.equal('file body 123', seen)
            assert.are.equal(before, fd_count())
            local req = native.requests[1]
            assert.are.equal('PUT', req.method)
            assert.are.equal(0, req.body_offset)
            assert.are.equal(13, req.body_size)
            assert.is_true(req.timeout > 6.9 and req.timeout <= 7, tostring(req.timeout))
            assert.is_nil(req.body)
            -- Content-MD5: base64 of the MD5 of the file's bytes, for the server to check.
            assert.are.same({ ['content-type'] = 'text/plain', ['x-amz-meta-origin'] = 'spec',
                ['x-amz-meta-n'] = '1', ['cache-control'] = 'no-cache',
                ['content-md5'] = require('digest').base64_encode(require('digest').md5('file body 123')) },
                req.headers)
        end)

        it('returns IOError for a missing file or a directory, sending nothing', function()
            local ok, err = s3.put_from_file('bkt', 'k', fio.pathjoin(dir, 'missing'))
            assert.is_nil(ok)
            assert.are.equal('IOError', err.code)
            assert.is_truthy(string.find(err.message, 'No such file or directory', 1, true), err.message)
            ok, err = s3.put_from_file('bkt', 'k', dir)
            assert.is_nil(ok)
            assert.are.equal('IOError', err.code)
            assert.is_truthy(string.find(err.message, 'not a regular file', 1, true), err.message)
            assert.are.equal(0, #native.requests)
        end)

        it('starts a multipart upload from the threshold on, with the upload headers', function()
            local path = fio.pathjoin(dir, 'sparse')
            local GiB = 1024 * 1024 * 1024
            assert.are.equal(0, os.execute(string.format('truncate -s %d %q', 5 * GiB + 1, path)))
            local before = fd_count()
            -- The fake answers CreateMultipartUpload without an UploadId.
            local ok, err = s3.put_from_file('bkt', 'big', path, { content_type = 'application/x-snap' })
            assert.is_nil(ok)
            assert.are.equal('InvalidResponse', err.code)
            assert.is_truthy(string.find(err.message, 'UploadId', 1, true), err.message)
            assert.are.equal(1, #native.requests)
            local req = native.requests[1]
            assert.are.equal('POST', req.method)
            assert.are.equal('', req.query.uploads)
            assert.are.equal('application/x-snap', req.headers['content-type'])
            assert.are.equal(before, fd_count())
        end)

        it('closes the file when the native call raises', function()
            local path = fio.pathjoin(dir, 'src')
            write_file(path, 'x')
            local before = fd_count()
            native.script = { function() error('boom') end }
            assert.is_false((pcall(s3.put_from_file, 'bkt', 'k', path)))
            assert.are.equal(before, fd_count())
        end)
    end)

    describe('get, put, head, delete, buckets', function()
        it('get returns the body and sends the range', function()
            native.script = { ok_body('234', { ['content-range'] = 'bytes 2-4/10', ['content-length'] = '3' }) }
            local body, info = s3.get('bkt', 'k', { range = 'bytes=2-4' })
            assert.are.equal('234', body)
            assert.are.equal(3, info.size)
            assert.are.equal('bytes 2-4/10', info.content_range)
            assert.are.equal('bytes=2-4', native.requests[1].headers.range)
            assert.is_nil(native.requests[1].sink_fd)
        end)

        it('put sends the string body', function()
            native.script = { ok_body('', { etag = '"e2"', ['x-amz-version-id'] = 'v1' }) }
            local ok, info = s3.put('bkt', 'k', 'payload', { content_type = 'application/json' })
            assert.is_true(ok)
            assert.are.same({ size = 7, etag = '"e2"', version_id = 'v1' }, info)
            assert.are.equal('payload', native.requests[1].body)
            assert.are.equal('application/json', native.requests[1].headers['content-type'])
        end)

        it('head returns size, etag, type, date and metadata', function()
            native.script = { ok_body('', { ['content-length'] = '1234', etag = '"e3"', ['content-type'] = 'a/b',
                ['last-modified'] = 'Thu, 01 Jan 2026 00:00:00 GMT', ['x-amz-meta-k'] = 'v' }) }
            local info = s3.head('bkt', 'k')
            assert.are.same({ size = 1234, etag = '"e3"', content_type = 'a/b',
                last_modified = 'Thu, 01 Jan 2026 00:00:00 GMT', metadata = { k = 'v' } }, info)
            assert.are.equal('HEAD', native.requests[1].method)
        end)

        it('head of a missing key returns NotFound', function()
            native.script = { fail({ code = 'NotFound', status = 404, message = '' }) }
            local info, err = s3.head('bkt', 'k')
            assert.is_nil(info)
            assert.are.equal('NotFound', err.code)
        end)

        it('delete and delete_bucket return true', function()
            assert.is_true(s3.delete('bkt', 'k'))
            assert.is_true(s3.delete_bucket('bkt'))
            assert.are.equal('DELETE', native.requests[1].method)
            assert.are.equal('k', native.requests[1].key)
            assert.are.equal('DELETE', native.requests[2].method)
            assert.are.equal('bkt', native.requests[2].bucket)
            assert.is_nil(native.requests[2].key)
        end)

        it('create_bucket names the region on AWS outside us-east-1 only', function()
            assert.is_true(s3.create_bucket('bkt1'))
            assert.is_nil(native.requests[1].body)
            assert.is_nil(native.requests[1].key)
            local aws = s3.new({ region = 'eu-west-1', access_key_id = 'A', secret_access_key = 'S' })
            assert.is_true(aws:create_bucket('bkt2'))
            assert.is_truthy(string.find(native.requests[2].body,
                '<LocationConstraint>eu-west-1</LocationConstraint>', 1, true))
            local us = s3.new({ region = 'us-east-1', access_key_id = 'A', secret_access_key = 'S' })
            assert.is_true(us:create_bucket('bkt3'))
            assert.is_nil(native.requests[3].body)
            assert.is_true(s3.create_bucket('bkt4', { location_constraint = 'default' }))
            assert.is_truthy(string.find(native.requests[4].body, '<LocationConstraint>default<', 1, true))
        end)

        it('a client made by s3.new works with the colon syntax', function()
            local c = s3.new(CFG)
            native.script = { ok_body('c') }
            assert.are.equal('c', (c:get('bkt', 'k')))
            assert.is_true(c:delete('bkt', 'k'))
            assert.are.equal(2, #native.clients)
        end)
    end)
end)

describe('CompleteMultipartUpload whose answer was lost', function()
    local digest = require('digest')
    local native, s3

    before_each(function()
        native = fake_native()
        s3 = load_s3(native)
        s3.cfg(CFG)
    end)

    after_each(function()
        fake.unload()
    end)

    local parts = {
        {part_number = 1, etag = '"' .. digest.md5_hex('part one') .. '"'},
        {part_number = 2, etag = '"' .. digest.md5_hex('part two') .. '"'},
    }
    local composite = digest.md5_hex(digest.md5('part one') .. digest.md5('part two')) .. '-2'

    -- The first Complete's answer is lost; its repeat finds no upload; then HEAD answers etag.
    local function script(head_etag)
        native.script = {
            function() return nil, {code = 'ConnectionError', message = 'reset by peer'} end,
            function() return nil, {code = 'NoSuchUpload', status = 404, message = 'no such upload'} end,
            function(req)
                assert.are.equal('HEAD', req.method)
                return {status = 200, headers = {etag = head_etag}, bytes = 0}
            end,
        }
    end

    it('succeeds when the object there is the one its parts make', function()
        script('"' .. composite .. '"')
        local complete = require('s3.multipart').completeUpload
        local etag, err = complete(s3.new(CFG), 'bkt', 'key', 'upload-1', parts, 5)
        assert.is_nil(err)
        assert.are.equal('"' .. composite .. '"', etag)
        assert.are.equal(3, #native.requests)
    end)

    it('fails with NoSuchUpload when the object there is another one', function()
        script('"' .. digest.md5_hex('another object') .. '"')
        local complete = require('s3.multipart').completeUpload
        local etag, err = complete(s3.new(CFG), 'bkt', 'key', 'upload-1', parts, 5)
        assert.is_nil(etag)
        assert.are.equal('NoSuchUpload', err.code)
    end)
end)

describe('the part size of a multipart upload', function()
    local MiB, GiB = 1024 * 1024, 1024 * 1024 * 1024

    after_each(function()
        fake.unload()
    end)

    it('grows in whole MiB so that no upload needs more than 10,000 parts, up to 5 TiB', function()
        load_s3(fake_native())
        local part_size_for = require('s3.parts').partSizeFor
        assert.are.equal(8 * MiB, part_size_for(78 * GiB, 8 * MiB))
        -- 100 GiB in 8 MiB parts would be 12,800 parts: 11 MiB parts make 9,310.
        assert.are.equal(11 * MiB, part_size_for(100 * GiB, 8 * MiB))
        assert.is_true(math.ceil(100 * GiB / part_size_for(100 * GiB, 8 * MiB)) <= 10000)
        -- 5 TiB: parts of 525 MiB (5 TiB / 10,000 is 524.3 MiB).
        assert.are.equal(525 * MiB, part_size_for(5 * 1024 * GiB, 5 * MiB))
        -- A part larger than S3's 5 GiB is never chosen.
        assert.is_nil(part_size_for(60 * 1024 * GiB, 8 * MiB))
    end)
end)

describe('verify of a download', function()
    local digest = require('digest')

    after_each(function()
        fake.unload()
    end)

    it('refuses an object encrypted by key, and asks for part 1 of the same version', function()
        local native = fake_native()
        local s3 = load_s3(native)
        local c = s3.new(CFG)
        local verify = require('s3.verify').verifyDownload
        local composite = digest.md5_hex(digest.md5('01234') .. digest.md5('56789')) .. '-2'
        local err = verify(c, 'bkt', 'key', -1, 10, {etag = '"' .. composite .. '"',
            ['x-amz-server-side-encryption'] = 'aws:kms'}, nil, nil)
        assert.are.equal('InvalidArgument', err.code)
        assert.matches('SSE%-KMS or SSE%-C', err.message)
        err = verify(c, 'bkt', 'key', -1, 10, {etag = '"' .. composite .. '"',
            ['x-amz-server-side-encryption-customer-algorithm'] = 'AES256'}, nil, nil)
        assert.are.equal('InvalidArgument', err.code)
        assert.are.equal(0, #native.requests)

        local dir = fio.tempdir()
        local path = dir .. '/ten'
        local fh = fio.open(path, {'O_RDWR', 'O_CREAT'}, tonumber('644', 8))
        fh:write('0123456789')
        native.script = {function(req)
            assert.are.equal('HEAD', req.method)
            return {status = 206, headers = {['content-length'] = '5', ['x-amz-mp-parts-count'] = '2'}, bytes = 0}
        end}
        err = verify(c, 'bkt', 'key', fh.fh, 10, {etag = '"' .. composite .. '"'}, {versionId = 'v1'}, nil)
        fh:close()
        fio.rmtree(dir)
        assert.is_nil(err)
        assert.are.same({partNumber = '1', versionId = 'v1'}, native.requests[1].query)
    end)
end)
