/*
 * s3.native: the Lua binding of the core. A request call parks only the calling fiber until the
 * loop finishes the transfer; the bytes go between libcurl and a fd or a C buffer, never through Lua.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "core/client.h"
#include "core/request.h"
#include "curl/curl_multi_driver.h"
#include "highlevel/sink_source.h"
#include "reactor/reactor_tarantool.h"
#include "tarantool/capi.h"
#include "tarantool/native_functions.h"
#include "tarantool/part_buffer.h"
#include "tarantool/fiber_wait.h"
#include "tarantool/read_ahead_source.h"
#include "tarantool/response_probe.h"
#include "tarantool/lua_client.h"
#include "tarantool/shared_client.h"
#include "tarantool/write_behind_sink.h"
#include "tarantool/xml_lua.h"

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

static const char *
opt_string(lua_State *L, int table, const char *field, const char *fallback)
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

static double
opt_number(lua_State *L, int table, const char *field, double fallback)
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

static bool
opt_boolean(lua_State *L, int table, const char *field, bool fallback)
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

/* 0 stays 0 (none); anything above 0 is at least 1 ms, never the 0 that means "no limit". */
static long
seconds_to_ms(double seconds)
{
	if (seconds <= 0)
		return 0;
	long ms = (long)(seconds * 1000.0 + 0.5);
	return ms > 0 ? ms : 1;
}

static void
push_error(lua_State *L, const struct s3_error *err)
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

static int
lua_client_new(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	s3_shared_client_reap();
	const char *addressing = opt_string(L, 1, "addressing", "path");
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
		.endpoint = opt_string(L, 1, "endpoint", NULL),
		.region = opt_string(L, 1, "region", "us-east-1"),
		.access_key_id = opt_string(L, 1, "access_key_id", NULL),
		.secret_access_key = opt_string(L, 1, "secret_access_key", NULL),
		.session_token = opt_string(L, 1, "session_token", NULL),
		.anonymous = opt_boolean(L, 1, "anonymous", false),
		.addressing = mode,
		.connect_timeout_ms = seconds_to_ms(opt_number(L, 1, "connect_timeout", 0)),
		.timeout_ms = seconds_to_ms(opt_number(L, 1, "timeout", 0)),
		.max_connections = (long)opt_number(L, 1, "max_connections", 0),
		.idle_timeout_s = opt_number(L, 1, "idle_timeout", 0),
		.verify_peer = opt_boolean(L, 1, "verify_peer", true),
		.ca_file = opt_string(L, 1, "ca_file", NULL),
		.proxy = opt_string(L, 1, "proxy", NULL),
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
		.retries = opt_number(L, 1, "retries", 3),
		.part_size = opt_number(L, 1, "part_size", 8 * 1024 * 1024),
		.multipart_threshold = opt_number(L, 1, "multipart_threshold", 16 * 1024 * 1024),
		.concurrency = opt_number(L, 1, "concurrency", 8),
		.timeout = opt_number(L, 1, "timeout", 0),
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
	lua_createtable(L, 0, 8);
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
	return 1;
}

/* Reads a table of name -> string into an array kept in a userdata left on the stack, so that a
 * raised error leaks nothing; the strings stay owned by the table. */
