/* A core client shared between its Lua object and C modules using the C API: freed when the last
 * of them lets go, so a module may keep using a client whose Lua object was collected. */
#ifndef S3_TARANTOOL_SHARED_CLIENT_H
#define S3_TARANTOOL_SHARED_CLIENT_H

#include "s3-tarantool.h"

struct s3_client;

struct s3_tarantool_client {
	struct s3_client *core;
	unsigned refs;
};

/* Takes ownership of core; the result holds one reference. NULL when memory runs out (core is
 * then deleted). */
struct s3_tarantool_client *s3_shared_client_new(struct s3_client *core);
void s3_shared_client_ref(struct s3_tarantool_client *client);
void s3_shared_client_unref(struct s3_tarantool_client *client);

#endif
