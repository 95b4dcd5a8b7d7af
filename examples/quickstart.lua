-- The s3 rock at work: upload a file, read its metadata back, download it, check it.
-- Configuration comes from the AWS_* environment variables (see examples/run.sh).
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')
local clock = require('clock')

local workdir = arg[1] or fio.tempdir()
local bucket = 'quickstart'
local key = 'backups/2026-11-25/snapshot 0001.snap'
local size = 64 * 1024 * 1024 + 1

local function mb(bytes) return bytes / 1e6 end

local function make_file(path, bytes)
    local fh = assert(fio.open(path, {'O_WRONLY', 'O_CREAT', 'O_TRUNC'}, tonumber('644', 8)))
    local chunk = {}
    for i = 1, 1024 do chunk[i] = string.format('%63d\n', i) end
    chunk = table.concat(chunk) -- 64 KiB of text
    local written = 0
    while written < bytes do
        local n = math.min(#chunk, bytes - written)
        assert(fh:write(n == #chunk and chunk or chunk:sub(1, n)))
        written = written + n
    end
    fh:close()
end

local function same_content(a, b)
    local fa, fb = assert(fio.open(a)), assert(fio.open(b))
    local same = true
    while same do
        local x, y = fa:read(1024 * 1024), fb:read(1024 * 1024)
        same = x == y
        if x == '' then break end
    end
    fa:close(); fb:close()
    return same
end

-- A ticker fiber shows that the event loop keeps running during the transfers.
local max_gap, ticking = 0, true
fiber.create(function()
    local last = clock.monotonic()
    while ticking do
        fiber.sleep(0.001)
        local now = clock.monotonic()
        max_gap = math.max(max_gap, now - last)
        last = now
    end
end)

local src = fio.pathjoin(workdir, 'source.bin')
local dst = fio.pathjoin(workdir, 'downloaded.bin')
make_file(src, size)

local ok, err = s3.create_bucket(bucket)
print(string.format('create_bucket(%q): %s', bucket, ok and 'ok' or tostring(err)))

local t0 = clock.monotonic()
ok, err = s3.put_from_file(bucket, key, src, {content_type = 'application/octet-stream',
                                              metadata = {origin = 'quickstart'}})
assert(ok, tostring(err))
local dt = clock.monotonic() - t0
print(string.format('put_from_file: %.1f MB in %.3f s, %.0f MB/s', mb(size), dt, mb(size) / dt))

local info = assert(s3.head(bucket, key))
print(string.format('head: size=%d etag=%s content_type=%s metadata.origin=%s',
                    info.size, info.etag, info.content_type, tostring(info.metadata.origin)))

t0 = clock.monotonic()
ok, err = s3.get_to_file(bucket, key, dst)
assert(ok, tostring(err))
dt = clock.monotonic() - t0
print(string.format('get_to_file: %.1f MB in %.3f s, %.0f MB/s', mb(size), dt, mb(size) / dt))

assert(same_content(src, dst), 'downloaded file differs')
print('downloaded file is identical to the source')

local missing
ok, missing = s3.get(bucket, 'no such key')
print('get of a missing key: ' .. tostring(missing))

assert(s3.delete(bucket, key))
assert(s3.delete_bucket(bucket))
ticking = false
print(string.format('largest event-loop gap seen by a 1 ms ticker fiber: %.1f ms', max_gap * 1000))
os.exit(0)
