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
        assert.are.equal('virtual', cfg.addressing)
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
        s3.new({
            endpoint = 'http://127.0.0.1:9000', region = 'ru-central1', access_key_id = 'A',
            secret_access_key = 'S', session_token = 'T', addressing = 'path', connect_timeout = 2.5,
            timeout = 30, idle_timeout = 7, max_connections = 8, retries = 0, part_size = 16 * 1024 * 1024,
            multipart_threshold = 32 * 1024 * 1024, concurrency = 2, verify_peer = false,
            ca_file = '/etc/ssl/ca.pem', proxy = 'http://proxy:3128',
        })
        local cfg = native.clients[1].cfg
        assert.are.same({
            endpoint = 'http://127.0.0.1:9000', region = 'ru-central1', access_key_id = 'A',
            secret_access_key = 'S', session_token = 'T', addressing = 'path', connect_timeout = 2.5,
            timeout = 30, idle_timeout = 7, max_connections = 8, verify_peer = false,
            ca_file = '/etc/ssl/ca.pem', proxy = 'http://proxy:3128',
        }, cfg)
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
        s3.put('b', 'k', 'body')
        local c = s3.new(with(CREDS, { endpoint = 'http://two:2' }))
        c:put('b', 'k', 'body')
        s3.cfg(with(CREDS, { endpoint = 'http://three:3' }))
        s3.get('b', 'k')
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
        { 'get_to_file', { 'b', 'k', '/tmp/x' }, { 'bucket', 'key', 'path' }, 4 },
        { 'put_from_file', { 'b', 'k', '/tmp/x' }, { 'bucket', 'key', 'path' }, 4 },
        { 'get', { 'b', 'k' }, { 'bucket', 'key' }, 3 },
        { 'put', { 'b', 'k', 'body' }, { 'bucket', 'key', 'body' }, 4 },
        { 'head', { 'b', 'k' }, { 'bucket', 'key' }, 3 },
        { 'delete', { 'b', 'k' }, { 'bucket', 'key' }, 3 },
        { 'create_bucket', { 'b' }, { 'bucket' }, 2 },
        { 'delete_bucket', { 'b' }, { 'bucket' }, 2 },
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
        raises('s3.put: opts.headers must be a table', s3.put, 'b', 'k', 'x', { headers = 'x' })
        raises('s3.put: opts.metadata must be a table', s3.put, 'b', 'k', 'x', { metadata = 1 })
        raises('s3.put: opts.metadata.a must be a string', s3.put, 'b', 'k', 'x', { metadata = { a = {} } })
        raises('s3.put: opts.headers keys must be non-empty strings', s3.put, 'b', 'k', 'x', { headers = { 'v' } })
        raises('s3.get: opts.range must be a string', s3.get, 'b', 'k', { range = 10 })
        raises('s3.put: opts.content_type must be a string', s3.put, 'b', 'k', 'x', { content_type = 1 })
        assert.are.equal(0, #native.requests)
    end)
end)
