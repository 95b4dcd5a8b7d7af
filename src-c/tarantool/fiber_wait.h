/* Parking the calling fiber until a request ends: the loop keeps running every other fiber. */
#ifndef S3_TARANTOOL_FIBER_WAIT_H
#define S3_TARANTOOL_FIBER_WAIT_H

#include <stdbool.h>

struct s3_request;
struct s3_request_spec;
struct s3_error;
struct s3_tarantool_client;

/* Waits, in order of arrival, until the client has a connection for one more request.
 * *timeout_ms (> 0; 0 or less: none) bounds the wait and is lowered by the time waited, so that
 * the request gets what is left. Returns 0, or -1 with err filled: Timeout when nothing was free
 * in time, Cancelled when the fiber was cancelled. Must run in a fiber. */
int s3_fiber_take_connection(struct s3_tarantool_client *client, long *timeout_ms,
			     struct s3_error *err);
/* After the request that took it has ended. */
void s3_fiber_give_back_connection(struct s3_tarantool_client *client);

/* The request of spec, made once the client has a connection for it: signed after that wait, so
 * the signature is as fresh as can be, with the time waited taken from its timeout (below 0: the
 * client's). NULL with err filled when the wait or the request fails (the connection is then
 * given back); else the caller gives it back once the request has ended. Must run in a fiber. */
struct s3_request *s3_fiber_new_request(struct s3_tarantool_client *client,
					const struct s3_request_spec *spec, struct s3_error *err);

/* Disk work of a request's file sink or source that the waiting fiber does for it, in a coio
 * worker, so that the event loop never waits for the disk. */
struct s3_fiber_io {
	bool (*pending)(void *self); /* there is work to do now */
	void (*run)(void *self);     /* does it; yields (a coio call), is not cancellable */
	void *self;
};

/* Starts req and yields until it is done, doing io's work (NULL: none) whenever there is some.
 * A cancel of the calling fiber aborts the request at once (it then ends with code Cancelled);
 * so does a request during which no byte moved for idle_timeout seconds (> 0; code Timeout,
 * retryable): dead-connection detection. Must run in a fiber. */
void s3_fiber_wait_request(struct s3_request *req, double idle_timeout, const struct s3_fiber_io *io);

#endif
