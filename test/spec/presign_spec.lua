-- Presigned URLs (s3.presign, client:presign) used by the curl command line without credentials
-- against the real server; virtual-hosted addressing with a custom endpoint (bucket.localhost),
-- the automatic choice on AWS, and anonymous clients for public objects.
local s3 = require('s3')
local fio = require('fio')
local fiber = require('fiber')
local h = dofile('test/spec/helper.lua')

local function with(t)
    local r = table.copy(h.config)
    for k, v in pairs(t) do r[k] = v end
    return r
end

local function raises(pattern, fn, ...)
    local ok, err = pcall(fn, ...)
    assert.is_false(ok, 'expected an error matching ' .. pattern)
    assert.is_truthy(string.find(tostring(err), pattern, 1, true), tostring(err))
end

local dir

-- curl(method, url [, {body_file=, headers={...}, out=}]) -> status, body
local function curl(method, url, opts)
    opts = opts or {}
    local out = opts.out or (dir .. '/curl.out')
    -- --path-as-is: the curl CLI would remove /../ from the path, which S3 keeps in keys
    local args = { 'curl', '-s', '-g', '--path-as-is', '-o', string.format('%q', out), '-w', "'%{http_code}'" }
    if method == 'HEAD' then
        table.insert(args, '-I')
    else
        table.insert(args, '-X ' .. method)
    end
    if opts.body_file then
        table.insert(args, string.format('--data-binary @%q', opts.body_file))
    end
    for k, v in pairs(opts.headers or {}) do
        table.insert(args, string.format("-H '%s: %s'", k, v))
    end
    -- Single quotes: the URL holds & and %, which the shell must not touch.
    table.insert(args, "'" .. url .. "'")
    local p = assert(io.popen(table.concat(args, ' ')))
    local code = p:read('*a')
    p:close()
    local body = fio.path.exists(out) and h.read_file(out) or ''
    fio.unlink(out)
    return tonumber(code), body
end

local function query_param(url, name)
    return url:match('[?&]' .. name .. '=([^&]*)')
end

