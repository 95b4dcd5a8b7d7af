-- HTTPS against the test server's TLS endpoint (a self-signed certificate): verify_peer and
-- ca_file do what they say; a failed verification is a TLSError, returned at once (no retries).
local s3 = require('s3')
local fio = require('fio')
local clock = require('clock')
local h = dofile('test/spec/helper.lua')

describe('TLS', function()
    local endpoint = os.getenv('S3_TLS_ENDPOINT')
    local ca_file = os.getenv('S3_CA_FILE')
    if not h.have_server() or endpoint == nil then
        pending('S3_TLS_ENDPOINT is not set: run through make test')
        return
    end

    local function client(extra)
        local cfg = table.copy(h.config)
        cfg.endpoint = endpoint
        cfg.retries = 0
        for k, v in pairs(extra) do cfg[k] = v end
        return s3.new(cfg)
    end

    -- Counts the attempts a client makes: its native client behind a proxy that counts requests.
    local function counted(c)
        local real = c._native
        local counter = {attempts = 0}
        c._native = setmetatable({
            request = function(_, req)
                counter.attempts = counter.attempts + 1
                return real:request(req)
            end,
        }, {__index = function(_, name)
            return function(_, ...) return real[name](real, ...) end
        end})
        return c, counter
    end

    local bucket = h.bucket_name('tls')
    local dir = h.tempdir()
    teardown(function() h.rmtree(dir) end)

    it('round-trips over https when the certificate is trusted through ca_file', function()
        local c = client({ca_file = ca_file})
        assert(c:create_bucket(bucket))
        assert.is_true((c:put(bucket, 'over tls', 'secret body')))
        assert.are.equal('secret body', (c:get(bucket, 'over tls')))
    end)

    it('refuses an untrusted certificate with TLSError, not retried, naming ca_file and verify_peer', function()
        local c, counter = counted(client({retries = 3}))
        local t0 = clock.monotonic()
        local body, err = c:get(bucket, 'over tls')
        local took = clock.monotonic() - t0
        assert.is_nil(body)
        assert.are.equal('TLSError', err.code)
        assert.is_false(err.retryable)
        assert.is_nil(err.status)
        assert.matches('certificate', err.message)
        assert.is_truthy(err.message:find('set ca_file to the CA that signed the server', 1, true), err.message)
        assert.is_truthy(err.message:find('verify_peer = false', 1, true), err.message)
        assert.are.equal(1, counter.attempts)
        assert.is_true(took < 1, 'took ' .. took .. ' s')
    end)

    it('refuses a certificate of a CA other than ca_file with TLSError', function()
        local other = fio.pathjoin(dir, 'other-ca.pem')
        local system = '/etc/ssl/certs/ca-certificates.crt'
        if fio.path.exists(system) then
            assert(fio.copyfile(system, other))
        else
            -- any well-formed certificate that did not sign the server's
            assert.are.equal(0, os.execute(string.format('openssl req -x509 -newkey rsa:2048 -nodes -keyout %q ' ..
                '-out %q -days 1 -subj /CN=other > /dev/null 2>&1', other .. '.key', other)))
        end
        local c, counter = counted(client({ca_file = other, retries = 2}))
        local _, err = c:get(bucket, 'over tls')
        assert.are.equal('TLSError', err.code)
        assert.is_false(err.retryable)
        assert.are.equal(1, counter.attempts)
    end)

    it('says so when ca_file is no PEM file', function()
        local junk = fio.pathjoin(dir, 'junk.pem')
        h.write_file(junk, 'not a certificate\n')
        local c, counter = counted(client({ca_file = junk, retries = 2}))
        local _, err = c:get(bucket, 'over tls')
        assert.are.equal('TLSError', err.code)
        assert.is_false(err.retryable)
        assert.is_truthy(err.message:find('ca_file must be a PEM file of CA certificates', 1, true), err.message)
        assert.are.equal(1, counter.attempts)
    end)

    it('refuses a missing ca_file in s3.new', function()
        local ok, err = pcall(client, {ca_file = fio.pathjoin(dir, 'missing.pem')})
        assert.is_false(ok)
        assert.is_truthy(tostring(err):find('s3.new: ca_file', 1, true), tostring(err))
    end)

    it('accepts it with verify_peer = false', function()
        assert.are.equal('secret body', (client({verify_peer = false}):get(bucket, 'over tls')))
    end)
end)
