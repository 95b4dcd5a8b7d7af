-- Configuration and argument checking of the Lua API. No server needed: the native
-- module is replaced by a fake that records what it is given.

local ffi = require('ffi')
pcall(ffi.cdef, [[
    int setenv(const char *name, const char *value, int overwrite);
    int unsetenv(const char *name);
]])

local ENV_NAMES = {
    'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION',
    'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL',
}

local function setenv(name, value)
    if value == nil then
        ffi.C.unsetenv(name)
    else
        ffi.C.setenv(name, value, 1)
    end
end

local function set_env(t)
    for _, name in ipairs(ENV_NAMES) do
        setenv(name, t[name])
    end
end

local fake = dofile('test/spec/fake_native.lua')
local fake_native, load_s3 = fake.new, fake.load_s3

local function raises(pattern, fn, ...)
    local ok, err = pcall(fn, ...)
    assert.is_false(ok, 'expected an error matching: ' .. pattern)
    assert.is_truthy(string.find(tostring(err), pattern, 1, true),
        string.format('error %q does not contain %q', tostring(err), pattern))
end

-- f() must raise an error containing text at this file's line where f made the call: f calls
-- here() first, on the same line as the call.
local line_of_call
local function here()
    line_of_call = debug.getinfo(2, 'l').currentline
end
local function raises_at_caller(text, f)
    line_of_call = nil
    local ok, err = pcall(f)
    assert.is_false(ok, 'expected an error containing: ' .. text)
    err = tostring(err)
    assert.is_truthy(string.find(err, text, 1, true), string.format('error %q does not contain %q', err, text))
    assert.is_number(line_of_call, 'f must call here()')
    assert.is_truthy(string.find(err, 'config_spec.lua:' .. line_of_call .. ': ', 1, true),
        string.format('error %q is not at config_spec.lua:%d', err, line_of_call))
    assert.is_falsy(string.find(err, 's3.native', 1, true), err)
end

local CREDS = { access_key_id = 'AKID', secret_access_key = 'SECRET' }

local function with(base, extra)
    local t = {}
    for k, v in pairs(base) do t[k] = v end
    for k, v in pairs(extra or {}) do t[k] = v end
    return t
end

