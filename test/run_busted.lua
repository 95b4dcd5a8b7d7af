-- Runs busted specs inside tarantool:  tarantool test/run_busted.lua test/spec [busted options]
--
-- busted's own launcher hangs under tarantool when a spec leaves a fiber running and
-- prints a fatal event-loop error on failure; this runner loads busted.runner with
-- standalone = false, counts results through busted's events, prints the closing line
-- `N passed, N failed, N skipped` and ends the process with os.exit(0 or 1).
--
-- Environment:
--   BUSTED_TIMEOUT=seconds  end the run as failed when it takes longer (a spec stuck in a
--                           yielding wait); off by default.
--
-- Note: tarantool started in the repository finds ./.rocks before package.path, so once
-- the rock is installed (`make`), `require('s3')` loads the installed copy; lua/ of the
-- working tree is only the fallback. Build, then test.

local fio = require('fio')
local fiber = require('fiber')

local script = fio.abspath(arg[0])
local repo = fio.dirname(fio.dirname(script))

local function add_path(field, entries)
    local cur = package[field]
    for _, e in ipairs(entries) do
        if not string.find(';' .. cur .. ';', ';' .. e .. ';', 1, true) then
            cur = cur .. ';' .. e
        end
    end
    package[field] = cur
end

-- The working tree's generated Lua, before the system paths (after ./.rocks, see above).
package.path = repo .. '/lua/?.lua;' .. repo .. '/lua/?/init.lua;' .. package.path
-- busted and its dependencies as Debian installs them (lua-busted), and /usr/local.
add_path('path', {
    '/usr/share/lua/5.1/?.lua', '/usr/share/lua/5.1/?/init.lua',
    '/usr/local/share/lua/5.1/?.lua', '/usr/local/share/lua/5.1/?/init.lua',
})
add_path('cpath', {
    '/usr/lib/x86_64-linux-gnu/lua/5.1/?.so', '/usr/lib/aarch64-linux-gnu/lua/5.1/?.so',
    '/usr/lib/lua/5.1/?.so', '/usr/local/lib/lua/5.1/?.so',
})

local counts = { passed = 0, failed = 0, skipped = 0 }
local failed_names = {}

local function full_name(busted, element)
    local names = { element.name or element.descriptor or '?' }
    local parent = busted.context.parent(element)
    while parent and (parent.name or parent.descriptor) and parent.descriptor ~= 'file' do
        table.insert(names, 1, parent.name or parent.descriptor)
        parent = busted.context.parent(parent)
    end
    return table.concat(names, ' ')
end

-- Capture the busted instance that busted.runner creates, to subscribe to its events.
local ok_core, core = pcall(require, 'busted.core')
if not ok_core then
    io.stderr:write('run_busted: cannot load busted (install lua-busted): ' .. tostring(core) .. '\n')
    print('0 passed, 1 failed, 0 skipped')
    os.exit(1)
end
package.loaded['busted.core'] = function(...)
    local busted = core(...)
    busted.subscribe({ 'test', 'end' }, function(element, parent, status)
        if status == 'success' then
            counts.passed = counts.passed + 1
        elseif status == 'pending' then
            counts.skipped = counts.skipped + 1
        else
            counts.failed = counts.failed + 1
            table.insert(failed_names, full_name(busted, element))
        end
        return nil, true
    end)
    -- Errors outside a test (a spec file that does not load, a failing describe block,
    -- before_each or setup): they stop tests from running, so they count as failures.
    local function outside(element)
        if element and element.descriptor ~= 'it' and element.descriptor ~= 'pending' then
            counts.failed = counts.failed + 1
            table.insert(failed_names, (element.descriptor or '?') .. ' ' .. tostring(element.name or ''))
        end
        return nil, true
    end
    busted.subscribe({ 'error' }, outside)
    busted.subscribe({ 'failure' }, outside)
    return busted
end

local timeout = tonumber(os.getenv('BUSTED_TIMEOUT') or '')
if timeout and timeout > 0 then
    fiber.create(function()
        fiber.sleep(timeout)
        io.stderr:write(string.format('run_busted: timed out after %s s\n', timeout))
        print(string.format('%d passed, %d failed, %d skipped', counts.passed, counts.failed + 1, counts.skipped))
        os.exit(1)
    end)
end

-- On failures busted.runner ends with error() instead of os.exit when not standalone.
local ok, err = pcall(function()
    require('busted.runner')({ standalone = false })
end)
if not ok and err ~= nil then
    io.stderr:write('run_busted: ' .. tostring(err) .. '\n')
    if counts.failed == 0 then
        counts.failed = 1
    end
end

io.stdout:write('\n')
if #failed_names > 0 then
    print('Failed:')
    for _, name in ipairs(failed_names) do
        print('  ' .. name)
    end
end
print(string.format('%d passed, %d failed, %d skipped', counts.passed, counts.failed, counts.skipped))
io.stdout:flush()
local ran = counts.passed + counts.failed
os.exit((counts.failed == 0 and ran > 0) and 0 or 1)
