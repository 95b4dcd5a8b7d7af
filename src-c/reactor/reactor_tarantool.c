/*
 * A socket is watched by a fiber of its own parked in coio_wait(); the reactor's timer is one fiber
 * parked in fiber_yield() or fiber_sleep(). Both run the callbacks on their own stacks, which never
 * yield. State lives in the structs and is re-checked after every wake-up, because coio_wait()
 * returns 0 alike for a timeout, a fiber_wakeup() and a cancel.
 *
 * Ownership: a watch has two owners, its fiber and the driver (until io_unsubscribe or destroy);
 * the reactor has two, the timer fiber and the client (until destroy). Whoever lets go last frees
 * the struct, and a fiber that exits clears its pointer first, so no fiber is ever woken after it
 * has exited. A fiber exits early when it is cancelled and no fresh fiber can take over: at
 * shutdown (3.1+ cancels every fiber and refuses fiber_new) or out of memory. The struct then
 * stays valid for the other owner; a later io_update/timer_start tries to start a fiber again.
 *
 * Nothing here may run inside a Lua __gc finalizer (Tarantool 2.6.1+ panics on a fiber switch
 * there, and fiber_start switches): clients are torn down on a fiber (see shared_client.c).
 */
#include "reactor_tarantool.h"

#include <stdbool.h>
#include <stdlib.h>
#include <tarantool/module.h>

/* module.h has no TIMEOUT_INFINITY; a watch ends by a wake-up, never by this timeout. */
#define WAIT_FOREVER (100.0 * 365 * 86400)

struct tnt_reactor;

struct tnt_watch {
	int fd;
	int events;
	bool removed;                  /* the driver let go: io_unsubscribe or destroy */
	struct fiber *fiber;           /* NULL once the watch fiber has exited */
	s3_io_cb cb;
	void *arg;
	struct tnt_reactor *reactor;   /* NULL once the reactor is gone */
	struct tnt_watch *prev, *next; /* the reactor's list, so destroy can reach every watch */
};

struct tnt_reactor {
	struct fiber *timer_fiber;     /* NULL once the timer fiber has exited */
	bool timer_armed;
	bool stopping;                 /* the client let go: destroy */
	double deadline;               /* clock_monotonic() seconds */
	s3_timer_cb timer_cb;
	void *timer_arg;
	struct tnt_watch *watches;
};

static void
wake(struct fiber *f)
{
	/* Waking the running fiber would only queue it for a spurious return from its next wait. */
	if (f != NULL && f != fiber_self())
		fiber_wakeup(f);
}

static void
watch_unlink(struct tnt_watch *w)
{
	if (w->reactor == NULL)
		return;
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		w->reactor->watches = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->reactor = NULL;
	w->prev = w->next = NULL;
}

static int watch_fiber_f(va_list ap);

static int
watch_fiber_start(struct tnt_watch *w)
{
	struct fiber *f = fiber_new("s3.io", watch_fiber_f);
	if (f == NULL)
		return -1;
	w->fiber = f;
	/* Runs it up to its first coio_wait(); it touches no curl state before that. */
	fiber_start(f, w);
	return 0;
}

static int
watch_fiber_f(va_list ap)
{
	struct tnt_watch *w = va_arg(ap, struct tnt_watch *);
	while (!w->removed) {
		if (fiber_is_cancelled()) {
			/* coio_wait() would return at once forever: a fresh fiber takes the socket over. */
			if (watch_fiber_start(w) == 0)
				return 0;
			/* Refused (shutdown): the socket goes unwatched; the driver still owns the watch. */
			w->fiber = NULL;
			return 0;
		}
		if (w->events == 0) {
			/* Paused by libcurl: nothing to wait for until io_update() wakes us. */
			fiber_yield();
			continue;
		}
		int ready = coio_wait(w->fd, w->events, WAIT_FOREVER);
		if (w->removed)
			break;
		ready &= w->events;
		if (ready != 0)
			w->cb(w->fd, ready, w->arg);
	}
	/* The driver let go while we waited: we are the last owner. */
	free(w);
	return 0;
}

