/* Where a response body goes (sink) and where a request body comes from (source). The core only
 * calls through these; the implementations (memory, file descriptors) live in highlevel/, and the
 * ones that move their disk I/O off the loop in tarantool/. They run inside libcurl callbacks on
 * the event loop: they must be short and must never yield. */
#ifndef S3_CORE_IO_H
#define S3_CORE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A sink's write that takes none of the bytes for now: the transfer pauses, and whoever owns the
 * sink calls s3_request_resume() once it has room (libcurl then hands the same bytes again). */
#define S3_SINK_FULL 1
/* A source's read that has no byte ready yet (it is on its way from the disk): the transfer
 * pauses until the source's owner calls s3_request_resume(). */
#define S3_SOURCE_WAIT (-2)

struct s3_sink {
	/* Takes all len bytes. Returns 0, S3_SINK_FULL, or -1 with errno set (the transfer then
	 * fails with IOError). */
	int (*write)(struct s3_sink *self, const char *data, size_t len);
	/* Optional (NULL): the body will have size bytes (its Content-Length), so that a memory
	 * sink can allocate once instead of growing step by step. */
	void (*size_hint)(struct s3_sink *self, uint64_t size);
};

struct s3_source {
	/* Copies up to len bytes into data. Returns the count (0 only at the end), S3_SOURCE_WAIT,
	 * or -1 with errno set. */
	ssize_t (*read)(struct s3_source *self, char *data, size_t len);
	/* Back to the first byte, for a resend. Returns 0, or -1 with errno set. */
	int (*rewind)(struct s3_source *self);
	uint64_t size;     /* bytes the source yields in all */
	const void *bytes; /* the whole body when it sits in memory (so it can be hashed), else NULL */
};

#endif
