#include "tarantool/lua_request.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "core/client.h"
#include "core/request.h"
#include "highlevel/sink_source.h"
#include "tarantool/capi.h"
#include "tarantool/fiber_wait.h"
#include "tarantool/lua_args.h"
#include "tarantool/native_functions.h"
#include "tarantool/part_buffer.h"
#include "tarantool/read_ahead_source.h"
#include "tarantool/response_probe.h"
#include "tarantool/shared_client.h"
#include "tarantool/write_behind_sink.h"
#include "tarantool/xml_lua.h"

/* Where the request body comes from: none, a string or a part buffer's slice (sent from memory
 * without a copy), or a file range read ahead by a coio worker. */
struct request_body {
	struct s3_buffer_source memory;
	struct s3_read_ahead_source file;
	bool from_file;
};

/* Reads body, body_buffer or body_fd (with body_offset, body_size) into spec->body. Raises for
 * a wrong field; the request table keeps a string or a part buffer alive while it runs. */
static void
read_body(lua_State *L, int req, struct request_body *body, struct s3_request_spec *spec)
{
	body->from_file = false;
	lua_getfield(L, req, "body");
	if (lua_type(L, -1) == LUA_TSTRING) {
		size_t len;
		const char *bytes = lua_tolstring(L, -1, &len);
		s3_buffer_source_init(&body->memory, bytes, len);
		spec->body = &body->memory.base;
	} else if (!lua_isnil(L, -1)) {
		luaL_error(L, "s3.native: body must be a string");
	}
	lua_pop(L, 1);
	lua_getfield(L, req, "body_buffer");
	if (!lua_isnil(L, -1)) {
		struct s3_part_buffer *part = s3_part_buffer_test(L, -1);
		double offset = s3_lua_opt_number(L, req, "body_offset", 0);
		double size = s3_lua_opt_number(L, req, "body_size", -1);
		if (part == NULL || part->data == NULL)
			luaL_error(L, "s3.native: body_buffer must be a live native.part_buffer()");
		if (size < 0 || offset < 0 || offset + size > (double)part->len)
			luaL_error(L, "s3.native: body_buffer needs body_offset and body_size inside it");
		s3_buffer_source_init(&body->memory, part->data + (size_t)offset, (uint64_t)size);
		spec->body = &body->memory.base;
	}
	lua_pop(L, 1);
	double fd = s3_lua_opt_number(L, req, "body_fd", -1);
	if (fd >= 0) {
		double offset = s3_lua_opt_number(L, req, "body_offset", 0);
		double size = s3_lua_opt_number(L, req, "body_size", -1);
		if (size < 0 || offset < 0)
			luaL_error(L, "s3.native: body_fd needs body_size and body_offset >= 0");
		s3_read_ahead_source_init(&body->file, (int)fd, (uint64_t)offset, (uint64_t)size);
		spec->body = &body->file.base;
		body->from_file = true;
	}
}

/* The progress counter and the response headers probe; both kept alive by the request table. */
static void
read_observers(lua_State *L, int req, struct s3_request_spec *spec)
{
	lua_getfield(L, req, "progress");
	if (!lua_isnil(L, -1)) {
		spec->progress = s3_native_counter_test(L, -1);
		if (spec->progress == NULL)
			luaL_error(L, "s3.native: progress must be a counter (native.counter())");
	}
	lua_pop(L, 1);
	lua_getfield(L, req, "headers_probe");
	if (!lua_isnil(L, -1)) {
		struct s3_response_probe *probe = s3_response_probe_test(L, -1);
		if (probe == NULL)
			luaL_error(L, "s3.native: headers_probe must be a native.response_probe()");
		spec->on_response_headers = s3_response_probe_on_headers;
		spec->on_response_headers_arg = probe;
	}
	lua_pop(L, 1);
}

/* Where the response body goes: parsed as an XML document of a schema, written behind to a file
 * at an offset by coio workers, or collected into one of the client's buffers for Lua. */
enum response_kind { RESPONSE_XML, RESPONSE_FILE, RESPONSE_BUFFER };

struct response_sink {
	enum response_kind kind;
	union {
		struct s3_xml_sink xml;
		struct s3_write_behind_sink file;
		struct s3_buffer_sink buffer;
	};
};

/* Raises nothing. Fails (returns -1 with err set) only when the XML parser has no memory. */
static int
open_sink(struct response_sink *sink, const struct s3_xml_schema *schema, double fd, double offset,
	  struct s3_tarantool_client *client, struct s3_request_spec *spec, struct s3_error *err)
{
	if (schema != NULL) {
		sink->kind = RESPONSE_XML;
		if (s3_xml_sink_init(&sink->xml, schema) != 0) {
			s3_xml_sink_free(&sink->xml);
			s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory for the XML parser");
			return -1;
		}
		spec->sink = &sink->xml.base;
	} else if (fd >= 0) {
		sink->kind = RESPONSE_FILE;
		s3_write_behind_sink_init(&sink->file, (int)fd, (uint64_t)offset);
		spec->sink = &sink->file.base;
	} else {
		sink->kind = RESPONSE_BUFFER;
		s3_buffer_sink_init(&sink->buffer, s3_shared_client_take_buffer(client));
		spec->sink = &sink->buffer.base;
	}
	return 0;
}

