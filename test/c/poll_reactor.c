#include "poll_reactor.h"

#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define MAX_WATCHES 1024

struct poll_watch {
	int fd;
	int events;
	bool active;
	s3_io_cb cb;
	void *arg;
};

struct poll_loop {
	struct poll_watch watches[MAX_WATCHES];
	bool timer_armed;
	long long deadline_ms;
	s3_timer_cb timer_cb;
	void *timer_arg;
};

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
io_subscribe(void *ud, int fd, int events, s3_io_cb cb, void *arg)
{
	struct poll_loop *loop = ud;
	for (int i = 0; i < MAX_WATCHES; i++) {
		struct poll_watch *w = &loop->watches[i];
		if (!w->active) {
			*w = (struct poll_watch){fd, events, true, cb, arg};
			return w;
		}
	}
	return NULL;
}

static int
io_update(void *ud, void *watch, int events)
{
	(void)ud;
	((struct poll_watch *)watch)->events = events;
	return 0;
}

static void
io_unsubscribe(void *ud, void *watch)
{
	(void)ud;
	((struct poll_watch *)watch)->active = false;
}

static int
timer_start(void *ud, long ms, s3_timer_cb cb, void *arg)
{
	struct poll_loop *loop = ud;
	loop->timer_armed = true;
	loop->deadline_ms = now_ms() + ms;
	loop->timer_cb = cb;
	loop->timer_arg = arg;
	return 0;
}

static void
timer_cancel(void *ud)
{
	((struct poll_loop *)ud)->timer_armed = false;
}

static void
destroy(void *ud)
{
	free(ud);
}

static const struct s3_reactor_ops poll_ops = {
	io_subscribe, io_update, io_unsubscribe, timer_start, timer_cancel, destroy,
};

int
poll_reactor_new(struct s3_reactor *reactor, struct poll_loop **loop_out)
{
	struct poll_loop *loop = calloc(1, sizeof(*loop));
	if (loop == NULL)
		return -1;
	reactor->ops = &poll_ops;
	reactor->ud = loop;
	*loop_out = loop;
	return 0;
}

void
poll_loop_run_once(struct poll_loop *loop, int max_ms)
{
	struct pollfd fds[MAX_WATCHES];
	struct poll_watch *owners[MAX_WATCHES];
	int n = 0;
	for (int i = 0; i < MAX_WATCHES; i++) {
		struct poll_watch *w = &loop->watches[i];
		if (!w->active)
			continue;
		fds[n].fd = w->fd;
		fds[n].events = (short)(((w->events & S3_IO_READ) ? POLLIN : 0) |
					((w->events & S3_IO_WRITE) ? POLLOUT : 0));
		fds[n].revents = 0;
		owners[n++] = w;
	}
	int timeout = max_ms;
	if (loop->timer_armed) {
		long long left = loop->deadline_ms - now_ms();
		timeout = left < 0 ? 0 : (left < max_ms ? (int)left : max_ms);
	}
	poll(fds, (nfds_t)n, timeout);
	for (int i = 0; i < n; i++) {
		struct poll_watch *w = owners[i];
		/* An earlier callback of this round may have dropped or replaced the watch. */
		if (!w->active || w->fd != fds[i].fd || fds[i].revents == 0)
			continue;
		int events = ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) ? S3_IO_READ : 0) |
			     ((fds[i].revents & (POLLOUT | POLLERR)) ? S3_IO_WRITE : 0);
		w->cb(w->fd, events & (w->events ? w->events : events), w->arg);
	}
	if (loop->timer_armed && now_ms() >= loop->deadline_ms) {
		loop->timer_armed = false;
		loop->timer_cb(loop->timer_arg);
	}
}
