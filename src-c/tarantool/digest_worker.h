/* MD5 of a file range computed in a coio worker thread: 8 MiB take about 15 ms, far too long for
 * the event loop (Content-MD5 of upload parts, verification of downloads). */
#ifndef S3_TARANTOOL_DIGEST_WORKER_H
#define S3_TARANTOOL_DIGEST_WORKER_H

#include <stddef.h>
#include <stdint.h>

/* Fills md5 with the digest of size bytes of fd from offset on (pread; the fd position stays).
 * Yields the calling fiber until the worker is done. Returns 0, or -1 with errno set (a short
 * file gives EIO). */
int s3_md5_fd_range(int fd, uint64_t offset, uint64_t size, unsigned char md5[16]);

/* The same for len bytes at data, which must stay unchanged until it returns. */
int s3_md5_buffer(const void *data, size_t len, unsigned char md5[16]);

#endif
