#include "response_probe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "core/request.h"

#define RESPONSE_PROBE_METATABLE "s3.native.response_probe"

struct s3_response_probe {
	struct fiber_cond *headers_came;
	double seq;    /* headers seen so far: a retried request can answer again */
	long status;
	double size;   /* the whole object's, -1 when the headers did not tell */
	char etag[256];
};

/* "bytes 0-99/1234" -> 1234; -1 for "*" or anything else */
static double
total_of_content_range(const char *value)
{
	const char *slash = value != NULL ? strrchr(value, '/') : NULL;
	if (slash == NULL || slash[1] < '0' || slash[1] > '9')
		return -1;
	return (double)strtoull(slash + 1, NULL, 10);
}

void
s3_response_probe_on_headers(struct s3_request *req, void *arg)
{
	struct s3_response_probe *probe = arg;
	/* Runs on the loop inside libcurl's callback: it only copies and wakes the waiter. */
	probe->status = s3_request_status(req);
	const char *range = s3_request_header_find(req, "content-range");
	const char *length = s3_request_header_find(req, "content-length");
	if (probe->status == 206)
		probe->size = total_of_content_range(range);
	else if (probe->status == 200 && length != NULL)
		probe->size = (double)strtoull(length, NULL, 10);
	else
		probe->size = -1;
	const char *etag = s3_request_header_find(req, "etag");
	snprintf(probe->etag, sizeof(probe->etag), "%s", etag != NULL ? etag : "");
	probe->seq++;
	fiber_cond_broadcast(probe->headers_came);
}

/* native.response_probe() -> a probe for one request (req.headers_probe) */
static int
lua_response_probe_new(lua_State *L)
{
	struct s3_response_probe *probe = lua_newuserdata(L, sizeof(*probe));
	memset(probe, 0, sizeof(*probe));
	probe->size = -1;
	probe->headers_came = fiber_cond_new();
	if (probe->headers_came == NULL)
		return luaL_error(L, "s3.native: out of memory for a response probe");
	luaL_getmetatable(L, RESPONSE_PROBE_METATABLE);
	lua_setmetatable(L, -2);
	return 1;
}

/* probe:wait(timeout, seen) -> seq, status, size (-1: not told), etag of the latest headers once
 * more than `seen` came; nil when none came within timeout seconds (or probe:wake() was called).
 * Yields the calling fiber only. */
static int
lua_response_probe_wait(lua_State *L)
{
	struct s3_response_probe *probe = luaL_checkudata(L, 1, RESPONSE_PROBE_METATABLE);
	double timeout = luaL_checknumber(L, 2);
	double seen = luaL_optnumber(L, 3, 0);
	if (probe->seq <= seen && timeout > 0)
		fiber_cond_wait_timeout(probe->headers_came, timeout);
	if (probe->seq <= seen) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushnumber(L, probe->seq);
	lua_pushnumber(L, (double)probe->status);
	lua_pushnumber(L, probe->size);
	lua_pushstring(L, probe->etag);
	return 4;
}

/* Wakes a fiber waiting on the probe (the request it watched ended without final headers). */
static int
lua_response_probe_wake(lua_State *L)
{
	struct s3_response_probe *probe = luaL_checkudata(L, 1, RESPONSE_PROBE_METATABLE);
	fiber_cond_broadcast(probe->headers_came);
	return 0;
}

static int
lua_response_probe_gc(lua_State *L)
{
	struct s3_response_probe *probe = luaL_checkudata(L, 1, RESPONSE_PROBE_METATABLE);
	/* Nobody waits on it: a waiter holds the probe, and so keeps it from the collector. */
	if (probe->headers_came != NULL)
		fiber_cond_delete(probe->headers_came);
	probe->headers_came = NULL;
	return 0;
}

struct s3_response_probe *
s3_response_probe_test(lua_State *L, int idx)
{
	return luaL_testudata(L, idx, RESPONSE_PROBE_METATABLE);
}

void
s3_response_probe_register(lua_State *L)
{
	if (luaL_newmetatable(L, RESPONSE_PROBE_METATABLE)) {
		lua_newtable(L);
		lua_pushcfunction(L, lua_response_probe_wait);
		lua_setfield(L, -2, "wait");
		lua_pushcfunction(L, lua_response_probe_wake);
		lua_setfield(L, -2, "wake");
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, lua_response_probe_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, lua_response_probe_new);
	lua_setfield(L, -2, "response_probe");
}
