#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
s3_buf_reserve(struct s3_buf *buf, size_t extra)
{
	size_t need = buf->len + extra + 1;
	if (need <= buf->cap)
		return 0;
	size_t cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap *= 2;
	char *data = realloc(buf->data, cap);
	if (data == NULL)
		return -1;
	buf->data = data;
	buf->cap = cap;
	return 0;
}

int
s3_buf_append(struct s3_buf *buf, const void *bytes, size_t len)
{
	if (s3_buf_reserve(buf, len) != 0)
		return -1;
	if (len > 0)
		memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return 0;
}

int
s3_buf_append_str(struct s3_buf *buf, const char *str)
{
	return s3_buf_append(buf, str, strlen(str));
}

int
s3_buf_append_char(struct s3_buf *buf, char c)
{
	return s3_buf_append(buf, &c, 1);
}

int
s3_buf_appendf(struct s3_buf *buf, const char *fmt, ...)
{
	/* Format straight into the spare room; only a result that does not fit is formatted twice. */
	size_t room = buf->cap > buf->len ? buf->cap - buf->len : 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(room > 0 ? buf->data + buf->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= room) {
		if (s3_buf_reserve(buf, (size_t)n) != 0) {
			if (buf->data != NULL)
				buf->data[buf->len] = '\0';
			return -1;
		}
		va_start(ap, fmt);
		vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	buf->len += (size_t)n;
	return 0;
}

const char *
s3_buf_cstr(const struct s3_buf *buf)
{
	return buf->data != NULL ? buf->data : "";
}

void
s3_buf_reset(struct s3_buf *buf)
{
	buf->len = 0;
	if (buf->data != NULL)
		buf->data[0] = '\0';
}

void
s3_buf_free(struct s3_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}
