-- Every way a client ends, each in a child tarantool (test/teardown/*.lua), so that a crash or a
-- hang fails its case instead of the runner: collected with cached connections (HTTP and HTTPS)
-- or with requests in flight, the process exiting (os.exit, end of script, SIGTERM) with clients
-- idle or mid-transfer, s3.cfg replacing the default client under running transfers. Tarantool
-- 2.6.1+ panics on a fiber switch inside __gc, 3.1+ cancels every fiber at shutdown and 3.3+ runs
-- every __gc at exit: each case must exit 0 on every version of the matrix.
local popen = require('popen')
local fiber = require('fiber')
local h = dofile('test/spec/helper.lua')

local function assert_clean_exit(output, status)
    assert.are.equal('exited', status.state, output)
    assert.are.equal(0, status.exit_code, output)
    assert.matches('teardown ok', output, 1, true)
    assert.is_nil(output:find('switched while running GC finalizer', 1, true), output)
end

describe('teardown on Tarantool ' .. (require('tarantool').version), function()
    if not h.have_server() or os.getenv('S3_TLS_ENDPOINT') == nil then
        pending('S3_ENDPOINT / S3_TLS_ENDPOINT are not set: run through make test')
        return
    end

    it('a client collected with cached HTTP and HTTPS connections', function()
        assert_clean_exit(h.run_child({'test/teardown/gc_cached_connections.lua'}))
    end)

    it('a client dropped while its requests are in flight', function()
        assert_clean_exit(h.run_child({'test/teardown/gc_in_flight.lua'}))
    end)

    it('os.exit with clients idle', function()
        assert_clean_exit(h.run_child({'test/teardown/exit_with_clients.lua', 'os.exit', 'idle'}))
    end)

    it('the end of the script with clients idle: the process exits by itself', function()
        assert_clean_exit(h.run_child({'test/teardown/exit_with_clients.lua', 'end', 'idle'}))
    end)

    it('os.exit with clients mid-transfer and fibers waiting on them', function()
        assert_clean_exit(h.run_child({'test/teardown/exit_with_clients.lua', 'os.exit', 'busy'}))
    end)

    it('s3.cfg replacing the default client while transfers run on the old one', function()
        assert_clean_exit(h.run_child({'test/teardown/cfg_replaced.lua'}))
    end)

    it('SIGTERM with clients idle and mid-transfer', function()
        local signalled = false
        local output, status = h.run_child({'test/teardown/sigterm.lua'}, function(text, ph)
            if not signalled and text:find('ready', 1, true) then
                signalled = true
                fiber.sleep(0.05)
                ph:signal(popen.signal.SIGTERM)
            end
        end)
        assert.is_true(signalled, output)
        assert_clean_exit(output, status)
    end)
end)
