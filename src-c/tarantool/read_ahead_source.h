/* A file source for uploads whose disk reads run in a coio worker thread, never on the event loop.
 * The fiber that waits for the request reads the next chunks of the file ahead with preadv in a
 * worker; libcurl's read callback only copies from chunks already read. When libcurl is faster
 * than the disk, the transfer pauses until the next chunk is in, instead of every fiber waiting
 * for a cold read of a snapshot that is not in the page cache. */
#ifndef S3_TARANTOOL_READ_AHEAD_SOURCE_H
#define S3_TARANTOOL_READ_AHEAD_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/io.h"
#include "tarantool/fiber_wait.h"

struct s3_request;
struct fiber;

/* 4 x 256 KiB: a part in flight holds at most 1 MiB, and the disk reads a chunk while libcurl
 * sends the others. */
#define S3_READ_AHEAD_CHUNKS 4
#define S3_READ_AHEAD_CHUNK_SIZE (256 * 1024)

struct s3_read_ahead_source {
	struct s3_source base;
	int fd;                      /* the caller's */
	uint64_t offset;             /* where the body starts in the file */
	uint64_t read_pos;           /* body bytes read into chunks so far */
	char *chunk[S3_READ_AHEAD_CHUNKS]; /* allocated when first read into */
	size_t fill[S3_READ_AHEAD_CHUNKS];
	unsigned head;               /* the chunk libcurl takes from next */
	size_t head_taken;           /* its bytes already taken */
	unsigned n_ready;            /* chunks from head on holding bytes not yet taken */
	unsigned generation;         /* a rewind makes a read still in the worker go to waste */
	bool paused;                 /* the transfer waits for a chunk */
	int error;                   /* errno of a failed read: every later read fails */
	struct s3_request *req;      /* resumed when a chunk came in */
	struct fiber *reader;        /* woken when a chunk is free */
};

/* Yields size bytes of fd from offset on. */
void s3_read_ahead_source_init(struct s3_read_ahead_source *source, int fd, uint64_t offset,
			       uint64_t size);
/* Once the request exists: reader is the fiber that will wait for it (and do the disk I/O).
 * Returns that I/O, for s3_fiber_wait_request. */
struct s3_fiber_io s3_read_ahead_source_attach(struct s3_read_ahead_source *source,
						struct s3_request *req, struct fiber *reader);
/* Frees the chunks; nothing may be in a read (true once the waiting fiber returned). */
void s3_read_ahead_source_destroy(struct s3_read_ahead_source *source);

#endif
