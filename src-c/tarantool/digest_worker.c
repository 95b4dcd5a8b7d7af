#include "digest_worker.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <tarantool/module.h>
#include <unistd.h>

#define READ_CHUNK (256 * 1024)

/* Runs in a worker thread: no fiber, no Lua, only the file and libcrypto. */
static ssize_t
md5_range_in_worker(va_list ap)
{
	int fd = va_arg(ap, int);
	uint64_t offset = va_arg(ap, uint64_t);
	uint64_t size = va_arg(ap, uint64_t);
	unsigned char *md5 = va_arg(ap, unsigned char *);
	int *error = va_arg(ap, int *);
	char *chunk = malloc(READ_CHUNK);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = -1;
	*error = ENOMEM;
	if (chunk == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1)
		goto out;
	uint64_t done = 0;
	while (done < size) {
		size_t want = size - done < READ_CHUNK ? (size_t)(size - done) : READ_CHUNK;
		ssize_t n = pread(fd, chunk, want, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*error = n < 0 ? errno : EIO;
			goto out;
		}
		EVP_DigestUpdate(ctx, chunk, (size_t)n);
		done += (uint64_t)n;
	}
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(ctx, md5, &len) == 1 && len == 16) {
		*error = 0;
		rc = 0;
	}
out:
	EVP_MD_CTX_free(ctx);
	free(chunk);
	return rc;
}

int
s3_md5_fd_range(int fd, uint64_t offset, uint64_t size, unsigned char md5[16])
{
	int error = 0;
	if (coio_call(md5_range_in_worker, fd, offset, size, md5, &error) != 0) {
		errno = error != 0 ? error : EIO;
		return -1;
	}
	return 0;
}

static ssize_t
md5_buffer_in_worker(va_list ap)
{
	const void *data = va_arg(ap, const void *);
	size_t len = va_arg(ap, size_t);
	unsigned char *md5 = va_arg(ap, unsigned char *);
	unsigned int out_len = 0;
	return EVP_Digest(data, len, md5, &out_len, EVP_md5(), NULL) == 1 && out_len == 16 ? 0 : -1;
}

int
s3_md5_buffer(const void *data, size_t len, unsigned char md5[16])
{
	if (coio_call(md5_buffer_in_worker, data, len, md5) != 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
