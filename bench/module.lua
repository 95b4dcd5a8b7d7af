-- The s3 module as a benchmark contender. Run by tarantool from the repository root (so that
-- require('s3') finds the installed rock in ./.rocks):
--
--   tarantool bench/module.lua op=OP endpoint=URL bucket=B [key=K] [path=P] [count=N]
--       [concurrency=N] [part_size=BYTES] [threshold=BYTES] [nkeys=N] [prefix=P] [single=1]
--       [access_key=.. secret_key=.. region=..]
--
-- OP: get_file (get_to_file of key into path), put_file (put_from_file of path to key); for
--     these two, concurrency and part_size are the call's options (the client's defaults
--     when not given),
--     get_many (count x s3.get of prefix<i % nkeys> by `concurrency` fibers),
--     put_many (count x put_from_file of path to prefix<i> by `concurrency` fibers),
--     noop (everything but a transfer: the empty start the harness subtracts).
-- single=1 keeps a put_from_file to one PUT (multipart_threshold at its maximum), for a plain
-- HTTP origin that knows no multipart upload.
-- Prints one RESULT line (see bench/lib/common.lua).
local dir = debug.getinfo(1, 'S').source:sub(2):match('^(.*)/[^/]*$') or '.'
local common = dofile(dir .. '/lib/common.lua')

local a = common.args(arg)
local op = common.str(a, 'op')
local ok_require, s3 = pcall(require, 's3')
if not ok_require then common.fail('require("s3"): ' .. tostring(s3)) end

local concurrency = common.num(a, 'concurrency', 1)
-- Per-call options of get_to_file / put_from_file: only what was asked for.
local call_opts = {}
if a.concurrency ~= nil then call_opts.concurrency = concurrency end
if a.part_size ~= nil then call_opts.part_size = common.num(a, 'part_size') end
local opts = {
    endpoint = common.str(a, 'endpoint'),
    region = common.str(a, 'region', 'us-east-1'),
    access_key_id = common.str(a, 'access_key', 'bench'),
    secret_access_key = common.str(a, 'secret_key', 'bench'),
    max_connections = math.max(64, concurrency),
}
if a.single == '1' then
    opts.multipart_threshold = 5 * 1024 * 1024 * 1024
end
if a.threshold ~= nil then   -- the client's multipart_threshold (bytes), for experiments
    opts.multipart_threshold = common.num(a, 'threshold')
end
local ok_new, client = pcall(s3.new, opts)
if not ok_new then common.fail('s3.new: ' .. tostring(client)) end

local bucket = common.str(a, 'bucket')

-- client:stats() (when the module has it): libcurl steps on the event loop during the run.
local stats0
local function loop_stats()
    if type(client.stats) ~= 'function' then return nil end
    local ok, st = pcall(client.stats, client)
    if not ok or type(st) ~= 'table' or st.loop_actions == nil then return nil end
    return st
end
stats0 = loop_stats()
local function loop_fields()
    local st = loop_stats()
    if st == nil or stats0 == nil then return nil end
    return string.format(' loop_steps=%d loop_busy_s=%.6f loop_max_step_ms=%.3f loop_max_work_ms=%.3f',
        st.loop_actions - stats0.loop_actions, st.loop_busy_seconds - stats0.loop_busy_seconds,
        (st.loop_max_action_seconds or 0) * 1000, (st.loop_max_action_work_seconds or 0) * 1000)
end

local function check(ok, err, what)
    if not ok then error(what .. ': ' .. tostring(err), 0) end
end

if op == 'get_file' then
    local key, path = common.str(a, 'key'), common.str(a, 'path')
    common.measure(function()
        local ok, err = client:get_to_file(bucket, key, path, call_opts)
        check(ok, err, 'get_to_file')
        return common.file_size(path), 1
    end, loop_fields)
elseif op == 'put_file' then
    local key, path = common.str(a, 'key'), common.str(a, 'path')
    local size = common.file_size(path)
    common.measure(function()
        local ok, err = client:put_from_file(bucket, key, path, call_opts)
        check(ok, err, 'put_from_file')
        return size, 1
    end, loop_fields)
elseif op == 'get_many' then
    local count, nkeys = common.num(a, 'count'), common.num(a, 'nkeys')
    local prefix = common.str(a, 'prefix')
    local keys = {}
    for i = 0, nkeys - 1 do keys[i] = string.format('%s%04d', prefix, i) end
    common.measure(function()
        return common.parallel(count, concurrency, function(i)
            local body, err = client:get(bucket, keys[i % nkeys])
            check(body, err, 'get')
            return #body
        end)
    end, loop_fields)
elseif op == 'put_many' then
    local count, path = common.num(a, 'count'), common.str(a, 'path')
    local prefix = common.str(a, 'prefix')
    local size = common.file_size(path)
    common.measure(function()
        return common.parallel(count, concurrency, function(i)
            local ok, err = client:put_from_file(bucket, string.format('%s%04d', prefix, i), path)
            check(ok, err, 'put_from_file')
            return size
        end)
    end, loop_fields)
elseif op == 'noop' then
    common.measure(function() return 0, 1 end, loop_fields)
else
    common.fail('unknown op ' .. op)
end
os.exit(0)
