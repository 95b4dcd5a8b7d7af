#include "read_ahead_source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <tarantool/module.h>
#include <unistd.h>

#include "core/iovec.h"
#include "core/request.h"

static unsigned
ring_index(unsigned i)
{
	return i % S3_READ_AHEAD_CHUNKS;
}

/* Runs in a worker thread: only the file and the chunks handed over. Fills every byte asked for. */
static ssize_t
preadv_in_worker(va_list ap)
{
	int fd = va_arg(ap, int);
	struct iovec *iov = va_arg(ap, struct iovec *);
	int iovcnt = va_arg(ap, int);
	uint64_t at = va_arg(ap, uint64_t);
	int *error = va_arg(ap, int *);
	while (iovcnt > 0) {
		ssize_t n = preadv(fd, iov, iovcnt, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* 0: the file shrank under us, and sending fewer bytes than announced would
			 * hang the request. */
			*error = n < 0 ? errno : EIO;
			return -1;
		}
		at += (uint64_t)n;
		s3_iovec_consume(&iov, &iovcnt, (size_t)n);
	}
	return 0;
}

static ssize_t
source_read(struct s3_source *base, char *data, size_t len)
{
	struct s3_read_ahead_source *source = (struct s3_read_ahead_source *)base;
	if (source->error != 0) {
		errno = source->error;
		return -1;
	}
	size_t copied = 0;
	bool freed = false;
	while (copied < len && source->n_ready > 0) {
		unsigned idx = source->head;
		size_t n = source->fill[idx] - source->head_taken;
		if (n > len - copied)
			n = len - copied;
		memcpy(data + copied, source->chunk[idx] + source->head_taken, n);
		copied += n;
		source->head_taken += n;
		if (source->head_taken == source->fill[idx]) {
			source->head = ring_index(idx + 1);
			source->head_taken = 0;
			source->n_ready--;
			freed = true;
		}
	}
	bool more_to_read = source->read_pos < base->size;
	bool pause = copied == 0 && more_to_read;
	/* The reader has work when a chunk became free (or is late with the next one). */
	if (more_to_read && (freed || pause) && source->reader != NULL &&
	    source->reader != fiber_self())
		fiber_wakeup(source->reader);
	if (!pause)
		return (ssize_t)copied;
	source->paused = true;
	return S3_SOURCE_WAIT;
}

static int
source_rewind(struct s3_source *base)
{
	struct s3_read_ahead_source *source = (struct s3_read_ahead_source *)base;
	/* From the first byte again; a read in the worker now fills chunks nobody will take. */
	source->generation++;
	source->read_pos = 0;
	source->head = 0;
	source->head_taken = 0;
	source->n_ready = 0;
	source->error = 0;
	if (source->reader != NULL && source->reader != fiber_self())
		fiber_wakeup(source->reader);
	return 0;
}

static bool
io_pending(void *self)
{
	const struct s3_read_ahead_source *source = self;
	return source->error == 0 && source->read_pos < source->base.size &&
	       source->n_ready < S3_READ_AHEAD_CHUNKS;
}

static void
io_run(void *self)
{
	struct s3_read_ahead_source *source = self;
	if (!io_pending(source))
		return;
	/* The chunks after the ready ones; libcurl meanwhile takes from head on, never these. */
	unsigned first = ring_index(source->head + source->n_ready);
	unsigned free_chunks = S3_READ_AHEAD_CHUNKS - source->n_ready;
	uint64_t left = source->base.size - source->read_pos;
	struct iovec iov[S3_READ_AHEAD_CHUNKS];
	int count = 0;
	for (unsigned i = 0; i < free_chunks && left > 0; i++) {
		unsigned idx = ring_index(first + i);
		if (source->chunk[idx] == NULL &&
		    (source->chunk[idx] = malloc(S3_READ_AHEAD_CHUNK_SIZE)) == NULL) {
			if (count > 0)
				break;
			source->error = ENOMEM;
			goto out;
		}
		size_t n = left < S3_READ_AHEAD_CHUNK_SIZE ? (size_t)left : S3_READ_AHEAD_CHUNK_SIZE;
		iov[count].iov_base = source->chunk[idx];
		iov[count].iov_len = n;
		count++;
		left -= n;
	}
	size_t lens[S3_READ_AHEAD_CHUNKS];
	for (int i = 0; i < count; i++)
		lens[i] = iov[i].iov_len;
	unsigned generation = source->generation;
	uint64_t at = source->offset + source->read_pos;
	int error = 0;
	ssize_t rc = coio_call(preadv_in_worker, source->fd, iov, count, at, &error);
	if (source->generation != generation)
		return; /* rewound meanwhile: the next run reads from the start */
	if (rc != 0) {
		source->error = error != 0 ? error : ENOMEM;
		goto out;
	}
	for (int i = 0; i < count; i++) {
		source->fill[ring_index(first + (unsigned)i)] = lens[i];
		source->read_pos += lens[i];
	}
	source->n_ready += (unsigned)count;
	/* The disk gave our bytes: the connection is not idle, however long that took. */
	s3_request_note_activity(source->req);
out:
	if (source->paused) {
		/* Also after a failed read: the resumed transfer fails on it at once. */
		source->paused = false;
		s3_request_resume(source->req);
	}
}

void
s3_read_ahead_source_init(struct s3_read_ahead_source *source, int fd, uint64_t offset,
			  uint64_t size)
{
	memset(source, 0, sizeof(*source));
	source->base.read = source_read;
	source->base.rewind = source_rewind;
	source->base.size = size;
	source->fd = fd;
	source->offset = offset;
}

struct s3_fiber_io
s3_read_ahead_source_attach(struct s3_read_ahead_source *source, struct s3_request *req,
			    struct fiber *reader)
{
	source->req = req;
	source->reader = reader;
	struct s3_fiber_io io = {io_pending, io_run, source};
	return io;
}

void
s3_read_ahead_source_destroy(struct s3_read_ahead_source *source)
{
	for (unsigned i = 0; i < S3_READ_AHEAD_CHUNKS; i++) {
		free(source->chunk[i]);
		source->chunk[i] = NULL;
	}
}
