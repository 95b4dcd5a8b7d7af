-- Argument checks against the real S3 server, where the round trip shows what a missing check
-- did: a NUL byte cut a key or bucket short in C ('a\0x' wrote 'a', 'b\0evil' wrote into 'b'),
-- a '/' in a bucket reached the server as SignatureDoesNotMatch, a bad endpoint failed only at
-- the first request, a file over 5 GiB was uploaded until the server refused it.
local s3 = require('s3')
local fio = require('fio')
local clock = require('clock')
local h = dofile('test/spec/helper.lua')

describe('argument checks against a real S3 server', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local bucket = h.bucket_name('validation')
    local dir, client

    setup(function()
        client = s3.new(h.config)
        assert(client:create_bucket(bucket))
        dir = h.tempdir()
    end)

    teardown(function()
        h.rmtree(dir)
    end)

    local function absent(b, key)
        local info, err = client:head(b, key)
        assert.is_nil(info, key .. ' exists')
        assert.are.equal('NotFound', err.code)
    end

    it("refuses keys 'a\\0x' and 'a\\0y' instead of writing object 'a'", function()
        for _, key in ipairs({'a\0x', 'a\0y'}) do
            local ok, err = pcall(client.put, client, bucket, key, 'body of ' .. key)
            assert.is_false(ok)
            assert.is_truthy(tostring(err):find('client:put: key must not contain a NUL byte', 1, true), tostring(err))
            ok, err = pcall(client.get, client, bucket, key)
            assert.is_false(ok)
            assert.is_truthy(tostring(err):find('client:get: key must not contain a NUL byte', 1, true), tostring(err))
        end
        absent(bucket, 'a')
        -- s3.native, the layer below, refuses them too
        local ok, err = pcall(client._native.request, client._native, {method = 'PUT', bucket = bucket,
            key = 'a\0x', body = 'x'})
        assert.is_false(ok)
        assert.is_truthy(tostring(err):find('key must not contain a NUL byte', 1, true), tostring(err))
        absent(bucket, 'a')
    end)

    it("refuses bucket 'name\\0evil' instead of writing into bucket 'name'", function()
        local ok, err = pcall(client.put, client, bucket .. '\0evil', 'k', 'v')
        assert.is_false(ok)
        assert.is_truthy(tostring(err):find('client:put: bucket must not contain a NUL byte', 1, true), tostring(err))
        ok, err = pcall(client._native.request, client._native, {method = 'PUT', bucket = bucket .. '\0evil',
            key = 'k', body = 'v'})
        assert.is_false(ok)
        assert.is_truthy(tostring(err):find('bucket must not contain a NUL byte', 1, true), tostring(err))
        ok, err = pcall(client._native.request, client._native, {method = 'PUT', bucket = bucket, key = 'k',
            body = 'v', headers = {['x-amz-meta-a'] = 'v\0evil'}})
        assert.is_false(ok)
        assert.is_truthy(tostring(err):find('headers must not contain NUL bytes', 1, true), tostring(err))
        absent(bucket, 'k')
    end)

    it('refuses a bucket with a slash before the server sees it', function()
        local ok, err = pcall(client.put, client, bucket .. '/sub', 'k', 'v')
        assert.is_false(ok)
        assert.is_truthy(tostring(err):find('client:put: bucket must be 3-63 characters of a-z 0-9 . -', 1, true),
            tostring(err))
        -- the native client has a last check of its own (for the C API)
        local resp, nerr = client._native:request({method = 'PUT', bucket = bucket .. '/sub', key = 'k', body = 'v'})
        assert.is_nil(resp)
        assert.are.equal('InvalidArgument', nerr.code)
        assert.is_truthy(nerr.message:find('bucket must be 1-255 characters', 1, true), nerr.message)
        absent(bucket, 'sub/k')
    end)

    it('takes keys of 1024 bytes, refuses 1025', function()
        local key = string.rep('k', 1000) .. '/' .. string.rep('é', 11) .. 'x'
        assert.are.equal(1024, #key)
        assert.is_true((client:put(bucket, key, 'long key')))
        assert.are.equal('long key', (client:get(bucket, key)))
        assert.is_true((client:delete(bucket, key)))
        assert.has_error(function() client:put(bucket, key .. 'x', 'v') end)
        local resp, nerr = client._native:request({method = 'GET', bucket = bucket, key = key .. 'x'})
        assert.is_nil(resp)
        assert.are.equal('InvalidArgument', nerr.code)
    end)

    it('refuses a tab in metadata (RGW would answer SignatureDoesNotMatch), sends spaces and UTF-8', function()
        client:delete(bucket, 'meta') -- bucket names repeat where math.random is not seeded
        assert.has_error(function() client:put(bucket, 'meta', 'x', {metadata = {note = 'a\tb'}}) end)
        local resp, nerr = client._native:request({method = 'PUT', bucket = bucket, key = 'meta', body = 'x',
            headers = {['x-amz-meta-note'] = 'a\tb'}})
        assert.is_nil(resp)
        assert.are.equal('InvalidArgument', nerr.code)
        absent(bucket, 'meta')
        assert.is_true((client:put(bucket, 'meta', 'x', {metadata = {note = 'a  b é'}})))
        local info = assert(client:head(bucket, 'meta'))
        assert.is_string(info.metadata.note)
    end)

    it('accepts an endpoint with an upper-case scheme and a trailing slash', function()
        local cfg = table.copy(h.config)
        cfg.endpoint = h.endpoint:gsub('^http', 'HTTP') .. '/'
        local c = s3.new(cfg)
        assert.are.equal(h.endpoint, c._cfg.endpoint)
        assert.is_true((c:put(bucket, 'scheme', 'v')))
        assert.are.equal('v', (c:get(bucket, 'scheme')))
    end)

    it('legacy_bucket_names = true lets an old-style name reach the server', function()
        local cfg = table.copy(h.config)
        cfg.legacy_bucket_names = true
        local c = s3.new(cfg)
        local body, err = c:get('Legacy_Bucket_' .. math.random(1e9), 'k')
        assert.is_nil(body)
        -- the server's answer (no such bucket), not a local refusal
        assert.is_number(err.status)
        assert.is_string(err.request_id)
        assert.has_error(function() c:get('bad/name', 'k') end)
    end)

    it('refuses a file over 5 TiB at once with EntityTooLarge and uploads nothing', function()
        local huge = fio.pathjoin(dir, 'sparse-5t')
        assert.are.equal(0, os.execute(string.format('truncate -s %d %q', 5 * 1024 ^ 4 + 1, huge)))
        local t0 = clock.monotonic()
        local ok, err = client:put_from_file(bucket, 'five-tib', huge)
        local took = clock.monotonic() - t0
        fio.unlink(huge)
        assert.is_nil(ok)
        assert.are.equal('EntityTooLarge', err.code)
        assert.is_false(err.retryable)
        assert.is_truthy(err.message:find('5 TiB', 1, true), err.message)
        assert.is_true(took < 0.5, 'took ' .. took .. ' s')
        assert.are.equal(0, client:stats().active_requests)
        absent(bucket, 'five-tib')
    end)

    it('refuses a single PUT over 5 GiB in the native client (the C API sends through it)', function()
        local path = fio.pathjoin(dir, 'sparse-6g')
        assert.are.equal(0, os.execute(string.format('truncate -s 6G %q', path)))
        local fh = assert(fio.open(path, {'O_RDONLY'}))
        local resp, nerr = client._native:request({method = 'PUT', bucket = bucket, key = 'six-gib',
            body_fd = fh.fh, body_offset = 0, body_size = 6 * 1024 ^ 3})
        fh:close()
        assert.is_nil(resp)
        assert.are.equal('EntityTooLarge', nerr.code)
        absent(bucket, 'six-gib')
        fio.unlink(path)
    end)
end)
