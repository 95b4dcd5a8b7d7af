/* A minimal reactor on poll(2) for the C tests: the core runs on it with no Tarantool anywhere. */
#ifndef S3_TEST_POLL_REACTOR_H
#define S3_TEST_POLL_REACTOR_H

#include "s3/reactor.h"

struct poll_loop;

/* The loop is owned by the returned reactor (its destroy op frees it). */
int poll_reactor_new(struct s3_reactor *reactor, struct poll_loop **loop);
/* Runs one round: waits up to max_ms for sockets or the timer, then dispatches. */
void poll_loop_run_once(struct poll_loop *loop, int max_ms);

#endif
