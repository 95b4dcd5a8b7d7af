/* gmtime_r is POSIX, not C11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "signer_v4.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SHA256_LEN 32
/* Half a SHA-256 is plenty to tell rotated secrets apart and leaves room in the cache scope. */
#define SECRET_DIGEST_LEN 16

/* The two date forms SigV4 needs for one signing time. */
struct signing_time {
	char amz_date[17]; /* 20150830T123600Z */
	char day[9];       /* 20150830, the scope date */
};

static void
hex_encode(const unsigned char *bytes, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int
sha256(const void *data, size_t len, unsigned char digest[SHA256_LEN])
{
	unsigned int digest_len = 0;
	if (EVP_Digest(data, len, digest, &digest_len, EVP_sha256(), NULL) != 1 ||
	    digest_len != SHA256_LEN)
		return -1;
	return 0;
}

static int
sha256_hex(const void *data, size_t len, char out[S3_SHA256_HEX_LEN + 1])
{
	unsigned char digest[SHA256_LEN];
	if (sha256(data, len, digest) != 0)
		return -1;
	hex_encode(digest, SHA256_LEN, out);
	return 0;
}

static int
hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
	    unsigned char mac[SHA256_LEN])
{
	unsigned int mac_len = 0;
	if (key_len > INT_MAX)
		return -1;
	if (HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, mac, &mac_len) == NULL ||
	    mac_len != SHA256_LEN)
		return -1;
	return 0;
}

/* Appending functions that fail part way use this to leave out as it was. */
static int
rollback(struct s3_buf *out, size_t mark)
{
	out->len = mark;
	if (out->data != NULL)
		out->data[mark] = '\0';
	return -1;
}

void
s3_sigv4_amz_date(time_t t, char out[17])
{
	struct tm tm;
	/* Years outside 1000..9999 do not fit the format: an empty string makes signing fail. */
	if (gmtime_r(&t, &tm) == NULL || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		out[0] = '\0';
}

void
s3_sha256_hex(const void *data, size_t len, char out[S3_SHA256_HEX_LEN + 1])
{
	/* No way to report failure here: an empty hash is never accepted by a server. */
	if (sha256_hex(data, len, out) != 0)
		out[0] = '\0';
}

static int
signing_time_of(time_t now, struct signing_time *st)
{
	s3_sigv4_amz_date(now, st->amz_date);
	if (st->amz_date[0] == '\0')
		return -1;
	memcpy(st->day, st->amz_date, 8);
	st->day[8] = '\0';
	return 0;
}

static bool
params_complete(const struct s3_sigv4_params *p)
{
	return p->method != NULL && p->payload_hash != NULL && p->region != NULL &&
	       p->service != NULL && p->access_key_id != NULL && p->secret_access_key != NULL &&
	       (p->headers != NULL || p->n_headers == 0);
}

/* ---- Canonical headers ---- */

/* A header in sorted order; position keeps duplicates in the order they were given. */
struct header_ref {
	const struct s3_kv *header;
	size_t position;
};

static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Header names are ASCII tokens; the locale must not change how they sort. */
static int
compare_lowercase(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = ascii_lower((unsigned char)*a);
		unsigned char cb = ascii_lower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return (int)ca - (int)cb;
	}
}

static int
compare_header_refs(const void *a, const void *b)
{
	const struct header_ref *left = a;
	const struct header_ref *right = b;
	int by_name = compare_lowercase(left->header->key, right->header->key);
	if (by_name != 0)
		return by_name;
	return left->position < right->position ? -1 : left->position > right->position;
}

/* On success *sorted is malloc'ed (NULL when n is 0) and the caller frees it. */
static int
sort_headers(const struct s3_kv *headers, size_t n, struct header_ref **sorted)
{
	*sorted = NULL;
	if (n == 0)
		return 0;
	struct header_ref *refs = calloc(n, sizeof(*refs));
	if (refs == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		refs[i].header = &headers[i];
		refs[i].position = i;
	}
	qsort(refs, n, sizeof(*refs), compare_header_refs);
	*sorted = refs;
	return 0;
}

static bool
same_name(const struct header_ref *a, const struct header_ref *b)
{
	return compare_lowercase(a->header->key, b->header->key) == 0;
}

static int
append_lowercase(struct s3_buf *out, const char *str)
{
	for (; *str != '\0'; str++) {
		if (s3_buf_append_char(out, (char)ascii_lower((unsigned char)*str)) != 0)
			return -1;
	}
	return 0;
}