describe('presigned URLs', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end
    local bucket = h.bucket_name('presign')

    setup(function()
        dir = h.tempdir()
        s3.cfg(h.config)
        assert(s3.create_bucket(bucket))
    end)

    teardown(function()
        h.rmtree(dir)
    end)

    it('GET, PUT, HEAD and DELETE work through curl without credentials', function()
        local key = 'pre/signed object.txt'
        h.write_file(dir .. '/up', 'uploaded through a presigned PUT')
        local code = curl('PUT', s3.presign('PUT', bucket, key), { body_file = dir .. '/up' })
        assert.are.equal(200, code)
        local body = assert(s3.get(bucket, key))
        assert.are.equal('uploaded through a presigned PUT', body)

        local got
        code, got = curl('GET', s3.presign('GET', bucket, key))
        assert.are.equal(200, code)
        assert.are.equal(body, got)

        code = curl('HEAD', s3.presign('HEAD', bucket, key))
        assert.are.equal(200, code)

        code = curl('DELETE', s3.presign('DELETE', bucket, key))
        assert.are.equal(204, code)
        local _, err = s3.head(bucket, key)
        assert.are.equal(404, err.status)
    end)

    it('the server refuses a tampered signature, another key, another method and an expired URL', function()
        assert(s3.put(bucket, 'guarded', 'secret content'))
        assert(s3.put(bucket, 'other', 'other content'))
        local url = s3.presign('GET', bucket, 'guarded')
        assert.are.equal(200, (curl('GET', url)))

        local sig = query_param(url, 'X%-Amz%-Signature')
        local flipped = (sig:sub(1, 1) == 'a' and 'b' or 'a') .. sig:sub(2)
        local code, body = curl('GET', (url:gsub(sig, flipped)))
        assert.are.equal(403, code)
        assert.matches('SignatureDoesNotMatch', body)

        code = curl('GET', (url:gsub('/guarded%?', '/other?')))
        assert.are.equal(403, code)
        code = curl('DELETE', url)
        assert.are.equal(403, code)
        -- a longer lifetime than was signed
        code = curl('GET', (url:gsub('X%-Amz%-Expires=3600', 'X-Amz-Expires=7200')))
        assert.are.equal(403, code)

        local short = s3.presign('GET', bucket, 'guarded', { expires = 1 })
        assert.are.equal('1', query_param(short, 'X%-Amz%-Expires'))
        fiber.sleep(2.1)
        code, body = curl('GET', short)
        assert.are.equal(403, code)
        assert.matches('AccessDenied', body)
        assert.are.equal('secret content', (s3.get(bucket, 'guarded')))
    end)

    it('odd keys are encoded as requests encode them', function()
        local keys = {
            'with space', 'ü/日本語', 'a+b&c=d?e#f%g', 'dir/../up', './dot', 'x//y', '~tilde-_.',
            "quote'", '%2F', '!*()',
        }
        for i, key in ipairs(keys) do
            local content = 'odd key ' .. i
            h.write_file(dir .. '/odd', content)
            assert.are.equal(200, (curl('PUT', s3.presign('PUT', bucket, key), { body_file = dir .. '/odd' })), key)
            assert.are.equal(content, (s3.get(bucket, key)), key)
            assert(s3.put(bucket, key, content .. ' again'))
            local code, got = curl('GET', s3.presign('GET', bucket, key))
            assert.are.equal(200, code, key)
            assert.are.equal(content .. ' again', got, key)
        end
    end)

    it('signs the headers given: the URL needs them, as given', function()
        local url = s3.presign('PUT', bucket, 'typed', { headers = { ['Content-Type'] = 'text/plain' } })
        assert.are.equal('content-type%3Bhost', query_param(url, 'X%-Amz%-SignedHeaders'))
        h.write_file(dir .. '/typed', 'typed body')
        assert.are.equal(403, (curl('PUT', url, { body_file = dir .. '/typed',
            headers = { ['Content-Type'] = 'application/json' } })))
        assert.are.equal(200, (curl('PUT', url, { body_file = dir .. '/typed',
            headers = { ['Content-Type'] = 'text/plain' } })))
        assert.are.equal('text/plain', assert(s3.head(bucket, 'typed')).content_type)
    end)

    it('takes query parameters (response-content-type) and version_id', function()
        assert(s3.put(bucket, 'q', 'query'))
        local url = s3.presign('GET', bucket, 'q', { query = { ['response-content-type'] = 'x-test/yes' } })
        assert.matches('response%-content%-type=x%-test%%2Fyes', url)
        local out = dir .. '/headers'
        local p = assert(io.popen(string.format("curl -s -D %q -o /dev/null '%s'", out, url)))
        p:read('*a'); p:close()
        assert.matches('[Cc]ontent%-[Tt]ype: x%-test/yes', h.read_file(out))
        -- an unversioned bucket has the version "null"
        url = s3.presign('GET', bucket, 'q', { version_id = 'null' })
        assert.are.equal('null', query_param(url, 'versionId'))
        local code, got = curl('GET', url)
        assert.are.equal(200, code)
        assert.are.equal('query', got)
    end)

    it('puts a session token in the URL and signs it', function()
        local tokened = s3.new(with({ session_token = 'FwoG/token+with=odd chars' }))
        local url = tokened:presign('GET', bucket, 'k')
        assert.are.equal('FwoG%2Ftoken%2Bwith%3Dodd%20chars', query_param(url, 'X%-Amz%-Security%-Token'))
        local plain = s3.new(h.config):presign('GET', bucket, 'k')
        assert.is_nil(query_param(plain, 'X%-Amz%-Security%-Token'))
        -- the token is signed: the same second with another token gives another signature
        local other = s3.new(with({ session_token = 'another' })):presign('GET', bucket, 'k')
        if query_param(url, 'X%-Amz%-Date') == query_param(other, 'X%-Amz%-Date') then
            assert.are_not.equal(query_param(url, 'X%-Amz%-Signature'), query_param(other, 'X%-Amz%-Signature'))
        end
    end)

    it('expires: 3600 s by default, at most 7 days; arguments are checked', function()
        local url = s3.presign('GET', bucket, 'k')
        assert.are.equal('3600', query_param(url, 'X%-Amz%-Expires'))
        assert.are.equal('AWS4-HMAC-SHA256', query_param(url, 'X%-Amz%-Algorithm'))
        url = s3.presign('GET', bucket, 'k', { expires = 7 * 24 * 3600 })
        assert.are.equal('604800', query_param(url, 'X%-Amz%-Expires'))
        raises('s3.presign: opts.expires must be 1-604800 seconds', s3.presign, 'GET', bucket, 'k',
            { expires = 7 * 24 * 3600 + 1 })
        raises('opts.expires must be 1-604800', s3.presign, 'GET', bucket, 'k', { expires = 0 })
        raises('opts.expires must be an integer', s3.presign, 'GET', bucket, 'k', { expires = 1.5 })
        raises("s3.presign: method must be 'GET', 'PUT', 'HEAD' or 'DELETE', got 'POST'", s3.presign,
            'POST', bucket, 'k')
        raises('s3.presign: key must be a string', s3.presign, 'GET', bucket, nil)
        raises('s3.presign: bucket must be 3-63 characters', s3.presign, 'GET', 'B_', 'k')
        raises("unknown option 'expire'", s3.presign, 'GET', bucket, 'k', { expire = 10 })
        raises('cannot be given: the client sets it itself', s3.presign, 'GET', bucket, 'k',
            { headers = { host = 'x' } })
        raises('the signer sets the X-Amz-* parameters', s3.presign, 'GET', bucket, 'k',
            { query = { ['X-Amz-Expires'] = '5' } })
        raises('use client:presign(...) instead of client.presign(...)', s3.new(h.config).presign,
            'GET', bucket, 'k')
        -- the caller's line, as for every argument error
        local ok, err = pcall(function()
            local url = s3.presign('GET', bucket, 'k', { expires = -1 }) -- not a tail call
            return url
        end)
        assert.is_false(ok)
        assert.matches('presign_spec.lua:%d+: s3.presign', err)
    end)

    it("signs with the client's clock offset", function()
        local c = s3.new(h.config)
        c._native:clock_offset(2 * 86400)
        local url = c:presign('GET', bucket, 'k')
        local date = query_param(url, 'X%-Amz%-Date')
        local want = os.date('!%Y%m%dT', os.time() + 2 * 86400)
        assert.are.equal(want, date:sub(1, 9))
        assert.matches(want:sub(1, 8), query_param(url, 'X%-Amz%-Credential'))
    end)
end)

