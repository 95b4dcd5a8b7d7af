/* The bridge between a reactor and libcurl's multi interface: libcurl says which sockets to watch and
 * when to time out, the reactor says what is ready, and finished transfers are handed back. */
#ifndef S3_CURL_MULTI_DRIVER_H
#define S3_CURL_MULTI_DRIVER_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "s3/reactor.h"

/* Called once per finished transfer, from the loop, after the easy handle left the multi handle.
 * private_data is the handle's CURLOPT_PRIVATE. Must not yield; may free the easy handle. */
typedef void (*s3_transfer_done_cb)(CURL *easy, CURLcode result, void *private_data);

struct s3_multi_driver;

/* How much of the event loop the transfers take: every libcurl action runs on the loop, so the
 * longest one bounds the stall any other fiber can see from this client. */
struct s3_multi_driver_stats {
	uint64_t actions;          /* curl_multi_socket_action calls, with their completions */
	double busy_seconds;       /* time spent in them */
	double max_action_seconds; /* the longest one (wall time) */
	double max_action_cpu_seconds; /* the most CPU time of the thread one took */
	/* The longest wall time of an action the OS did not take the thread away during: what the
	 * module itself held the loop for, blocking calls included, without the time other
	 * processes ran on a busy machine (0 where the kernel does not count per thread). */
	double max_unpreempted_action_seconds;
	uint64_t preempted_actions;    /* actions the OS preempted (their time is not all ours) */
	/* The most work one action did: per action the lesser of its wall time and its CPU time,
	 * or its wall time when it blocked in the kernel. Each clock alone overstates the work on a
	 * VM: the wall time holds preemption and the host's steal, and the thread's CPU clock is
	 * sometimes charged in lumps (10.6 ms of CPU seen in an action of 0.08 ms). */
	double max_action_work_seconds;
	uint64_t blocked_actions;      /* actions in which the thread slept in the kernel */
};

/* The reactor is borrowed: it must outlive the driver. max_connections: connections kept for
 * reuse (0: libcurl's default); the driver does not bound transfers in flight. */
struct s3_multi_driver *s3_multi_driver_new(struct s3_reactor reactor, long max_connections,
					    s3_transfer_done_cb done);
/* No transfer may be in flight. */
void s3_multi_driver_delete(struct s3_multi_driver *driver);

/* Starts a transfer. Returns 0, -1 when libcurl refuses the handle. The first
 * S3_DRIVER_ADMIT_PER_ACTION transfers added between two actions go to libcurl at once, the rest
 * wait in the driver, in order, and go in that many per action: the action after an add sets up
 * every transfer added (connection, request head, first send), so 256 requests started at once
 * were one action of 20-34 ms. */
int s3_multi_driver_add(struct s3_multi_driver *driver, CURL *easy);
#define S3_DRIVER_ADMIT_PER_ACTION 16
/* Transfers added but still waiting for their turn to go to libcurl. */
size_t s3_multi_driver_waiting(const struct s3_multi_driver *driver);
/* Stops a transfer that has not finished; no done callback follows. Not from a libcurl callback. */
void s3_multi_driver_remove(struct s3_multi_driver *driver, CURL *easy);

void s3_multi_driver_stats(const struct s3_multi_driver *driver, struct s3_multi_driver_stats *out);

/* Each libcurl step on the loop has a number; a transfer counts its bytes per step. */
uint64_t s3_multi_driver_step(const struct s3_multi_driver *driver);
/* Whether the transfers together took their byte budget in the socket action under way: a
 * write callback then pauses (and defers) its transfer as for its own budget. Transfers count
 * what they take with s3_multi_driver_count_step_bytes. */
bool s3_multi_driver_step_full(const struct s3_multi_driver *driver);
void s3_multi_driver_count_step_bytes(struct s3_multi_driver *driver, uint64_t bytes);
/* From a write callback that returns CURL_WRITEFUNC_PAUSE because the transfer used up its byte
 * budget for this step: the driver resumes it once the step is over, so libcurl reads on in a
 * later loop iteration and other fibers run in between. Returns 0, -1 when memory runs out. */
int s3_multi_driver_defer(struct s3_multi_driver *driver, CURL *easy);

/* Unpauses a transfer its sink or source paused, from outside any libcurl callback (a fiber that
 * made room or read ahead). libcurl hands over what it held back at once; the step counts in the
 * stats like one of the loop's. A transfer that cannot go on ends here with the done callback. */
void s3_multi_driver_resume(struct s3_multi_driver *driver, CURL *easy);

#endif
