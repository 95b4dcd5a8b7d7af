-- The fault suite: the client against the real S3 server behind a fault-injecting proxy of our
-- own (test/fault/proxy.py): resets, stalls, unanswered requests, truncated bodies, 503 SlowDown
-- bursts, a 500, trickled transfers and stale keep-alive connections, each for get_to_file, get,
-- head, put_from_file and put, with the invariants checked every time:
--   - the call returns within its deadline (or the idle bound): measured, with an upper bound;
--   - the right err.code, and the number of attempts the proxy saw;
--   - get_to_file: the target file unchanged on failure, complete (sha256) on success, and no
--     temporary file (<path>.s3tmp.*) left either way;
--   - put_from_file / put: the object on the server (read by a client that bypasses the proxy)
--     is the old one or the complete new one, the new one on success;
--   - no request of the client left in flight.
-- The five operations of a case run at once, each on its own client and its own proxy.
local s3 = require('s3')
local fio = require('fio')
local fiber = require('fiber')
local clock = require('clock')
local digest = require('digest')
local h = dofile('test/spec/helper.lua')

local KiB = 1024
local SIZE = 128 * KiB -- the object the GETs read and put_from_file writes
local CUT = 32 * KiB -- where a fault hits a body
local PUT_SIZE = 16 * KiB -- the body of put (from memory)
local PUT_CUT = 4 * KiB
local HEAD_CUT = 'at=head after=20' -- inside the status line: a HEAD has no body
local IDLE = 1 -- idle_timeout of the clients that meet stalls
local RETRIES = 2 -- so "every attempt fails" means 3 attempts
local ATTEMPTS = RETRIES + 1
-- Upper bounds are generous (2 cores shared with other work) but finite; lower bounds only
-- where the fault makes a shorter time impossible (a stall cannot end before the idle bound).
local SLACK = 2.0
local QUICK = 5.0 -- a call that meets only fast faults (resets, error answers): backoff included
local EPS = 0.05

local OPS = {'get_to_file', 'get', 'head', 'put_from_file', 'put'}

