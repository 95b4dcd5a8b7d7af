#include "write_behind_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <tarantool/module.h>
#include <unistd.h>

#include "core/iovec.h"
#include "core/request.h"

/* Dirty pages of a large download start their way to disk every few MiB, so that the kernel never
 * holds a pile of them to throttle the writer with, and the final fsync has little left to do. */
#define WRITEBACK_EVERY (8 * 1024 * 1024)

static unsigned
ring_index(unsigned i)
{
	return i % S3_WRITE_BEHIND_CHUNKS;
}

/* Runs in a worker thread: only the file and the chunks handed over. */
static ssize_t
pwritev_in_worker(va_list ap)
{
	int fd = va_arg(ap, int);
	struct iovec *iov = va_arg(ap, struct iovec *);
	int iovcnt = va_arg(ap, int);
	uint64_t at = va_arg(ap, uint64_t);
	uint64_t writeback_from = va_arg(ap, uint64_t);
	int *error = va_arg(ap, int *);
	uint64_t end = at;
	for (int i = 0; i < iovcnt; i++)
		end += iov[i].iov_len;
	while (iovcnt > 0) {
		ssize_t n = pwritev(fd, iov, iovcnt, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error = n < 0 ? errno : ENOSPC;
			return -1;
		}
		at += (uint64_t)n;
		s3_iovec_consume(&iov, &iovcnt, (size_t)n);
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Best effort: a pipe or a file system without it keeps its pages until later. */
	if (end - writeback_from >= WRITEBACK_EVERY)
		(void)sync_file_range(fd, (off64_t)writeback_from, (off64_t)(end - writeback_from),
				      SYNC_FILE_RANGE_WRITE);
#else
	(void)writeback_from;
#endif
	return 0;
}

/* Writes the first count chunks from head on (the last one may be partly filled) in a worker. */
static int
write_chunks(struct s3_write_behind_sink *sink, unsigned count)
{
	struct iovec iov[S3_WRITE_BEHIND_CHUNKS];
	uint64_t bytes = 0;
	for (unsigned i = 0; i < count; i++) {
		unsigned idx = ring_index(sink->head + i);
		iov[i].iov_base = sink->chunk[idx];
		iov[i].iov_len = sink->fill[idx];
		bytes += sink->fill[idx];
	}
	uint64_t at = sink->offset + sink->written;
	uint64_t writeback_from = sink->offset + sink->writeback_started;
	int error = 0;
	ssize_t rc = coio_call(pwritev_in_worker, sink->fd, iov, (int)count, at, writeback_from, &error);
	if (rc != 0) {
		/* coio_call itself fails only without memory for the task. */
		sink->error = error != 0 ? error : ENOMEM;
		return -1;
	}
	for (unsigned i = 0; i < count; i++)
		sink->fill[ring_index(sink->head + i)] = 0;
	sink->head = ring_index(sink->head + count);
	sink->n_full -= count;
	sink->written += bytes;
	if (sink->written - sink->writeback_started >= WRITEBACK_EVERY)
		sink->writeback_started = sink->written;
	return 0;
}

/* Copies all len bytes into the chunks, at most as many as are free. */
static int
copy_in(struct s3_write_behind_sink *sink, const char *data, size_t len)
{
	while (len > 0) {
		unsigned idx = ring_index(sink->head + sink->n_full);
		if (sink->chunk[idx] == NULL &&
		    (sink->chunk[idx] = malloc(S3_WRITE_BEHIND_CHUNK_SIZE)) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		size_t n = S3_WRITE_BEHIND_CHUNK_SIZE - sink->fill[idx];
		if (n > len)
			n = len;
		memcpy(sink->chunk[idx] + sink->fill[idx], data, n);
		sink->fill[idx] += n;
		data += n;
		len -= n;
		if (sink->fill[idx] == S3_WRITE_BEHIND_CHUNK_SIZE)
			sink->n_full++;
	}
	return 0;
}

/* The one synchronous path: a callback larger than all chunks together (libcurl hands at most its
 * receive buffer, 64 KiB, so this does not happen) is written on the loop, after what came before. */
static int
write_through(struct s3_write_behind_sink *sink, const char *data, size_t len)
{
	unsigned idx = ring_index(sink->head + sink->n_full);
	struct iovec iov[2] = {
		{sink->chunk[idx], sink->fill[idx]},
		{(void *)data, len},
	};
	struct iovec *v = sink->fill[idx] > 0 ? iov : iov + 1;
	int cnt = sink->fill[idx] > 0 ? 2 : 1;
	uint64_t at = sink->offset + sink->written;
	uint64_t total = sink->fill[idx] + len;
	while (cnt > 0) {
		ssize_t n = pwritev(sink->fd, v, cnt, (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		at += (uint64_t)n;
		s3_iovec_consume(&v, &cnt, (size_t)n);
	}
	sink->fill[idx] = 0;
	sink->written += total;
	return 0;
}

static int
sink_write(struct s3_sink *base, const char *data, size_t len)
{
	struct s3_write_behind_sink *sink = (struct s3_write_behind_sink *)base;
	if (sink->error != 0) {
		errno = sink->error;
		return -1;
	}
	size_t room = 0;
	if (sink->n_full < S3_WRITE_BEHIND_CHUNKS) {
		unsigned filling = ring_index(sink->head + sink->n_full);
		room = (size_t)(S3_WRITE_BEHIND_CHUNKS - sink->n_full) * S3_WRITE_BEHIND_CHUNK_SIZE -
		       sink->fill[filling];
	}
	unsigned full_before = sink->n_full;
	int rc;
	if (len <= room) {
		rc = copy_in(sink, data, len);
	} else if (sink->n_full > 0) {
		sink->paused = true;
		rc = S3_SINK_FULL;
	} else {
		rc = write_through(sink, data, len);
	}
	/* The writer has work when a chunk became full (or the transfer had to stop for room). */
	if ((sink->n_full > full_before || rc == S3_SINK_FULL) && sink->writer != NULL &&
	    sink->writer != fiber_self())
		fiber_wakeup(sink->writer);
	return rc;
}

/* Runs in a worker thread: the chunks' pages are faulted in here, so that the copies on the loop
 * never wait for the kernel to find memory (with gigabytes of dirty pages that is reclaim work in
 * the faulting thread: a 6 GiB download's longest step went from 20.7 to 4.7 ms of CPU). The
 * chunks themselves are allocated by the loop's thread: glibc would keep what a worker allocates
 * in that worker's own arena (the RSS growth of that round trip doubled). */
static ssize_t
prepare_in_worker(va_list ap)
{
	char **chunk = va_arg(ap, char **);
	for (unsigned i = 0; i < S3_WRITE_BEHIND_CHUNKS; i++) {
		if (chunk[i] != NULL)
			memset(chunk[i], 0, S3_WRITE_BEHIND_CHUNK_SIZE);
	}
	return 0;
}

static bool
io_pending(void *self)
{
	const struct s3_write_behind_sink *sink = self;
	return sink->error == 0 && (sink->n_full > 0 || !sink->prepared);
}

static void
io_run(void *self)
{
	struct s3_write_behind_sink *sink = self;
	if (!sink->prepared) {
		/* Before the request starts (s3_fiber_wait_request runs pending work first). A chunk
		 * the worker could not get is allocated on the loop when it is needed. */
		sink->prepared = true;
		for (unsigned i = 0; i < S3_WRITE_BEHIND_CHUNKS; i++) {
			if (sink->chunk[i] == NULL)
				sink->chunk[i] = malloc(S3_WRITE_BEHIND_CHUNK_SIZE);
		}
		(void)coio_call(prepare_in_worker, sink->chunk);
		return;
	}
	if (sink->n_full == 0 || sink->error != 0)
		return;
	/* The transfer fills the next chunks meanwhile (from head + n_full on, never these). */
	(void)write_chunks(sink, sink->n_full);
	/* The disk took our bytes: the connection is not idle, however long that took. */
	s3_request_note_activity(sink->req);
	if (sink->paused) {
		/* Also after a failed write: the resumed transfer fails on it at once. */
		sink->paused = false;
		s3_request_resume(sink->req);
	}
}

void
s3_write_behind_sink_init(struct s3_write_behind_sink *sink, int fd, uint64_t offset)
{
	memset(sink, 0, sizeof(*sink));
	sink->base.write = sink_write;
	sink->fd = fd;
	sink->offset = offset;
}

struct s3_fiber_io
s3_write_behind_sink_attach(struct s3_write_behind_sink *sink, struct s3_request *req,
			    struct fiber *writer)
{
	sink->req = req;
	sink->writer = writer;
	struct s3_fiber_io io = {io_pending, io_run, sink};
	return io;
}

int
s3_write_behind_sink_finish(struct s3_write_behind_sink *sink)
{
	if (sink->error == 0) {
		unsigned count = sink->n_full;
		if (count < S3_WRITE_BEHIND_CHUNKS && sink->fill[ring_index(sink->head + count)] > 0) {
			/* The partly filled last chunk goes along. */
			count++;
			sink->n_full++;
		}
		if (count > 0)
			(void)write_chunks(sink, count);
	}
	if (sink->error != 0) {
		errno = sink->error;
		return -1;
	}
	return 0;
}

void
s3_write_behind_sink_destroy(struct s3_write_behind_sink *sink)
{
	for (unsigned i = 0; i < S3_WRITE_BEHIND_CHUNKS; i++) {
		free(sink->chunk[i]);
		sink->chunk[i] = NULL;
	}
}
