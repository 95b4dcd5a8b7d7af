/* AWS Signature Version 4, header signing (Authorization) and query signing (presigned URLs).
 * Knows nothing of HTTP transport: the caller hands in exactly the headers it will send. */
#ifndef S3_CORE_SIGNER_V4_H
#define S3_CORE_SIGNER_V4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define S3_SHA256_HEX_LEN 64
#define S3_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* SHA-256 of zero bytes, the payload hash of every request without a body. */
#define S3_EMPTY_PAYLOAD_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct s3_sigv4_params {
	const char *method;           /* "GET" */
	const char *canonical_uri;    /* already encoded, e.g. "/bucket/my%20key"; S3 paths are not normalized */
	const char *canonical_query;  /* from s3_canonical_query(); "" when there is none */
	const struct s3_kv *headers;  /* every header to sign, names in any case, values as sent;
	                                 must include host and x-amz-date (and x-amz-content-sha256,
	                                 x-amz-security-token when they are sent) */
	size_t n_headers;
	const char *payload_hash;     /* lowercase hex SHA-256 of the body, or S3_UNSIGNED_PAYLOAD */
	const char *region;           /* "us-east-1" */
	const char *service;          /* "s3" */
	const char *access_key_id;
	const char *secret_access_key;
	time_t now;                   /* signing time, UTC seconds; must match the x-amz-date header */
};

/* The signing key depends only on the secret, the day, the region and the service: computing it
 * costs four HMACs, so a client keeps one cache and reuses the key all day. Zero it before first use;
 * it has no lock, so one cache serves one thread at a time. */
struct s3_sigv4_key_cache {
	char scope[128];              /* "<secret digest>/<yyyymmdd>/<region>/<service>" the key is for */
	unsigned char key[32];
};

/* "20150830T123600Z" for t (UTC); out must hold 17 bytes. */
void s3_sigv4_amz_date(time_t t, char out[17]);

/* Lowercase hex SHA-256 of len bytes; out must hold 65 bytes. */
void s3_sha256_hex(const void *data, size_t len, char out[S3_SHA256_HEX_LEN + 1]);

/* Appends the SignedHeaders list of n headers, "host;x-amz-date": names lowercased, sorted, each once.
 * Query signing needs it in X-Amz-SignedHeaders before signing, and it must match what the signer uses.
 * Returns 0 or -1 (no memory). */
int s3_sigv4_signed_headers(const struct s3_kv *headers, size_t n, struct s3_buf *out);

/* The canonical request (step 1 of SigV4), for tests and debugging. Returns 0 or -1 (no memory). */
int s3_sigv4_canonical_request(const struct s3_sigv4_params *p, struct s3_buf *out);

/* The string to sign (step 2). Returns 0 or -1. */
int s3_sigv4_string_to_sign(const struct s3_sigv4_params *p, struct s3_buf *out);

/* The value of the Authorization header:
 * "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date,
 * Signature=<hex>". cache may be NULL. Returns 0 or -1. */
int s3_sigv4_authorization(const struct s3_sigv4_params *p, struct s3_sigv4_key_cache *cache,
			   struct s3_buf *out);

/* Query signing for presigned URLs. p->canonical_query must already contain X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders (and X-Amz-Security-Token), and
 * p->payload_hash is S3_UNSIGNED_PAYLOAD for S3. Appends the hex signature to out. Returns 0 or -1. */
int s3_sigv4_query_signature(const struct s3_sigv4_params *p, struct s3_sigv4_key_cache *cache,
			     struct s3_buf *out);

#endif