/* Gives back what open_sink took, once the request is freed. */
static void
close_sink(struct response_sink *sink, struct s3_tarantool_client *client)
{
	switch (sink->kind) {
	case RESPONSE_XML:
		s3_xml_sink_free(&sink->xml);
		break;
	case RESPONSE_FILE:
		s3_write_behind_sink_destroy(&sink->file);
		break;
	case RESPONSE_BUFFER:
		s3_shared_client_give_back_buffer(client, &sink->buffer.buf);
		break;
	}
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

/* The failure of a finished request: its own, a file sink's write, or an <Error> document. */
static const struct s3_error *
request_outcome(const struct s3_request *req, struct response_sink *sink, struct s3_error *err)
{
	const struct s3_error *failure = s3_request_error(req);
	if (failure != NULL)
		return failure;
	if (sink->kind == RESPONSE_FILE && s3_write_behind_sink_finish(&sink->file) != 0) {
		s3_error_set(err, S3_ERR_IO, 0, "writing the body to the file: %s", strerror(errno));
		err->sys_errno = errno;
		return err;
	}
	if (sink->kind == RESPONSE_XML)
		return finish_parse(req, &sink->xml, err);
	return NULL;
}

/* resp: {status, headers, bytes, body (collected), parsed (XML)}; 2 (nil, err) when decoding the
 * parsed document runs out of memory. */
static int
push_response(lua_State *L, const struct s3_request *req, const struct response_sink *sink)
{
	lua_createtable(L, 0, 5);
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
	if (sink->kind == RESPONSE_BUFFER) {
		lua_pushlstring(L, s3_buf_cstr(&sink->buffer.buf), sink->buffer.buf.len);
		lua_setfield(L, -2, "body");
	}
	lua_pushnumber(L, (double)s3_request_bytes_received(req));
	lua_setfield(L, -2, "bytes");
	if (sink->kind != RESPONSE_XML)
		return 1;
	if (s3_xml_push_result(L, &sink->xml) == 0) {
		lua_setfield(L, -2, "parsed");
		return 1;
	}
	lua_pop(L, 1);
	struct s3_error err;
	s3_error_set(&err, S3_ERR_NO_MEMORY, 0, "out of memory decoding the response");
	lua_pushnil(L);
	s3_lua_push_error(L, &err);
	return 2;
}

static int
push_failure(lua_State *L, const struct s3_error *err)
{
	lua_pushnil(L);
	s3_lua_push_error(L, err);
	return 2;
}

int
s3_lua_request(lua_State *L, int req_table, struct s3_tarantool_client *client)
{
	struct s3_error err;
	if (box_txn()) {
		/* The first yield there crashes Tarantool 2.6 or aborts the transaction. */
		s3_error_set(&err, S3_ERR_INVALID_ARGUMENT, 0, "%s", S3_NO_YIELD_MESSAGE);
		return push_failure(L, &err);
	}
	struct s3_request_spec spec = {
		.method = s3_lua_opt_string(L, req_table, "method", "GET"),
		.bucket = s3_lua_opt_string(L, req_table, "bucket", NULL),
		.key = s3_lua_opt_string(L, req_table, "key", NULL),
		.timeout_ms = -1,
	};
	double timeout = s3_lua_opt_number(L, req_table, "timeout", -1);
	if (timeout >= 0)
		spec.timeout_ms = s3_lua_seconds_to_ms(timeout);
	struct request_body body;
	read_body(L, req_table, &body, &spec);
	read_observers(L, req_table, &spec);
	/* Each array stays on the stack, so it lives until this call returns. */
	spec.query = s3_lua_read_pairs(L, req_table, "query", &spec.n_query);
	spec.headers = s3_lua_read_pairs(L, req_table, "headers", &spec.n_headers);
	const char *parse = s3_lua_opt_string(L, req_table, "parse", NULL);
	const struct s3_xml_schema *schema = NULL;
	if (parse != NULL && (schema = s3_xml_schema_find(parse)) == NULL)
		return luaL_error(L, "s3.native: unknown parse '%s'", parse);
	double sink_fd = s3_lua_opt_number(L, req_table, "sink_fd", -1);
	double sink_offset = s3_lua_opt_number(L, req_table, "sink_offset", 0);
	if (sink_fd >= 0 && body.from_file)
		return luaL_error(L, "s3.native: body_fd and sink_fd do not go together");

	/* Nothing below raises: what open_sink takes always goes back. */
	struct response_sink sink;
	if (open_sink(&sink, schema, sink_fd, sink_offset, client, &spec, &err) != 0)
		return push_failure(L, &err);
	struct s3_request *req = s3_fiber_new_request(client, &spec, &err);
	if (req == NULL) {
		close_sink(&sink, client);
		return push_failure(L, &err);
	}
	/* A file body and a file sink never go together (no S3 call both uploads and downloads a
	 * body of that size), so the waiting fiber has at most one of them to serve. */
	struct s3_fiber_io file_io;
	const struct s3_fiber_io *io = NULL;
	if (sink.kind == RESPONSE_FILE) {
		file_io = s3_write_behind_sink_attach(&sink.file, req, fiber_self());
		io = &file_io;
	} else if (body.from_file) {
		file_io = s3_read_ahead_source_attach(&body.file, req, fiber_self());
		io = &file_io;
	}
	s3_fiber_wait_request(req, client->core->idle_timeout_s, io);
	s3_fiber_give_back_connection(client);
	const struct s3_error *failure = request_outcome(req, &sink, &err);
	int results = failure != NULL ? push_failure(L, failure) : push_response(L, req, &sink);
	/* The request first: the source and the sink outlive every use libcurl makes of them. */
	s3_request_free(req);
	if (body.from_file)
		s3_read_ahead_source_destroy(&body.file);
	close_sink(&sink, client);
	return results;
}
