#include "sink_source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int
buffer_sink_write(struct s3_sink *base, const char *data, size_t len)
{
	struct s3_buffer_sink *sink = (struct s3_buffer_sink *)base;
	if (s3_buf_append(&sink->buf, data, len) != 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Bodies up to this size get their memory at once; a larger Content-Length is not trusted with
 * an allocation before the bytes arrive. */
#define BUFFER_SINK_PREALLOCATE_MAX (64 * 1024 * 1024)

static void
buffer_sink_size_hint(struct s3_sink *base, uint64_t size)
{
	struct s3_buffer_sink *sink = (struct s3_buffer_sink *)base;
	/* A failure here only means the buffer grows as the bytes come. */
	if (size <= BUFFER_SINK_PREALLOCATE_MAX)
		(void)s3_buf_reserve(&sink->buf, (size_t)size);
}

void
s3_buffer_sink_init(struct s3_buffer_sink *sink, struct s3_buf buf)
{
	memset(sink, 0, sizeof(*sink));
	sink->base.write = buffer_sink_write;
	sink->base.size_hint = buffer_sink_size_hint;
	sink->buf = buf;
	s3_buf_reset(&sink->buf);
}

/* Dirty pages of a large download start their way to disk every few MiB, so that the kernel
 * never throttles a pwrite on the event loop for a pile of them (balance_dirty_pages) and the
 * final fsync has little left to do. */
#define FD_SINK_WRITEBACK_EVERY (8 * 1024 * 1024)

static void
start_writeback(struct s3_fd_sink *sink)
{
#ifdef SYNC_FILE_RANGE_WRITE
	uint64_t pending = sink->written - sink->writeback_started;
	if (pending < FD_SINK_WRITEBACK_EVERY)
		return;
	/* Best effort: a pipe or a file system without it just keeps its pages until later. */
	(void)sync_file_range(sink->fd, (off64_t)(sink->offset + sink->writeback_started),
			      (off64_t)pending, SYNC_FILE_RANGE_WRITE);
	sink->writeback_started = sink->written;
#else
	(void)sink;
#endif
}

static int
fd_sink_write(struct s3_sink *base, const char *data, size_t len)
{
	struct s3_fd_sink *sink = (struct s3_fd_sink *)base;
	while (len > 0) {
		ssize_t n = pwrite(sink->fd, data, len, (off_t)(sink->offset + sink->written));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		data += n;
		len -= (size_t)n;
		sink->written += (uint64_t)n;
	}
	start_writeback(sink);
	return 0;
}

void
s3_fd_sink_init(struct s3_fd_sink *sink, int fd, uint64_t offset)
{
	memset(sink, 0, sizeof(*sink));
	sink->base.write = fd_sink_write;
	sink->fd = fd;
	sink->offset = offset;
}

static ssize_t
buffer_source_read(struct s3_source *base, char *data, size_t len)
{
	struct s3_buffer_source *source = (struct s3_buffer_source *)base;
	uint64_t left = base->size - source->pos;
	size_t n = left < len ? (size_t)left : len;
	memcpy(data, source->data + source->pos, n);
	source->pos += n;
	return (ssize_t)n;
}

static int
buffer_source_rewind(struct s3_source *base)
{
	((struct s3_buffer_source *)base)->pos = 0;
	return 0;
}

void
s3_buffer_source_init(struct s3_buffer_source *source, const void *data, uint64_t len)
{
	memset(source, 0, sizeof(*source));
	source->base.read = buffer_source_read;
	source->base.rewind = buffer_source_rewind;
	source->base.size = len;
	source->base.bytes = data;
	source->data = data;
}

static ssize_t
fd_source_read(struct s3_source *base, char *data, size_t len)
{
	struct s3_fd_source *source = (struct s3_fd_source *)base;
	uint64_t left = base->size - source->pos;
	if (left == 0)
		return 0;
	size_t want = left < len ? (size_t)left : len;
	for (;;) {
		ssize_t n = pread(source->fd, data, want, (off_t)(source->offset + source->pos));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			/* The file shrank under us: sending fewer bytes than announced would hang. */
			errno = EIO;
			return -1;
		}
		if (n > 0)
			source->pos += (uint64_t)n;
		return n;
	}
}

static int
fd_source_rewind(struct s3_source *base)
{
	((struct s3_fd_source *)base)->pos = 0;
	return 0;
}

void
s3_fd_source_init(struct s3_fd_source *source, int fd, uint64_t offset, uint64_t size)
{
	memset(source, 0, sizeof(*source));
	source->base.read = fd_source_read;
	source->base.rewind = fd_source_rewind;
	source->base.size = size;
	source->fd = fd;
	source->offset = offset;
}