static struct s3_kv *
read_pairs(lua_State *L, int req, const char *field, size_t *count)
{
	*count = 0;
	lua_getfield(L, req, field);
	if (lua_isnil(L, -1))
		return NULL;
	if (!lua_istable(L, -1))
		luaL_error(L, "s3.native: %s must be a table", field);
	int table = lua_gettop(L);
	size_t n = 0;
	for (lua_pushnil(L); lua_next(L, table) != 0; lua_pop(L, 1))
		n++;
	struct s3_kv *pairs = lua_newuserdata(L, (n > 0 ? n : 1) * sizeof(*pairs));
	size_t i = 0;
	for (lua_pushnil(L); lua_next(L, table) != 0; lua_pop(L, 1)) {
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

static void
push_response(lua_State *L, const struct s3_request *req, const struct s3_buffer_sink *buffer)
{
	lua_createtable(L, 0, 4);
	lua_pushinteger(L, s3_request_status(req));
	lua_setfield(L, -2, "status");
	size_t n = s3_request_header_count(req);
	lua_createtable(L, 0, (int)n);
	for (size_t i = 0; i < n; i++) {
		const char *name, *value;
		s3_request_header(req, i, &name, &value);
		lua_pushstring(L, value);
		lua_setfield(L, -2, name);
	}
	lua_setfield(L, -2, "headers");
	if (buffer != NULL) {
		lua_pushlstring(L, s3_buf_cstr(&buffer->buf), buffer->buf.len);
		lua_setfield(L, -2, "body");
	}
	lua_pushnumber(L, (double)s3_request_bytes_received(req));
	lua_setfield(L, -2, "bytes");
}

/* A 2xx whose body was to be parsed: S3 answers some failures (CopyObject, UploadPartCopy,
 * CompleteMultipartUpload, DeleteObjects) with 200 and an <Error> document, and a body that is no
 * document of the expected kind is no success either. Returns NULL when the document is good. */
static const struct s3_error *
finish_parse(const struct s3_request *req, struct s3_xml_sink *sink, struct s3_error *err)
{
	switch (s3_xml_sink_finish(sink)) {
	case S3_XML_OK:
		return NULL;
	case S3_XML_ERROR_DOC:
		s3_xml_sink_error(sink, s3_request_status(req), err);
		break;
	case S3_XML_MALFORMED:
		s3_error_set(err, S3_ERR_INVALID_RESPONSE, s3_request_status(req), "%s", sink->message);
		break;
	}
	if (err->request_id[0] == '\0') {
		const char *id = s3_request_header_find(req, "x-amz-request-id");
		if (id != NULL)
			snprintf(err->request_id, sizeof(err->request_id), "%s", id);
	}
	return err;
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
	if (box_txn()) {
		/* The first yield there crashes Tarantool 2.6 or aborts the transaction. */
		struct s3_error err;
		s3_error_set(&err, S3_ERR_INVALID_ARGUMENT, 0, "%s", S3_NO_YIELD_MESSAGE);
		lua_pushnil(L);
		push_error(L, &err);
		return 2;
	}

	struct s3_request_spec spec = {
		.method = opt_string(L, 2, "method", "GET"),
		.bucket = opt_string(L, 2, "bucket", NULL),
		.key = opt_string(L, 2, "key", NULL),
		.timeout_ms = -1,
	};
	double timeout = opt_number(L, 2, "timeout", -1);
	if (timeout >= 0)
		spec.timeout_ms = seconds_to_ms(timeout);

	struct s3_buffer_source buffer_source;
	struct s3_read_ahead_source file_source;
	struct s3_read_ahead_source *file_source_used = NULL;
	size_t body_len = 0;
	lua_getfield(L, 2, "body");
	if (lua_type(L, -1) == LUA_TSTRING) {
		const char *body = lua_tolstring(L, -1, &body_len);
		s3_buffer_source_init(&buffer_source, body, body_len);
		spec.body = &buffer_source.base;
	} else if (!lua_isnil(L, -1)) {
		return luaL_error(L, "s3.native: body must be a string");
	}
	lua_pop(L, 1);
	lua_getfield(L, 2, "body_buffer");
	if (!lua_isnil(L, -1)) {
		/* A slice of a part buffer, sent without a copy; the request table keeps it alive. */
		struct s3_part_buffer *part = s3_part_buffer_test(L, -1);
		double offset = opt_number(L, 2, "body_offset", 0);
		double size = opt_number(L, 2, "body_size", -1);
		if (part == NULL || part->data == NULL)
			return luaL_error(L, "s3.native: body_buffer must be a live native.part_buffer()");
		if (size < 0 || offset < 0 || offset + size > (double)part->len)
			return luaL_error(L, "s3.native: body_buffer needs body_offset and body_size inside it");
		s3_buffer_source_init(&buffer_source, part->data + (size_t)offset, (uint64_t)size);
		spec.body = &buffer_source.base;
	}
	lua_pop(L, 1);
	double body_fd = opt_number(L, 2, "body_fd", -1);
	if (body_fd >= 0) {
		double offset = opt_number(L, 2, "body_offset", 0);
		double size = opt_number(L, 2, "body_size", -1);
		if (size < 0 || offset < 0)
			return luaL_error(L, "s3.native: body_fd needs body_size and body_offset >= 0");
		s3_read_ahead_source_init(&file_source, (int)body_fd, (uint64_t)offset, (uint64_t)size);
		spec.body = &file_source.base;
		file_source_used = &file_source;
	}

	lua_getfield(L, 2, "progress");
	if (!lua_isnil(L, -1)) {
		spec.progress = s3_native_counter_test(L, -1);
		if (spec.progress == NULL)
			return luaL_error(L, "s3.native: progress must be a counter (native.counter())");
		/* The request table keeps the counter alive while the request runs. */
	}
	lua_pop(L, 1);
	lua_getfield(L, 2, "headers_probe");
	if (!lua_isnil(L, -1)) {
		struct s3_response_probe *probe = s3_response_probe_test(L, -1);
		if (probe == NULL)
			return luaL_error(L, "s3.native: headers_probe must be a native.response_probe()");
		/* The request table keeps the probe alive while the request runs. */
		spec.on_response_headers = s3_response_probe_on_headers;
		spec.on_response_headers_arg = probe;
	}
	lua_pop(L, 1);
	spec.query = read_pairs(L, 2, "query", &spec.n_query);
	spec.headers = read_pairs(L, 2, "headers", &spec.n_headers);
	const char *parse = opt_string(L, 2, "parse", NULL);
	const struct s3_xml_schema *schema = NULL;
	if (parse != NULL && (schema = s3_xml_schema_find(parse)) == NULL)
		return luaL_error(L, "s3.native: unknown parse '%s'", parse);
	double sink_fd = opt_number(L, 2, "sink_fd", -1);
	double sink_offset = opt_number(L, 2, "sink_offset", 0);
	if (sink_fd >= 0 && file_source_used != NULL)
		return luaL_error(L, "s3.native: body_fd and sink_fd do not go together");

	/* Nothing below raises: the response buffer and the parser taken here always go back. */
	struct s3_write_behind_sink file_sink;
	struct s3_write_behind_sink *file_sink_used = NULL;
	struct s3_buffer_sink buffer_sink;
	struct s3_buffer_sink *collected = NULL;
	struct s3_xml_sink xml_sink;
	struct s3_xml_sink *parsed = NULL;
	if (schema != NULL) {
		parsed = &xml_sink;
		if (s3_xml_sink_init(&xml_sink, schema) != 0) {
			s3_xml_sink_free(&xml_sink);
			struct s3_error oom;
			s3_error_set(&oom, S3_ERR_NO_MEMORY, 0, "out of memory for the XML parser");
			lua_pushnil(L);
			push_error(L, &oom);
			return 2;
		}
		spec.sink = &xml_sink.base;
	} else if (sink_fd >= 0) {
		s3_write_behind_sink_init(&file_sink, (int)sink_fd, (uint64_t)sink_offset);
		spec.sink = &file_sink.base;
		file_sink_used = &file_sink;
	} else {
		s3_buffer_sink_init(&buffer_sink, s3_shared_client_take_buffer(lc->shared));
		spec.sink = &buffer_sink.base;
		collected = &buffer_sink;
	}

	struct s3_error err;
	if (spec.timeout_ms < 0)
		spec.timeout_ms = lc->shared->core->timeout_ms;
	/* Signed after the wait for a connection, so the signature is as fresh as can be. */
	struct s3_request *req = NULL;
	if (s3_fiber_take_connection(lc->shared, &spec.timeout_ms, &err) == 0) {
		req = s3_request_new(lc->shared->core, &spec, &err);
		if (req == NULL)
			s3_fiber_give_back_connection(lc->shared);
	}
	if (req == NULL) {
		if (collected != NULL)
			s3_shared_client_give_back_buffer(lc->shared, &collected->buf);
		if (parsed != NULL)
			s3_xml_sink_free(parsed);
		lua_pushnil(L);
		push_error(L, &err);
		return 2;
	}
	/* A file body and a file sink never go together (no S3 call both uploads and downloads a
	 * body of that size), so the waiting fiber has at most one of them to serve. */
	struct s3_fiber_io file_io;
	const struct s3_fiber_io *io = NULL;
	if (file_sink_used != NULL) {
		file_io = s3_write_behind_sink_attach(file_sink_used, req, fiber_self());
		io = &file_io;
	} else if (file_source_used != NULL) {
		file_io = s3_read_ahead_source_attach(file_source_used, req, fiber_self());
		io = &file_io;
	}
	s3_fiber_wait_request(req, lc->shared->core->idle_timeout_s, io);
	s3_fiber_give_back_connection(lc->shared);
	const struct s3_error *failure = s3_request_error(req);
	if (failure == NULL && file_sink_used != NULL &&
	    s3_write_behind_sink_finish(file_sink_used) != 0) {
		s3_error_set(&err, S3_ERR_IO, 0, "writing the body to the file: %s", strerror(errno));
		err.sys_errno = errno;
		failure = &err;
	}
	if (file_sink_used != NULL)
		s3_write_behind_sink_destroy(file_sink_used);
	if (file_source_used != NULL)
		s3_read_ahead_source_destroy(file_source_used);
	int results;
	if (failure == NULL && parsed != NULL)
		failure = finish_parse(req, parsed, &err);
	if (failure != NULL) {
		lua_pushnil(L);
		push_error(L, failure);
		results = 2;
	} else {
		push_response(L, req, collected);
		results = 1;
		if (parsed != NULL && s3_xml_push_result(L, parsed) == 0) {
			lua_setfield(L, -2, "parsed");
		} else if (parsed != NULL) {
			lua_pop(L, 1);
			s3_error_set(&err, S3_ERR_NO_MEMORY, 0, "out of memory decoding the response");
			lua_pushnil(L);
			push_error(L, &err);
			results = 2;
		}
	}
	s3_request_free(req);
	if (collected != NULL)
		s3_shared_client_give_back_buffer(lc->shared, &collected->buf);
	if (parsed != NULL)
		s3_xml_sink_free(parsed);
	return results;
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
		.method = opt_string(L, 2, "method", "GET"),
		.bucket = opt_string(L, 2, "bucket", NULL),
		.key = opt_string(L, 2, "key", NULL),
		.timeout_ms = -1,
	};
	double expires = opt_number(L, 2, "expires", 3600);
	/* Each read_pairs leaves its array on the stack, so both stay alive until we return. */
	spec.query = read_pairs(L, 2, "query", &spec.n_query);
	spec.headers = read_pairs(L, 2, "headers", &spec.n_headers);
	struct s3_error err;
	struct s3_buf url = S3_BUF_INIT;
	long expires_s = expires >= 1 && expires <= S3_PRESIGN_EXPIRES_MAX ? (long)expires : -1;
	if (s3_presign(lc->shared->core, &spec, expires_s, 0, &url, &err) != 0) {
		s3_buf_free(&url);
		lua_pushnil(L);
		push_error(L, &err);
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