static void *
io_subscribe(void *ud, int fd, int events, s3_io_cb cb, void *arg)
{
	struct tnt_reactor *r = ud;
	struct tnt_watch *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->arg = arg;
	w->reactor = r;
	w->next = r->watches;
	if (r->watches != NULL)
		r->watches->prev = w;
	r->watches = w;
	if (watch_fiber_start(w) != 0) {
		watch_unlink(w);
		free(w);
		return NULL;
	}
	return w;
}

static int
io_update(void *ud, void *watch, int events)
{
	(void)ud;
	struct tnt_watch *w = watch;
	if (w->fiber == NULL) {
		/* Its fiber was cancelled and could not be replaced then: try again now. */
		w->events = events;
		return watch_fiber_start(w);
	}
	if (w->events == events)
		return 0;
	w->events = events;
	/* Back into coio_wait() with the new events. */
	wake(w->fiber);
	return 0;
}

/* The driver lets go of w: the fiber frees it on its way out, or w is freed now if it has none. */
static void
watch_release(struct tnt_watch *w)
{
	w->removed = true;
	watch_unlink(w);
	if (w->fiber == NULL)
		free(w);
	else
		wake(w->fiber);
}

static void
io_unsubscribe(void *ud, void *watch)
{
	(void)ud;
	/* The fiber exits without touching the fd, which libcurl may close and reuse right away. */
	watch_release(watch);
}

static int timer_fiber_f(va_list ap);

static int
timer_fiber_start(struct tnt_reactor *r)
{
	struct fiber *f = fiber_new("s3.timer", timer_fiber_f);
	if (f == NULL)
		return -1;
	r->timer_fiber = f;
	fiber_start(f, r);
	return 0;
}

static int
timer_fiber_f(va_list ap)
{
	struct tnt_reactor *r = va_arg(ap, struct tnt_reactor *);
	bool fired_last_round = false;
	while (!r->stopping) {
		if (fiber_is_cancelled()) {
			if (timer_fiber_start(r) == 0)
				return 0;
			/* Refused (shutdown): the client still owns the reactor and may call it. */
			r->timer_fiber = NULL;
			return 0;
		}
		if (!r->timer_armed) {
			fired_last_round = false;
			/* Not fiber_cond_wait(): its endless timer would keep Tarantool 2.6 from exiting. */
			fiber_yield();
			continue;
		}
		double wait = r->deadline - clock_monotonic();
		if (wait > 0) {
			fired_last_round = false;
			fiber_sleep(wait);
			continue;
		}
		if (fired_last_round) {
			/* libcurl asked for another immediate run: let the loop poll sockets in between. */
			fired_last_round = false;
			fiber_sleep(0);
			continue;
		}
		r->timer_armed = false;
		fired_last_round = true;
		r->timer_cb(r->timer_arg);
	}
	/* The client let go while we waited: we are the last owner. */
	free(r);
	return 0;
}

static int
timer_start(void *ud, long ms, s3_timer_cb cb, void *arg)
{
	struct tnt_reactor *r = ud;
	r->timer_cb = cb;
	r->timer_arg = arg;
	r->deadline = clock_monotonic() + (double)ms / 1000.0;
	r->timer_armed = true;
	if (r->timer_fiber == NULL)
		return timer_fiber_start(r);
	wake(r->timer_fiber);
	return 0;
}

static void
timer_cancel(void *ud)
{
	struct tnt_reactor *r = ud;
	r->timer_armed = false;
	/* Out of its sleep and into fiber_yield(): a pending sleep would keep Tarantool from exiting
	 * when the application's script is done. */
	wake(r->timer_fiber);
}

static void
destroy(void *ud)
{
	struct tnt_reactor *r = ud;
	while (r->watches != NULL)
		watch_release(r->watches);
	r->timer_armed = false;
	r->stopping = true;
	if (r->timer_fiber == NULL)
		free(r);
	else
		wake(r->timer_fiber);
}

static const struct s3_reactor_ops tarantool_reactor_ops = {
	.io_subscribe = io_subscribe,
	.io_update = io_update,
	.io_unsubscribe = io_unsubscribe,
	.timer_start = timer_start,
	.timer_cancel = timer_cancel,
	.destroy = destroy,
};

int
s3_tarantool_reactor_new(struct s3_reactor *reactor)
{
	struct tnt_reactor *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -1;
	if (timer_fiber_start(r) != 0) {
		free(r);
		return -1;
	}
	reactor->ops = &tarantool_reactor_ops;
	reactor->ud = r;
	return 0;
}
