/* Presigned URLs: a request's target signed in the query (SigV4 query signing), no request made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "request.h"
#include "request_target.h"
#include "signer_v4.h"
#include "uri_encode.h"

/* The query parameters query signing adds; a caller's copy would change what is signed. */
static const char *const presign_params[] = {
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
};

static int
validate_presign(const struct s3_client *c, const struct s3_request_spec *spec, long expires_s,
		 struct s3_error *err)
{
	if (c->anonymous) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "an anonymous client has no credentials to presign with");
		return -1;
	}
	if (spec->method == NULL ||
	    (strcmp(spec->method, "GET") != 0 && strcmp(spec->method, "PUT") != 0 &&
	     strcmp(spec->method, "HEAD") != 0 && strcmp(spec->method, "DELETE") != 0)) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "method must be one of GET PUT HEAD DELETE");
		return -1;
	}
	if (spec->bucket == NULL || spec->key == NULL || spec->key[0] == '\0') {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0, "a presigned URL needs a bucket and a key");
		return -1;
	}
	if (expires_s < 1 || expires_s > S3_PRESIGN_EXPIRES_MAX) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "expires must be 1-%d seconds (7 days), got %ld", S3_PRESIGN_EXPIRES_MAX,
			     expires_s);
		return -1;
	}
	for (size_t i = 0; i < spec->n_query; i++) {
		for (size_t j = 0; j < sizeof(presign_params) / sizeof(presign_params[0]); j++) {
			if (spec->query[i].key != NULL &&
			    strcasecmp(spec->query[i].key, presign_params[j]) == 0) {
				s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
					     "query parameter '%s' is set by the signer", presign_params[j]);
				return -1;
			}
		}
	}
	return s3_request_validate_spec(spec, err);
}

int
s3_presign(struct s3_client *c, const struct s3_request_spec *spec, long expires_s, time_t now,
	   struct s3_buf *url, struct s3_error *err)
{
	s3_error_clear(err);
	if (validate_presign(c, spec, expires_s, err) != 0)
		return -1;
	if (now == 0)
		now = time(NULL) + c->clock_offset;
	char amz_date[17];
	s3_sigv4_amz_date(now, amz_date);

	/* Host first, then the caller's headers: those the URL's user must send as signed. */
	size_t n_headers = spec->n_headers + 1;
	struct s3_kv *headers = calloc(n_headers, sizeof(*headers));
	size_t n_query = spec->n_query + 6;
	struct s3_kv *query = calloc(n_query, sizeof(*query));
	struct s3_buf credential = S3_BUF_INIT;
	struct s3_buf signed_names = S3_BUF_INIT;
	struct s3_buf signature = S3_BUF_INIT;
	char expires[24];
	snprintf(expires, sizeof(expires), "%ld", expires_s);
	struct s3_target t = {S3_BUF_INIT, S3_BUF_INIT, S3_BUF_INIT};
	int rc = headers != NULL && query != NULL ? 0 : -1;
	if (rc == 0) {
		/* The host is known only from the target; build it once without a query first. */
		rc = s3_target_build(&t, c, spec, NULL, 0);
		headers[0] = (struct s3_kv){"host", s3_buf_cstr(&t.host)};
		for (size_t i = 0; i < spec->n_headers; i++)
			headers[i + 1] = spec->headers[i];
	}
	if (rc == 0)
		rc = s3_buf_appendf(&credential, "%s/%.8s/%s/s3/aws4_request", c->access_key_id,
				    amz_date, c->region);
	if (rc == 0)
		rc = s3_sigv4_signed_headers(headers, n_headers, &signed_names);
	size_t nq = 0;
	if (rc == 0) {
		for (size_t i = 0; i < spec->n_query; i++)
			query[nq++] = spec->query[i];
		query[nq++] = (struct s3_kv){"X-Amz-Algorithm", "AWS4-HMAC-SHA256"};
		query[nq++] = (struct s3_kv){"X-Amz-Credential", s3_buf_cstr(&credential)};
		query[nq++] = (struct s3_kv){"X-Amz-Date", amz_date};
		query[nq++] = (struct s3_kv){"X-Amz-Expires", expires};
		query[nq++] = (struct s3_kv){"X-Amz-SignedHeaders", s3_buf_cstr(&signed_names)};
		if (c->session_token != NULL)
			query[nq++] = (struct s3_kv){"X-Amz-Security-Token", c->session_token};
		s3_buf_reset(&t.query);
		rc = s3_canonical_query(&t.query, query, nq);
	}
	if (rc == 0) {
		struct s3_sigv4_params params = {
			.method = spec->method,
			.canonical_uri = s3_buf_cstr(&t.path),
			.canonical_query = s3_buf_cstr(&t.query),
			.headers = headers,
			.n_headers = n_headers,
			.payload_hash = S3_UNSIGNED_PAYLOAD,
			.region = c->region,
			.service = "s3",
			.access_key_id = c->access_key_id,
			.secret_access_key = c->secret_access_key,
			.now = now,
		};
		rc = s3_sigv4_query_signature(&params, &c->key_cache, &signature);
	}
	if (rc == 0) {
		size_t mark = url->len;
		rc = s3_target_append_url(url, c, &t) | s3_buf_appendf(url, "&X-Amz-Signature=%s",
							     s3_buf_cstr(&signature));
		if (rc != 0) {
			url->len = mark;
			if (url->data != NULL)
				url->data[mark] = '\0';
		}
	}
	if (rc != 0)
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory presigning the URL");
	s3_target_free(&t);
	s3_buf_free(&credential);
	s3_buf_free(&signed_names);
	s3_buf_free(&signature);
	free(headers);
	free(query);
	return rc == 0 ? 0 : -1;
}