describe('fault suite: the client behind a fault-injecting proxy', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local bucket = h.bucket_name('faults')
    local dir, direct, src, src_sha, etag, put_body, put_sha
    local proxies = {}
    local case_no = 0

    local function proxy_for(name)
        if proxies[name] == nil then
            proxies[name] = h.start_proxy({log = fio.pathjoin(dir, 'proxy-' .. name .. '.log')})
        end
        return proxies[name]
    end

    setup(function()
        dir = h.tempdir()
        s3.cfg(h.config)
        direct = s3.new(h.config)
        assert(direct:create_bucket(bucket))
        src = h.random_file(fio.pathjoin(dir, 'src'), SIZE)
        src_sha = h.sha256_file(src)
        assert(direct:put_from_file(bucket, 'obj', src))
        etag = assert(direct:head(bucket, 'obj')).etag
        put_body = digest.urandom(PUT_SIZE)
        put_sha = digest.sha256_hex(put_body)
        for _, name in ipairs(OPS) do proxy_for(name) end
    end)

    teardown(function()
        for _, p in pairs(proxies) do p:stop() end
        h.rmtree(dir)
    end)

    -- A client through the proxy p: retries = RETRIES and the case's options.
    local function client_via(p, extra)
        local cfg = table.copy(h.config)
        cfg.endpoint = p.endpoint
        cfg.retries = RETRIES
        for k, v in pairs(extra or {}) do cfg[k] = v end
        return s3.new(cfg)
    end

    local function sha_of_object(key)
        local body = direct:get(bucket, key)
        return body and digest.sha256_hex(body) or 'none'
    end

    -- The operations under test. prepare() sets the scene (bypassing the proxy), call() is the
    -- call measured, verify() checks the invariants and returns a list of problems.
    -- cut: where a fault hits the data the operation moves: the body of a GET answer, the
    -- upload of a PUT, the head of a HEAD answer (which has no body).
    local op = {}
    op.get_to_file = {
        method = 'GET', cut = 'after=' .. CUT,
        prepare = function(ctx)
            ctx.target = fio.pathjoin(dir, ctx.id .. '.out')
            ctx.old = 'the old content of ' .. ctx.target
            h.write_file(ctx.target, ctx.old)
        end,
        call = function(c, ctx, opts) return c:get_to_file(bucket, 'obj', ctx.target, opts) end,
        verify = function(ctx, ok, problems)
            if ok then
                if h.sha256_file(ctx.target) ~= src_sha then
                    table.insert(problems, 'the target file is not the object')
                end
            elseif h.read_file(ctx.target) ~= ctx.old then
                table.insert(problems, 'a failed call changed the target file')
            end
            local left = h.leftovers(dir, ctx.id .. '.out.')
            if #left > 0 then
                table.insert(problems, 'temporary files left: ' .. table.concat(left, ' '))
            end
        end,
    }
    op.get = {
        method = 'GET', cut = 'after=' .. CUT,
        prepare = function() end,
        call = function(c, _, opts) return c:get(bucket, 'obj', opts) end,
        verify = function(_, ok, problems, body)
            if ok and digest.sha256_hex(body) ~= src_sha then
                table.insert(problems, ('the body is not the object (%d bytes)'):format(#body))
            end
        end,
    }
    op.head = {
        method = 'HEAD', cut = HEAD_CUT,
        prepare = function() end,
        call = function(c, _, opts) return c:head(bucket, 'obj', opts) end,
        verify = function(_, ok, problems, info)
            if ok and (info.size ~= SIZE or info.etag ~= etag) then
                table.insert(problems, ('head says size %s etag %s'):format(tostring(info.size), tostring(info.etag)))
            end
        end,
    }
    local function verify_put(new_sha)
        return function(ctx, ok, problems)
            local now = sha_of_object(ctx.key)
            if ok and now ~= new_sha then
                table.insert(problems, 'the call succeeded but the server holds ' ..
                    (now == ctx.old_sha and 'the old object' or 'something else'))
            elseif not ok and now ~= new_sha and now ~= ctx.old_sha then
                table.insert(problems, 'the server holds neither the old nor the new object')
            end
        end
    end
    local function prepare_put(ctx)
        ctx.key = 'put/' .. ctx.id
        local old = 'the old object at ' .. ctx.key
        ctx.old_sha = digest.sha256_hex(old)
        assert(direct:put(bucket, ctx.key, old))
    end
    op.put_from_file = {
        method = 'PUT', cut = 'dir=request after=' .. CUT,
        prepare = prepare_put,
        call = function(c, ctx, opts) return c:put_from_file(bucket, ctx.key, src, opts) end,
        verify = function(...) return verify_put(src_sha)(...) end,
    }
    op.put = {
        method = 'PUT', cut = 'dir=request after=' .. PUT_CUT,
        prepare = prepare_put,
        call = function(c, ctx, opts) return c:put(bucket, ctx.key, put_body, opts) end,
        verify = function(...) return verify_put(put_sha)(...) end,
    }

    -- Runs one operation of a case on its own proxy; returns a list of problems.
    local function run_op(case, name)
        local o = op[name]
        local p = proxy_for(name)
        local ctx = {id = ('case%d-%s'):format(case_no, name)}
        o.prepare(ctx)
        p:mode(case.mode(o))
        local c = client_via(p, case.client)
        if case.before ~= nil then case.before(c, p) end
        local opts = case.opts and table.copy(case.opts) or nil
        local t0 = clock.monotonic()
        local r1, r2 = o.call(c, ctx, opts)
        local took = clock.monotonic() - t0
        local st = p:stats()
        local ok = r1 ~= nil
        local err = not ok and r2 or nil
        local problems = {}
        local e = case.expect
        local want_code = e.code_by_op and e.code_by_op[name] or e.code
        if want_code == nil and not ok then
            table.insert(problems, 'failed: ' .. tostring(err))
        elseif want_code ~= nil and ok then
            table.insert(problems, 'succeeded, want ' .. want_code)
        elseif want_code ~= nil then
            if type(err) ~= 'table' or err.code ~= want_code then
                table.insert(problems, ('err %s, want code %s'):format(tostring(err), want_code))
            elseif e.retryable ~= nil and err.retryable ~= e.retryable then
                table.insert(problems, ('err.retryable = %s'):format(tostring(err.retryable)))
            end
        end
        if took > e.max then
            table.insert(problems, ('took %.2f s, bound %.2f s'):format(took, e.max))
        end
        if e.min ~= nil and took < e.min then
            table.insert(problems, ('took %.2f s, cannot be under %.2f s'):format(took, e.min))
        end
        local req_min, req_max = e.requests, e.requests
        if type(e.requests) == 'table' then req_min, req_max = e.requests[1], e.requests[2] end
        if st.requests < req_min or st.requests > req_max then
            table.insert(problems, ('the proxy saw %d requests, want %s'):format(st.requests,
                req_min == req_max and req_min or req_min .. '-' .. req_max))
        end
        if e.faults ~= nil and st.faults ~= e.faults then
            table.insert(problems, ('%d faults fired, want %d'):format(st.faults, e.faults))
        end
        if e.connections ~= nil and st.connections ~= e.connections then
            table.insert(problems, ('%d connections, want %d'):format(st.connections, e.connections))
        end
        local active = c:stats().active_requests
        if active ~= 0 then
            table.insert(problems, ('%d requests still in flight'):format(active))
        end
        o.verify(ctx, ok, problems, r1)
        if #problems > 0 then
            table.insert(problems, 1, ('(%s, took %.2f s)'):format(case.mode(o), took))
            local lines = p:command('log').log
            table.insert(problems, 'the proxy saw:\n      ' ..
                table.concat(lines, '\n      ', math.max(1, #lines - 7), #lines))
        end
        return problems
    end

    -- Runs the five operations of a case at once and fails with every problem found.
    local function run_case(case)
        case_no = case_no + 1
        local results = fiber.channel(#OPS)
        for _, name in ipairs(OPS) do
            fiber.create(function()
                local ok, problems = pcall(run_op, case, name)
                if not ok then problems = {'raised: ' .. tostring(problems)} end
                results:put({name = name, problems = problems})
            end)
        end
        local report = {}
        for _ = 1, #OPS do
            local r = results:get(120)
            assert(r ~= nil, 'an operation did not return within 120 s')
            if #r.problems > 0 then
                table.insert(report, r.name .. ': ' .. table.concat(r.problems, '; '))
            end
        end
        table.sort(report)
        assert(#report == 0, '\n  ' .. table.concat(report, '\n  '))
    end

    -- The mode string for an operation: fault, where, method, how many.
    local function at(fault, where, count)
        return function(o)
            return ('%s %s method=%s count=%s'):format(fault, o[where], o.method, count)
        end
    end
    local function plain(fault, count)
        return function(o) return ('%s method=%s count=%s'):format(fault, o.method, count) end
    end

    describe('reset (RST) after N body bytes', function()
        it('once: the retry succeeds', function()
            run_case({mode = at('reset', 'cut', 1),
                      expect = {faults = 1, requests = 2, max = QUICK}})
        end)
        it('on every attempt: ConnectionError after retries + 1 attempts', function()
            run_case({mode = at('reset', 'cut', 'inf'),
                      expect = {code = 'ConnectionError', retryable = true, faults = ATTEMPTS,
                                requests = ATTEMPTS, max = QUICK}})
        end)
    end)

    describe('stall after N bytes (the connection stays open, nothing more comes)', function()
        it('once: the idle bound ends the attempt and the retry succeeds', function()
            run_case({mode = at('stall', 'cut', 1), client = {idle_timeout = IDLE},
                      expect = {faults = 1, requests = 2, min = IDLE - EPS, max = IDLE + SLACK}})
        end)
        it('on every attempt: Timeout after retries + 1 idle bounds', function()
            run_case({mode = at('stall', 'cut', 'inf'), client = {idle_timeout = IDLE},
                      expect = {code = 'Timeout', retryable = true, faults = ATTEMPTS, requests = ATTEMPTS,
                                min = ATTEMPTS * IDLE - EPS, max = ATTEMPTS * IDLE + SLACK}})
        end)
        it('on every attempt, with a deadline shorter than the retries: Timeout at the deadline', function()
            -- 2.5 s allow 2 or 3 attempts of 1 s (backoff between them is at most 0.1 + 0.2 s)
            run_case({mode = at('stall', 'cut', 'inf'), client = {idle_timeout = IDLE, retries = 10},
                      opts = {timeout = 2.5},
                      expect = {code = 'Timeout', requests = {2, 3}, min = 2.5 - EPS, max = 2.5 + SLACK}})
        end)
        it('with idle_timeout = 0 (off): only the deadline ends the call, after one attempt', function()
            run_case({mode = at('stall', 'cut', 'inf'), client = {idle_timeout = 0, retries = 3},
                      opts = {timeout = 1.5},
                      expect = {code = 'Timeout', requests = 1, faults = 1, min = 1.5 - EPS, max = 1.5 + SLACK}})
        end)
    end)

    describe('accept and never answer', function()
        it('once: the idle bound ends the attempt and the retry succeeds', function()
            run_case({mode = plain('blackhole', 1), client = {idle_timeout = IDLE},
                      expect = {faults = 1, requests = 2, min = IDLE - EPS, max = IDLE + SLACK}})
        end)
        it('on every attempt, with a deadline: Timeout at the deadline', function()
            -- Two idle bounds at least; a third attempt only when it fits before the deadline
            -- (the idle check runs every idle/4 and the backoff is random, so the second may end
            -- too late for one: the call then ends there, with the second attempt's Timeout).
            run_case({mode = plain('blackhole', 'inf'), client = {idle_timeout = IDLE, retries = 10},
                      opts = {timeout = 2.5},
                      expect = {code = 'Timeout', requests = {2, 3}, min = 2 * IDLE - EPS, max = 2.5 + SLACK}})
        end)
    end)

    describe('truncated: a clean close (FIN) before the message is complete', function()
        -- the GET answer's body, the PUT upload; a HEAD answer has no body: its head
        it('the body, once: the retry succeeds', function()
            run_case({mode = at('truncate', 'cut', 1),
                      expect = {faults = 1, requests = 2, max = QUICK}})
        end)
        it('the body, on every attempt: ConnectionError after retries + 1 attempts', function()
            run_case({mode = at('truncate', 'cut', 'inf'),
                      expect = {code = 'ConnectionError', retryable = true, faults = ATTEMPTS,
                                requests = ATTEMPTS, max = QUICK}})
        end)
        -- 20 bytes: the status line ("HTTP/1.1 200 OK") and 3 bytes of the first header
        it('the response head, after the status line, once: the retry succeeds', function()
            run_case({mode = plain('truncate ' .. HEAD_CUT, 1),
                      expect = {faults = 1, requests = 2, max = QUICK}})
        end)
        it('the response head, on every attempt: ConnectionError, nothing taken for an answer', function()
            run_case({mode = plain('truncate ' .. HEAD_CUT, 'inf'),
                      expect = {code = 'ConnectionError', retryable = true, faults = ATTEMPTS,
                                requests = ATTEMPTS, max = QUICK}})
        end)
    end)

    describe('503 SlowDown', function()
        it('a burst shorter than the retries: the call succeeds', function()
            run_case({mode = plain('slowdown', RETRIES),
                      expect = {faults = RETRIES, requests = ATTEMPTS, max = QUICK}})
        end)
        it('on every attempt: SlowDown (HEAD, without a body: ServiceUnavailable)', function()
            run_case({mode = plain('slowdown', 'inf'),
                      expect = {code = 'SlowDown', code_by_op = {head = 'ServiceUnavailable'}, retryable = true,
                                faults = ATTEMPTS, requests = ATTEMPTS, max = QUICK}})
        end)
    end)

    describe('500 InternalError', function()
        it('once: the retry succeeds', function()
            run_case({mode = plain('internal', 1), expect = {faults = 1, requests = 2, max = QUICK}})
        end)
    end)

    describe('trickle: a slow but steady transfer longer than the idle bound', function()
        it('is never killed by idle_timeout', function()
            -- GET bodies at 64 KiB/s (2 s); the heads of HEAD and PUT answers at 100 B/s
            -- (200-400 bytes: 2 s and more), 5 bytes every 50 ms.
            run_case({mode = function(o)
                          if o.method == 'GET' then return 'trickle rate=65536 method=GET' end
                          return ('trickle at=head rate=100 method=%s'):format(o.method)
                      end,
                      client = {idle_timeout = IDLE},
                      expect = {faults = 1, requests = 1, min = IDLE + 0.3, max = 4 + 2 * SLACK}})
        end)

        it('an upload over a slow link (256 KiB/s) is not killed by idle_timeout', function()
            -- The kernel takes most of a 1 MiB upload into the socket buffer at once (the send
            -- buffer grows to 4 MiB on loopback), so the client has written everything long
            -- before the last byte leaves: seen from libcurl no byte moves while the kernel
            -- drains it. The idle bound therefore has to be longer than the send buffer takes
            -- to drain (README: at the default 30 s, uplinks down to ~140 KB/s); capping the
            -- send buffer instead would cap every stream on long fat links. Here: 10 s for 4 s.
            local p = proxy_for('slow-upload')
            local big = h.random_file(fio.pathjoin(dir, 'big-upload'), 1024 * KiB)
            p:mode('trickle dir=request rate=262144 method=PUT')
            local c = client_via(p, {idle_timeout = 10})
            local t0 = clock.monotonic()
            local ok, err = c:put_from_file(bucket, 'slow-upload', big)
            local took = clock.monotonic() - t0
            assert.is_true(ok, tostring(err))
            assert.are.equal(1, p:stats().requests)
            assert.is_true(took >= 3.5, took)
            assert.is_true(took < 4 + 2 * SLACK, took)
            assert.are.equal(h.sha256_file(big), sha_of_object('slow-upload'))
        end)
    end)

    describe('stale keep-alive connection', function()
        -- A warm-up HEAD leaves the client one idle connection to the proxy, which then goes
        -- stale after 0.2 s; the call under test comes after 0.5 s.
        local function warm_up(c)
            assert(c:head(bucket, 'obj'))
            fiber.sleep(0.5)
        end
        it('closed by the server while idle: the next call succeeds on a new connection', function()
            run_case({mode = function() return 'stale idle=0.2 count=1' end, before = warm_up,
                      -- 3 when the client sent on the closed connection before noticing
                      expect = {faults = 1, requests = {2, 3}, connections = 2, max = QUICK}})
        end)
        it('closed (FIN) when the next request arrives on it: that request is retried and succeeds', function()
            run_case({mode = function() return 'stale idle=0.2 close=reuse count=1' end, before = warm_up,
                      expect = {faults = 1, requests = 3, connections = 2, max = QUICK}})
        end)
        it('reset (RST) when the next request arrives on it: that request is retried and succeeds', function()
            run_case({mode = function() return 'stale idle=0.2 close=reuse how=rst count=1' end, before = warm_up,
                      expect = {faults = 1, requests = 3, connections = 2, max = QUICK}})
        end)
    end)

    describe('deadlines', function()
        it('timeout = 0 or under 1 ms: an immediate Timeout, nothing sent', function()
            local p = proxy_for('get')
            p:mode('pass')
            local c = client_via(p)
            local target = fio.pathjoin(dir, 'deadline-zero')
            h.write_file(target, 'old')
            for _, t in ipairs({0, 0.0005}) do
                local calls = {
                    function() return c:get_to_file(bucket, 'obj', target, {timeout = t}) end,
                    function() return c:get(bucket, 'obj', {timeout = t}) end,
                    function() return c:head(bucket, 'obj', {timeout = t}) end,
                    function() return c:put_from_file(bucket, 'deadline-zero', src, {timeout = t}) end,
                    function() return c:put(bucket, 'deadline-zero', 'x', {timeout = t}) end,
                }
                for i, call in ipairs(calls) do
                    local t0 = clock.monotonic()
                    local r, err = call()
                    local took = clock.monotonic() - t0
                    assert.is_nil(r, ('call %d with timeout %s'):format(i, t))
                    assert.are.equal('Timeout', err.code, ('call %d with timeout %s: %s'):format(i, t, tostring(err)))
                    assert.is_true(took < 0.5, ('call %d took %.3f s'):format(i, took))
                end
            end
            assert.are.equal(0, p:stats().requests)
            assert.are.equal('old', h.read_file(target))
            assert.are.same({}, h.leftovers(dir, 'deadline-zero.'))
            local _, err = direct:head(bucket, 'deadline-zero')
            assert.are.equal('NotFound', err.code)
        end)

        it('waiting for a free connection counts toward the deadline but is no failed attempt', function()
            -- One connection, held by a GET that is never answered (until its 2 s deadline).
            local p = proxy_for('get')
            p:mode('blackhole method=GET count=1')
            local c = client_via(p, {max_connections = 1, retries = 0})
            local res = {}
            local function start(name, fn)
                local f = fiber.new(function()
                    local t0 = clock.monotonic()
                    local r, err = fn()
                    res[name] = {r = r, err = err, took = clock.monotonic() - t0}
                end)
                f:set_joinable(true)
                return f
            end
            local holder = start('holder', function() return c:get(bucket, 'obj', {timeout = 2}) end)
            assert.is_true(h.wait_until(function() return p:stats().requests == 1 end, 5))
            -- in the queue behind it: one with a deadline shorter than the wait, one longer
            local short = start('short', function() return c:head(bucket, 'obj', {timeout = 0.7}) end)
            local long = start('long', function() return c:head(bucket, 'obj', {timeout = 6}) end)
            short:join()
            long:join()
            holder:join()
            assert.is_nil(res.short.r)
            assert.are.equal('Timeout', res.short.err.code)
            assert.is_true(res.short.took >= 0.7 - EPS and res.short.took < 0.7 + SLACK, res.short.took)
            assert.is_nil(res.holder.r)
            assert.are.equal('Timeout', res.holder.err.code)
            assert.is_true(res.holder.took < 2 + SLACK, res.holder.took)
            -- retries = 0, yet the queued call succeeds: the wait was not an attempt
            assert.is_truthy(res.long.r, tostring(res.long.err))
            assert.is_true(res.long.took < 6, res.long.took)
            assert.are.equal(2, p:stats().requests) -- the holder's and the long one's
            assert.are.equal(0, c:stats().active_requests)
        end)
    end)

    describe('fiber:cancel() gives nil, Cancelled and leaves no temporary file', function()
        -- Runs get_to_file in a fiber; returns the fiber and a table that gets the outcome.
        local function spawn_get(c, target)
            local out = {}
            local f = fiber.new(function()
                local ok, r, err = pcall(c.get_to_file, c, bucket, 'obj', target)
                out.raised = not ok and tostring(r) or nil
                out.r, out.err = r, err
                out.done = true
            end)
            f:set_joinable(true)
            return f, out
        end
        local function assert_cancelled(f, out, target, old)
            local t0 = clock.monotonic()
            f:cancel()
            f:join()
            local took = clock.monotonic() - t0
            assert.is_nil(out.raised, 'the call raised: ' .. tostring(out.raised))
            assert.is_true(out.done)
            assert.is_nil(out.r)
            assert.are.equal('Cancelled', out.err and out.err.code, tostring(out.err))
            assert.is_true(took < 0.5, took)
            assert.are.equal(old, h.read_file(target))
            assert.are.same({}, h.leftovers(dir, fio.basename(target) .. '.'))
        end

        it('mid-transfer', function()
            local p = proxy_for('get_to_file')
            p:mode('stall after=' .. CUT .. ' method=GET')
            local c = client_via(p)
            local target = fio.pathjoin(dir, 'cancel-mid')
            h.write_file(target, 'old')
            local f, out = spawn_get(c, target)
            assert.is_true(h.wait_until(function() return p:stats().faults == 1 end, 5))
            fiber.sleep(0.1)
            assert.are.equal(1, c:stats().active_requests)
            assert_cancelled(f, out, target, 'old')
            assert.are.equal(0, c:stats().active_requests)
        end)

        it('waiting in the connection queue', function()
            local p = proxy_for('get_to_file')
            p:mode('stall after=' .. CUT .. ' method=GET')
            local c = client_via(p, {max_connections = 1})
            local t1, t2 = fio.pathjoin(dir, 'cancel-holder'), fio.pathjoin(dir, 'cancel-queued')
            h.write_file(t1, 'old 1')
            h.write_file(t2, 'old 2')
            local holder, hout = spawn_get(c, t1)
            assert.is_true(h.wait_until(function() return p:stats().faults == 1 end, 5))
            local queued, qout = spawn_get(c, t2)
            fiber.sleep(0.2)
            assert.are.equal(1, p:stats().requests) -- the queued one never reached the proxy
            assert_cancelled(queued, qout, t2, 'old 2')
            assert.are.equal('suspended', holder:status()) -- the holder goes on
            assert_cancelled(holder, hout, t1, 'old 1')
            assert.are.equal(0, c:stats().active_requests)
        end)

        it('sleeping between retries', function()
            local p = proxy_for('get_to_file')
            p:mode('slowdown method=GET')
            local c = client_via(p, {retries = 20})
            local target = fio.pathjoin(dir, 'cancel-backoff')
            h.write_file(target, 'old')
            local f, out = spawn_get(c, target)
            -- after 4 answers the backoff is up to 1.6 s: catch the fiber with no request in flight
            assert.is_true(h.wait_until(function()
                return p:stats().requests >= 4 and c:stats().active_requests == 0
            end, 10), 'never caught the fiber between attempts')
            assert.is_nil(out.done)
            assert_cancelled(f, out, target, 'old')
        end)
    end)

    it('1000 fibers doing small gets on 8 connections with a 10 s deadline all succeed', function()
        local body = digest.urandom(1000)
        assert(direct:put(bucket, 'small', body))
        local cfg = table.copy(h.config) -- straight to the server
        cfg.max_connections = 8
        cfg.timeout = 10
        local c = s3.new(cfg)
        -- the sockets the process holds besides this client's, and at most 8 more meanwhile
        local sockets_before = h.socket_count()
        local max_sockets, sampling = sockets_before, true
        local sampler = fiber.create(function()
            while sampling do
                max_sockets = math.max(max_sockets, h.socket_count())
                fiber.sleep(0.02)
            end
        end)
        local N = 1000
        local results = fiber.channel(N)
        local t0 = clock.monotonic()
        for _ = 1, N do
            fiber.create(function()
                local got, err = c:get(bucket, 'small')
                results:put(got == body and true or tostring(err))
            end)
        end
        local failures = {}
        for _ = 1, N do
            local r = results:get(60)
            assert(r ~= nil, 'a get did not return within 60 s')
            if r ~= true then failures[r] = (failures[r] or 0) + 1 end
        end
        local took = clock.monotonic() - t0
        sampling = false
        assert.are.same({}, failures)
        print(('\n    1000 gets on 8 connections: %.2f s, at most %d sockets more'):format(took,
            max_sockets - sockets_before))
        assert.is_true(max_sockets - sockets_before <= 8, (max_sockets - sockets_before) .. ' sockets more')
        assert.are.equal(0, c:stats().active_requests)
        assert(sampler)
    end)
end)
