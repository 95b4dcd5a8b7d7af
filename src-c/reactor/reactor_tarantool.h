/* The reactor on Tarantool's event loop through the public module API only (fibers + coio_wait), so
 * one build runs on Tarantool 2.6 through 3.x, whether libev's symbols are exported or not. */
#ifndef S3_REACTOR_TARANTOOL_H
#define S3_REACTOR_TARANTOOL_H

#include "s3/reactor.h"

/* Returns 0 and fills reactor, or -1 when memory runs out. Must be called from a fiber (the TX
 * thread). */
int s3_tarantool_reactor_new(struct s3_reactor *reactor);

#endif
