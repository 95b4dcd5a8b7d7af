/*
 * Test-only module: the C API's refusals. Loading with a wrong version or a too large struct size,
 * calls with bad arguments, and a call from a thread that is not Tarantool's TX thread must all
 * fail with a clear error, never crash.
 */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include <s3-tarantool.h>

/* load(version, size) -> true | nil, why */
static int
probe_load(lua_State *L)
{
	uint32_t version = (uint32_t)luaL_checkinteger(L, 1);
	size_t size = (size_t)luaL_optinteger(L, 2, sizeof(struct s3_tarantool_api));
	char why[256];
	if (s3_tarantool_api_load(L, version, size, why, sizeof(why)) == NULL) {
		lua_pushnil(L);
		lua_pushstring(L, why);
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

static const struct s3_tarantool_api *
api(lua_State *L)
{
	char why[256];
	const struct s3_tarantool_api *s3 = S3_TARANTOOL_API_LOAD(L, why, sizeof(why));
	if (s3 == NULL)
		luaL_error(L, "%s", why);
	return s3;
}

/* bad_args() -> table of the error codes of calls with bad arguments */
static int
lua_bad_args(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = s3->default_client(&err);
	if (client == NULL)
		return luaL_error(L, "no default client: %s", err.message);
	lua_newtable(L);
	int i = 1;
#define RECORD(call)                                                                             \
	do {                                                                                     \
		memset(&err, 0, sizeof(err));                                                    \
		int rc = (call);                                                                 \
		lua_pushfstring(L, "%d %s: %s", rc, err.code, err.message);                      \
		lua_rawseti(L, -2, i++);                                                         \
	} while (0)
	RECORD(s3->get_to_fd(NULL, "b", "k", 1, NULL, NULL, &err));
	RECORD(s3->get_to_fd(client, NULL, "k", 1, NULL, NULL, &err));
	RECORD(s3->get_to_fd(client, "b", "", 1, NULL, NULL, &err));
	RECORD(s3->put_from_fd(client, "b", "k", -1, 0, NULL, &err));
	struct s3_tarantool_transfer_opts short_opts = {.size = 1};
	RECORD(s3->put_from_fd(client, "b", "k", 0, 0, &short_opts, &err));
	RECORD(s3->client_from_lua(L, 1, &err) == NULL ? -1 : 0);
#undef RECORD
	/* no error struct at all: refused, not a crash */
	lua_pushinteger(L, s3->get_to_fd(client, "b", "k", 1, NULL, NULL, NULL));
	lua_setfield(L, -2, "without_err");
	s3->client_unref(client);
	return 1;
}

struct thread_call {
	const struct s3_tarantool_api *s3;
	struct s3_tarantool_client *client;
	int rc;
	struct s3_tarantool_error err;
};

static void *
call_from_thread(void *arg)
{
	struct thread_call *call = arg;
	call->rc = call->s3->get_to_fd(call->client, "b", "k", 1, NULL, NULL, &call->err);
	return NULL;
}

/* from_thread() -> rc, code, message of get_to_fd called from a plain pthread */
static int
lua_from_thread(lua_State *L)
{
	struct thread_call call = {.s3 = api(L)};
	call.client = call.s3->default_client(&call.err);
	if (call.client == NULL)
		return luaL_error(L, "no default client: %s", call.err.message);
	pthread_t thread;
	if (pthread_create(&thread, NULL, call_from_thread, &call) != 0)
		return luaL_error(L, "pthread_create failed");
	/* The join blocks the loop for the microseconds the refusal takes; fine in a test. */
	pthread_join(thread, NULL);
	call.s3->client_unref(call.client);
	lua_pushinteger(L, call.rc);
	lua_pushstring(L, call.err.code);
	lua_pushstring(L, call.err.message);
	return 3;
}

static struct s3_tarantool_client *
client_arg(lua_State *L, const struct s3_tarantool_api *s3, int idx, struct s3_tarantool_error *err)
{
	struct s3_tarantool_client *client = lua_isnoneornil(L, idx) ? s3->default_client(err)
								     : s3->client_from_lua(L, idx, err);
	if (client == NULL)
		luaL_error(L, "no client: %s", err->message);
	return client;
}

static int
push_failure(lua_State *L, const struct s3_tarantool_error *err)
{
	lua_pushnil(L);
	lua_createtable(L, 0, 3);
	lua_pushstring(L, err->code);
	lua_setfield(L, -2, "code");
	lua_pushinteger(L, err->status);
	lua_setfield(L, -2, "status");
	lua_pushstring(L, err->message);
	lua_setfield(L, -2, "message");
	return 2;
}

/* head(bucket, key [, client]) -> {content_length, etag, last_modified, content_type, version_id} | nil, err */
static int
lua_head(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	if (!S3_TARANTOOL_API_HAS(s3, head_object))
		return luaL_error(L, "the rock has no head_object");
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = client_arg(L, s3, 3, &err);
	struct s3_tarantool_object_info info = {.size = sizeof(info)};
	int rc = s3->head_object(client, luaL_checkstring(L, 1), luaL_checkstring(L, 2), NULL, &info,
				 &err);
	s3->client_unref(client);
	if (rc != 0)
		return push_failure(L, &err);
	lua_createtable(L, 0, 5);
	lua_pushnumber(L, (double)info.content_length);
	lua_setfield(L, -2, "content_length");
	lua_pushstring(L, info.etag);
	lua_setfield(L, -2, "etag");
	lua_pushstring(L, info.last_modified);
	lua_setfield(L, -2, "last_modified");
	lua_pushstring(L, info.content_type);
	lua_setfield(L, -2, "content_type");
	lua_pushstring(L, info.version_id);
	lua_setfield(L, -2, "version_id");
	return 1;
}

/* delete(bucket, key [, client]) -> true | nil, err */
static int
lua_delete(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = client_arg(L, s3, 3, &err);
	int rc = s3->delete_object(client, luaL_checkstring(L, 1), luaL_checkstring(L, 2), NULL, &err);
	s3->client_unref(client);
	if (rc != 0)
		return push_failure(L, &err);
	lua_pushboolean(L, 1);
	return 1;
}

/* presign(method, bucket, key, expires [, url_size [, client]]) -> url | nil, err, needed length */
static int
lua_presign(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = client_arg(L, s3, 6, &err);
	size_t url_size = (size_t)luaL_optinteger(L, 5, 4096);
	char *url = lua_newuserdata(L, url_size > 0 ? url_size : 1);
	size_t url_len = 0;
	int rc = s3->presign(client, luaL_checkstring(L, 1), luaL_checkstring(L, 2),
			     luaL_checkstring(L, 3), (long)luaL_checkinteger(L, 4), url, url_size,
			     &url_len, &err);
	s3->client_unref(client);
	if (rc != 0) {
		push_failure(L, &err);
		lua_pushinteger(L, (lua_Integer)url_len);
		return 3;
	}
	lua_pushstring(L, url);
	return 1;
}

/* object_bad_args() -> error lines of head/delete/presign called with bad arguments */
static int
lua_object_bad_args(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = s3->default_client(&err);
	if (client == NULL)
		return luaL_error(L, "no default client: %s", err.message);
	struct s3_tarantool_object_info info = {.size = sizeof(info)};
	struct s3_tarantool_object_info short_info = {.size = 1};
	char url[256];
	lua_newtable(L);
	int i = 1;
#define RECORD(call)                                                                             \
	do {                                                                                     \
		memset(&err, 0, sizeof(err));                                                    \
		int rc = (call);                                                                 \
		lua_pushfstring(L, "%d %s: %s", rc, err.code, err.message);                      \
		lua_rawseti(L, -2, i++);                                                         \
	} while (0)
	RECORD(s3->head_object(NULL, "b", "k", NULL, &info, &err));
	RECORD(s3->head_object(client, "b", "k", NULL, NULL, &err));
	RECORD(s3->head_object(client, "b", "k", NULL, &short_info, &err));
	RECORD(s3->delete_object(client, NULL, "k", NULL, &err));
	RECORD(s3->delete_object(client, "b", "", NULL, &err));
	RECORD(s3->presign(client, "POST", "bucket", "k", 60, url, sizeof(url), NULL, &err));
	RECORD(s3->presign(client, NULL, "bucket", "k", 60, url, sizeof(url), NULL, &err));
	RECORD(s3->presign(client, "GET", "bucket", "k", 0, url, sizeof(url), NULL, &err));
	RECORD(s3->presign(client, "GET", "bucket", "k", 604801, url, sizeof(url), NULL, &err));
	RECORD(s3->presign(client, "GET", "bucket", "k", 60, NULL, 0, NULL, &err));
	RECORD(s3->presign(client, "GET", "bucket", NULL, 60, url, sizeof(url), NULL, &err));
#undef RECORD
	lua_pushinteger(L, s3->delete_object(client, "b", "k", NULL, NULL));
	lua_setfield(L, -2, "without_err");
	s3->client_unref(client);
	return 1;
}

struct progress_seen {
	unsigned calls;
	uint64_t last_done;
	uint64_t last_total;
	int went_back;
};

static void
on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress_seen *seen = arg;
	if (done < seen->last_done)
		seen->went_back = 1;
	seen->calls++;
	seen->last_done = done;
	seen->last_total = total;
}

/* transfer('put' | 'get', bucket, key, path) -> {calls, done, total, went_back, bytes} | nil, err:
 * the whole file through the default client with a progress callback. */
static int
lua_transfer(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	const char *direction = luaL_checkstring(L, 1);
	const char *bucket = luaL_checkstring(L, 2);
	const char *key = luaL_checkstring(L, 3);
	const char *path = luaL_checkstring(L, 4);
	int put = strcmp(direction, "put") == 0;
	int fd = put ? open(path, O_RDONLY) : open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return luaL_error(L, "cannot open %s", path);
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = s3->default_client(&err);
	struct progress_seen seen = {0};
	struct s3_tarantool_transfer_opts opts = {
		.size = sizeof(opts), .on_progress = on_progress, .progress_arg = &seen,
	};
	uint64_t bytes = 0;
	int rc = -1;
	if (client != NULL) {
		if (put) {
			struct stat st;
			fstat(fd, &st);
			bytes = (uint64_t)st.st_size;
			rc = s3->put_from_fd(client, bucket, key, fd, bytes, &opts, &err);
		} else {
			rc = s3->get_to_fd(client, bucket, key, fd, &opts, &bytes, &err);
		}
		s3->client_unref(client);
	}
	close(fd);
	if (rc != 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: %s", err.code, err.message);
		return 2;
	}
	lua_createtable(L, 0, 5);
	lua_pushinteger(L, seen.calls);
	lua_setfield(L, -2, "calls");
	lua_pushnumber(L, (double)seen.last_done);
	lua_setfield(L, -2, "done");
	lua_pushnumber(L, (double)seen.last_total);
	lua_setfield(L, -2, "total");
	lua_pushboolean(L, seen.went_back);
	lua_setfield(L, -2, "went_back");
	lua_pushnumber(L, (double)bytes);
	lua_setfield(L, -2, "bytes");
	return 1;
}

struct listing {
	lua_State *L;
	int keys;          /* stack index of the table of keys */
	int count;
	int stop_after;    /* 0: never */
	uint64_t bytes;
};

static int
on_object(void *arg, const struct s3_tarantool_object_entry *object)
{
	struct listing *l = arg;
	l->count++;
	l->bytes += object->size;
	lua_pushstring(l->L, object->key);
	lua_rawseti(l->L, l->keys, l->count);
	return l->stop_after > 0 && l->count >= l->stop_after;
}

/* list(bucket, prefix [, stop_after]) -> {keys...}, total_bytes | nil, err */
static int
lua_list(lua_State *L)
{
	const struct s3_tarantool_api *s3 = api(L);
	if (!S3_TARANTOOL_API_HAS(s3, list_objects))
		return luaL_error(L, "the rock has no list_objects");
	const char *bucket = luaL_checkstring(L, 1);
	const char *prefix = luaL_optstring(L, 2, NULL);
	int stop_after = (int)luaL_optinteger(L, 3, 0);
	lua_settop(L, 3);
	struct s3_tarantool_error err;
	struct s3_tarantool_client *client = s3->default_client(&err);
	if (client == NULL)
		return luaL_error(L, "no default client: %s", err.message);
	lua_newtable(L);
	struct listing l = {.L = L, .keys = lua_gettop(L), .stop_after = stop_after};
	int rc = s3->list_objects(client, bucket, prefix, on_object, &l, &err);
	s3->client_unref(client);
	if (rc != 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "%s: %s", err.code, err.message);
		return 2;
	}
	lua_pushnumber(L, (double)l.bytes);
	return 2;
}

LUA_API int
luaopen_capi_probe(lua_State *L)
{
	lua_newtable(L);
	lua_pushcfunction(L, probe_load);
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, lua_bad_args);
	lua_setfield(L, -2, "bad_args");
	lua_pushcfunction(L, lua_from_thread);
	lua_setfield(L, -2, "from_thread");
	lua_pushcfunction(L, lua_head);
	lua_setfield(L, -2, "head");
	lua_pushcfunction(L, lua_delete);
	lua_setfield(L, -2, "delete");
	lua_pushcfunction(L, lua_presign);
	lua_setfield(L, -2, "presign");
	lua_pushcfunction(L, lua_object_bad_args);
	lua_setfield(L, -2, "object_bad_args");
	lua_pushcfunction(L, lua_transfer);
	lua_setfield(L, -2, "transfer");
	lua_pushcfunction(L, lua_list);
	lua_setfield(L, -2, "list");
	return 1;
}