describe('s3 configuration', function()
    local saved_env, native, s3

    before_each(function()
        saved_env = {}
        for _, name in ipairs(ENV_NAMES) do
            saved_env[name] = os.getenv(name)
        end
        set_env({})
        native = fake_native()
        s3 = load_s3(native)
    end)

    after_each(function()
        set_env(saved_env)
        fake.unload()
    end)

    it('exposes the API', function()
        for _, name in ipairs({ 'cfg', 'new', 'get_to_file', 'put_from_file', 'get', 'put', 'head',
                                'delete', 'create_bucket', 'delete_bucket' }) do
            assert.is_function(s3[name], name)
        end
    end)

    it('rejects unknown options', function()
        raises("s3.cfg: unknown option 'endpont'", s3.cfg, with(CREDS, { endpont = 'http://x' }))
        raises("s3.new: unknown option 'regoin'", s3.new, with(CREDS, { regoin = 'x' }))
        raises("s3.new: unknown option '1'", s3.new, { 'x' })
        assert.are.equal(0, #native.clients)
    end)

    it('rejects options that are not a table', function()
        raises('s3.cfg: options must be a table', s3.cfg, 'http://x')
        raises('s3.new: options must be a table', s3.new, 42)
    end)

    it('rejects wrong types naming the option', function()
        local cases = {
            { 'endpoint', 1, 'endpoint must be a string' },
            { 'region', true, 'region must be a string' },
            { 'access_key_id', 1, 'access_key_id must be a string' },
            { 'secret_access_key', {}, 'secret_access_key must be a string' },
            { 'session_token', 1, 'session_token must be a string' },
            { 'addressing', 1, 'addressing must be a string' },
            { 'connect_timeout', '10', 'connect_timeout must be a non-negative number' },
            { 'connect_timeout', -1, 'connect_timeout must be a non-negative number' },
            { 'timeout', 'x', 'timeout must be a non-negative number' },
            { 'timeout', 0 / 0, 'timeout must be a non-negative number' },
            { 'timeout', math.huge, 'timeout must be a non-negative number' },
            { 'max_connections', 1.5, 'max_connections must be an integer' },
            { 'retries', '3', 'retries must be an integer' },
            { 'part_size', 'big', 'part_size must be an integer' },
            { 'multipart_threshold', false, 'multipart_threshold must be an integer' },
            { 'concurrency', 2.5, 'concurrency must be an integer' },
            { 'verify_peer', 'yes', 'verify_peer must be a boolean' },
            { 'ca_file', 1, 'ca_file must be a string' },
            { 'proxy', 1, 'proxy must be a string' },
            { 'legacy_bucket_names', 'yes', 'legacy_bucket_names must be a boolean' },
        }
        for _, c in ipairs(cases) do
            raises('s3.new: ' .. c[3], s3.new, with(CREDS, { [c[1]] = c[2] }))
            raises('s3.cfg: ' .. c[3], s3.cfg, with(CREDS, { [c[1]] = c[2] }))
        end
    end)

    it('rejects values out of range', function()
        raises("addressing must be 'path' or 'virtual'", s3.new, with(CREDS, { addressing = 'vhost' }))
        raises('max_connections must be >= 1', s3.new, with(CREDS, { max_connections = 0 }))
        raises('retries must be >= 0', s3.new, with(CREDS, { retries = -1 }))
        raises('concurrency must be >= 1', s3.new, with(CREDS, { concurrency = 0 }))
        raises('part_size must be between', s3.new, with(CREDS, { part_size = 1024 }))
        raises('multipart_threshold must be between', s3.new, with(CREDS, { multipart_threshold = 1 }))
        raises('endpoint must be an http:// or https:// URL', s3.new, with(CREDS, { endpoint = '127.0.0.1:8000' }))
        raises('endpoint has no host', s3.new, with(CREDS, { endpoint = 'http://' }))
        raises('region must not be empty', s3.new, with(CREDS, { region = '' }))
        raises('access_key_id must not be empty', s3.new, { access_key_id = '', secret_access_key = 'x' })
        assert.are.equal(0, #native.clients)
    end)

    it('needs credentials from the options or the environment', function()
        raises('s3.new: no credentials', s3.new, {})
        raises('s3.new: no credentials', s3.new)
        raises('must be given together', s3.new, { access_key_id = 'AKID' })
        raises('must be given together', s3.new, { secret_access_key = 'S' })
    end)

    it('derives the AWS endpoint and virtual addressing from the region', function()
        s3.new(with(CREDS, { region = 'eu-west-1' }))
        local cfg = native.clients[1].cfg
        assert.are.equal('https://s3.eu-west-1.amazonaws.com', cfg.endpoint)
        -- virtual-hosted, path-style per request where a bucket cannot be in the host name
        assert.are.equal('auto', cfg.addressing)
        assert.are.equal('eu-west-1', cfg.region)
        assert.are.equal('AKID', cfg.access_key_id)
        assert.are.equal('SECRET', cfg.secret_access_key)
        assert.is_nil(cfg.session_token)
    end)

    it('defaults to us-east-1 and sensible limits', function()
        s3.new(CREDS)
        local cfg = native.clients[1].cfg
        assert.are.equal('us-east-1', cfg.region)
        assert.are.equal('https://s3.us-east-1.amazonaws.com', cfg.endpoint)
        assert.are.equal(10, cfg.connect_timeout)
        assert.are.equal(0, cfg.timeout)
        assert.are.equal(64, cfg.max_connections)
        assert.is_true(cfg.verify_peer)
        assert.is_nil(cfg.ca_file)
        assert.is_nil(cfg.proxy)
    end)

    it('uses path-style addressing for a custom endpoint unless told', function()
        s3.new(with(CREDS, { endpoint = 'http://127.0.0.1:8000/' }))
        s3.new(with(CREDS, { endpoint = 'https://storage.example.com', addressing = 'virtual' }))
        assert.are.equal('http://127.0.0.1:8000', native.clients[1].cfg.endpoint)
        assert.are.equal('path', native.clients[1].cfg.addressing)
        assert.are.equal('https://storage.example.com', native.clients[2].cfg.endpoint)
        assert.are.equal('virtual', native.clients[2].cfg.addressing)
    end)

    it('passes every native option through', function()
        local ca_file = os.tmpname() -- ca_file must exist
        s3.new({
            endpoint = 'http://127.0.0.1:9000', region = 'ru-central1', access_key_id = 'A',
            secret_access_key = 'S', session_token = 'T', addressing = 'path', connect_timeout = 2.5,
            timeout = 30, idle_timeout = 7, max_connections = 8, retries = 0, part_size = 16 * 1024 * 1024,
            multipart_threshold = 32 * 1024 * 1024, concurrency = 2, verify_peer = false,
            ca_file = ca_file, proxy = 'http://proxy:3128', legacy_bucket_names = true,
        })
        local cfg = native.clients[1].cfg
        assert.are.same({
            endpoint = 'http://127.0.0.1:9000', region = 'ru-central1', access_key_id = 'A',
            secret_access_key = 'S', session_token = 'T', addressing = 'path', connect_timeout = 2.5,
            timeout = 30, idle_timeout = 7, max_connections = 8, verify_peer = false, anonymous = false,
            ca_file = ca_file, proxy = 'http://proxy:3128',
            -- kept by the native client for the C API's transfer engine
            retries = 0, part_size = 16 * 1024 * 1024, multipart_threshold = 32 * 1024 * 1024, concurrency = 2,
        }, cfg)
        os.remove(ca_file)
    end)

    it('treats box.NULL as not given', function()
        s3.new(with(CREDS, { endpoint = box.NULL, region = box.NULL, session_token = box.NULL }))
        local cfg = native.clients[1].cfg
        assert.are.equal('https://s3.us-east-1.amazonaws.com', cfg.endpoint)
        assert.is_nil(cfg.session_token)
    end)

    it('reads the environment for every option not given', function()
        set_env({
            AWS_ACCESS_KEY_ID = 'ENVKEY', AWS_SECRET_ACCESS_KEY = 'ENVSECRET', AWS_SESSION_TOKEN = 'ENVTOKEN',
            AWS_REGION = 'eu-central-1', AWS_DEFAULT_REGION = 'us-west-2',
            AWS_ENDPOINT_URL_S3 = 'http://s3.local:7480', AWS_ENDPOINT_URL = 'http://other:1',
        })
        s3.new()
        local cfg = native.clients[1].cfg
        assert.are.equal('ENVKEY', cfg.access_key_id)
        assert.are.equal('ENVSECRET', cfg.secret_access_key)
        assert.are.equal('ENVTOKEN', cfg.session_token)
        assert.are.equal('eu-central-1', cfg.region)
        assert.are.equal('http://s3.local:7480', cfg.endpoint)
        assert.are.equal('path', cfg.addressing)
    end)

    it('falls back to AWS_DEFAULT_REGION and AWS_ENDPOINT_URL', function()
        set_env({
            AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S',
            AWS_DEFAULT_REGION = 'us-west-2', AWS_ENDPOINT_URL = 'http://other:1',
        })
        s3.new()
        local cfg = native.clients[1].cfg
        assert.are.equal('us-west-2', cfg.region)
        assert.are.equal('http://other:1', cfg.endpoint)
    end)

    it('ignores empty environment variables', function()
        set_env({ AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S', AWS_REGION = '', AWS_ENDPOINT_URL_S3 = '' })
        s3.new()
        local cfg = native.clients[1].cfg
        assert.are.equal('us-east-1', cfg.region)
        assert.are.equal('https://s3.us-east-1.amazonaws.com', cfg.endpoint)
    end)

    it('prefers options over the environment', function()
        set_env({
            AWS_ACCESS_KEY_ID = 'ENVKEY', AWS_SECRET_ACCESS_KEY = 'ENVSECRET', AWS_SESSION_TOKEN = 'ENVTOKEN',
            AWS_REGION = 'eu-central-1', AWS_ENDPOINT_URL = 'http://other:1',
        })
        s3.new({ access_key_id = 'K', secret_access_key = 'S', region = 'ap-south-1', endpoint = 'http://mine:2' })
        local cfg = native.clients[1].cfg
        assert.are.equal('K', cfg.access_key_id)
        assert.are.equal('S', cfg.secret_access_key)
        -- credentials are one set: the environment's token belongs to other keys
        assert.is_nil(cfg.session_token)
        assert.are.equal('ap-south-1', cfg.region)
        assert.are.equal('http://mine:2', cfg.endpoint)
    end)

    it('creates the default client lazily from the environment', function()
        set_env({ AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S', AWS_ENDPOINT_URL = 'http://lazy:1' })
        assert.are.equal(0, #native.clients)
        assert.is_true((s3.delete('bucket', 'key')))
        assert.are.equal(1, #native.clients)
        assert.are.equal('http://lazy:1', native.clients[1].cfg.endpoint)
        s3.head('bucket', 'key')
        assert.are.equal(1, #native.clients)
        assert.are.equal(2, #native.requests)
    end)

    it('raises when the default client cannot be made', function()
        raises('s3.get: no credentials', s3.get, 'bucket', 'key')
    end)

    it('s3.cfg replaces the default client, s3.new makes independent ones', function()
        s3.cfg(with(CREDS, { endpoint = 'http://one:1' }))
        s3.put('bkt', 'k', 'body')
        local c = s3.new(with(CREDS, { endpoint = 'http://two:2' }))
        c:put('bkt', 'k', 'body')
        s3.cfg(with(CREDS, { endpoint = 'http://three:3' }))
        s3.get('bkt', 'k')
        assert.are.equal(3, #native.clients)
        assert.are.equal(3, #native.requests)
        assert.are.equal('PUT', native.requests[1].method)
        assert.are.equal('PUT', native.requests[2].method)
        assert.are.equal('GET', native.requests[3].method)
        assert.are.equal('http://three:3', native.clients[3].cfg.endpoint)
    end)
end)

describe('s3 argument checking', function()
    local native, s3, client

    before_each(function()
        native = fake_native()
        s3 = load_s3(native)
        s3.cfg(with(CREDS, { endpoint = 'http://127.0.0.1:1' }))
        client = s3.new(with(CREDS, { endpoint = 'http://127.0.0.1:1' }))
    end)

    after_each(function()
        fake.unload()
    end)

    local calls = {
        { 'get_to_file', { 'bkt', 'k', '/tmp/x' }, { 'bucket', 'key', 'path' }, 4 },
        { 'put_from_file', { 'bkt', 'k', '/tmp/x' }, { 'bucket', 'key', 'path' }, 4 },
        { 'get', { 'bkt', 'k' }, { 'bucket', 'key' }, 3 },
        { 'put', { 'bkt', 'k', 'body' }, { 'bucket', 'key', 'body' }, 4 },
        { 'head', { 'bkt', 'k' }, { 'bucket', 'key' }, 3 },
        { 'delete', { 'bkt', 'k' }, { 'bucket', 'key' }, 3 },
        { 'create_bucket', { 'bkt' }, { 'bucket' }, 2 },
        { 'delete_bucket', { 'bkt' }, { 'bucket' }, 2 },
    }

    for _, c in ipairs(calls) do
        local name, good, argnames, opts_pos = c[1], c[2], c[3], c[4]

        it(name .. ' raises on arguments of the wrong type, naming them', function()
            for i, argname in ipairs(argnames) do
                for _, bad in ipairs({ 42, true, {} }) do
                    local args = { unpack(good) }
                    args[i] = bad
                    raises('s3.' .. name .. ': ' .. argname .. ' must be a string', s3[name], unpack(args, 1, #good))
                    raises('client:' .. name .. ': ' .. argname .. ' must be a string',
                        function() return client[name](client, unpack(args, 1, #good)) end)
                end
                if argname ~= 'body' then
                    local args = { unpack(good) }
                    args[i] = nil
                    raises('s3.' .. name .. ': ' .. argname .. ' must be a string', s3[name], unpack(args, 1, #good))
                end
            end
            local args = { unpack(good) }
            args[opts_pos] = 'opts'
            raises('s3.' .. name .. ': opts must be a table', s3[name], unpack(args, 1, opts_pos))
            args[opts_pos] = { no_such_option = 1 }
            raises('s3.' .. name .. ": unknown option 'no_such_option'", s3[name], unpack(args, 1, opts_pos))
            args[opts_pos] = { timeout = 'soon' }
            raises('s3.' .. name .. ': opts.timeout must be a non-negative number', s3[name], unpack(args, 1, opts_pos))
            assert.are.equal(0, #native.requests)
        end)

        if argnames[1] == 'bucket' then
            it(name .. ' raises on an empty bucket or key', function()
                local args = { unpack(good) }
                args[1] = ''
                raises('s3.' .. name .. ': bucket must not be empty', s3[name], unpack(args, 1, #good))
                if argnames[2] == 'key' then
                    args = { unpack(good) }
                    args[2] = ''
                    raises('s3.' .. name .. ': key must not be empty', s3[name], unpack(args, 1, #good))
                end
                assert.are.equal(0, #native.requests)
            end)
        end

        it('client.' .. name .. ' (a dot instead of a colon) raises a hint', function()
            raises('use client:' .. name .. '(...) instead of client.' .. name .. '(...)',
                client[name], unpack(good))
        end)
    end

    it('an argument error points at the caller', function()
        local ok, err = pcall(function()
            local r = s3.get(1, 'k') -- the line that should be reported
            return r
        end)
        assert.is_false(ok)
        assert.is_truthy(string.find(err, 'config_spec.lua:%d+: s3.get: bucket must be a string'), err)
    end)

    it('checks headers and metadata', function()
        raises('s3.put: opts.headers must be a table', s3.put, 'bkt', 'k', 'x', { headers = 'x' })
        raises('s3.put: opts.metadata must be a table', s3.put, 'bkt', 'k', 'x', { metadata = 1 })
        raises('s3.put: opts.metadata.a must be a string', s3.put, 'bkt', 'k', 'x', { metadata = { a = {} } })
        raises('s3.put: opts.headers keys must be non-empty strings', s3.put, 'bkt', 'k', 'x', { headers = { 'v' } })
        raises('s3.get: opts.range must be a string', s3.get, 'bkt', 'k', { range = 10 })
        raises('s3.put: opts.content_type must be a string', s3.put, 'bkt', 'k', 'x', { content_type = 1 })
        assert.are.equal(0, #native.requests)
    end)
end)

describe('s3 endpoint, ca_file and string options', function()
    local saved_env, native, s3

    before_each(function()
        saved_env = {}
        for _, name in ipairs(ENV_NAMES) do
            saved_env[name] = os.getenv(name)
        end
        set_env({})
        native = fake_native()
        s3 = load_s3(native)
    end)

    after_each(function()
        set_env(saved_env)
        fake.unload()
    end)

    local BAD_ENDPOINTS = {
        { '127.0.0.1:8000', 'must be an http:// or https:// URL' },
        { 'ftp://host', 'must be an http:// or https:// URL' },
        { 'http:/host', 'must be an http:// or https:// URL' },
        { 'http://', 'has no host' },
        { 'http://:9000', 'has no host' },
        { 'http://host:99999', 'must have a port of 1-65535' },
        { 'http://host:65536', 'must have a port of 1-65535' },
        { 'http://host:0', 'must have a port of 1-65535' },
        { 'http://host:', 'must have a port of 1-65535' },
        { 'http://host:80a', 'must have a port of 1-65535' },
        { 'http://host:-1', 'must have a port of 1-65535' },
        { 'http://host:1:2', 'must have a port of 1-65535' },
        { 'http://[::1', "has an IPv6 address without its closing ']'" },
        { 'http://[::1]x', 'must have a port of 1-65535' },
        { 'http://[zz]', 'has an invalid IPv6 address' },
        { 'http://[]', 'has an invalid IPv6 address' },
        { 'http://1.2.3', 'has an invalid IPv4 address' },
        { 'http://256.1.1.1', 'has an invalid IPv4 address' },
        { 'http://a..b', 'has an invalid host' },
        { 'http://.host', 'has an invalid host' },
        { 'http://ho%73t', 'has an invalid host' },
        { 'http://user@host', 'must be http(s)://host[:port] without a user or password' },
        { 'http://user:pass@host:9000', 'must be http(s)://host[:port] without a user or password' },
        { 'http://host/path', 'must be http(s)://host[:port] without a path' },
        { 'http://host:9000/bucket/', 'must be http(s)://host[:port] without a path' },
        { 'http://host//', 'must be http(s)://host[:port] without a path' },
        { 'http://host?x=1', 'must be http(s)://host[:port] without a query or fragment' },
        { 'http://host/#frag', 'must be http(s)://host[:port] without a query or fragment' },
        { 'http://ho st', 'must be http(s)://host[:port] without spaces or control characters' },
        { 'http://host\n', 'must be http(s)://host[:port] without spaces or control characters' },
        { 'http://host\0.evil', 'must not contain a NUL byte' },
    }

    it('validates endpoints fully, naming the option and the value', function()
        for _, c in ipairs(BAD_ENDPOINTS) do
            raises('s3.new: endpoint ' .. c[2], s3.new, with(CREDS, { endpoint = c[1] }))
            raises('s3.cfg: endpoint ' .. c[2], s3.cfg, with(CREDS, { endpoint = c[1] }))
        end
        raises("got 'http://host:99999'", s3.new, with(CREDS, { endpoint = 'http://host:99999' }))
        raises([[got 'http://host\10']], s3.new, with(CREDS, { endpoint = 'http://host\n' }))
        assert.are.equal(0, #native.clients)
    end)

    it('accepts every valid endpoint shape and normalises the scheme', function()
        local cases = {
            { 'HTTP://127.0.0.1:8000', 'http://127.0.0.1:8000' },
            { 'HttpS://Storage.Example.com/', 'https://Storage.Example.com' },
            { 'http://[::1]:7480/', 'http://[::1]:7480' },
            { 'https://[2001:db8::1]', 'https://[2001:db8::1]' },
            { 'http://minio_1:9000', 'http://minio_1:9000' },
            { 'http://localhost:1', 'http://localhost:1' },
            { 'http://host:65535', 'http://host:65535' },
            { 'http://255.255.255.255', 'http://255.255.255.255' },
        }
        for i, c in ipairs(cases) do
            s3.new(with(CREDS, { endpoint = c[1] }))
            assert.are.equal(c[2], native.clients[i].cfg.endpoint, c[1])
            assert.are.equal('path', native.clients[i].cfg.addressing)
        end
    end)

    it('validates endpoints from the environment the same way, naming the variable', function()
        set_env({ AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S', AWS_ENDPOINT_URL_S3 = 'http://host/path' })
        raises("s3.new: AWS_ENDPOINT_URL_S3 must be http(s)://host[:port] without a path", s3.new)
        raises("got 'http://host/path'", s3.new)
        -- the default client made on first use raises at that call
        raises('s3.get: AWS_ENDPOINT_URL_S3 must be', s3.get, 'bkt', 'k')
        set_env({ AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S', AWS_ENDPOINT_URL = 'http://u@host' })
        raises('s3.cfg: AWS_ENDPOINT_URL must be http(s)://host[:port] without a user', s3.cfg)
        set_env({ AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S', AWS_ENDPOINT_URL = 'HTTP://Env:1/' })
        s3.new()
        assert.are.equal('http://Env:1', native.clients[1].cfg.endpoint)
        -- an endpoint option overrides a broken variable
        set_env({ AWS_ACCESS_KEY_ID = 'K', AWS_SECRET_ACCESS_KEY = 'S', AWS_ENDPOINT_URL_S3 = 'http://[::1' })
        s3.new({ endpoint = 'http://ok:1' })
        assert.are.equal('http://ok:1', native.clients[2].cfg.endpoint)
    end)

    it('raises endpoint errors at the caller\'s line', function()
        raises_at_caller('s3.cfg: endpoint must have a port',
            function() here(); s3.cfg(with(CREDS, { endpoint = 'http://h:99999' })) end)
        raises_at_caller('s3.new: endpoint must be http(s)://host[:port] without a path',
            function() here(); s3.new(with(CREDS, { endpoint = 'HTTP://h/p' })) end)
        raises_at_caller('s3.new: endpoint must be http(s)://host[:port] without a user',
            function() here(); s3.new(with(CREDS, { endpoint = 'http://user@h' })) end)
        raises_at_caller("s3.new: endpoint has an IPv6 address without its closing ']'",
            function() here(); s3.new(with(CREDS, { endpoint = 'http://[::1' })) end)
    end)

    it('ca_file must be a readable file', function()
        raises("s3.new: ca_file '/no/such/ca.pem' cannot be read: No such file or directory",
            s3.new, with(CREDS, { ca_file = '/no/such/ca.pem' }))
        raises("s3.cfg: ca_file '/no/such/ca.pem' cannot be read", s3.cfg, with(CREDS, { ca_file = '/no/such/ca.pem' }))
        raises("s3.new: ca_file '/tmp' cannot be read: Is a directory", s3.new, with(CREDS, { ca_file = '/tmp' }))
        raises('s3.new: ca_file', s3.new, with(CREDS, { ca_file = '' }))
        raises_at_caller('s3.cfg: ca_file', function() here(); s3.cfg(with(CREDS, { ca_file = '/no/such' })) end)
        assert.are.equal(0, #native.clients)
        local ca_file = os.tmpname()
        s3.new(with(CREDS, { ca_file = ca_file }))
        assert.are.equal(ca_file, native.clients[1].cfg.ca_file)
        os.remove(ca_file)
    end)

    it('refuses a NUL byte in any string option', function()
        for _, name in ipairs({ 'region', 'access_key_id', 'secret_access_key', 'session_token', 'proxy', 'ca_file' }) do
            local opts = with(CREDS, { [name] = 'abc\0def' })
            raises('s3.new: ' .. name .. ' must not contain a NUL byte', s3.new, opts)
        end
        assert.are.equal(0, #native.clients)
    end)
end)

describe('s3 names, keys, headers and metadata', function()
    local native, s3, client

    before_each(function()
        native = fake_native()
        s3 = load_s3(native)
        s3.cfg(with(CREDS, { endpoint = 'http://127.0.0.1:1' }))
        client = s3.new(with(CREDS, { endpoint = 'http://127.0.0.1:1' }))
    end)

    after_each(function()
        fake.unload()
    end)

    -- Every call with a bucket: name, arguments after the bucket.
    local WITH_BUCKET = {
        { 'get_to_file', { 'k', '/tmp/never-written' } },
        { 'put_from_file', { 'k', '/tmp/never-read' } },
        { 'get', { 'k' } },
        { 'put', { 'k', 'body' } },
        { 'head', { 'k' } },
        { 'delete', { 'k' } },
        { 'create_bucket', {} },
        { 'delete_bucket', {} },
    }

    local function call(name, bucket, rest)
        return s3[name](bucket, unpack(rest))
    end

    it('every call refuses a bucket with a NUL byte, a slash or uppercase, sending nothing', function()
        for _, c in ipairs(WITH_BUCKET) do
            local name, rest = c[1], c[2]
            raises('s3.' .. name .. [[: bucket must not contain a NUL byte, got 'b\0evil']], call, name, 'b\0evil', rest)
            raises('s3.' .. name .. [[: bucket must not contain a NUL byte]], call, name, 'valid-name\0', rest)
            raises('s3.' .. name .. ": bucket must be 3-63 characters of a-z 0-9 . -, got 'bkt/x'", call, name, 'bkt/x', rest)
            raises('s3.' .. name .. ": bucket must be 3-63 characters of a-z 0-9 . -, got 'A_B'", call, name, 'A_B', rest)
            raises('client:' .. name .. ': bucket must be 3-63',
                function() return client[name](client, 'Upper', unpack(rest)) end)
        end
        assert.are.equal(0, #native.requests)
    end)

    it("applies S3's bucket naming rules", function()
        local bad = {
            { 'ab', 'must be 3-63 characters of a-z 0-9 . -' },
            { string.rep('a', 64), 'must be 3-63 characters' },
            { 'My-Bucket', 'must be 3-63 characters of a-z 0-9 . -' },
            { 'my_bucket', 'must be 3-63 characters of a-z 0-9 . -' },
            { 'my bucket', 'must be 3-63 characters of a-z 0-9 . -' },
            { 'bucket?x', 'must be 3-63 characters of a-z 0-9 . -' },
            { 'b%2fx', 'must be 3-63 characters of a-z 0-9 . -' },
            { 'ключ-bucket', 'must be 3-63 characters of a-z 0-9 . -' },
            { '-bucket', 'must start and end with a letter or a digit' },
            { 'bucket-', 'must start and end with a letter or a digit' },
            { '.bucket', 'must start and end with a letter or a digit' },
            { 'bucket.', 'must start and end with a letter or a digit' },
            { 'my..bucket', "must not contain '..', '.-' or '-.'" },
            { 'my.-bucket', "must not contain '..', '.-' or '-.'" },
            { 'my-.bucket', "must not contain '..', '.-' or '-.'" },
            { '192.168.5.4', 'must not be formatted as an IP address' },
            { '999.0.0.1', 'must not be formatted as an IP address' },
        }
        for _, c in ipairs(bad) do
            raises('s3.get: bucket ' .. c[2], s3.get, c[1], 'k')
        end
        -- names a legacy bucket could have get a hint; '/' and NUL do not
        raises('set legacy_bucket_names = true', s3.get, 'My_Bucket', 'k')
        local ok, err = pcall(s3.get, 'bkt/x', 'k')
        assert.is_false(ok)
        assert.is_falsy(string.find(err, 'legacy_bucket_names', 1, true), err)
        assert.are.equal(0, #native.requests)
        local good = { 'abc', string.rep('a', 63), 'my.bucket-1.example', '0-9', '1.2.3.4.5', 'a1.b2' }
        for i, b in ipairs(good) do
            assert.is_truthy(s3.get(b, 'k'), b)
            assert.are.equal(b, native.requests[i].bucket)
        end
    end)

    it('legacy_bucket_names = true accepts old-style names with path-style addressing only', function()
        local legacy = s3.new(with(CREDS, { endpoint = 'http://127.0.0.1:1', legacy_bucket_names = true }))
        local good = { 'My_Bucket', 'a', 'ab', string.rep('A', 255), '_under_', '-dash-', 'a..b', '192.168.5.4' }
        for i, b in ipairs(good) do
            assert.is_truthy(legacy:get(b, 'k'), b)
            assert.are.equal(b, native.requests[i].bucket)
        end
        local bad = {
            { 'bad/name', 'must be 1-255 characters of A-Z a-z 0-9 . _ -' },
            { 'b\0evil', 'must not contain a NUL byte' },
            { string.rep('a', 256), 'must be 1-255 characters' },
            { 'a b', 'must be 1-255 characters' },
            { 'b?x', 'must be 1-255 characters' },
            { 'b%2F', 'must be 1-255 characters' },
            { '.', "must not be '.' or '..'" },
            { '..', "must not be '.' or '..'" },
        }
        for _, c in ipairs(bad) do
            raises('client:get: bucket ' .. c[2], function() return legacy:get(c[1], 'k') end)
        end
        -- virtual-hosted addressing puts the bucket in the host name: DNS names only
        local virtual = s3.new(with(CREDS, { legacy_bucket_names = true, addressing = 'virtual' }))
        assert.are.equal('virtual', virtual._cfg.addressing)
        raises("client:put: bucket 'My_Bucket' cannot be used with virtual-hosted addressing",
            function() return virtual:put('My_Bucket', 'k', 'v') end)
        raises("use addressing = 'path'", function() return virtual:put('a', 'k', 'v') end)
        assert.is_truthy(virtual:put('my-bucket', 'k', 'v'))
        assert.are.equal(#good + 1, #native.requests)
        -- on AWS by default (auto) such a bucket goes path-style, chosen per request in C
        local auto = s3.new(with(CREDS, { legacy_bucket_names = true }))
        assert.are.equal('auto', auto._cfg.addressing)
        assert.is_truthy(auto:put('My_Bucket', 'k', 'v'))
    end)

    it('keys are 1-1024 bytes without NUL: a\\0x is refused, never cut to a', function()
        for _, c in ipairs(WITH_BUCKET) do
            local name, rest = c[1], c[2]
            if #rest > 0 then
                local args = { unpack(rest) }
                args[1] = 'a\0x'
                raises('s3.' .. name .. [[: key must not contain a NUL byte, got 'a\0x']], call, name, 'bkt', args)
                args[1] = 'a\0y'
                raises('s3.' .. name .. ': key must not contain a NUL byte', call, name, 'bkt', args)
                args[1] = '\0'
                raises('s3.' .. name .. ': key must not contain a NUL byte', call, name, 'bkt', args)
                args[1] = string.rep('k', 1025)
                raises('s3.' .. name .. ': key must be 1-1024 bytes, got 1025 bytes', call, name, 'bkt', args)
            end
        end
        -- bytes, not characters: 'é' is two
        raises('key must be 1-1024 bytes, got 1026 bytes', s3.get, 'bkt', string.rep('é', 513))
        assert.are.equal(0, #native.requests)
        assert.is_truthy(s3.get('bkt', string.rep('k', 1024)))
        assert.is_truthy(s3.get('bkt', string.rep('é', 512)))
        assert.is_truthy(s3.get('bkt', 'x'))
        assert.are.equal(string.rep('k', 1024), native.requests[1].key)
        assert.are.equal(3, #native.requests)
    end)

    it('a local path with a NUL byte is refused', function()
        raises('s3.get_to_file: path must not contain a NUL byte', s3.get_to_file, 'bkt', 'k', '/tmp/a\0b')
        raises('s3.put_from_file: path must not contain a NUL byte', s3.put_from_file, 'bkt', 'k', '/etc/hostname\0x')
        assert.are.equal(0, #native.requests)
    end)

    it('header names must be HTTP tokens and values free of NUL, CR, LF and other control bytes', function()
        local bad = {
            { { headers = { ['x-a\0b'] = 'v' } }, [[opts.headers name 'x-a\0b' must not contain a NUL byte]] },
            { { headers = { ['\0'] = 'v' } }, 'opts.headers name' },
            { { headers = { ['x a'] = 'v' } }, "opts.headers name 'x a' must be an HTTP token" },
            { { headers = { ['x:a'] = 'v' } }, "opts.headers name 'x:a' must be an HTTP token" },
            { { headers = { ['x(a)'] = 'v' } }, "opts.headers name 'x(a)' must be an HTTP token" },
            { { headers = { ['x\na'] = 'v' } }, [[opts.headers name 'x\10a' must be an HTTP token]] },
            { { headers = { ['ключ'] = 'v' } }, "opts.headers name 'ключ' must be an HTTP token" },
            { { headers = { ['x-a'] = 'v\0w' } }, [[opts.headers.x-a must not contain a NUL byte, got 'v\0w']] },
            { { headers = { ['x-a'] = 'v\r\nx-evil: 1' } }, 'opts.headers.x-a must not contain a line break' },
            { { headers = { ['x-a'] = 'v\n' } }, 'opts.headers.x-a must not contain a line break' },
            { { headers = { ['x-a'] = 'v\r' } }, 'opts.headers.x-a must not contain a line break' },
            { { headers = { ['x-a'] = 'v\1' } }, 'opts.headers.x-a must not contain control characters' },
            { { headers = { ['x-a'] = 'v\127' } }, 'opts.headers.x-a must not contain control characters' },
            { { headers = { ['x-a'] = 'a\tb' } }, 'opts.headers.x-a must not contain control characters (byte 9, a tab)' },
            { { headers = { Host = 'evil' } }, 'opts.headers.Host cannot be given: the client sets it itself' },
            { { headers = { authorization = 'x' } }, 'opts.headers.authorization cannot be given' },
            { { headers = { ['Content-Length'] = '1' } }, 'opts.headers.Content-Length cannot be given' },
            { { metadata = { ['a\0b'] = 'v' } }, [[opts.metadata name 'a\0b' must not contain a NUL byte]] },
            { { metadata = { ['a b'] = 'v' } }, "opts.metadata name 'a b' must be an HTTP token" },
            { { metadata = { a = 'v\0w' } }, [[opts.metadata.a must not contain a NUL byte, got 'v\0w']] },
            { { metadata = { a = 'v\nw' } }, 'opts.metadata.a must not contain a line break' },
            { { content_type = 'text/plain\0' }, 'opts.content_type must not contain a NUL byte' },
            { { content_type = 'text/plain\r\nx: y' }, 'opts.content_type must not contain a line break' },
        }
        for _, c in ipairs(bad) do
            raises('s3.put: ' .. c[2], s3.put, 'bkt', 'k', 'x', c[1])
        end
        raises('s3.put_from_file: opts.metadata.a must not contain a NUL byte',
            s3.put_from_file, 'bkt', 'k', '/etc/hostname', { metadata = { a = '\0' } })
        raises('s3.get_to_file: opts.headers.x-a must not contain a NUL byte',
            s3.get_to_file, 'bkt', 'k', '/tmp/never', { headers = { ['x-a'] = '\0' } })
        raises('s3.get: opts.range must not contain a NUL byte', s3.get, 'bkt', 'k', { range = 'bytes=0-1\0' })
        raises('s3.head: opts.headers.x-a must not contain a line break', s3.head, 'bkt', 'k', { headers = { ['x-a'] = '\n' } })
        raises('s3.delete: opts.headers name', s3.delete, 'bkt', 'k', { headers = { ['a\0'] = '1' } })
        raises('s3.create_bucket: opts.headers.x-a must not contain a NUL byte',
            s3.create_bucket, 'bkt', { headers = { ['x-a'] = '\0' } })
        assert.are.equal(0, #native.requests)
        -- what is allowed: every token character, spaces and UTF-8 in values, numbers
        assert.is_truthy(s3.put('bkt', 'k', 'x', {
            headers = { ["X-Tok!#$%&'*+-.^_`|~9"] = 'a b ключ', ['Cache-Control'] = 'no-cache' },
            metadata = { Origin = 'spec é', n = 1 },
        }))
        assert.are.same({ ["x-tok!#$%&'*+-.^_`|~9"] = 'a b ключ', ['cache-control'] = 'no-cache',
            ['x-amz-meta-origin'] = 'spec é', ['x-amz-meta-n'] = '1' }, native.requests[1].headers)
    end)

    it('raises name, key and header errors at the caller\'s line', function()
        raises_at_caller("s3.get: bucket must be 3-63 characters of a-z 0-9 . -, got 'A_B'",
            function() here(); s3.get('A_B', 'k') end)
        raises_at_caller('s3.put: bucket must not contain a NUL byte', function() here(); s3.put('b\0evil', 'k', 'v') end)
        raises_at_caller('client:head: key must not contain a NUL byte',
            function() here(); client:head('bkt', 'a\0x') end)
        raises_at_caller('s3.put: key must be 1-1024 bytes', function() here(); s3.put('bkt', string.rep('k', 2000), 'v') end)
        raises_at_caller('s3.put: opts.headers.x-a must not contain a NUL byte',
            function() here(); s3.put('bkt', 'k', 'v', { headers = { ['x-a'] = '\0' } }) end)
        raises_at_caller('s3.put: opts.metadata name',
            function() here(); s3.put('bkt', 'k', 'v', { metadata = { ['a\0'] = 'x' } }) end)
    end)
end)
