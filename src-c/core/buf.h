/* A growable byte string: the one allocation pattern the core uses for URLs, canonical requests,
 * header values and small response bodies. Always NUL-terminated so it can be handed to C APIs. */
#ifndef S3_CORE_BUF_H
#define S3_CORE_BUF_H

#include <stddef.h>

struct s3_buf {
	char *data; /* NULL until the first append; then NUL-terminated */
	size_t len;
	size_t cap;
};

#define S3_BUF_INIT {NULL, 0, 0}

/* All return 0 on success, -1 when memory runs out (the buffer is left as it was). */
int s3_buf_reserve(struct s3_buf *buf, size_t extra);
int s3_buf_append(struct s3_buf *buf, const void *bytes, size_t len);
int s3_buf_append_str(struct s3_buf *buf, const char *str);
int s3_buf_append_char(struct s3_buf *buf, char c);
int s3_buf_appendf(struct s3_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Data as a C string: "" for an empty buffer. */
const char *s3_buf_cstr(const struct s3_buf *buf);
void s3_buf_reset(struct s3_buf *buf);
void s3_buf_free(struct s3_buf *buf);

/* A name/value pair: query parameters and headers. */
struct s3_kv {
	const char *key;
	const char *value;
};

#endif
