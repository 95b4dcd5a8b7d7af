-- Calls where Tarantool forbids a yield (inside a transaction and box triggers) are refused with
-- InvalidArgument before anything yields; the same call from a fiber of its own works. Run in a
-- child process by test/spec/no_yield_spec.lua (it needs box.cfg); prints one line per context.
local s3 = require('s3')
local fiber = require('fiber')
local fio = require('fio')

local dir = fio.tempdir()
box.cfg{work_dir = dir, memtx_memory = 64 * 1024 * 1024}
s3.cfg{
    endpoint = os.getenv('S3_ENDPOINT'), region = os.getenv('S3_REGION') or 'us-east-1',
    access_key_id = os.getenv('S3_ACCESS_KEY'), secret_access_key = os.getenv('S3_SECRET_KEY'),
}
local bucket = string.format('noyield-%d', math.random(1, 1e9))
assert(s3.create_bucket(bucket))
assert(s3.put(bucket, 'k', 'value'))

local function report(context, body, err)
    if body ~= nil then
        print(context .. ': ran')
    else
        print(string.format('%s: %s %s', context, err.code, err.message))
    end
end

local space = box.schema.space.create('t')
space:create_index('pk')

box.begin()
report('box.begin', s3.get(bucket, 'k'))
report('box.begin get_to_file', s3.get_to_file(bucket, 'k', dir .. '/out'))
report('box.begin put_from_file', s3.put_from_file(bucket, 'k2', '/etc/hostname'))
-- presign makes no request and never yields: it works here
report('box.begin presign', s3.presign('GET', bucket, 'k'))
box.commit()
print('files left: ' .. #fio.glob(dir .. '/out*'))

space:before_replace(function(old, new)
    report('before_replace', s3.head(bucket, 'k'))
    report('before_replace presign', s3.presign('PUT', bucket, 'k'))
    return new
end)
space:on_replace(function()
    report('on_replace', s3.put(bucket, 'k3', 'v'))
end)
local from_fiber
box.begin()
box.on_commit(function()
    report('on_commit', s3.get(bucket, 'k'))
    -- What the refusal says to do instead.
    fiber.create(function() from_fiber = {s3.get(bucket, 'k')} end)
end)
space:replace{1}
box.commit()
while from_fiber == nil do fiber.sleep(0.01) end
report('fiber.create from a trigger', unpack(from_fiber))
report('outside', s3.get(bucket, 'k'))
-- The WAL may still write there: the spec removes it.
print('work dir: ' .. dir)
os.exit(0)
