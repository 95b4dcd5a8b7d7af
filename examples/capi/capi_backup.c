/*
 * A Tarantool module in C that ships files to S3 through the s3 rock's C API, with no Lua in the
 * data path:
 *
 *     local backup = require('capi_backup')
 *     assert(backup.backup('bucket', 'snap/00001.snap', '/var/lib/tarantool/00001.snap'))
 *     assert(backup.restore('bucket', 'snap/00001.snap', '/tmp/00001.snap'))
 *
 * Both take an optional last argument, a client made by s3.new; without it they use the default
 * client of s3.cfg. They return true, or nil and an error table {code, status, message,
 * request_id}. Only the calling fiber waits.
 */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include <s3-tarantool.h>

static const struct s3_tarantool_api *s3;

static int
push_error(lua_State *L, const struct s3_tarantool_error *err)
{
	lua_pushnil(L);
	lua_createtable(L, 0, 4);
	lua_pushstring(L, err->code);
	lua_setfield(L, -2, "code");
	if (err->status != 0) {
		lua_pushinteger(L, err->status);
		lua_setfield(L, -2, "status");
	}
	lua_pushstring(L, err->message);
	lua_setfield(L, -2, "message");
	lua_pushstring(L, err->request_id);
	lua_setfield(L, -2, "request_id");
	return 2;
}

static int
push_os_error(lua_State *L, const char *what, const char *path)
{
	struct s3_tarantool_error err = {.sys_errno = errno};
	snprintf(err.code, sizeof(err.code), "IOError");
	snprintf(err.message, sizeof(err.message), "%s %s: %s", what, path, strerror(errno));
	return push_error(L, &err);
}

/* The arguments both functions take: bucket, key, path and an optional client. */
struct transfer_args {
	const char *bucket;
	const char *key;
	const char *path;
	struct s3_tarantool_client *client; /* referenced: release with client_unref */
};

/* Raises on a wrong type; returns -1 with err filled when there is no client to use. */
static int
read_args(lua_State *L, struct transfer_args *args, struct s3_tarantool_error *err)
{
	args->bucket = luaL_checkstring(L, 1);
	args->key = luaL_checkstring(L, 2);
	args->path = luaL_checkstring(L, 3);
	/* Argument 4, an s3.new client, when given; else the default client of s3.cfg. */
	args->client = lua_isnoneornil(L, 4) ? s3->default_client(err)
					     : s3->client_from_lua(L, 4, err);
	return args->client != NULL ? 0 : -1;
}

/* backup(bucket, key, path [, client]) -> true | nil, err */
static int
lua_backup(lua_State *L)
{
	struct transfer_args a;
	struct s3_tarantool_error err;
	if (read_args(L, &a, &err) != 0)
		return push_error(L, &err);
	int fd = open(a.path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int results = push_os_error(L, "cannot read", a.path);
		if (fd >= 0)
			close(fd);
		s3->client_unref(a.client);
		return results;
	}
	int rc = s3->put_from_fd(a.client, a.bucket, a.key, fd, (uint64_t)st.st_size, NULL, &err);
	close(fd);
	s3->client_unref(a.client);
	if (rc != 0)
		return push_error(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

/* restore(bucket, key, path [, client]) -> true | nil, err. The object lands in a temporary file
 * that replaces path only once it is complete. */
static int
lua_restore(lua_State *L)
{
	struct transfer_args a;
	struct s3_tarantool_error err;
	if (read_args(L, &a, &err) != 0)
		return push_error(L, &err);
	/* A name of its own (mkostemp creates it exclusively), so that two restores of one path at
	 * once, or a stale file of an earlier one, never write into each other. */
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.restore.XXXXXX", a.path) >= (int)sizeof(tmp)) {
		s3->client_unref(a.client);
		errno = ENAMETOOLONG;
		return push_os_error(L, "cannot create a temporary file for", a.path);
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0644) != 0) {
		close(fd);
		unlink(tmp);
		fd = -1;
	}
	if (fd < 0) {
		s3->client_unref(a.client);
		return push_os_error(L, "cannot create", tmp);
	}
	int rc = s3->get_to_fd(a.client, a.bucket, a.key, fd, NULL, NULL, &err);
	s3->client_unref(a.client);
	if (rc == 0 && (fsync(fd) != 0 || rename(tmp, a.path) != 0)) {
		int results = push_os_error(L, "cannot complete", a.path);
		close(fd);
		unlink(tmp);
		return results;
	}
	close(fd);
	if (rc != 0) {
		unlink(tmp);
		return push_error(L, &err);
	}
	lua_pushboolean(L, 1);
	return 1;
}

LUA_API int
luaopen_capi_backup(lua_State *L)
{
	char why[256];
	s3 = S3_TARANTOOL_API_LOAD(L, why, sizeof(why));
	if (s3 == NULL)
		return luaL_error(L, "%s", why);
	lua_newtable(L);
	lua_pushcfunction(L, lua_backup);
	lua_setfield(L, -2, "backup");
	lua_pushcfunction(L, lua_restore);
	lua_setfield(L, -2, "restore");
	return 1;
}
