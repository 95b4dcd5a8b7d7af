/* Where a response body goes (sink) and where a request body comes from (source). The core only
 * calls through these; the implementations (memory, file descriptors) live in highlevel/. They run
 * inside libcurl callbacks on the event loop: they must be short and must never yield. */
#ifndef S3_CORE_IO_H
#define S3_CORE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct s3_sink {
	/* Takes all len bytes. Returns 0, or -1 with errno set (the transfer then fails with IOError). */
	int (*write)(struct s3_sink *self, const char *data, size_t len);
	/* Optional (NULL): the body will have size bytes (its Content-Length), so that a memory
	 * sink can allocate once instead of growing step by step. */
	void (*size_hint)(struct s3_sink *self, uint64_t size);
};

struct s3_source {
	/* Copies up to len bytes into data. Returns the count (0 only at the end), -1 with errno set. */
	ssize_t (*read)(struct s3_source *self, char *data, size_t len);
	/* Back to the first byte, for a resend. Returns 0, or -1 with errno set. */
	int (*rewind)(struct s3_source *self);
	uint64_t size;     /* bytes the source yields in all */
	const void *bytes; /* the whole body when it sits in memory (so it can be hashed), else NULL */
};

#endif
