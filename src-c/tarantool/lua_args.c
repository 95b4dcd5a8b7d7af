#include "tarantool/lua_args.h"

#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>

#include "core/error.h"
#include "core/buf.h"

const char *
s3_lua_opt_string(lua_State *L, int table, const char *field, const char *fallback)
{
	lua_getfield(L, table, field);
	const char *value = fallback;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "s3.native: %s must be a string", field);
		size_t len;
		value = lua_tolstring(L, -1, &len);
		/* C would stop at a NUL: 'a\0x' must not quietly become 'a'. */
		if (strlen(value) != len)
			luaL_error(L, "s3.native: %s must not contain a NUL byte", field);
	}
	/* The table keeps the string alive; the pointer stays valid while the table is on the stack. */
	lua_pop(L, 1);
	return value;
}

double
s3_lua_opt_number(lua_State *L, int table, const char *field, double fallback)
{
	lua_getfield(L, table, field);
	double value = fallback;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TNUMBER)
			luaL_error(L, "s3.native: %s must be a number", field);
		value = lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	return value;
}

bool
s3_lua_opt_boolean(lua_State *L, int table, const char *field, bool fallback)
{
	lua_getfield(L, table, field);
	bool value = fallback;
	if (!lua_isnil(L, -1)) {
		if (lua_type(L, -1) != LUA_TBOOLEAN)
			luaL_error(L, "s3.native: %s must be a boolean", field);
		value = lua_toboolean(L, -1);
	}
	lua_pop(L, 1);
	return value;
}

struct s3_kv *
s3_lua_read_pairs(lua_State *L, int table, const char *field, size_t *count)
{
	*count = 0;
	lua_getfield(L, table, field);
	if (lua_isnil(L, -1))
		return NULL;
	if (!lua_istable(L, -1))
		luaL_error(L, "s3.native: %s must be a table", field);
	int pairs_table = lua_gettop(L);
	size_t n = 0;
	for (lua_pushnil(L); lua_next(L, pairs_table) != 0; lua_pop(L, 1))
		n++;
	struct s3_kv *pairs = lua_newuserdata(L, (n > 0 ? n : 1) * sizeof(*pairs));
	size_t i = 0;
	for (lua_pushnil(L); lua_next(L, pairs_table) != 0; lua_pop(L, 1)) {
		if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "s3.native: %s must map strings to strings", field);
		size_t key_len, value_len;
		pairs[i].key = lua_tolstring(L, -2, &key_len);
		pairs[i].value = lua_tolstring(L, -1, &value_len);
		if (strlen(pairs[i].key) != key_len || strlen(pairs[i].value) != value_len)
			luaL_error(L, "s3.native: %s must not contain NUL bytes ('%s')", field,
				   pairs[i].key);
		i++;
	}
	*count = n;
	return pairs;
}

long
s3_lua_seconds_to_ms(double seconds)
{
	if (seconds <= 0)
		return 0;
	long ms = (long)(seconds * 1000.0 + 0.5);
	return ms > 0 ? ms : 1;
}

void
s3_lua_push_error(lua_State *L, const struct s3_error *err)
{
	lua_createtable(L, 0, 5);
	lua_pushstring(L, err->code);
	lua_setfield(L, -2, "code");
	if (err->status != 0) {
		lua_pushinteger(L, err->status);
		lua_setfield(L, -2, "status");
	}
	lua_pushstring(L, err->message);
	lua_setfield(L, -2, "message");
	if (err->request_id[0] != '\0') {
		lua_pushstring(L, err->request_id);
		lua_setfield(L, -2, "request_id");
	}
	if (err->sys_errno != 0) {
		lua_pushinteger(L, err->sys_errno);
		lua_setfield(L, -2, "errno");
	}
}
