-- HTTPS against the test server's TLS endpoint (a self-signed certificate): verify_peer and
-- ca_file do what they say.
local s3 = require('s3')
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

    local bucket = h.bucket_name('tls')

    it('round-trips over https when the certificate is trusted through ca_file', function()
        local c = client({ca_file = ca_file})
        assert(c:create_bucket(bucket))
        assert.is_true((c:put(bucket, 'over tls', 'secret body')))
        assert.are.equal('secret body', (c:get(bucket, 'over tls')))
    end)

    it('refuses an untrusted certificate with ConnectionError', function()
        local body, err = client({}):get(bucket, 'over tls')
        assert.is_nil(body)
        assert.are.equal('ConnectionError', err.code)
        assert.matches('certificate', err.message)
    end)

    it('accepts it with verify_peer = false', function()
        assert.are.equal('secret body', (client({verify_peer = false}):get(bucket, 'over tls')))
    end)
end)
