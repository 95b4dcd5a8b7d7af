/* The sinks and sources requests stream through: memory and file descriptors. A fd sink or source
 * works at an offset with pwrite/pread, so several ranged parts can share one file. */
#ifndef S3_HIGHLEVEL_SINK_SOURCE_H
#define S3_HIGHLEVEL_SINK_SOURCE_H

#include <stdint.h>

#include "core/buf.h"
#include "core/io.h"

/* Appends the body to a memory buffer it owns (free with s3_buf_free(&sink.buf)). */
struct s3_buffer_sink {
	struct s3_sink base;
	struct s3_buf buf;
};
/* buf: memory to reuse (emptied first), or S3_BUF_INIT. */
void s3_buffer_sink_init(struct s3_buffer_sink *sink, struct s3_buf buf);

/* Writes the body to fd from offset on; the fd stays the caller's. */
struct s3_fd_sink {
	struct s3_sink base;
	int fd;
	uint64_t offset;
	uint64_t written;
	uint64_t writeback_started; /* bytes already handed to the kernel's writeback */
};
void s3_fd_sink_init(struct s3_fd_sink *sink, int fd, uint64_t offset);

/* Yields len bytes at data; the memory stays the caller's and must outlive the request. */
struct s3_buffer_source {
	struct s3_source base;
	const char *data;
	uint64_t pos;
};
void s3_buffer_source_init(struct s3_buffer_source *source, const void *data, uint64_t len);

/* Yields size bytes of fd from offset on; the fd stays the caller's. */
struct s3_fd_source {
	struct s3_source base;
	int fd;
	uint64_t offset;
	uint64_t pos;
};
void s3_fd_source_init(struct s3_fd_source *source, int fd, uint64_t offset, uint64_t size);

#endif