/* Like botocore, any ASCII whitespace counts, so folded multi-line values come out as one line. */
static bool
is_header_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trims the value and collapses each run of whitespace inside it to one space. */
static int
append_trimmed_value(struct s3_buf *out, const char *value)
{
	bool in_text = false;
	bool space_pending = false;
	for (; value != NULL && *value != '\0'; value++) {
		if (is_header_space(*value)) {
			space_pending = in_text;
			continue;
		}
		if (space_pending && s3_buf_append_char(out, ' ') != 0)
			return -1;
		if (s3_buf_append_char(out, *value) != 0)
			return -1;
		in_text = true;
		space_pending = false;
	}
	return 0;
}

/* One "name:value1,value2\n" line per distinct name, values of duplicates in the order given. */
static int
append_canonical_headers(struct s3_buf *out, const struct header_ref *sorted, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool continues_name = i > 0 && same_name(&sorted[i - 1], &sorted[i]);
		bool name_ends = i + 1 == n || !same_name(&sorted[i], &sorted[i + 1]);
		if (continues_name) {
			if (s3_buf_append_char(out, ',') != 0)
				return -1;
		} else if (append_lowercase(out, sorted[i].header->key) != 0 ||
			   s3_buf_append_char(out, ':') != 0) {
			return -1;
		}
		if (append_trimmed_value(out, sorted[i].header->value) != 0)
			return -1;
		if (name_ends && s3_buf_append_char(out, '\n') != 0)
			return -1;
	}
	return 0;
}

static int
append_signed_header_names(struct s3_buf *out, const struct header_ref *sorted, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && same_name(&sorted[i - 1], &sorted[i]))
			continue;
		if ((i > 0 && s3_buf_append_char(out, ';') != 0) ||
		    append_lowercase(out, sorted[i].header->key) != 0)
			return -1;
	}
	return 0;
}

int
s3_sigv4_signed_headers(const struct s3_kv *headers, size_t n, struct s3_buf *out)
{
	struct header_ref *sorted;
	if (sort_headers(headers, n, &sorted) != 0)
		return -1;
	size_t mark = out->len;
	int rc = append_signed_header_names(out, sorted, n);
	free(sorted);
	return rc == 0 ? 0 : rollback(out, mark);
}

/* ---- Canonical request and string to sign ---- */

static int
append_request_line_parts(const struct s3_sigv4_params *p, struct s3_buf *out)
{
	/* An empty path is the root: S3 never signs an empty canonical URI. */
	const char *uri = p->canonical_uri != NULL && p->canonical_uri[0] != '\0' ?
				  p->canonical_uri : "/";
	const char *query = p->canonical_query != NULL ? p->canonical_query : "";
	return s3_buf_appendf(out, "%s\n%s\n%s\n", p->method, uri, query);
}

static int
append_canonical_request(const struct s3_sigv4_params *p, struct s3_buf *out)
{
	struct header_ref *sorted;
	if (sort_headers(p->headers, p->n_headers, &sorted) != 0)
		return -1;
	int rc = 0;
	if (append_request_line_parts(p, out) != 0 ||
	    append_canonical_headers(out, sorted, p->n_headers) != 0 ||
	    s3_buf_append_char(out, '\n') != 0 ||
	    append_signed_header_names(out, sorted, p->n_headers) != 0 ||
	    s3_buf_appendf(out, "\n%s", p->payload_hash) != 0)
		rc = -1;
	free(sorted);
	return rc;
}

int
s3_sigv4_canonical_request(const struct s3_sigv4_params *p, struct s3_buf *out)
{
	if (!params_complete(p))
		return -1;
	size_t mark = out->len;
	return append_canonical_request(p, out) == 0 ? 0 : rollback(out, mark);
}

static int
hash_canonical_request(const struct s3_sigv4_params *p, char out[S3_SHA256_HEX_LEN + 1])
{
	struct s3_buf request = S3_BUF_INIT;
	int rc = append_canonical_request(p, &request);
	if (rc == 0)
		rc = sha256_hex(s3_buf_cstr(&request), request.len, out);
	s3_buf_free(&request);
	return rc;
}

int
s3_sigv4_string_to_sign(const struct s3_sigv4_params *p, struct s3_buf *out)
{
	struct signing_time st;
	char request_hash[S3_SHA256_HEX_LEN + 1];
	if (!params_complete(p) || signing_time_of(p->now, &st) != 0 ||
	    hash_canonical_request(p, request_hash) != 0)
		return -1;
	size_t mark = out->len;
	if (s3_buf_appendf(out, SIGV4_ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", st.amz_date,
			   st.day, p->region, p->service, request_hash) != 0)
		return rollback(out, mark);
	return 0;
}

/* ---- Signing key ---- */

