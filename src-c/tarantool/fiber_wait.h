/* Parking the calling fiber until a request ends: the loop keeps running every other fiber. */
#ifndef S3_TARANTOOL_FIBER_WAIT_H
#define S3_TARANTOOL_FIBER_WAIT_H

struct s3_request;

/* Starts req and yields until it is done. A cancel of the calling fiber aborts the request at once
 * (it then ends with code Cancelled). Must run in a fiber. */
void s3_fiber_wait_request(struct s3_request *req);

#endif
