#include "curl_multi_driver.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* A growable array of easy handles: the transfers deferred in a step, those waiting to start. */
struct easy_list {
	CURL **items;
	size_t n;
	size_t cap;
};

static int
easy_list_push(struct easy_list *list, CURL *easy)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		CURL **grown = realloc(list->items, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->n++] = easy;
	return 0;
}

struct s3_multi_driver {
	CURLM *multi;
	struct s3_reactor reactor;
	s3_transfer_done_cb done;
	struct s3_multi_driver_stats stats;
	uint64_t step;
	uint64_t action_bytes;         /* body bytes all transfers took in this socket action */
	bool in_action;                /* inside curl_multi_socket_action */
	struct easy_list deferred;     /* paused in this step, resumed when it ends */
	bool closing;                  /* in curl_multi_cleanup: watch nothing new, arm no timer */
	struct easy_list waiting;      /* added, not yet handed to libcurl: items[waiting_head..n) */
	size_t waiting_head;
	unsigned admitted;             /* handed to libcurl since the last action */
};

static double
clock_seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hands every finished transfer back. Runs after curl_multi_socket_action returned, never inside
 * a libcurl callback, so removing handles here is allowed. */
static void
complete_finished(struct s3_multi_driver *d)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(d->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg is invalid once the handle leaves the multi handle: copy first. */
		CURL *easy = msg->easy_handle;
		CURLcode result = msg->data.result;
		void *private_data = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
		curl_multi_remove_handle(d->multi, easy);
		d->done(easy, result, private_data);
	}
}

/* Ends a transfer that libcurl could not go on with (a held chunk it could not hand over): libcurl
 * will not report it, so it leaves the multi handle here and goes back as done. */
static void
fail_transfer(struct s3_multi_driver *d, CURL *easy, CURLcode rc)
{
	void *private_data = NULL;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
	curl_multi_remove_handle(d->multi, easy);
	d->done(easy, rc, private_data);
}

/* Unpauses the transfers that used up their budget in the step that just ended. libcurl hands
 * the chunk it held back to the write callback at once (a new step, so it is taken) and asks for
 * a 0 ms timeout: the reading goes on from the loop, after the other fibers had their turn. */
static void
resume_deferred(struct s3_multi_driver *d)
{
	d->step++;
	for (size_t i = 0; i < d->deferred.n; i++) {
		CURL *easy = d->deferred.items[i];
		CURLcode rc = curl_easy_pause(easy, CURLPAUSE_CONT);
		if (rc != CURLE_OK)
			fail_transfer(d, easy, rc);
	}
	d->deferred.n = 0;
}

struct context_switches {
	long voluntary;   /* the thread slept in the kernel: it blocked */
	long involuntary; /* the OS took the thread away: it was preempted */
};

struct step_clock {
	double wall;
	double cpu;
	struct context_switches switches;
};

/* The thread's context switches so far, where the kernel counts them per thread (else 0). */
static struct context_switches
context_switches(void)
{
	struct context_switches s = {0, 0};
#ifdef RUSAGE_THREAD
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		s.voluntary = ru.ru_nvcsw;
		s.involuntary = ru.ru_nivcsw;
	}
#endif
	return s;
}

static struct step_clock
step_begin(void)
{
	/* The thread's CPU time too: on a busy machine a step's wall time includes the time the OS
	 * gave other processes (or the kernel spent blocked in I/O); its CPU time is our own work. */
	struct step_clock c;
	c.wall = clock_seconds(CLOCK_MONOTONIC);
	c.cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
	c.switches = context_switches();
	return c;
}

