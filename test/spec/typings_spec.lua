-- The TypeScript example (examples/typescript, compiled with the rock's declarations) runs
-- against the server. test/typings/check.sh also checks that misspelt options fail to compile.
local fio = require('fio')
local h = dofile('test/spec/helper.lua')

local TSTL = fio.abspath('node_modules/.bin/tstl')

describe('the TypeScript declarations', function()
    it('are installed with the rock', function()
        assert.is_true(fio.path.exists('.rocks/share/tarantool/s3/s3.d.ts'))
    end)

    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end
    if not fio.path.exists(TSTL) then
        pending('no node_modules/.bin/tstl: run npm ci (make deps)')
        return
    end

    it('examples/typescript compiles and its Lua runs against the server', function()
        local dir = h.tempdir()
        local log = dir .. '/out.log'
        local cmd = string.format('%q -p examples/typescript/tsconfig.json --outDir %q > %q 2>&1',
            TSTL, dir .. '/build', log)
        assert(os.execute(cmd) == 0, h.read_file(log))
        local bin = os.getenv('TARANTOOL_BIN') or arg[-1] or 'tarantool'
        cmd = string.format('%q %q > %q 2>&1', bin, dir .. '/build/main.lua', log)
        local rc = os.execute(cmd)
        local out = h.read_file(log)
        h.rmtree(dir)
        assert.are.equal(0, rc, out)
        assert.matches('get: hello from TypeScript %(21 bytes, text/plain, origin=example%)', out)
        assert.matches('anonymous get: AccessDenied', out)
        assert.matches('head missing: 404', out)
        assert.matches('typescript example: ok', out)
    end)
end)
