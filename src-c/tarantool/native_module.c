/*
 * s3.native: the Lua binding of the core. The client object (made, configured, measured,
 * collected) and the module's table; a request is run by lua_request.c, the argument readers
 * are lua_args.c's.
 */
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "core/client.h"
#include "core/request.h"
#include "curl/curl_multi_driver.h"
#include "reactor/reactor_tarantool.h"
#include "tarantool/capi.h"
#include "tarantool/lua_args.h"
#include "tarantool/lua_client.h"
#include "tarantool/lua_request.h"
#include "tarantool/native_functions.h"
#include "tarantool/part_buffer.h"
#include "tarantool/response_probe.h"
#include "tarantool/shared_client.h"

#define CLIENT_METATABLE "s3.native.client"

struct lua_client {
	struct s3_tarantool_client *shared; /* one reference; NULL until made */
};

struct s3_tarantool_client *
s3_lua_client_test(lua_State *L, int idx)
{
	int top = lua_gettop(L);
	if (idx < 0 && idx > LUA_REGISTRYINDEX)
		idx = top + idx + 1;
	if (lua_istable(L, idx)) {
		lua_getfield(L, idx, "_native");
		idx = lua_gettop(L);
	}
	struct lua_client *lc = luaL_testudata(L, idx, CLIENT_METATABLE);
	struct s3_tarantool_client *client = lc != NULL ? lc->shared : NULL;
	lua_settop(L, top);
	return client;
}

static int
lua_client_new(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	s3_shared_client_reap();
	const char *addressing = s3_lua_opt_string(L, 1, "addressing", "path");
	enum s3_addressing mode;
	if (strcmp(addressing, "path") == 0)
		mode = S3_ADDRESSING_PATH;
	else if (strcmp(addressing, "virtual") == 0)
		mode = S3_ADDRESSING_VIRTUAL;
	else if (strcmp(addressing, "auto") == 0)
		mode = S3_ADDRESSING_AUTO;
	else
		return luaL_error(L, "s3.native: addressing must be 'path', 'virtual' or 'auto'");
	struct s3_client_config config = {
		.endpoint = s3_lua_opt_string(L, 1, "endpoint", NULL),
		.region = s3_lua_opt_string(L, 1, "region", "us-east-1"),
		.access_key_id = s3_lua_opt_string(L, 1, "access_key_id", NULL),
		.secret_access_key = s3_lua_opt_string(L, 1, "secret_access_key", NULL),
		.session_token = s3_lua_opt_string(L, 1, "session_token", NULL),
		.anonymous = s3_lua_opt_boolean(L, 1, "anonymous", false),
		.addressing = mode,
		.connect_timeout_ms = s3_lua_seconds_to_ms(s3_lua_opt_number(L, 1, "connect_timeout", 0)),
		.timeout_ms = s3_lua_seconds_to_ms(s3_lua_opt_number(L, 1, "timeout", 0)),
		.max_connections = (long)s3_lua_opt_number(L, 1, "max_connections", 0),
		.idle_timeout_s = s3_lua_opt_number(L, 1, "idle_timeout", 0),
		.verify_peer = s3_lua_opt_boolean(L, 1, "verify_peer", true),
		.ca_file = s3_lua_opt_string(L, 1, "ca_file", NULL),
		.proxy = s3_lua_opt_string(L, 1, "proxy", NULL),
	};
	struct s3_reactor reactor;
	if (s3_tarantool_reactor_new(&reactor) != 0)
		return luaL_error(L, "s3.native: cannot start the reactor fibers");
	struct s3_error err;
	struct lua_client *lc = lua_newuserdata(L, sizeof(*lc));
	lc->shared = NULL;
	luaL_getmetatable(L, CLIENT_METATABLE);
	lua_setmetatable(L, -2);
	struct s3_client *core = s3_client_new(&config, reactor, &err);
	if (core == NULL)
		return luaL_error(L, "s3.native: %s", err.message);
	lc->shared = s3_shared_client_new(core, (unsigned)config.max_connections);
	if (lc->shared == NULL)
		return luaL_error(L, "s3.native: out of memory");
	lc->shared->engine = (struct s3_engine_settings){
		.retries = s3_lua_opt_number(L, 1, "retries", 3),
		.part_size = s3_lua_opt_number(L, 1, "part_size", 8 * 1024 * 1024),
		.multipart_threshold = s3_lua_opt_number(L, 1, "multipart_threshold", 16 * 1024 * 1024),
		.concurrency = s3_lua_opt_number(L, 1, "concurrency", 8),
		.timeout = s3_lua_opt_number(L, 1, "timeout", 0),
	};
	return 1;
}

