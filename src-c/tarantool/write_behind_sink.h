/* A file sink for downloads whose disk writes run in a coio worker thread, never on the event loop.
 * In libcurl's write callback the bytes are only copied into one of a few chunks; the fiber that
 * waits for the request hands the full chunks to pwritev in a worker and, when all chunks were
 * full, resumes the transfer. A slow disk (the kernel throttling dirty pages, a busy device)
 * pauses this transfer, and TCP's window slows the sender, instead of stalling every fiber. */
#ifndef S3_TARANTOOL_WRITE_BEHIND_SINK_H
#define S3_TARANTOOL_WRITE_BEHIND_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/io.h"
#include "tarantool/fiber_wait.h"

struct s3_request;
struct fiber;

/* 4 x 256 KiB: a disk hiccup of a few ms is absorbed without a pause, and a range in flight holds
 * at most 1 MiB (16 ranges: 16 MiB). */
#define S3_WRITE_BEHIND_CHUNKS 4
#define S3_WRITE_BEHIND_CHUNK_SIZE (256 * 1024)

struct s3_write_behind_sink {
	struct s3_sink base;
	int fd;                       /* the caller's */
	uint64_t offset;              /* where the body's first byte goes */
	uint64_t written;             /* bytes on the file (pwritev done) */
	uint64_t writeback_started;   /* of those, the bytes handed to the kernel's writeback */
	char *chunk[S3_WRITE_BEHIND_CHUNKS];   /* allocated when first filled */
	size_t fill[S3_WRITE_BEHIND_CHUNKS];
	unsigned head;                /* the oldest chunk not yet written */
	unsigned n_full;              /* full chunks from head on, waiting for (or in) a write */
	bool paused;                  /* the transfer waits for a chunk to be free */
	bool prepared;                /* the chunks were allocated (and faulted in) by a worker */
	int error;                    /* errno of the first failed write: every later write fails */
	struct s3_request *req;       /* resumed when room was made */
	struct fiber *writer;         /* woken when a chunk is full */
};

void s3_write_behind_sink_init(struct s3_write_behind_sink *sink, int fd, uint64_t offset);
/* Once the request exists: writer is the fiber that will wait for it (and do the disk I/O).
 * Returns that I/O, for s3_fiber_wait_request. */
struct s3_fiber_io s3_write_behind_sink_attach(struct s3_write_behind_sink *sink,
						struct s3_request *req, struct fiber *writer);
/* After the request succeeded: writes what is left (yields). Returns 0, or -1 with errno set. */
int s3_write_behind_sink_finish(struct s3_write_behind_sink *sink);
/* Frees the chunks; nothing may be in a write (true once the waiting fiber returned). */
void s3_write_behind_sink_destroy(struct s3_write_behind_sink *sink);

#endif
