#include "part_buffer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>
#include <unistd.h>

#include "tarantool/digest_worker.h"

#define PART_BUFFER_METATABLE "s3.native.part_buffer"

static struct s3_part_buffer *
check_buffer(lua_State *L)
{
	struct s3_part_buffer *buf = luaL_checkudata(L, 1, PART_BUFFER_METATABLE);
	if (buf->data == NULL)
		luaL_error(L, "s3.native: the part buffer was released");
	return buf;
}

/* native.part_buffer(capacity) -> an empty buffer | nil, message when memory runs out */
static int
lua_part_buffer_new(lua_State *L)
{
	double cap = luaL_checknumber(L, 1);
	if (cap < 1 || cap > (double)(5ULL << 30))
		return luaL_error(L, "s3.native: part_buffer wants a capacity of 1 byte to 5 GiB");
	struct s3_part_buffer *buf = lua_newuserdata(L, sizeof(*buf));
	buf->len = 0;
	buf->cap = (size_t)cap;
	buf->data = malloc(buf->cap);
	luaL_getmetatable(L, PART_BUFFER_METATABLE);
	lua_setmetatable(L, -2);
	if (buf->data == NULL) {
		lua_pushnil(L);
		lua_pushstring(L, "out of memory for a part buffer");
		return 2;
	}
	return 1;
}

/* buffer:append(s, from) -> bytes of s taken from offset from (0-based) on, at most the room left */
static int
lua_part_buffer_append(lua_State *L)
{
	struct s3_part_buffer *buf = check_buffer(L);
	size_t len;
	const char *s = luaL_checklstring(L, 2, &len);
	double from = luaL_optnumber(L, 3, 0);
	if (from < 0 || from > (double)len)
		return luaL_error(L, "s3.native: append offset out of the string");
	size_t n = len - (size_t)from;
	if (n > buf->cap - buf->len)
		n = buf->cap - buf->len;
	memcpy(buf->data + buf->len, s + (size_t)from, n);
	buf->len += n;
	lua_pushnumber(L, (double)n);
	return 1;
}

/* Runs in a worker thread: reads until the buffer is full or the end of the pipe. */
static ssize_t
read_in_worker(va_list ap)
{
	int fd = va_arg(ap, int);
	char *at = va_arg(ap, char *);
	size_t want = va_arg(ap, size_t);
	size_t *got = va_arg(ap, size_t *);
	int *error = va_arg(ap, int *);
	while (*got < want) {
		ssize_t n = read(fd, at + *got, want - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*error = errno;
			return -1;
		}
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* buffer:fill_from_fd(fd) -> bytes read (fewer than the room left only at the end) | nil, message.
 * In a coio worker: yields the calling fiber only. */
static int
lua_part_buffer_fill_from_fd(lua_State *L)
{
	struct s3_part_buffer *buf = check_buffer(L);
	int fd = (int)luaL_checkinteger(L, 2);
	size_t got = 0;
	int error = 0;
	if (coio_call(read_in_worker, fd, buf->data + buf->len, buf->cap - buf->len, &got, &error) != 0) {
		/* What was read before the error stays: the upload fails anyway. */
		buf->len += got;
		lua_pushnil(L);
		lua_pushstring(L, strerror(error != 0 ? error : ENOMEM));
		return 2;
	}
	buf->len += got;
	lua_pushnumber(L, (double)got);
	return 1;
}

/* buffer:md5(offset, size) -> 16-byte digest of the slice, computed in a coio worker */
static int
lua_part_buffer_md5(lua_State *L)
{
	struct s3_part_buffer *buf = check_buffer(L);
	double offset = luaL_checknumber(L, 2);
	double size = luaL_checknumber(L, 3);
	if (offset < 0 || size < 0 || offset + size > (double)buf->len)
		return luaL_error(L, "s3.native: md5 slice out of the buffer");
	unsigned char md5[16];
	/* The buffer stays referenced by the Lua stack while the worker reads it. */
	if (s3_md5_buffer(buf->data + (size_t)offset, (size_t)size, md5) != 0)
		return luaL_error(L, "s3.native: md5 failed");
	lua_pushlstring(L, (const char *)md5, sizeof(md5));
	return 1;
}

/* buffer:move_tail(from, other): the bytes from offset from on go to the start of the empty
 * buffer other (a remainder that belongs to the next part); this buffer ends at from. */
static int
lua_part_buffer_move_tail(lua_State *L)
{
	struct s3_part_buffer *buf = check_buffer(L);
	double from = luaL_checknumber(L, 2);
	struct s3_part_buffer *other = luaL_checkudata(L, 3, PART_BUFFER_METATABLE);
	if (from < 0 || from > (double)buf->len)
		return luaL_error(L, "s3.native: move_tail offset out of the buffer");
	size_t n = buf->len - (size_t)from;
	if (other->data == NULL || other->len != 0 || n > other->cap)
		return luaL_error(L, "s3.native: move_tail wants an empty buffer with room");
	memcpy(other->data, buf->data + (size_t)from, n);
	other->len = n;
	buf->len = (size_t)from;
	return 0;
}

static int
lua_part_buffer_len(lua_State *L)
{
	lua_pushnumber(L, (double)check_buffer(L)->len);
	return 1;
}

static int
lua_part_buffer_cap(lua_State *L)
{
	lua_pushnumber(L, (double)check_buffer(L)->cap);
	return 1;
}

/* buffer:clear(): empty again, for the next part (the memory stays) */
static int
lua_part_buffer_clear(lua_State *L)
{
	check_buffer(L)->len = 0;
	return 0;
}

/* buffer:release(): frees the memory now; the buffer can no longer be used. Also __gc. */
static int
lua_part_buffer_release(lua_State *L)
{
	struct s3_part_buffer *buf = luaL_checkudata(L, 1, PART_BUFFER_METATABLE);
	free(buf->data);
	buf->data = NULL;
	buf->len = 0;
	return 0;
}

struct s3_part_buffer *
s3_part_buffer_test(lua_State *L, int idx)
{
	return luaL_testudata(L, idx, PART_BUFFER_METATABLE);
}

void
s3_part_buffer_register(lua_State *L)
{
	static const struct luaL_Reg methods[] = {
		{"append", lua_part_buffer_append},
		{"fill_from_fd", lua_part_buffer_fill_from_fd},
		{"md5", lua_part_buffer_md5},
		{"move_tail", lua_part_buffer_move_tail},
		{"len", lua_part_buffer_len},
		{"cap", lua_part_buffer_cap},
		{"clear", lua_part_buffer_clear},
		{"release", lua_part_buffer_release},
		{NULL, NULL},
	};
	if (luaL_newmetatable(L, PART_BUFFER_METATABLE)) {
		lua_newtable(L);
		for (const struct luaL_Reg *m = methods; m->name != NULL; m++) {
			lua_pushcfunction(L, m->func);
			lua_setfield(L, -2, m->name);
		}
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, lua_part_buffer_release);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, lua_part_buffer_new);
	lua_setfield(L, -2, "part_buffer");
}
