/* Going on after a short readv/writev: the vectors that went through whole are dropped, and the
 * next one starts where the call stopped. */
#ifndef S3_CORE_IOVEC_H
#define S3_CORE_IOVEC_H

#include <stddef.h>
#include <sys/uio.h>

static inline void
s3_iovec_consume(struct iovec **iov, int *count, size_t done)
{
	while (*count > 0 && done >= (*iov)->iov_len) {
		done -= (*iov)->iov_len;
		(*iov)++;
		(*count)--;
	}
	if (*count > 0) {
		(*iov)->iov_base = (char *)(*iov)->iov_base + done;
		(*iov)->iov_len -= done;
	}
}

#endif
