/* Encoding of paths and query strings the way SigV4 and S3 expect: unreserved characters
 * (A-Z a-z 0-9 - . _ ~) are kept, every other byte becomes %XX in uppercase hex. */
#ifndef S3_CORE_URI_ENCODE_H
#define S3_CORE_URI_ENCODE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Appends the encoding of len bytes of src. keep_slash keeps '/' as is (object keys in paths).
 * Returns 0, or -1 when memory runs out. */
int s3_uri_encode(struct s3_buf *out, const char *src, size_t len, bool keep_slash);

/* Appends the decoding of len bytes of %-encoded src (what S3 sends with encoding-type=url): %XX
 * becomes the byte, and with plus_is_space '+' becomes ' ' (AWS encodes a space so, and '+' as
 * %2B). A '%' not followed by two hex digits is kept as it is. Returns 0, or -1 when memory runs
 * out. */
int s3_uri_decode(struct s3_buf *out, const char *src, size_t len, bool plus_is_space);

/* Appends the canonical query string of n parameters: each name and value encoded (a NULL value is
 * an empty one), pairs sorted by encoded name then encoded value, joined by '&', "name=value"
 * (a parameter without value gives "name="). The result is both what is signed and what is sent. */
int s3_canonical_query(struct s3_buf *out, const struct s3_kv *params, size_t n);

#endif