static int
derive_signing_key(const struct s3_sigv4_params *p, const char *day, unsigned char key[SHA256_LEN])
{
	size_t secret_len = strlen(p->secret_access_key);
	size_t prefixed_len = 4 + secret_len;
	char *prefixed = malloc(prefixed_len);
	if (prefixed == NULL)
		return -1;
	memcpy(prefixed, "AWS4", 4);
	memcpy(prefixed + 4, p->secret_access_key, secret_len);
	unsigned char day_key[SHA256_LEN], region_key[SHA256_LEN], service_key[SHA256_LEN];
	int rc = hmac_sha256(prefixed, prefixed_len, day, strlen(day), day_key) != 0 ||
		 hmac_sha256(day_key, SHA256_LEN, p->region, strlen(p->region), region_key) != 0 ||
		 hmac_sha256(region_key, SHA256_LEN, p->service, strlen(p->service),
			     service_key) != 0 ||
		 hmac_sha256(service_key, SHA256_LEN, "aws4_request", 12, key) != 0 ? -1 : 0;
	/* Every step is as good as the secret for this day: none may linger in freed memory. */
	OPENSSL_cleanse(prefixed, prefixed_len);
	free(prefixed);
	OPENSSL_cleanse(day_key, sizeof(day_key));
	OPENSSL_cleanse(region_key, sizeof(region_key));
	OPENSSL_cleanse(service_key, sizeof(service_key));
	return rc;
}

/* The cache is keyed by a digest of the secret so that a rotated secret misses the cache without
 * the secret itself being kept there. Fails when the scope does not fit: then nothing is cached. */
static int
cache_scope_of(const struct s3_sigv4_params *p, const char *day, char *scope, size_t size)
{
	unsigned char digest[SHA256_LEN];
	char digest_hex[2 * SECRET_DIGEST_LEN + 1];
	if (sha256(p->secret_access_key, strlen(p->secret_access_key), digest) != 0)
		return -1;
	hex_encode(digest, SECRET_DIGEST_LEN, digest_hex);
	int n = snprintf(scope, size, "%s/%s/%s/%s", digest_hex, day, p->region, p->service);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

static int
signing_key(const struct s3_sigv4_params *p, const char *day, struct s3_sigv4_key_cache *cache,
	    unsigned char key[SHA256_LEN])
{
	char scope[sizeof(cache->scope)];
	bool cacheable = cache != NULL && cache_scope_of(p, day, scope, sizeof(scope)) == 0;
	if (cacheable && strcmp(cache->scope, scope) == 0) {
		memcpy(key, cache->key, SHA256_LEN);
		return 0;
	}
	if (derive_signing_key(p, day, key) != 0)
		return -1;
	if (cacheable) {
		memcpy(cache->key, key, SHA256_LEN);
		memcpy(cache->scope, scope, sizeof(scope));
	}
	return 0;
}

static int
compute_signature(const struct s3_sigv4_params *p, struct s3_sigv4_key_cache *cache,
		  char signature[S3_SHA256_HEX_LEN + 1])
{
	struct signing_time st;
	if (signing_time_of(p->now, &st) != 0)
		return -1;
	struct s3_buf string_to_sign = S3_BUF_INIT;
	unsigned char key[SHA256_LEN];
	unsigned char mac[SHA256_LEN];
	int rc = s3_sigv4_string_to_sign(p, &string_to_sign);
	if (rc == 0)
		rc = signing_key(p, st.day, cache, key);
	if (rc == 0)
		rc = hmac_sha256(key, SHA256_LEN, s3_buf_cstr(&string_to_sign), string_to_sign.len,
				 mac);
	if (rc == 0)
		hex_encode(mac, SHA256_LEN, signature);
	OPENSSL_cleanse(key, sizeof(key));
	s3_buf_free(&string_to_sign);
	return rc;
}

int
s3_sigv4_authorization(const struct s3_sigv4_params *p, struct s3_sigv4_key_cache *cache,
		       struct s3_buf *out)
{
	struct signing_time st;
	char signature[S3_SHA256_HEX_LEN + 1];
	if (!params_complete(p) || signing_time_of(p->now, &st) != 0 ||
	    compute_signature(p, cache, signature) != 0)
		return -1;
	size_t mark = out->len;
	if (s3_buf_appendf(out, SIGV4_ALGORITHM " Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=",
			   p->access_key_id, st.day, p->region, p->service) != 0 ||
	    s3_sigv4_signed_headers(p->headers, p->n_headers, out) != 0 ||
	    s3_buf_appendf(out, ", Signature=%s", signature) != 0)
		return rollback(out, mark);
	return 0;
}

int
s3_sigv4_query_signature(const struct s3_sigv4_params *p, struct s3_sigv4_key_cache *cache,
			 struct s3_buf *out)
{
	char signature[S3_SHA256_HEX_LEN + 1];
	if (!params_complete(p) || compute_signature(p, cache, signature) != 0)
		return -1;
	return s3_buf_append(out, signature, S3_SHA256_HEX_LEN);
}
