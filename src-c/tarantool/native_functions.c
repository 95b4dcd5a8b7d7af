#include "native_functions.h"

#include <errno.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "tarantool/digest_worker.h"
#include "tarantool/shared_client.h"

#define COUNTER_METATABLE "s3.native.counter"

/* Body bytes a transfer has moved, written by its requests on the loop and read by the fiber
 * that reports progress: a userdata, so that it lives as long as Lua refers to it. */
struct lua_counter {
	uint64_t bytes;
};

/* native.counter() -> a progress counter for requests (req.progress); counter:value() reads it. */
static int
lua_counter_new(lua_State *L)
{
	struct lua_counter *counter = lua_newuserdata(L, sizeof(*counter));
	counter->bytes = 0;
	luaL_getmetatable(L, COUNTER_METATABLE);
	lua_setmetatable(L, -2);
	return 1;
}

static int
lua_counter_value(lua_State *L)
{
	struct lua_counter *counter = luaL_checkudata(L, 1, COUNTER_METATABLE);
	lua_pushnumber(L, (double)counter->bytes);
	return 1;
}

uint64_t *
s3_native_counter_test(lua_State *L, int idx)
{
	struct lua_counter *counter = luaL_testudata(L, idx, COUNTER_METATABLE);
	return counter != NULL ? &counter->bytes : NULL;
}

/* native.md5_fd(fd, offset, size) -> 16-byte digest | nil, message. In a coio worker: yields. */
static int
lua_md5_fd(lua_State *L)
{
	int fd = (int)luaL_checkinteger(L, 1);
	double offset = luaL_checknumber(L, 2);
	double size = luaL_checknumber(L, 3);
	if (fd < 0 || offset < 0 || size < 0)
		return luaL_error(L, "s3.native: md5_fd wants fd, offset, size >= 0");
	unsigned char md5[16];
	if (s3_md5_fd_range(fd, (uint64_t)offset, (uint64_t)size, md5) != 0) {
		lua_pushnil(L);
		lua_pushstring(L, strerror(errno));
		return 2;
	}
	lua_pushlstring(L, (const char *)md5, sizeof(md5));
	return 1;
}

/* native.md5_string(s) -> 16-byte digest, computed in a coio worker (s stays referenced by the
 * Lua stack, and Lua strings never change, so the worker may read it). */
static int
lua_md5_string(lua_State *L)
{
	size_t len;
	const char *data = luaL_checklstring(L, 1, &len);
	unsigned char md5[16];
	if (s3_md5_buffer(data, len, md5) != 0)
		return luaL_error(L, "s3.native: md5 failed");
	lua_pushlstring(L, (const char *)md5, sizeof(md5));
	return 1;
}

/* native.can_yield() -> false inside a transaction (box.begin, triggers such as before_replace
 * and on_replace), where a transfer must not run: the Lua layer refuses before it touches files. */
static int
lua_can_yield(lua_State *L)
{
	lua_pushboolean(L, !box_txn());
	return 1;
}

/* native.reap(): tears down the clients let go since the last call into the module. */
static int
lua_reap(lua_State *L)
{
	(void)L;
	s3_shared_client_reap();
	return 0;
}

void
s3_native_functions_register(lua_State *L)
{
	if (luaL_newmetatable(L, COUNTER_METATABLE)) {
		lua_newtable(L);
		lua_pushcfunction(L, lua_counter_value);
		lua_setfield(L, -2, "value");
		lua_setfield(L, -2, "__index");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, lua_counter_new);
	lua_setfield(L, -2, "counter");
	lua_pushcfunction(L, lua_md5_fd);
	lua_setfield(L, -2, "md5_fd");
	lua_pushcfunction(L, lua_md5_string);
	lua_setfield(L, -2, "md5_string");
	lua_pushcfunction(L, lua_can_yield);
	lua_setfield(L, -2, "can_yield");
	lua_pushcfunction(L, lua_reap);
	lua_setfield(L, -2, "reap");
}