void
s3_lua_client_push(lua_State *L, struct s3_tarantool_client *client)
{
	struct lua_client *lc = lua_newuserdata(L, sizeof(*lc));
	s3_shared_client_ref(client);
	lc->shared = client;
	luaL_getmetatable(L, CLIENT_METATABLE);
	lua_setmetatable(L, -2);
}

/* client:engine_settings() -> {retries, part_size, multipart_threshold, concurrency, timeout} */
static int
lua_client_engine_settings(lua_State *L)
{
	struct lua_client *lc = luaL_checkudata(L, 1, CLIENT_METATABLE);
	if (lc->shared == NULL)
		return luaL_error(L, "s3.native: the client is closed");
	const struct s3_engine_settings *e = &lc->shared->engine;
	lua_createtable(L, 0, 5);
	lua_pushnumber(L, e->retries);
	lua_setfield(L, -2, "retries");
	lua_pushnumber(L, e->part_size);
	lua_setfield(L, -2, "part_size");
	lua_pushnumber(L, e->multipart_threshold);
	lua_setfield(L, -2, "multipart_threshold");
	lua_pushnumber(L, e->concurrency);
	lua_setfield(L, -2, "concurrency");
	lua_pushnumber(L, e->timeout);
	lua_setfield(L, -2, "timeout");
	return 1;
}

/* Runs inside the Lua GC, also at exit (lua_close, 3.3+): only lets go, see shared_client.h. */
static int
lua_client_gc(lua_State *L)
{
	struct lua_client *lc = luaL_checkudata(L, 1, CLIENT_METATABLE);
	s3_shared_client_unref(lc->shared);
	lc->shared = NULL;
	return 0;
}

/* client:clock_offset([seconds]) -> seconds: how far the signing clock is ahead of ours. The
 * client learns it from RequestTimeTooSkewed answers; setting it is for tests and diagnostics. */
static int
lua_client_clock_offset(lua_State *L)
{
	struct lua_client *lc = luaL_checkudata(L, 1, CLIENT_METATABLE);
	if (lc->shared == NULL)
		return luaL_error(L, "s3.native: the client is closed");
	if (!lua_isnoneornil(L, 2))
		lc->shared->core->clock_offset = (time_t)luaL_checknumber(L, 2);
	lua_pushnumber(L, (double)lc->shared->core->clock_offset);
	return 1;
}

/* client:stats() -> NativeStats of src-ts/s3/native.d.ts */
static int
lua_client_stats(lua_State *L)
{
	struct lua_client *lc = luaL_checkudata(L, 1, CLIENT_METATABLE);
	if (lc->shared == NULL)
		return luaL_error(L, "s3.native: the client is closed");
	s3_shared_client_reap();
	struct s3_client *core = lc->shared->core;
	struct s3_multi_driver_stats stats;
	s3_multi_driver_stats(core->driver, &stats);
	lua_createtable(L, 0, 9);
	lua_pushinteger(L, core->active_requests);
	lua_setfield(L, -2, "active_requests");
	lua_pushnumber(L, (double)stats.actions);
	lua_setfield(L, -2, "loop_actions");
	lua_pushnumber(L, stats.busy_seconds);
	lua_setfield(L, -2, "loop_busy_seconds");
	lua_pushnumber(L, stats.max_action_seconds);
	lua_setfield(L, -2, "loop_max_action_seconds");
	lua_pushnumber(L, stats.max_action_cpu_seconds);
	lua_setfield(L, -2, "loop_max_action_cpu_seconds");
	lua_pushnumber(L, stats.max_unpreempted_action_seconds);
	lua_setfield(L, -2, "loop_max_unpreempted_action_seconds");
	lua_pushnumber(L, (double)stats.preempted_actions);
	lua_setfield(L, -2, "loop_preempted_actions");
	lua_pushnumber(L, stats.max_action_work_seconds);
	lua_setfield(L, -2, "loop_max_action_work_seconds");
	lua_pushnumber(L, (double)stats.blocked_actions);
	lua_setfield(L, -2, "loop_blocked_actions");
	return 1;
}

