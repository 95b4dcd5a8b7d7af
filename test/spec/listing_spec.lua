-- Listing, delete_many, copy, buckets and multipart uploads against the real S3 server (Ceph
-- RGW), plus a tiny scripted HTTP server on loopback for answers RGW never gives (a 200 with an
-- <Error> body, malformed XML).
local s3 = require('s3')
local fiber = require('fiber')
local socket = require('socket')
local digest = require('digest')
local h = dofile('test/spec/helper.lua')

local MiB = 1024 * 1024

-- Runs fn(i) for i = 1..n in `width` fibers at once; raises on the first failure.
local function parallel(n, width, fn)
    local next_i, running, failure = 1, width, nil
    local done = fiber.cond()
    for _ = 1, width do
        fiber.create(function()
            while failure == nil and next_i <= n do
                local i = next_i
                next_i = i + 1
                local ok, err = pcall(fn, i)
                if not ok then failure = failure or err end
            end
            running = running - 1
            done:broadcast()
        end)
    end
    while running > 0 do done:wait(1) end
    if failure then error(failure, 2) end
end

-- Wraps a client's native requests: on_request(req) may return a replacement answer (resp, err)
-- or nothing to let the request through. Returns the list of requests seen.
local function spy(client, on_request)
    local real = client._native
    local seen = {}
    client._native = setmetatable({
        request = function(_, req)
            table.insert(seen, req)
            if on_request then
                local handled, resp, err = on_request(req, #seen)
                if handled then return resp, err end
            end
            return real:request(req)
        end,
    }, {__index = function(_, name)
        return function(_, ...) return real[name](real, ...) end
    end})
    return seen, function() client._native = real end
end

local function count_with(seen, pred)
    local n = 0
    for _, req in ipairs(seen) do if pred(req) then n = n + 1 end end
    return n
end

-- A loopback HTTP server that answers every request with status and body.
local function scripted_server(status, body)
    local server = socket.tcp_server('127.0.0.1', 0, function(s)
        local got = ''
        while not got:find('\r\n\r\n', 1, true) do
            local chunk = s:read({delimiter = '\r\n\r\n'}, 5)
            if chunk == nil or chunk == '' then return end
            got = got .. chunk
        end
        local len = tonumber(got:lower():match('content%-length: *(%d+)')) or 0
        if len > 0 then s:read(len, 5) end
        s:write(string.format('HTTP/1.1 %d X\r\nContent-Type: application/xml\r\n' ..
            'Content-Length: %d\r\nConnection: close\r\n\r\n%s', status, #body, body))
        s:shutdown(socket.SHUT_WR)
    end)
    return server, 'http://127.0.0.1:' .. server:name().port
end

describe('listing, delete_many, copy, buckets and uploads against a real S3 server', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    -- Names of this run only (math.random is not seeded: helper's names repeat across runs).
    local run = digest.base64_encode(digest.urandom(6), {urlsafe = true}):lower():gsub('[^a-z0-9]', '0')
    local bucket = h.bucket_name('listing-' .. run)
    local other = h.bucket_name('listing-dst-' .. run)
    local N_A, N_B, N_C = 1000, 1000, 500  -- 2,500 keys under pages/a/, pages/b/, pages/c/

    local function page_key(dir, i) return string.format('pages/%s/%04d', dir, i) end

    setup(function()
        s3.cfg(h.config)
        assert(s3.create_bucket(bucket))
        assert(s3.create_bucket(other))
        local keys = {}
        for i = 1, N_A do table.insert(keys, page_key('a', i)) end
        for i = 1, N_B do table.insert(keys, page_key('b', i)) end
        for i = 1, N_C do table.insert(keys, page_key('c', i)) end
        parallel(#keys, 16, function(i) assert(s3.put(bucket, keys[i], 'x' .. i)) end)
    end)

    describe('list', function()
        it('pages through 2,500 keys with continuation tokens, in order, each key once', function()
            local all, pages, token = {}, 0, nil
            repeat
                local page, err = s3.list(bucket, {prefix = 'pages/', max_keys = 700,
                    continuation_token = token})
                assert.is_table(page, tostring(err))
                pages = pages + 1
                assert.are.same({}, page.prefixes)
                for _, o in ipairs(page.objects) do table.insert(all, o) end
                token = page.next_continuation_token
                if page.is_truncated then
                    assert.are.equal(700, #page.objects)
                    assert.is_string(token)
                else
                    assert.is_nil(token)
                end
            until not page.is_truncated
            assert.are.equal(4, pages)
            assert.are.equal(2500, #all)
            for i = 2, #all do assert.is_true(all[i - 1].key < all[i].key) end
            assert.are.equal(page_key('a', 1), all[1].key)
            assert.are.equal(page_key('c', N_C), all[#all].key)
            local o = all[1]
            assert.are.equal(2, o.size)  -- 'x1'
            assert.are.equal('"' .. digest.md5_hex('x1') .. '"', o.etag)
            assert.is_string(o.last_modified)
            assert.matches('^%d%d%d%d%-%d%d%-%d%dT', o.last_modified)
            assert.are.equal('STANDARD', o.storage_class)
        end)

        it('gives common prefixes with a delimiter, and objects beside them', function()
            assert(s3.put(bucket, 'pages/top-level', 'x'))
            local page = assert(s3.list(bucket, {prefix = 'pages/', delimiter = '/'}))
            assert.are.same({'pages/a/', 'pages/b/', 'pages/c/'}, page.prefixes)
            assert.are.equal(1, #page.objects)
            assert.are.equal('pages/top-level', page.objects[1].key)
            assert.is_false(page.is_truncated)
            assert(s3.delete(bucket, 'pages/top-level'))
            -- Prefixes count against max_keys and page too.
            local first = assert(s3.list(bucket, {prefix = 'pages/', delimiter = '/', max_keys = 2}))
            assert.are.same({'pages/a/', 'pages/b/'}, first.prefixes)
            assert.is_true(first.is_truncated)
            local second = assert(s3.list(bucket, {prefix = 'pages/', delimiter = '/', max_keys = 2,
                continuation_token = first.next_continuation_token}))
            assert.are.same({'pages/c/'}, second.prefixes)
            assert.is_false(second.is_truncated)
        end)

        it('starts after a key, and gives an empty page for an empty prefix', function()
            local page = assert(s3.list(bucket, {prefix = 'pages/b/', start_after = page_key('b', 998)}))
            assert.are.same({page_key('b', 999), page_key('b', 1000)},
                {page.objects[1].key, page.objects[2].key})
            assert.are.equal(2, #page.objects)
            local empty = assert(s3.list(bucket, {prefix = 'nothing-here/'}))
            assert.are.same({objects = {}, prefixes = {}, is_truncated = false}, empty)
        end)

        it('objects() iterates across pages and fetches a page only when needed', function()
            local client = s3.new(h.config)
            local seen, restore = spy(client)
            local n, last = 0, nil
            for o in client:objects(bucket, {prefix = 'pages/'}) do
                n = n + 1
                if last then assert.is_true(last < o.key) end
                last = o.key
                -- 1000 a page: the second page is asked for with the 1001st object only.
                if n == 1000 then assert.are.equal(1, #seen) end
                if n == 1001 then assert.are.equal(2, #seen) end
            end
            restore()
            assert.are.equal(2500, n)
            assert.are.equal(3, #seen)
            -- With a delimiter it yields the objects only; a small page size means more pages.
            seen, restore = spy(client)
            n = 0
            for _ in client:objects(bucket, {prefix = 'pages/a/', max_keys = 300}) do n = n + 1 end
            restore()
            assert.are.equal(N_A, n)
            assert.are.equal(4, #seen)
            for _ in client:objects(bucket, {prefix = 'pages/', delimiter = '/'}) do
                error('no objects at this level')
            end
        end)

        it('objects() raises the error object when a page fails', function()
            local ok, err = pcall(function()
                for _ in s3.objects('no-such-bucket-' .. math.random(1e9)) do end
            end)
            assert.is_false(ok)
            assert.is_true(s3.is_error(err))
            assert.are.equal('NoSuchBucket', err.code)
            assert.are.equal(404, err.status)
        end)

        it('returns nil, err for a missing bucket', function()
            local page, err = s3.list('no-such-bucket-' .. math.random(1e9))
            assert.is_nil(page)
            assert.are.equal('NoSuchBucket', err.code)
            assert.are.equal(404, err.status)
            assert.is_false(err.retryable)
        end)
    end)

    describe('odd keys', function()
        local odd = {
            'odd/with space', 'odd/a+b', 'odd/a b', 'odd/+ & = ? # %', 'odd/100%25 literally',
            'odd/utf8/ключ/日本語/😀', 'odd/../up', 'odd/./here/..', 'odd//double', 'odd/<xml> & "q" \'a\'',
            'odd/tab\tand\1control',
        }

        it('come back from list exactly as written', function()
            for _, k in ipairs(odd) do assert(s3.put(bucket, k, k)) end
            local page = assert(s3.list(bucket, {prefix = 'odd/'}))
            local got = {}
            for _, o in ipairs(page.objects) do got[o.key] = o.size end
            for _, k in ipairs(odd) do
                assert.are.equal(#k, got[k], 'key ' .. k)
            end
            assert.are.equal(#odd, #page.objects)
            -- Delimited, the prefixes are decoded too.
            local by_dir = assert(s3.list(bucket, {prefix = 'odd/', delimiter = '/'}))
            local prefixes = {}
            for _, p in ipairs(by_dir.prefixes) do prefixes[p] = true end
            assert.is_true(prefixes['odd/utf8/'])
            assert.is_true(prefixes['odd/../'])
            assert.is_true(prefixes['odd//'])
        end)

        it('copy keeps their bytes, in either bucket', function()
            for _, k in ipairs(odd) do
                local ok, info = s3.copy(bucket, k, other, 'copied/' .. k)
                assert.is_true(ok, k .. ': ' .. tostring(info))
                assert.are.equal(#k, info.size)
                assert.are.equal('"' .. digest.md5_hex(k) .. '"', info.etag)
                assert.are.equal(k, (s3.get(other, 'copied/' .. k)))
            end
        end)
    end)

    describe('delete_many', function()
        it('deletes 2,500 keys in batches of 1000, missing ones counted as deleted', function()
            local keys = {}
            for i = 1, 2496 do table.insert(keys, string.format('del/%04d', i)) end
            parallel(#keys, 16, function(i) assert(s3.put(bucket, keys[i], '')) end)
            for i = 1, 4 do table.insert(keys, 'del/missing-' .. i) end
            local client = s3.new(h.config)
            local seen, restore = spy(client)
            local res, err = client:delete_many(bucket, keys)
            restore()
            assert.is_table(res, tostring(err))
            assert.are.equal(3, #seen)
            for _, req in ipairs(seen) do
                assert.are.equal('POST', req.method)
                assert.are.equal(digest.base64_encode(digest.md5(req.body)), req.headers['content-md5'])
            end
            -- S3 reports a key that was not there as deleted (DeleteObjects is idempotent).
            assert.are.same({}, res.errors)
            assert.are.equal(2500, #res.deleted)
            local set = {}
            for _, k in ipairs(res.deleted) do set[k] = true end
            for _, k in ipairs(keys) do assert.is_true(set[k], k) end
            local left = assert(s3.list(bucket, {prefix = 'del/'}))
            assert.are.equal(0, #left.objects)
        end)

        it('deletes odd keys (XML-escaped in the request)', function()
            local keys = {'dm/a & b', 'dm/<tag>', 'dm/"quoted"', "dm/it's", 'dm/ключ 😀', 'dm/+%'}
            for _, k in ipairs(keys) do assert(s3.put(bucket, k, 'x')) end
            local res = assert(s3.delete_many(bucket, keys))
            table.sort(res.deleted)
            local want = {unpack(keys)}
            table.sort(want)
            assert.are.same(want, res.deleted)
            assert.are.equal(0, #assert(s3.list(bucket, {prefix = 'dm/'})).objects)
        end)

        it('deletes everything under a prefix across pages, and nothing else', function()
            local n = 2100
            parallel(n, 16, function(i) assert(s3.put(bucket, string.format('tree/%d/%04d', i % 3, i), 'y')) end)
            assert(s3.put(bucket, 'tree-sibling', 'z'))
            local res = assert(s3.delete_many(bucket, {prefix = 'tree/'}))
            assert.are.equal(n, #res.deleted)
            assert.are.same({}, res.errors)
            assert.are.equal(0, #assert(s3.list(bucket, {prefix = 'tree/'})).objects)
            assert.are.equal('z', (s3.get(bucket, 'tree-sibling')))
            -- Nothing under the prefix: an empty result.
            assert.are.same({deleted = {}, errors = {}}, assert(s3.delete_many(bucket, {prefix = 'tree/'})))
            assert.are.same({deleted = {}, errors = {}}, assert(s3.delete_many(bucket, {})))
        end)

        it('returns nil, err for a missing bucket', function()
            local res, err = s3.delete_many('no-such-bucket-' .. math.random(1e9), {'a', 'b'})
            assert.is_nil(res)
            assert.are.equal('NoSuchBucket', err.code)
            res, err = s3.delete_many('no-such-bucket-' .. math.random(1e9), {prefix = 'x/'})
            assert.is_nil(res)
            assert.are.equal('NoSuchBucket', err.code)
        end)
    end)

    describe('copy', function()
        it('copies metadata by default and replaces it when given', function()
            assert(s3.put(bucket, 'meta/src', 'body', {content_type = 'text/x-one', metadata = {a = '1', b = '2'}}))
            assert(s3.copy(bucket, 'meta/src', bucket, 'meta/copied'))
            local info = assert(s3.head(bucket, 'meta/copied'))
            assert.are.equal('text/x-one', info.content_type)
            assert.are.same({a = '1', b = '2'}, info.metadata)
            assert(s3.copy(bucket, 'meta/src', bucket, 'meta/replaced',
                {content_type = 'text/x-two', metadata = {c = '3'}}))
            info = assert(s3.head(bucket, 'meta/replaced'))
            assert.are.equal('text/x-two', info.content_type)
            assert.are.same({c = '3'}, info.metadata)
            -- An object onto itself needs new metadata (S3 refuses a plain self-copy).
            assert(s3.copy(bucket, 'meta/src', bucket, 'meta/src', {metadata = {d = '4'}}))
            assert.are.same({d = '4'}, assert(s3.head(bucket, 'meta/src')).metadata)
            local ok, err = s3.copy(bucket, 'meta/src', bucket, 'meta/src')
            assert.is_nil(ok)
            assert.are.equal('InvalidRequest', err.code)
        end)

        it('tells a missing source key, source bucket and target bucket apart', function()
            local ok, err = s3.copy(bucket, 'no/such/key', bucket, 'x')
            assert.is_nil(ok)
            assert.are.equal('NoSuchKey', err.code)
            assert.are.equal(404, err.status)
            ok, err = s3.copy('no-such-bucket-' .. math.random(1e9), 'k', bucket, 'x')
            assert.is_nil(ok)
            assert.are.equal('NoSuchBucket', err.code)
            assert(s3.put(bucket, 'copy/src', 'data'))
            ok, err = s3.copy(bucket, 'copy/src', 'no-such-bucket-' .. math.random(1e9), 'x')
            assert.is_nil(ok)
            assert.are.equal('NoSuchBucket', err.code)
        end)

        describe('above the multipart threshold', function()
            local client, src_hash
            local size = 12 * MiB + 3
            local dir
            setup(function()
                client = s3.new(h.config)
                dir = h.tempdir()
                local src = h.random_file(dir .. '/src', size)
                src_hash = h.sha256_file(src)
                assert(client:put_from_file(bucket, 'big/src ключ+&', src,
                    {content_type = 'application/x-big', metadata = {origin = 'test'}}))
            end)
            teardown(function() h.rmtree(dir) end)

            it('copies by UploadPartCopy parts in parallel, metadata included', function()
                local seen, restore = spy(client)
                local ok, info = client:copy(bucket, 'big/src ключ+&', other, 'big/dst ключ+&',
                    {multipart_threshold = 5 * MiB, part_size = 5 * MiB, concurrency = 3})
                restore()
                assert.is_true(ok, tostring(info))
                assert.are.equal(3, info.parts)
                assert.are.equal(size, info.size)
                assert.matches('%-3"$', info.etag)
                local parts = {}
                for _, req in ipairs(seen) do
                    if req.headers and req.headers['x-amz-copy-source-range'] then
                        table.insert(parts, req.headers['x-amz-copy-source-range'])
                        assert.are.equal(bucket .. '/big/src%20%D0%BA%D0%BB%D1%8E%D1%87%2B%26',
                            req.headers['x-amz-copy-source'])
                        assert.is_string(req.headers['x-amz-copy-source-if-match'])
                    end
                end
                table.sort(parts)
                assert.are.same({'bytes=0-5242879', 'bytes=10485760-12582914', 'bytes=5242880-10485759'}, parts)
                local path = dir .. '/dst'
                assert(client:get_to_file(other, 'big/dst ключ+&', path))
                assert.are.equal(src_hash, h.sha256_file(path))
                local head = assert(client:head(other, 'big/dst ключ+&'))
                assert.are.equal('application/x-big', head.content_type)
                assert.are.same({origin = 'test'}, head.metadata)
                assert.are.same({}, assert(client:list_multipart_uploads(other)))
            end)

            it('aborts the upload when a part fails', function()
                local seen, restore = spy(client, function(req)
                    if req.query and req.query.partNumber == '2' then
                        return true, nil, {code = 'AccessDenied', status = 403, message = 'scripted'}
                    end
                end)
                local ok, err = client:copy(bucket, 'big/src ключ+&', other, 'big/failed',
                    {multipart_threshold = 5 * MiB, part_size = 5 * MiB, concurrency = 2})
                restore()
                assert.is_nil(ok)
                assert.are.equal('AccessDenied', err.code)
                assert.are.equal(1, count_with(seen, function(r)
                    return r.method == 'DELETE' and r.query and r.query.uploadId ~= nil end))
                assert.are.same({}, assert(client:list_multipart_uploads(other)))
                local gone, e2 = client:head(other, 'big/failed')
                assert.is_nil(gone)
                assert.are.equal(404, e2.status)
            end)

            it('aborts the upload when the calling fiber is cancelled', function()
                local caller
                local _, restore = spy(client, function(req)
                    if req.query and req.query.partNumber == '1' then
                        caller:cancel()
                    end
                end)
                local result = {}
                caller = fiber.create(function()
                    result.ok, result.err = client:copy(bucket, 'big/src ключ+&', other, 'big/cancelled',
                        {multipart_threshold = 5 * MiB, part_size = 5 * MiB, concurrency = 1})
                    result.finished = true
                end)
                local deadline = fiber.clock() + 10
                while not result.finished and fiber.clock() < deadline do fiber.sleep(0.01) end
                restore()
                assert.is_true(result.finished)
                assert.is_nil(result.ok)
                assert.are.equal('Cancelled', result.err.code)
                -- The abort runs on a fiber of its own: wait for it.
                local uploads
                repeat
                    fiber.sleep(0.05)
                    uploads = assert(client:list_multipart_uploads(other))
                until #uploads == 0 or fiber.clock() > deadline
                assert.are.same({}, uploads)
            end)
        end)
    end)

    describe('buckets', function()
        it('list_buckets includes ours', function()
            local buckets = assert(s3.list_buckets())
            local found
            for _, b in ipairs(buckets) do
                if b.name == bucket then found = b end
            end
            assert.is_table(found)
            assert.matches('^%d%d%d%d%-%d%d%-%d%dT', found.creation_date)
        end)

        it('head_bucket tells exists, missing and no access apart', function()
            local info, err = s3.head_bucket(bucket)
            assert.is_table(info, tostring(err))
            assert.is_true(info.exists)
            local missing, e1 = s3.head_bucket('no-such-bucket-' .. math.random(1e9))
            assert.is_nil(missing)
            assert.are.equal('NoSuchBucket', e1.code)
            assert.are.equal(404, e1.status)
            local stranger = s3.new({endpoint = h.config.endpoint, region = h.config.region,
                access_key_id = h.config.access_key_id, secret_access_key = 'wrong-secret', retries = 0})
            local denied, e2 = stranger:head_bucket(bucket)
            assert.is_nil(denied)
            assert.are.equal('AccessDenied', e2.code)
            assert.are.equal(403, e2.status)
            local list, e3 = stranger:list_buckets()
            assert.is_nil(list)
            assert.are.equal('SignatureDoesNotMatch', e3.code)
        end)
    end)

    describe('multipart uploads', function()
        local function create_upload(key)
            local c = s3.new(h.config)
            local resp, err = c._native:request({method = 'POST', bucket = bucket, key = key,
                query = {uploads = ''}, parse = 'create_multipart_upload'})
            assert(resp, tostring(err and err.code))
            return resp.parsed.upload_id
        end

        it('lists unfinished uploads (all pages, by prefix) and aborts them', function()
            local id1 = create_upload('up/one key+&')
            local id2 = create_upload('up/two/ключ')
            local id3 = create_upload('other-up')
            local all = assert(s3.list_multipart_uploads(bucket))
            local by_id = {}
            for _, u in ipairs(all) do by_id[u.upload_id] = u end
            assert.are.equal('up/one key+&', by_id[id1].key)
            assert.are.equal('up/two/ключ', by_id[id2].key)
            assert.are.equal('other-up', by_id[id3].key)
            assert.is_string(by_id[id1].initiated)
            local under = assert(s3.list_multipart_uploads(bucket, 'up/'))
            assert.are.equal(2, #under)
            assert.is_true(s3.abort_multipart_upload(bucket, 'up/one key+&', id1))
            assert.is_true(s3.abort_multipart_upload(bucket, 'up/two/ключ', id2))
            assert.is_true(s3.abort_multipart_upload(bucket, 'other-up', id3))
            assert.are.same({}, assert(s3.list_multipart_uploads(bucket)))
            local ok, err = s3.abort_multipart_upload(bucket, 'other-up', id3)
            assert.is_nil(ok)
            assert.are.equal('NoSuchUpload', err.code)
            assert.are.equal(404, err.status)
        end)

        it('returns nil, err for a missing bucket', function()
            local list, err = s3.list_multipart_uploads('no-such-bucket-' .. math.random(1e9))
            assert.is_nil(list)
            assert.are.equal('NoSuchBucket', err.code)
        end)
    end)
end)

describe('answers RGW never gives, from a scripted server', function()
    local function client_for(status, body)
        local server, endpoint = scripted_server(status, body)
        local c = s3.new({endpoint = endpoint, region = 'us-east-1', access_key_id = 'k',
            secret_access_key = 's', retries = 0})
        return c, server
    end

    it('a 200 with an <Error> body fails copy with the S3 code', function()
        local body = '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>busy</Message>' ..
            '<RequestId>R42</RequestId></Error>'
        local c, server = client_for(200, body)
        -- HEAD of the source answers 200 too: a small object, so one CopyObject.
        local ok, err = c:copy('src-bucket', 'k', 'dst-bucket', 'k2')
        server:close()
        assert.is_nil(ok)
        assert.are.equal('SlowDown', err.code)
        assert.are.equal(200, err.status)
        assert.are.equal('busy', err.message)
        assert.are.equal('R42', err.request_id)
        assert.is_true(err.retryable)
    end)

    it('a 200 with an <Error> body fails delete_many', function()
        local c, server = client_for(200, '<Error><Code>InternalError</Code><Message/></Error>')
        local res, err = c:delete_many('some-bucket', {'a'})
        server:close()
        assert.is_nil(res)
        assert.are.equal('InternalError', err.code)
        assert.are.equal(200, err.status)
    end)

    it('a server that never answers ends each call at its deadline with Timeout', function()
        local server = socket.tcp_server('127.0.0.1', 0, function(s)
            s:read(1e6, 30)  -- takes the request, answers nothing
        end)
        local c = s3.new({endpoint = 'http://127.0.0.1:' .. server:name().port, region = 'us-east-1',
            access_key_id = 'k', secret_access_key = 's', retries = 0})
        local calls = {
            function() return c:list('some-bucket', {timeout = 0.2}) end,
            function() return c:delete_many('some-bucket', {'a'}, {timeout = 0.2}) end,
            function() return c:delete_many('some-bucket', {prefix = 'a'}, {timeout = 0.2}) end,
            function() return c:copy('some-bucket', 'a', 'some-bucket', 'b', {timeout = 0.2}) end,
            function() return c:list_buckets({timeout = 0.2}) end,
            function() return c:head_bucket('some-bucket', {timeout = 0.2}) end,
            function() return c:list_multipart_uploads('some-bucket', nil, {timeout = 0.2}) end,
            function() return c:abort_multipart_upload('some-bucket', 'a', 'id', {timeout = 0.2}) end,
        }
        for i, call in ipairs(calls) do
            local t = fiber.clock()
            local res, err = call()
            assert.is_nil(res, 'call ' .. i)
            assert.are.equal('Timeout', err.code, 'call ' .. i)
            assert.is_true(fiber.clock() - t < 5, 'call ' .. i)
        end
        server:close()
    end)

    it('malformed or unexpected XML fails with InvalidResponse', function()
        for _, body in ipairs({'<ListBucketResult><Contents><Key>a', 'plain text', '', '<Other/>'}) do
            local c, server = client_for(200, body)
            local page, err = c:list('some-bucket')
            server:close()
            assert.is_nil(page, body)
            assert.are.equal('InvalidResponse', err.code, body)
            assert.are.equal(200, err.status)
            assert.is_false(err.retryable)
        end
    end)
end)

describe('arguments of the listing calls', function()
    it('raise at the caller naming the argument', function()
        local cases = {
            {function() s3.list(1) end, 's3.list: bucket must be a string'},
            {function() s3.list('Bad_Bucket') end, 's3.list: bucket must be 3%-63'},
            {function() s3.list('bucket', {max_keys = 0}) end, 'opts.max_keys must be 1%-1000'},
            {function() s3.list('bucket', {max_keys = 1.5}) end, 'opts.max_keys must be an integer'},
            {function() s3.list('bucket', {prefx = 'a'}) end, "unknown option 'prefx'"},
            {function() s3.list('bucket', {prefix = 'a\0b'}) end, 'opts.prefix must not contain a NUL'},
            {function() s3.objects('bucket', {continuation_token = 'x'}) end, "unknown option 'continuation_token'"},
            {function() s3.delete_many('bucket', 'key') end, 's3.delete_many: keys must be a table'},
            {function() s3.delete_many('bucket', {'a', 2}) end, 'keys%[2%] must be a string'},
            {function() s3.delete_many('bucket', {'a', ''}) end, 'keys%[2%] must not be empty'},
            {function() s3.delete_many('bucket', {'a', [5] = 'b'}) end, 'without holes'},
            {function() s3.delete_many('bucket', {prefix = 1}) end, 'keys.prefix must be a string'},
            {function() s3.delete_many('bucket', {prefix = 'a', 'b'}) end, 'either an array of keys or'},
            {function() s3.copy('bucket', 'k', 'bucket') end, 's3.copy: key must be a string'},
            {function() s3.copy('bucket', nil, 'bucket', 'k') end, 's3.copy: key must be a string'},
            {function() s3.copy('bucket', 'k', 'bucket', 'k', {part_size = 1}) end, 'opts.part_size must be'},
            {function() s3.copy('bucket', 'k', 'bucket', 'k', {metadata = 1}) end, 'opts.metadata must be a table'},
            {function() s3.head_bucket('x') end, 's3.head_bucket: bucket must be 3%-63'},
            {function() s3.list_buckets(1) end, 's3.list_buckets: opts must be a table'},
            {function() s3.list_multipart_uploads('bucket', 1) end, 'prefix must be a string'},
            {function() s3.abort_multipart_upload('bucket', 'k') end, 'upload_id must be a string'},
            {function() s3.abort_multipart_upload('bucket', 'k', '') end, 'upload_id must not be empty'},
        }
        s3.cfg({endpoint = 'http://127.0.0.1:1', access_key_id = 'k', secret_access_key = 's'})
        for _, case in ipairs(cases) do
            local ok, err = pcall(case[1])
            assert.is_false(ok, case[2])
            assert.matches(case[2], err)
            -- At this file's line, not inside the rock.
            assert.matches('listing_spec.lua:%d+:', err)
        end
        local c = s3.new({endpoint = 'http://127.0.0.1:1', access_key_id = 'k', secret_access_key = 's'})
        local ok, err = pcall(function() c.list('bucket') end)
        assert.is_false(ok)
        assert.matches('use client:list%(...%) instead of client.list', err)
    end)
end)