static void
step_end(struct s3_multi_driver *d, struct step_clock started)
{
	double took = clock_seconds(CLOCK_MONOTONIC) - started.wall;
	double cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - started.cpu;
	struct context_switches now = context_switches();
	bool blocked = now.voluntary != started.switches.voluntary;
	bool preempted = now.involuntary != started.switches.involuntary;
	d->stats.actions++;
	d->stats.busy_seconds += took;
	if (took > d->stats.max_action_seconds)
		d->stats.max_action_seconds = took;
	if (cpu > d->stats.max_action_cpu_seconds)
		d->stats.max_action_cpu_seconds = cpu;
	/* Time blocked in the kernel (a page fault on a file, a lock) stalls the loop as much as
	 * work does: such a step counts whole. */
	double work = blocked || took < cpu ? took : cpu;
	if (work > d->stats.max_action_work_seconds)
		d->stats.max_action_work_seconds = work;
	if (blocked)
		d->stats.blocked_actions++;
	if (preempted)
		d->stats.preempted_actions++;
	else if (took > d->stats.max_unpreempted_action_seconds)
		d->stats.max_unpreempted_action_seconds = took;
}

/* Hands the next waiting transfers to libcurl, as many as one action sets up at a time; adding
 * them arms libcurl's timer, whose action takes the next ones. */
static void
admit_waiting(struct s3_multi_driver *d)
{
	d->admitted = 0;
	while (d->waiting_head < d->waiting.n && d->admitted < S3_DRIVER_ADMIT_PER_ACTION) {
		CURL *easy = d->waiting.items[d->waiting_head++];
		d->admitted++;
		if (curl_multi_add_handle(d->multi, easy) != CURLM_OK) {
			void *private_data = NULL;
			curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
			d->done(easy, CURLE_OUT_OF_MEMORY, private_data);
		}
	}
	if (d->waiting_head == d->waiting.n)
		d->waiting_head = d->waiting.n = 0;
}

/* One step of libcurl on the loop: fd is CURL_SOCKET_TIMEOUT for the timer. */
static void
act(struct s3_multi_driver *d, curl_socket_t fd, int mask)
{
	struct step_clock started = step_begin();
	int running;
	d->step++;
	d->action_bytes = 0;
	d->in_action = true;
	curl_multi_socket_action(d->multi, fd, mask, &running);
	d->in_action = false;
	complete_finished(d);
	resume_deferred(d);
	complete_finished(d);
	admit_waiting(d);
	step_end(d, started);
}

static void
on_socket_ready(int fd, int events, void *arg)
{
	int mask = ((events & S3_IO_READ) ? CURL_CSELECT_IN : 0) |
		   ((events & S3_IO_WRITE) ? CURL_CSELECT_OUT : 0);
	act(arg, fd, mask);
}

static void
on_timeout(void *arg)
{
	act(arg, CURL_SOCKET_TIMEOUT, 0);
}

/* CURLMOPT_SOCKETFUNCTION: the watch is kept as libcurl's per-socket pointer. */
static int
on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
	(void)easy;
	struct s3_multi_driver *d = userp;
	const struct s3_reactor_ops *ops = d->reactor.ops;
	void *watch = socketp;
	if (what == CURL_POLL_REMOVE) {
		if (watch != NULL) {
			ops->io_unsubscribe(d->reactor.ud, watch);
			curl_multi_assign(d->multi, fd, NULL);
		}
		return 0;
	}
	int events = ((what & CURL_POLL_IN) ? S3_IO_READ : 0) |
		     ((what & CURL_POLL_OUT) ? S3_IO_WRITE : 0);
	if (d->closing) {
		/* libcurl 8.x reports the sockets of cached connections while it shuts them down in
		 * curl_multi_cleanup, and does that shutdown itself: watching them would only start
		 * fibers for sockets about to close. */
		return 0;
	}
	if (watch != NULL)
		return ops->io_update(d->reactor.ud, watch, events);
	watch = ops->io_subscribe(d->reactor.ud, fd, events, on_socket_ready, d);
	if (watch == NULL)
		return -1;
	curl_multi_assign(d->multi, fd, watch);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: only arms the reactor's timer; the action runs later from the loop. */
static int
on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	struct s3_multi_driver *d = userp;
	if (d->closing)
		return 0;
	if (timeout_ms < 0) {
		d->reactor.ops->timer_cancel(d->reactor.ud);
		return 0;
	}
	return d->reactor.ops->timer_start(d->reactor.ud, timeout_ms, on_timeout, d);
}