/* client:request(req) -> resp | nil, err. See src-ts/s3/native.d.ts for the fields. */
static int
lua_client_request(lua_State *L)
{
	struct lua_client *lc = luaL_checkudata(L, 1, CLIENT_METATABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (lc->shared == NULL)
		return luaL_error(L, "s3.native: the client is closed");
	s3_shared_client_reap();
	return s3_lua_request(L, 2, lc->shared);
}

/* client:presign{method, bucket, key, expires, headers, query} -> url | nil, err. Computed here,
 * no request and no yield: it may run anywhere, inside a transaction too. */
static int
lua_client_presign(lua_State *L)
{
	struct lua_client *lc = luaL_checkudata(L, 1, CLIENT_METATABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (lc->shared == NULL)
		return luaL_error(L, "s3.native: the client is closed");
	struct s3_request_spec spec = {
		.method = s3_lua_opt_string(L, 2, "method", "GET"),
		.bucket = s3_lua_opt_string(L, 2, "bucket", NULL),
		.key = s3_lua_opt_string(L, 2, "key", NULL),
		.timeout_ms = -1,
	};
	double expires = s3_lua_opt_number(L, 2, "expires", 3600);
	/* Each read_pairs leaves its array on the stack, so both stay alive until we return. */
	spec.query = s3_lua_read_pairs(L, 2, "query", &spec.n_query);
	spec.headers = s3_lua_read_pairs(L, 2, "headers", &spec.n_headers);
	struct s3_error err;
	struct s3_buf url = S3_BUF_INIT;
	long expires_s = expires >= 1 && expires <= S3_PRESIGN_EXPIRES_MAX ? (long)expires : -1;
	if (s3_presign(lc->shared->core, &spec, expires_s, 0, &url, &err) != 0) {
		s3_buf_free(&url);
		lua_pushnil(L);
		s3_lua_push_error(L, &err);
		return 2;
	}
	lua_pushlstring(L, s3_buf_cstr(&url), url.len);
	s3_buf_free(&url);
	return 1;
}

/* native.set_default(client or nil): the client the C API hands out as the default one. */
static int
lua_set_default(lua_State *L)
{
	struct lua_client *lc = lua_isnoneornil(L, 1) ? NULL : luaL_checkudata(L, 1, CLIENT_METATABLE);
	s3_capi_set_default_client(lc != NULL ? lc->shared : NULL);
	s3_shared_client_reap();
	return 0;
}

LUA_API int
luaopen_s3_native(lua_State *L)
{
	s3_capi_init();
	if (s3_library_init() != 0)
		return luaL_error(L, "s3.native: libcurl failed to initialize");
	if (luaL_newmetatable(L, CLIENT_METATABLE)) {
		lua_pushcfunction(L, lua_client_gc);
		lua_setfield(L, -2, "__gc");
		lua_newtable(L);
		lua_pushcfunction(L, lua_client_request);
		lua_setfield(L, -2, "request");
		lua_pushcfunction(L, lua_client_stats);
		lua_setfield(L, -2, "stats");
		lua_pushcfunction(L, lua_client_engine_settings);
		lua_setfield(L, -2, "engine_settings");
		lua_pushcfunction(L, lua_client_clock_offset);
		lua_setfield(L, -2, "clock_offset");
		lua_pushcfunction(L, lua_client_presign);
		lua_setfield(L, -2, "presign");
		lua_setfield(L, -2, "__index");
	}
	lua_pop(L, 1);
	lua_newtable(L);
	s3_native_functions_register(L);
	s3_part_buffer_register(L);
	s3_response_probe_register(L);
	lua_pushcfunction(L, lua_client_new);
	lua_setfield(L, -2, "client_new");
	lua_pushcfunction(L, lua_set_default);
	lua_setfield(L, -2, "set_default");
	lua_pushlightuserdata(L, (void *)s3_capi_get());
	lua_setfield(L, -2, "c_api");
	lua_pushstring(L, s3_library_transport_version());
	lua_setfield(L, -2, "curl_version");
	return 1;
}
