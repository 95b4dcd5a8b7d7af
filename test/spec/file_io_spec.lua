-- The disk I/O of transfers runs in coio worker threads, never on the event loop's thread: a
-- download's pwrite and an upload's pread would otherwise stop every fiber while the kernel
-- throttles dirty pages or a cold snapshot is read from disk. Checked with the kernel's own
-- per-thread counters (/proc/<pid>/task/<tid>/io): rchar and wchar, the bytes the TX thread
-- passed to read and write calls on files (socket sends and receives do not count there).
local s3 = require('s3')
local fio = require('fio')
local ffi = require('ffi')
local h = dofile('test/spec/helper.lua')

pcall(ffi.cdef, 'int getpid(void);')

local MiB = 1024 * 1024

-- rchar and wchar of the event loop's thread (tarantool's main thread: its tid is the pid).
local function tx_thread_io()
    local pid = ffi.C.getpid()
    local fh = assert(io.open(('/proc/%d/task/%d/io'):format(pid, pid)))
    local text = fh:read('*a')
    fh:close()
    return {rchar = tonumber(text:match('rchar: (%d+)')), wchar = tonumber(text:match('wchar: (%d+)'))}
end

describe('file I/O off the event loop thread', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end
    local bucket = h.bucket_name('fileio')
    local dir, client

    setup(function()
        dir = h.tempdir()
        client = s3.new(h.config)
        assert(client:create_bucket(bucket))
    end)
    teardown(function()
        h.rmtree(dir)
    end)

    it('the counters see a file written and read on the TX thread', function()
        -- So that the checks below cannot pass by reading zeros: Lua's io writes synchronously.
        local path = fio.pathjoin(dir, 'on the tx thread')
        local before = tx_thread_io()
        local fh = assert(io.open(path, 'wb'))
        fh:write(string.rep('x', MiB))
        fh:close()
        fh = assert(io.open(path, 'rb'))
        assert.are.equal(MiB, #fh:read('*a'))
        fh:close()
        local after = tx_thread_io()
        assert.is_true(after.wchar - before.wchar >= MiB)
        assert.is_true(after.rchar - before.rchar >= MiB)
    end)

    -- Both sides of the engine: one stream under the threshold, parts and ranges above it.
    for _, case in ipairs({{'one stream', 12 * MiB}, {'parts and ranges', 40 * MiB}}) do
        local name, size = case[1], case[2]
        it(name .. ': the TX thread neither reads the file it uploads nor writes the one it downloads', function()
            local src = h.random_file(fio.pathjoin(dir, 'src-' .. size), size)
            local dst = fio.pathjoin(dir, 'dst-' .. size)
            local key = 'file io/' .. size

            local before = tx_thread_io()
            assert(client:put_from_file(bucket, key, src))
            local after_put = tx_thread_io()
            assert(client:get_to_file(bucket, key, dst))
            local after_get = tx_thread_io()
            assert.are.equal(h.sha256_file(src), h.sha256_file(dst))

            -- What is left on the TX thread is requests, answers and Lua's own small files.
            local slack = 2 * MiB
            local put_read = after_put.rchar - before.rchar
            local get_written = after_get.wchar - after_put.wchar
            assert.is_true(put_read < slack,
                ('the TX thread read %d bytes during a %d-byte upload'):format(put_read, size))
            assert.is_true(get_written < slack,
                ('the TX thread wrote %d bytes during a %d-byte download'):format(get_written, size))
        end)
    end
end)
