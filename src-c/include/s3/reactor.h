/* The event loop as the core sees it: watch sockets and run one timer. The curl multi driver needs
 * nothing more, so any loop (Tarantool's fibers, libev, poll(2) in the C tests) can carry the client.
 *
 * Rules for every implementation: callbacks run from the loop and must not be re-entered; a callback
 * may subscribe, update or unsubscribe any watch (its own included) and start or cancel the timer. */
#ifndef S3_REACTOR_H
#define S3_REACTOR_H

enum {
	S3_IO_READ = 1,
	S3_IO_WRITE = 2,
};

/* events: the S3_IO_* bits that are ready. */
typedef void (*s3_io_cb)(int fd, int events, void *arg);
typedef void (*s3_timer_cb)(void *arg);

struct s3_reactor_ops {
	/* Start watching fd for events (S3_IO_* bits). Returns an opaque watch, NULL on failure. */
	void *(*io_subscribe)(void *reactor_ud, int fd, int events, s3_io_cb cb, void *arg);
	/* Change the events of a watch. Returns 0, -1 on failure. */
	int (*io_update)(void *reactor_ud, void *watch, int events);
	/* Stop watching; the watch is invalid afterwards. Never closes fd. */
	void (*io_unsubscribe)(void *reactor_ud, void *watch);
	/* The reactor's single timer: (re)arm it to call cb once after ms milliseconds (0 = as soon as
	 * the loop can, but never from inside this call). */
	int (*timer_start)(void *reactor_ud, long ms, s3_timer_cb cb, void *arg);
	void (*timer_cancel)(void *reactor_ud);
	/* Releases the reactor. Watches still subscribed are dropped without callbacks. */
	void (*destroy)(void *reactor_ud);
};

struct s3_reactor {
	const struct s3_reactor_ops *ops;
	void *ud;
};

#endif
