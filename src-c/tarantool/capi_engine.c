#include "capi_engine.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "tarantool/lua_client.h"

/* Members of the caller's opts, which may be an older, smaller struct. */
#define OPTS_HAS(opts, member) \
	((opts) != NULL && (opts)->size >= offsetof(struct s3_tarantool_transfer_opts, member) + \
					     sizeof((opts)->member))

static void
set_error(struct s3_tarantool_error *err, const char *code, const char *message)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->message, sizeof(err->message), "%s", message);
}

/* opts.on_progress for the engine: calls the C callback kept in the upvalues. */
static int
progress_trampoline(lua_State *L)
{
	void (*fn)(void *, uint64_t, uint64_t) =
		(void (*)(void *, uint64_t, uint64_t))(uintptr_t)lua_touserdata(L, lua_upvalueindex(1));
	void *arg = lua_touserdata(L, lua_upvalueindex(2));
	double done = luaL_checknumber(L, 1);
	double total = lua_isnumber(L, 2) ? lua_tonumber(L, 2) : 0;
	fn(arg, (uint64_t)done, (uint64_t)total);
	return 0;
}

static void
copy_string_field(lua_State *L, int table, const char *field, char *out, size_t size)
{
	lua_getfield(L, table, field);
	if (lua_type(L, -1) == LUA_TSTRING)
		snprintf(out, size, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
}

/* The engine's error table (code, status, message, request_id) into err. */
static void
copy_lua_error(lua_State *L, int table, struct s3_tarantool_error *err)
{
	memset(err, 0, sizeof(*err));
	if (!lua_istable(L, table)) {
		snprintf(err->code, sizeof(err->code), "InternalError");
		snprintf(err->message, sizeof(err->message), "%s",
			 lua_isstring(L, table) ? lua_tostring(L, table) : "the transfer engine failed");
		return;
	}
	copy_string_field(L, table, "code", err->code, sizeof(err->code));
	copy_string_field(L, table, "message", err->message, sizeof(err->message));
	copy_string_field(L, table, "request_id", err->request_id, sizeof(err->request_id));
	lua_getfield(L, table, "status");
	if (lua_isnumber(L, -1))
		err->status = (long)lua_tonumber(L, -1);
	lua_pop(L, 1);
}

int
s3_capi_engine_run(const char *direction, struct s3_tarantool_client *client, const char *bucket,
		   const char *key, int fd, uint64_t size,
		   const struct s3_tarantool_transfer_opts *opts, uint64_t *bytes,
		   struct s3_tarantool_error *err)
{
	/* A Lua thread of our own, anchored in the registry while it runs: the calling fiber may
	 * be inside any Lua state, or none. */
	lua_State *main_state = luaT_state();
	lua_State *L = lua_newthread(main_state);
	int anchor = luaL_ref(main_state, LUA_REGISTRYINDEX);

	lua_getglobal(L, "require");
	lua_pushstring(L, "s3.capi_engine");
	int rc = -1;
	if (lua_pcall(L, 1, 1, 0) != 0) {
		set_error(err, "InternalError", lua_tostring(L, -1));
		goto out;
	}
	lua_getfield(L, -1, direction);
	s3_lua_client_push(L, client);
	lua_pushstring(L, bucket);
	lua_pushstring(L, key);
	lua_pushinteger(L, fd);
	int nargs = 5;
	if (strcmp(direction, "put_from_fd") == 0) {
		lua_pushnumber(L, (double)size);
		nargs++;
	}
	lua_createtable(L, 0, 4);
	lua_pushnumber(L, opts != NULL ? (double)opts->offset : 0);
	lua_setfield(L, -2, "offset");
	if (opts != NULL && opts->timeout > 0) {
		lua_pushnumber(L, opts->timeout);
		lua_setfield(L, -2, "timeout");
	}
	if (opts != NULL && opts->content_type != NULL) {
		lua_pushstring(L, opts->content_type);
		lua_setfield(L, -2, "content_type");
	}
	if (OPTS_HAS(opts, progress_arg) && opts->on_progress != NULL) {
		lua_pushlightuserdata(L, (void *)(uintptr_t)opts->on_progress);
		lua_pushlightuserdata(L, opts->progress_arg);
		lua_pushcclosure(L, progress_trampoline, 2);
		lua_setfield(L, -2, "on_progress");
	}
	/* Yields the calling fiber while the transfer runs; raises nothing the engine did not. */
	if (lua_pcall(L, nargs, 2, 0) != 0) {
		set_error(err, "InternalError", lua_tostring(L, -1));
		goto out;
	}
	if (lua_toboolean(L, -2)) {
		memset(err, 0, sizeof(*err));
		if (bytes != NULL)
			*bytes = (uint64_t)lua_tonumber(L, -1);
		rc = 0;
	} else {
		copy_lua_error(L, lua_gettop(L), err);
	}
out:
	lua_settop(L, 0);
	luaL_unref(main_state, LUA_REGISTRYINDEX, anchor);
	return rc;
}

/* The listing's per-object callback: (key, size, etag, last_modified, storage_class) -> stop. */
static int
object_trampoline(lua_State *L)
{
	int (*fn)(void *, const struct s3_tarantool_object_entry *) =
		(int (*)(void *, const struct s3_tarantool_object_entry *))(uintptr_t)
			lua_touserdata(L, lua_upvalueindex(1));
	void *arg = lua_touserdata(L, lua_upvalueindex(2));
	struct s3_tarantool_object_entry entry = {
		.key = luaL_checkstring(L, 1),
		.size = (uint64_t)luaL_optnumber(L, 2, 0),
		.etag = luaL_optstring(L, 3, ""),
		.last_modified = luaL_optstring(L, 4, ""),
		.storage_class = luaL_optstring(L, 5, ""),
	};
	lua_pushboolean(L, fn(arg, &entry) != 0);
	return 1;
}

int
s3_capi_engine_list(struct s3_tarantool_client *client, const char *bucket, const char *prefix,
		    int (*on_object)(void *arg, const struct s3_tarantool_object_entry *object),
		    void *arg, struct s3_tarantool_error *err)
{
	lua_State *main_state = luaT_state();
	lua_State *L = lua_newthread(main_state);
	int anchor = luaL_ref(main_state, LUA_REGISTRYINDEX);
	int rc = -1;
	lua_getglobal(L, "require");
	lua_pushstring(L, "s3.capi_engine");
	if (lua_pcall(L, 1, 1, 0) != 0) {
		set_error(err, "InternalError", lua_tostring(L, -1));
		goto out;
	}
	lua_getfield(L, -1, "list_objects");
	s3_lua_client_push(L, client);
	lua_pushstring(L, bucket);
	lua_pushstring(L, prefix != NULL ? prefix : "");
	lua_pushlightuserdata(L, (void *)(uintptr_t)on_object);
	lua_pushlightuserdata(L, arg);
	lua_pushcclosure(L, object_trampoline, 2);
	if (lua_pcall(L, 4, 2, 0) != 0) {
		set_error(err, "InternalError", lua_tostring(L, -1));
		goto out;
	}
	if (lua_toboolean(L, -2)) {
		memset(err, 0, sizeof(*err));
		rc = 0;
	} else {
		copy_lua_error(L, lua_gettop(L), err);
	}
out:
	lua_settop(L, 0);
	luaL_unref(main_state, LUA_REGISTRYINDEX, anchor);
	return rc;
}
