#include "uri_encode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

int
s3_uri_encode(struct s3_buf *out, const char *src, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	/* Reserving the worst case up front keeps out unchanged when memory runs out. */
	if (len > (SIZE_MAX - 1 - out->len) / 3 || s3_buf_reserve(out, 3 * len) != 0)
		return -1;
	char *dst = out->data + out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (is_unreserved(c) || (keep_slash && c == '/')) {
			*dst++ = (char)c;
		} else {
			*dst++ = '%';
			*dst++ = hex[c >> 4];
			*dst++ = hex[c & 0x0f];
		}
	}
	*dst = '\0';
	out->len = (size_t)(dst - out->data);
	return 0;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
s3_uri_decode(struct s3_buf *out, const char *src, size_t len, bool plus_is_space)
{
	/* Decoding never grows the text: one reservation, and out is unchanged on failure. */
	if (s3_buf_reserve(out, len) != 0)
		return -1;
	char *dst = out->data + out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		int hi, lo;
		if (c == '%' && i + 2 < len &&
		    (hi = hex_value((unsigned char)src[i + 1])) >= 0 &&
		    (lo = hex_value((unsigned char)src[i + 2])) >= 0) {
			*dst++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			*dst++ = ' ';
		} else {
			*dst++ = (char)c;
		}
	}
	*dst = '\0';
	out->len = (size_t)(dst - out->data);
	return 0;
}

/* Offsets into one scratch buffer while encoding (it may move), pointers once it is complete. */
struct encoded_param {
	size_t name_offset;
	size_t value_offset;
	const char *name;
	const char *value;
};

static int
append_encoded_cstr(struct s3_buf *scratch, const char *str, size_t *offset)
{
	*offset = scratch->len;
	if (s3_uri_encode(scratch, str, strlen(str), false) != 0)
		return -1;
	/* The NUL separates it from the next string: encoded text never contains a raw NUL. */
	return s3_buf_append_char(scratch, '\0');
}

static int
compare_encoded_params(const void *a, const void *b)
{
	const struct encoded_param *left = a;
	const struct encoded_param *right = b;
	int by_name = strcmp(left->name, right->name);
	return by_name != 0 ? by_name : strcmp(left->value, right->value);
}

static int
encode_params(const struct s3_kv *params, size_t n, struct s3_buf *scratch,
	      struct encoded_param *encoded)
{
	for (size_t i = 0; i < n; i++) {
		const char *value = params[i].value != NULL ? params[i].value : "";
		if (append_encoded_cstr(scratch, params[i].key, &encoded[i].name_offset) != 0 ||
		    append_encoded_cstr(scratch, value, &encoded[i].value_offset) != 0)
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		encoded[i].name = scratch->data + encoded[i].name_offset;
		encoded[i].value = scratch->data + encoded[i].value_offset;
	}
	return 0;
}

static int
join_params(struct s3_buf *out, const struct encoded_param *encoded, size_t n,
	    size_t encoded_bytes)
{
	/* scratch held every string plus one NUL each: the same room as '=' and '&' need. */
	if (s3_buf_reserve(out, encoded_bytes) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && s3_buf_append_char(out, '&') != 0) ||
		    s3_buf_append_str(out, encoded[i].name) != 0 ||
		    s3_buf_append_char(out, '=') != 0 ||
		    s3_buf_append_str(out, encoded[i].value) != 0)
			return -1;
	}
	return 0;
}

int
s3_canonical_query(struct s3_buf *out, const struct s3_kv *params, size_t n)
{
	if (n == 0)
		return 0;
	struct encoded_param *encoded = calloc(n, sizeof(*encoded));
	if (encoded == NULL)
		return -1;
	struct s3_buf scratch = S3_BUF_INIT;
	int rc = encode_params(params, n, &scratch, encoded);
	if (rc == 0) {
		qsort(encoded, n, sizeof(*encoded), compare_encoded_params);
		rc = join_params(out, encoded, n, scratch.len);
	}
	s3_buf_free(&scratch);
	free(encoded);
	return rc;
}