struct s3_multi_driver *
s3_multi_driver_new(struct s3_reactor reactor, long max_connections, s3_transfer_done_cb done)
{
	struct s3_multi_driver *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->multi = curl_multi_init();
	if (d->multi == NULL) {
		free(d);
		return NULL;
	}
	d->reactor = reactor;
	d->done = done;
	curl_multi_setopt(d->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(d->multi, CURLMOPT_SOCKETDATA, d);
	curl_multi_setopt(d->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(d->multi, CURLMOPT_TIMERDATA, d);
	/* Only the cache: a transfer queued inside libcurl for a connection (MAX_TOTAL_CONNECTIONS)
	 * would run down its time-out before it is sent. Whoever runs requests on the driver bounds
	 * how many are in flight (the Tarantool layer queues them, see fiber_wait.h). */
	if (max_connections > 0)
		curl_multi_setopt(d->multi, CURLMOPT_MAXCONNECTS, max_connections);
	return d;
}

void
s3_multi_driver_delete(struct s3_multi_driver *d)
{
	if (d == NULL)
		return;
	/* Closing cached connections may still report sockets to remove: the reactor is alive. */
	d->closing = true;
	curl_multi_cleanup(d->multi);
	d->reactor.ops->timer_cancel(d->reactor.ud);
	free(d->deferred.items);
	free(d->waiting.items);
	free(d);
}

int
s3_multi_driver_add(struct s3_multi_driver *d, CURL *easy)
{
	if (d->waiting.n == 0 && d->admitted < S3_DRIVER_ADMIT_PER_ACTION) {
		if (curl_multi_add_handle(d->multi, easy) != CURLM_OK)
			return -1;
		d->admitted++;
		return 0;
	}
	return easy_list_push(&d->waiting, easy);
}

size_t
s3_multi_driver_waiting(const struct s3_multi_driver *d)
{
	return d->waiting.n - d->waiting_head;
}

void
s3_multi_driver_remove(struct s3_multi_driver *d, CURL *easy)
{
	struct easy_list *w = &d->waiting;
	for (size_t i = d->waiting_head; i < w->n; i++) {
		if (w->items[i] == easy) {
			memmove(&w->items[i], &w->items[i + 1], (w->n - i - 1) * sizeof(*w->items));
			w->n--;
			if (d->waiting_head == w->n)
				d->waiting_head = w->n = 0;
			return;
		}
	}
	curl_multi_remove_handle(d->multi, easy);
}

void
s3_multi_driver_stats(const struct s3_multi_driver *d, struct s3_multi_driver_stats *out)
{
	*out = d->stats;
}

uint64_t
s3_multi_driver_step(const struct s3_multi_driver *d)
{
	return d->step;
}

int
s3_multi_driver_defer(struct s3_multi_driver *d, CURL *easy)
{
	return easy_list_push(&d->deferred, easy);
}

void
s3_multi_driver_resume(struct s3_multi_driver *d, CURL *easy)
{
	struct step_clock started = step_begin();
	/* A step of its own: the bytes libcurl held back count against a fresh budget. */
	d->step++;
	CURLcode rc = curl_easy_pause(easy, CURLPAUSE_CONT);
	if (rc != CURLE_OK)
		fail_transfer(d, easy, rc);
	complete_finished(d);
	step_end(d, started);
}

/* All transfers of one socket action together: a timer action runs every transfer whose time
 * came (24 ranges just resumed took 24 x a transfer's budget, 11.7 ms of CPU, in the 6 GiB
 * download). Only the socket action counts: the resumes after it hand over one held chunk each. */
#define ACTION_BYTE_BUDGET (1024 * 1024)

bool
s3_multi_driver_step_full(const struct s3_multi_driver *d)
{
	return d->in_action && d->action_bytes >= ACTION_BYTE_BUDGET;
}

void
s3_multi_driver_count_step_bytes(struct s3_multi_driver *d, uint64_t bytes)
{
	d->action_bytes += bytes;
}
