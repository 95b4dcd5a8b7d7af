-- Inside a transaction or a box trigger no fiber may yield, and every call of the module yields:
-- such calls return nil, err (InvalidArgument) before touching anything (test/cases/no_yield.lua,
-- in a child process because it needs box.cfg).
local h = dofile('test/spec/helper.lua')

describe('calls that cannot yield', function()
    if not h.have_server() then
        pending('S3_ENDPOINT is not set: run through make test')
        return
    end

    local output, status
    setup(function()
        output, status = h.run_child({'test/cases/no_yield.lua'})
    end)

    teardown(function()
        h.rmtree(output and output:match('work dir: ([^\n]+)'))
    end)

    it('the case ran to its end', function()
        assert.are.equal('exited', status.state, output)
        assert.are.equal(0, status.exit_code, output)
    end)

    for _, context in ipairs({'box.begin', 'box.begin get_to_file', 'box.begin put_from_file',
                              'before_replace', 'on_replace', 'on_commit'}) do
        it('refuses inside ' .. context .. ', saying to use a fiber', function()
            local line = output:match('\n' .. context:gsub('%.', '%%.') .. ': ([^\n]*)')
                or output:match('^' .. context:gsub('%.', '%%.') .. ': ([^\n]*)')
            assert.is_not_nil(line, output)
            assert.matches('^InvalidArgument ', line)
            assert.matches('fiber.create', line, 1, true)
        end)
    end

    it('presign runs inside a transaction and a trigger (it never yields)', function()
        assert.matches('box.begin presign: ran', output, 1, true)
        assert.matches('before_replace presign: ran', output, 1, true)
    end)

    it('left no temporary file behind', function()
        assert.matches('files left: 0', output, 1, true)
    end)

    it('runs the same call from a fiber started in the trigger, and outside', function()
        assert.matches('fiber.create from a trigger: ran', output, 1, true)
        assert.matches('outside: ran', output, 1, true)
    end)
end)
