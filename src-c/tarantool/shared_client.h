/* A core client shared between its Lua object and C modules using the C API: torn down after the
 * last of them lets go, so a module may keep using a client whose Lua object was collected.
 *
 * The last reference often goes inside a Lua __gc finalizer, where Tarantool (2.6.1+) panics on a
 * fiber switch, and tearing down a client wakes and starts fibers (libcurl 8.x reports the
 * sockets of cached connections while closing them). So letting go never tears down: it queues
 * the client, and s3_shared_client_reap(), called on the module's entry points from a fiber, does
 * the teardown. A client let go at exit (3.3+ runs every __gc in lua_close) is never torn down:
 * the process ends. */
#ifndef S3_TARANTOOL_SHARED_CLIENT_H
#define S3_TARANTOOL_SHARED_CLIENT_H

#include "s3-tarantool.h"

#include "core/buf.h"

struct s3_client;
struct fiber_cond;

/* Response buffers kept for reuse: small GETs then cost no malloc/free pair each, which glibc
 * answers by trimming and re-faulting the heap. */
#define S3_SPARE_BUFFERS 16
#define S3_SPARE_BUFFER_MAX (256 * 1024)

/* What the transfer engine (Lua) needs of a client's configuration, so that the C API can run
 * the engine on a client whose Lua object is gone. */
struct s3_engine_settings {
	double retries;
	double part_size;
	double multipart_threshold;
	double concurrency;
	double timeout;                /* seconds, 0: none */
};

struct s3_tarantool_client {
	struct s3_client *core;
	struct s3_engine_settings engine;
	unsigned refs;
	struct s3_tarantool_client *next_released; /* in the queue of clients to tear down */
	/* Requests on the wire at most (max_connections), admitted in order of arrival: a request
	 * that waits for one is not on the wire, so its time-out does not run (fiber_wait.h). */
	unsigned max_in_flight;
	unsigned in_flight;
	unsigned waiting;
	struct fiber_cond *connection_freed;
	struct s3_buf spare[S3_SPARE_BUFFERS];
	unsigned n_spare;
};

/* Takes ownership of core; the result holds one reference. NULL when memory runs out (core is
 * then deleted). max_in_flight: requests on the wire at once (0: unlimited). */
struct s3_tarantool_client *s3_shared_client_new(struct s3_client *core, unsigned max_in_flight);
void s3_shared_client_ref(struct s3_tarantool_client *client);
/* Safe anywhere, a __gc finalizer included: creates, switches and wakes no fiber. */
void s3_shared_client_unref(struct s3_tarantool_client *client);
/* Tears down the clients let go since the last call. Only from a fiber, never from a finalizer
 * or a loop callback. */
void s3_shared_client_reap(void);


/* A buffer for a response body: a spare one when there is one, else an empty one. */
struct s3_buf s3_shared_client_take_buffer(struct s3_tarantool_client *client);
/* Keeps buf for reuse when it is small enough and there is room, else frees it. */
void s3_shared_client_give_back_buffer(struct s3_tarantool_client *client, struct s3_buf *buf);

#endif