describe('addressing', function()
    if not h.have_server() or not os.getenv('S3_VIRTUAL_ENDPOINT') then
        pending('S3_VIRTUAL_ENDPOINT is not set: run through make test')
        return
    end
    local bucket = h.bucket_name('virtual')

    setup(function()
        dir = h.tempdir()
        s3.cfg(h.config)
        assert(s3.create_bucket(bucket))
    end)

    teardown(function()
        h.rmtree(dir)
    end)

    it("addressing = 'virtual' with a custom endpoint puts the bucket in the host (bucket.localhost)", function()
        local v = s3.new(with({ endpoint = os.getenv('S3_VIRTUAL_ENDPOINT'), addressing = 'virtual' }))
        assert(v:put(bucket, 'v key/ü', 'through the virtual host'))
        assert.are.equal('through the virtual host', (s3.get(bucket, 'v key/ü')))
        assert.are.equal('through the virtual host', (v:get(bucket, 'v key/ü')))
        assert.are.equal(24, assert(v:head(bucket, 'v key/ü')).size)
        local url = v:presign('GET', bucket, 'v key/ü')
        local host = os.getenv('S3_VIRTUAL_ENDPOINT'):gsub('^http://', '')
        assert.are.equal('http://' .. bucket .. '.' .. host .. '/v%20key/%C3%BC?',
            url:sub(1, #('http://' .. bucket .. '.' .. host .. '/v%20key/%C3%BC?')))
        local code, got = curl('GET', url)
        assert.are.equal(200, code)
        assert.are.equal('through the virtual host', got)
        assert(v:delete(bucket, 'v key/ü'))
        local _, err = s3.head(bucket, 'v key/ü')
        assert.are.equal(404, err.status)
    end)

    it('on AWS: virtual-hosted, path-style for dotted buckets over https and legacy names', function()
        local aws = s3.new({ region = 'eu-west-1', access_key_id = 'AKID', secret_access_key = 'S' })
        assert.matches('^https://plain%-bucket%.s3%.eu%-west%-1%.amazonaws%.com/k%?',
            aws:presign('GET', 'plain-bucket', 'k'))
        assert.matches('^https://s3%.eu%-west%-1%.amazonaws%.com/dotted%.bucket%.name/k%?',
            aws:presign('GET', 'dotted.bucket.name', 'k'))
        local legacy = s3.new({ region = 'eu-west-1', access_key_id = 'AKID', secret_access_key = 'S',
            legacy_bucket_names = true })
        assert.matches('^https://s3%.eu%-west%-1%.amazonaws%.com/Old_Bucket/k%?',
            legacy:presign('GET', 'Old_Bucket', 'k'))
        -- over http dots are fine in a host name
        local http = s3.new({ endpoint = 'http://s3.example.com', access_key_id = 'AKID', secret_access_key = 'S',
            addressing = 'virtual' })
        assert.matches('^http://dotted%.bucket%.s3%.example%.com/k%?', http:presign('GET', 'dotted.bucket', 'k'))
        -- told 'virtual', a dotted bucket stays in the host (the README says what TLS then does)
        local forced = s3.new({ region = 'eu-west-1', access_key_id = 'AKID', secret_access_key = 'S',
            addressing = 'virtual' })
        assert.matches('^https://dotted%.b%.s3%.eu%-west%-1%.amazonaws%.com/k%?', forced:presign('GET', 'dotted.b', 'k'))
    end)
end)

describe('anonymous clients', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end
    local bucket = h.bucket_name('anon')

    setup(function()
        s3.cfg(h.config)
        assert(s3.create_bucket(bucket))
        assert(s3.put(bucket, 'public', 'for everyone', { headers = { ['x-amz-acl'] = 'public-read' } }))
        assert(s3.put(bucket, 'private', 'for the owner'))
    end)

    it('read public objects without credentials, unsigned; private ones are refused', function()
        local anon = s3.new({ endpoint = h.endpoint, anonymous = true })
        assert.are.equal('for everyone', (anon:get(bucket, 'public')))
        assert.are.equal(12, assert(anon:head(bucket, 'public')).size)
        local _, err = anon:get(bucket, 'private')
        -- AccessDenied, not SignatureDoesNotMatch: nothing was signed
        assert.are.equal('AccessDenied', err.code)
        _, err = anon:put(bucket, 'anon-put', 'x')
        assert.are.equal('AccessDenied', err.code)
        raises('an anonymous client (anonymous = true) has no credentials to presign with',
            function() return anon:presign('GET', bucket, 'public') end)
    end)

    it('takes no credentials and ignores those of the environment', function()
        raises('anonymous = true takes no access_key_id', s3.new,
            { endpoint = h.endpoint, anonymous = true, access_key_id = 'A', secret_access_key = 'S' })
        raises('anonymous must be a boolean', s3.new, { endpoint = h.endpoint, anonymous = 'yes' })
        local anon = s3.new({ endpoint = h.endpoint, anonymous = true })
        assert.are.equal('', anon._cfg.access_key_id)
    end)
end)
