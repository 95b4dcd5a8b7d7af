#include "request_target.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "uri_encode.h"

/* Headers the request sets itself; a caller's copy would break the signature or the framing. */
static const char *const reserved_headers[] = {
	"host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
	"content-length", "transfer-encoding", "expect", "connection",
};

/* S3 limits: a key is 1-1024 bytes; one PUT (a whole object or a part) carries at most 5 GiB. */
#define S3_KEY_MAX 1024
#define S3_SINGLE_PUT_MAX (5ULL * 1024 * 1024 * 1024)
/* The longest bucket name anything accepted (legacy us-east-1 buckets); new ones have 3-63. */
#define S3_BUCKET_MAX 255

/* An HTTP token (RFC 9110 tchar): what a header name may consist of. */
static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
header_name_is_valid(const char *name)
{
	if (name[0] == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++) {
		if (!is_tchar(*p))
			return false;
	}
	for (size_t i = 0; i < sizeof(reserved_headers) / sizeof(reserved_headers[0]); i++) {
		if (strcasecmp(name, reserved_headers[i]) == 0)
			return false;
	}
	return true;
}

/* No line breaks (they would start a header of the caller's making) nor other control bytes:
 * even a tab, which HTTP allows, is signed differently by different servers. */
static bool
header_value_is_valid(const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p < ' ' || *p == 127)
			return false;
	}
	return true;
}

/* The loosest bucket names any S3 store takes: 1-255 of A-Z a-z 0-9 . _ -, and never "." or
 * "..". The Lua layer applies S3's strict rules unless told otherwise; this keeps anything that
 * would change the meaning of the URL (a '/', '?', '%', a dot segment) out of it. */
static bool
bucket_is_valid(const char *bucket)
{
	size_t len = strlen(bucket);
	if (len == 0 || len > S3_BUCKET_MAX || strcmp(bucket, ".") == 0 || strcmp(bucket, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)bucket; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '_' || *p == '-'))
			return false;
	}
	return true;
}

int
s3_request_validate_spec(const struct s3_request_spec *spec, struct s3_error *err)
{
	static const char *const methods[] = {"GET", "PUT", "HEAD", "DELETE", "POST"};
	bool method_ok = false;
	for (size_t i = 0; spec->method != NULL && i < sizeof(methods) / sizeof(methods[0]); i++)
		method_ok = method_ok || strcmp(spec->method, methods[i]) == 0;
	if (!method_ok) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "method must be one of GET PUT HEAD DELETE POST");
		return -1;
	}
	if (spec->bucket != NULL && spec->bucket[0] == '\0') {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "bucket must not be empty");
		return -1;
	}
	if (spec->bucket != NULL && !bucket_is_valid(spec->bucket)) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "bucket must be 1-%d characters of A-Z a-z 0-9 . _ -, got '%.64s'", S3_BUCKET_MAX,
			     spec->bucket);
		return -1;
	}
	if (spec->bucket == NULL && spec->key != NULL && spec->key[0] != '\0') {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "a key needs a bucket");
		return -1;
	}
	if (spec->key != NULL && strlen(spec->key) > S3_KEY_MAX) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "key must be 1-%d bytes, got %zu bytes",
			     S3_KEY_MAX, strlen(spec->key));
		return -1;
	}
	if (spec->body != NULL && spec->body->size > S3_SINGLE_PUT_MAX) {
		s3_error_set(err, S3_ERR_ENTITY_TOO_LARGE, 0,
			     "the body is %llu bytes: a single PUT is limited to 5 GiB (%llu bytes)",
			     (unsigned long long)spec->body->size, (unsigned long long)S3_SINGLE_PUT_MAX);
		return -1;
	}
	for (size_t i = 0; i < spec->n_headers; i++) {
		if (spec->headers[i].key == NULL || !header_name_is_valid(spec->headers[i].key)) {
			s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "header name '%s' is not allowed",
				     spec->headers[i].key != NULL ? spec->headers[i].key : "(null)");
			return -1;
		}
		if (spec->headers[i].value == NULL || !header_value_is_valid(spec->headers[i].value)) {
			s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
				     "header '%s' must have a value without line breaks or control bytes",
				     spec->headers[i].key);
			return -1;
		}
	}
	for (size_t i = 0; i < spec->n_query; i++) {
		if (spec->query[i].key == NULL || spec->query[i].key[0] == '\0') {
			s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "query parameter names must not be empty");
			return -1;
		}
	}
	return 0;
}

void
s3_target_free(struct s3_target *t)
{
	s3_buf_free(&t->host);
	s3_buf_free(&t->path);
	s3_buf_free(&t->query);
}

/* Path-style: /bucket/key; virtual-hosted: /key with the bucket in the host name. The choice is
 * made per request (s3_client_bucket_in_host). query/n_query replace the spec's. */
int
s3_target_build(struct s3_target *t, const struct s3_client *c, const struct s3_request_spec *spec,
	     const struct s3_kv *query, size_t n_query)
{
	*t = (struct s3_target){S3_BUF_INIT, S3_BUF_INIT, S3_BUF_INIT};
	bool bucket_in_host = s3_client_bucket_in_host(c, spec->bucket);
	int rc = 0;
	if (bucket_in_host)
		rc |= s3_buf_appendf(&t->host, "%s.%s", spec->bucket, c->authority);
	else
		rc |= s3_buf_append_str(&t->host, c->authority);
	rc |= s3_buf_append_char(&t->path, '/');
	if (spec->bucket != NULL && !bucket_in_host) {
		rc |= s3_uri_encode(&t->path, spec->bucket, strlen(spec->bucket), false);
		if (spec->key != NULL && spec->key[0] != '\0')
			rc |= s3_buf_append_char(&t->path, '/');
	}
	if (spec->key != NULL)
		rc |= s3_uri_encode(&t->path, spec->key, strlen(spec->key), true);
	rc |= s3_canonical_query(&t->query, query, n_query);
	return rc;
}

int
s3_target_append_url(struct s3_buf *url, const struct s3_client *c, const struct s3_target *t)
{
	return s3_buf_appendf(url, "%s://%s%s%s%s", c->scheme, s3_buf_cstr(&t->host),
			      s3_buf_cstr(&t->path), t->query.len > 0 ? "?" : "",
			      s3_buf_cstr(&t->query));
}
