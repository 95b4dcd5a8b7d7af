/* native.part_buffer(capacity): the memory of one part of an upload of unknown length (a pipe, a
 * reader function), outside Lua's heap. A pipe is read into it by a coio worker; a reader's
 * chunks are copied in; a request sends a slice of it without a copy (req.body_buffer); its MD5
 * is computed in a worker. The memory is freed by buffer:release() as soon as the part is done,
 * so a stream upload holds exactly the buffers in flight, whatever Lua's collector does. */
#ifndef S3_TARANTOOL_PART_BUFFER_H
#define S3_TARANTOOL_PART_BUFFER_H

#include <stddef.h>

struct lua_State;

struct s3_part_buffer {
	char *data; /* NULL once released */
	size_t len;
	size_t cap;
};

/* Sets part_buffer in the table on top of L's stack. */
void s3_part_buffer_register(struct lua_State *L);
/* The buffer at idx, NULL when idx holds none. */
struct s3_part_buffer *s3_part_buffer_test(struct lua_State *L, int idx);

#endif
