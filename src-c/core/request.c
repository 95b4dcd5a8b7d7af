#include "request_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "curl/curl_easy_s3.h"
#include "curl/curl_multi_driver.h"
#include "signer_v4.h"
#include "uri_encode.h"

/* In-memory bodies up to this size are hashed and signed (about 0.1 ms of SHA-256); larger and
 * streamed ones are sent as UNSIGNED-PAYLOAD so that no long hash runs on the event loop. */
#define S3_SIGNED_PAYLOAD_MAX (64 * 1024)

static double
monotonic_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static int
validate_spec(const struct s3_request_spec *spec, struct s3_error *err)
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

/* Where a request (or a presigned URL) goes: the Host, the encoded path and the canonical query,
 * each exactly as it is sent and signed. One builder for both, so a presigned URL names an object
 * the way a request for it does. */
struct target {
	struct s3_buf host;
	struct s3_buf path;
	struct s3_buf query;
};

static void
target_free(struct target *t)
{
	s3_buf_free(&t->host);
	s3_buf_free(&t->path);
	s3_buf_free(&t->query);
}

/* Path-style: /bucket/key; virtual-hosted: /key with the bucket in the host name. The choice is
 * made per request (s3_client_bucket_in_host). query/n_query replace the spec's. */
static int
build_target(struct target *t, const struct s3_client *c, const struct s3_request_spec *spec,
	     const struct s3_kv *query, size_t n_query)
{
	*t = (struct target){S3_BUF_INIT, S3_BUF_INIT, S3_BUF_INIT};
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

static int
append_url(struct s3_buf *url, const struct s3_client *c, const struct target *t)
{
	return s3_buf_appendf(url, "%s://%s%s%s%s", c->scheme, s3_buf_cstr(&t->host),
			      s3_buf_cstr(&t->path), t->query.len > 0 ? "?" : "",
			      s3_buf_cstr(&t->query));
}

static const char *
choose_payload_hash(const struct s3_request_spec *spec, char hex[S3_SHA256_HEX_LEN + 1])
{
	if (spec->payload_hash != NULL)
		return spec->payload_hash;
	if (spec->body == NULL || spec->body->size == 0)
		return S3_EMPTY_PAYLOAD_SHA256;
	if (spec->body->bytes != NULL && spec->body->size <= S3_SIGNED_PAYLOAD_MAX) {
		s3_sha256_hex(spec->body->bytes, (size_t)spec->body->size, hex);
		return hex;
	}
	return S3_UNSIGNED_PAYLOAD;
}

static int
add_header(struct curl_slist **list, const char *name, const char *value)
{
	struct s3_buf line = S3_BUF_INIT;
	/* "name;" is libcurl's way to send a header with an empty value ("name:" would remove it). */
	int rc = value[0] == '\0' ? s3_buf_appendf(&line, "%s;", name)
				  : s3_buf_appendf(&line, "%s: %s", name, value);
	struct curl_slist *grown = rc == 0 ? curl_slist_append(*list, line.data) : NULL;
	s3_buf_free(&line);
	if (grown == NULL)
		return -1;
	*list = grown;
	return 0;
}

/* Signs and lists every header that is sent. Only these are signed, so the two always agree. */
static int
sign_and_build_headers(struct s3_request *req, const struct s3_request_spec *spec, const char *host,
		       const char *canonical_uri, const char *canonical_query)
{
	struct s3_client *c = req->client;
	if (c->anonymous) {
		/* Unsigned: only the caller's headers; libcurl sends Host itself. */
		int rc = 0;
		for (size_t i = 0; rc == 0 && i < spec->n_headers; i++)
			rc = add_header(&req->send_headers, spec->headers[i].key, spec->headers[i].value);
		if (rc == 0)
			rc = add_header(&req->send_headers, "Expect", "");
		return rc;
	}
	char hash_hex[S3_SHA256_HEX_LEN + 1];
	const char *payload_hash = choose_payload_hash(spec, hash_hex);
	time_t now = time(NULL) + c->clock_offset;
	char amz_date[17];
	s3_sigv4_amz_date(now, amz_date);

	size_t n_signed = 0;
	struct s3_kv *signed_headers = calloc(spec->n_headers + 4, sizeof(*signed_headers));
	if (signed_headers == NULL)
		return -1;
	signed_headers[n_signed++] = (struct s3_kv){"host", host};
	signed_headers[n_signed++] = (struct s3_kv){"x-amz-date", amz_date};
	signed_headers[n_signed++] = (struct s3_kv){"x-amz-content-sha256", payload_hash};
	if (c->session_token != NULL)
		signed_headers[n_signed++] = (struct s3_kv){"x-amz-security-token", c->session_token};
	for (size_t i = 0; i < spec->n_headers; i++)
		signed_headers[n_signed++] = spec->headers[i];

	struct s3_sigv4_params params = {
		.method = req->method,
		.canonical_uri = canonical_uri,
		.canonical_query = canonical_query,
		.headers = signed_headers,
		.n_headers = n_signed,
		.payload_hash = payload_hash,
		.region = c->region,
		.service = "s3",
		.access_key_id = c->access_key_id,
		.secret_access_key = c->secret_access_key,
		.now = now,
	};
	struct s3_buf authorization = S3_BUF_INIT;
	int rc = s3_sigv4_authorization(&params, &c->key_cache, &authorization);
	for (size_t i = 0; rc == 0 && i < n_signed; i++)
		rc = add_header(&req->send_headers, signed_headers[i].key, signed_headers[i].value);
	if (rc == 0)
		rc = add_header(&req->send_headers, "Authorization", s3_buf_cstr(&authorization));
	/* No "Expect: 100-continue" round trip before each upload. */
	if (rc == 0)
		rc = add_header(&req->send_headers, "Expect", "") == 0 ? 0 : -1;
	s3_buf_free(&authorization);
	free(signed_headers);
	return rc;
}

struct s3_request *
s3_request_new(struct s3_client *client, const struct s3_request_spec *spec, struct s3_error *err)
{
	s3_error_clear(err);
	if (validate_spec(spec, err) != 0)
		return NULL;
	struct s3_request *req = calloc(1, sizeof(*req));
	if (req == NULL) {
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory");
		return NULL;
	}
	req->client = client;
	req->state = S3_REQUEST_READY;
	snprintf(req->method, sizeof(req->method), "%s", spec->method);
	req->body = spec->body;
	req->sink = spec->sink;
	req->timeout_ms = spec->timeout_ms >= 0 ? spec->timeout_ms : client->timeout_ms;
	req->progress = spec->progress;

	struct target t;
	int rc = build_target(&t, client, spec, spec->query, spec->n_query);
	rc |= append_url(&req->url, client, &t);
	if (rc == 0)
		rc = sign_and_build_headers(req, spec, s3_buf_cstr(&t.host), s3_buf_cstr(&t.path),
					    s3_buf_cstr(&t.query));
	target_free(&t);
	if (rc != 0) {
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory building the request");
		s3_request_free(req);
		return NULL;
	}
	return req;
}

static void
fail(struct s3_request *req, const char *code, const char *fmt, const char *detail)
{
	req->failed = true;
	s3_error_set(&req->error, code, 0, fmt, detail);
}

int
s3_request_start(struct s3_request *req, s3_request_done_cb done, void *arg)
{
	req->done = done;
	req->done_arg = arg;
	if (req->state != S3_REQUEST_READY) {
		fail(req, S3_ERR_INTERNAL, "%s", "a request can be started only once");
		req->state = S3_REQUEST_DONE;
		return -1;
	}
	req->easy = s3_curl_easy_new(req);
	if (req->easy == NULL || s3_multi_driver_add(req->client->driver, req->easy) != 0) {
		fail(req, S3_ERR_INTERNAL, "%s", "libcurl refused the transfer");
		req->state = S3_REQUEST_DONE;
		return -1;
	}
	req->state = S3_REQUEST_RUNNING;
	req->last_activity = monotonic_now();
	req->client->active_requests++;
	return 0;
}

static void
finish(struct s3_request *req)
{
	req->state = S3_REQUEST_DONE;
	req->client->active_requests--;
}

double
s3_request_idle_seconds(const struct s3_request *req)
{
	return monotonic_now() - req->last_activity;
}

void
s3_request_abort(struct s3_request *req)
{
	s3_request_abort_with(req, S3_ERR_CANCELLED, "the request was cancelled");
}

void
s3_request_abort_with(struct s3_request *req, const char *code, const char *message)
{
	if (req->state != S3_REQUEST_RUNNING)
		return;
	s3_multi_driver_remove(req->client->driver, req->easy);
	finish(req);
	fail(req, code, "%s", message);
	if (req->progress != NULL) {
		*req->progress -= req->progress_added;
		req->progress_added = 0;
	}
}

/* Our code for a libcurl failure: what a caller can act on (retry, fix the network, fix a file). */
static const char *
code_for_curl(CURLcode result)
{
	switch (result) {
	case CURLE_OPERATION_TIMEDOUT:
		return S3_ERR_TIMEOUT;
	case CURLE_WRITE_ERROR:
	case CURLE_READ_ERROR:
	case CURLE_ABORTED_BY_CALLBACK:
	case CURLE_SEND_FAIL_REWIND:
		return S3_ERR_IO;
	case CURLE_OUT_OF_MEMORY:
		return S3_ERR_NO_MEMORY;
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_BAD_FUNCTION_ARGUMENT:
		return S3_ERR_INVALID_ARGUMENT;
	/* Certificate verification and TLS trust setup (all in libcurl 7.68+): the same answer
	 * comes on every attempt, so these are no ConnectionError (which is retried). */
	case CURLE_PEER_FAILED_VERIFICATION: /* also CURLE_SSL_CACERT, its old name */
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return S3_ERR_TLS;
	default:
		return S3_ERR_CONNECTION;
	}
}

/* After RequestTimeTooSkewed, sign with the server's clock: the next attempt then succeeds
 * however wrong the local clock is. */
static void
learn_clock_offset(struct s3_request *req)
{
	if (strcmp(req->error.code, "RequestTimeTooSkewed") != 0)
		return;
	const char *date = s3_request_header_find(req, "date");
	time_t server_time = date != NULL ? curl_getdate(date, NULL) : -1;
	if (server_time > 0)
		req->client->clock_offset = server_time - time(NULL);
}

/* What to do about a TLSError, after libcurl's own words. */
static const char *
tls_hint(CURLcode result)
{
	switch (result) {
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
		return "; ca_file must be a PEM file of CA certificates";
	case CURLE_SSL_CERTPROBLEM:
		return "; the client certificate could not be used";
	default:
		return "; set ca_file to the CA that signed the server's certificate, or verify_peer = false "
		       "to skip verification (insecure)";
	}
}

static void
settle(struct s3_request *req, CURLcode result)
{
	if (result == CURLE_OK && !req->headers_ended) {
		/* libcurl 7.88 takes a connection closed inside the headers for a complete answer
		 * (status line, no headers, no body): it is a broken one, worth another attempt. */
		req->failed = true;
		s3_error_set(&req->error, S3_ERR_CONNECTION, 0, "%s",
			     "the connection closed before the end of the response headers");
		return;
	}
	if (result != CURLE_OK) {
		const char *code = code_for_curl(result);
		req->failed = true;
		if (strcmp(code, S3_ERR_IO) == 0 && req->io_errno != 0) {
			s3_error_set(&req->error, code, 0, "%s", strerror(req->io_errno));
			req->error.sys_errno = req->io_errno;
		} else if (strcmp(code, S3_ERR_TLS) == 0) {
			s3_error_set(&req->error, code, 0, "%s%s",
				     req->curl_errbuf[0] != '\0' ? req->curl_errbuf
								 : curl_easy_strerror(result),
				     tls_hint(result));
		} else {
			s3_error_set(&req->error, code, 0, "%s",
				     req->curl_errbuf[0] != '\0' ? req->curl_errbuf
								  : curl_easy_strerror(result));
		}
		return;
	}
	if (req->status >= 200 && req->status < 300)
		return;
	req->failed = true;
	s3_error_from_response(&req->error, req->status, req->error_body.data, req->error_body.len,
			       s3_request_header_find(req, "x-amz-request-id"));
	learn_clock_offset(req);
}

void
s3_request_transfer_done(CURL *easy, CURLcode result, void *private_data)
{
	(void)easy;
	struct s3_request *req = private_data;
	settle(req, result);
	if (req->failed && req->progress != NULL) {
		/* A failed attempt moved nothing that stays: a retry sends or fetches it again. */
		*req->progress -= req->progress_added;
		req->progress_added = 0;
	}
	finish(req);
	if (req->done != NULL)
		req->done(req, req->done_arg);
}

void
s3_request_free(struct s3_request *req)
{
	if (req == NULL)
		return;
	s3_request_abort(req);
	if (req->easy != NULL)
		curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->send_headers);
	s3_buf_free(&req->url);
	s3_buf_free(&req->response_headers);
	s3_buf_free(&req->error_body);
	free(req);
}

void
s3_request_on_status_line(struct s3_request *req, long status)
{
	/* A new response (after 100 Continue, say): what came before belongs to another one. */
	req->status = status;
	req->headers_ended = false;
	req->last_activity = monotonic_now();
	s3_buf_reset(&req->response_headers);
	req->n_response_headers = 0;
}

void
s3_request_on_headers_end(struct s3_request *req)
{
	req->headers_ended = true;
}

void
s3_request_on_header(struct s3_request *req, const char *name, size_t name_len, const char *value,
		     size_t value_len)
{
	struct s3_buf *h = &req->response_headers;
	req->last_activity = monotonic_now();
	if (s3_buf_reserve(h, name_len + value_len + 2) != 0)
		return; /* a header lost to memory pressure only costs its metadata */
	for (size_t i = 0; i < name_len; i++)
		h->data[h->len + i] = (char)tolower((unsigned char)name[i]);
	h->len += name_len;
	h->data[h->len++] = '\0';
	memcpy(h->data + h->len, value, value_len);
	h->len += value_len;
	h->data[h->len++] = '\0';
	h->data[h->len] = '\0';
	req->n_response_headers++;
	if (req->status >= 200 && req->status < 300 && req->sink != NULL &&
	    req->sink->size_hint != NULL && name_len == 14 &&
	    strncasecmp(name, "content-length", 14) == 0)
		req->sink->size_hint(req->sink, strtoull(h->data + h->len - value_len - 1, NULL, 10));
}

int
s3_request_on_body(struct s3_request *req, const char *data, size_t len)
{
	if (req->status < 200 || req->status >= 300) {
		req->last_activity = monotonic_now();
		size_t room = S3_ERROR_BODY_MAX - req->error_body.len;
		return s3_buf_append(&req->error_body, data, len < room ? len : room) == 0 ? 0 : -1;
	}
	req->bytes_received += len;
	req->last_activity = monotonic_now();
	if (req->progress != NULL) {
		*req->progress += len;
		req->progress_added += len;
	}
	if (req->sink == NULL)
		return 0;
	if (req->sink->write(req->sink, data, len) != 0) {
		req->io_errno = errno;
		return -1;
	}
	return 0;
}

void
s3_request_on_sent(struct s3_request *req, size_t len)
{
	req->bytes_sent += len;
	req->last_activity = monotonic_now();
	if (req->progress != NULL) {
		*req->progress += len;
		req->progress_added += len;
	}
}

void
s3_request_on_rewind(struct s3_request *req)
{
	/* What went out before counts no more. */
	uint64_t back = req->bytes_sent < req->progress_added ? req->bytes_sent : req->progress_added;
	if (req->progress != NULL) {
		*req->progress -= back;
		req->progress_added -= back;
	}
	req->bytes_sent = 0;
}

enum s3_request_state
s3_request_state(const struct s3_request *req)
{
	return req->state;
}

const struct s3_error *
s3_request_error(const struct s3_request *req)
{
	return req->failed ? &req->error : NULL;
}

long
s3_request_status(const struct s3_request *req)
{
	return req->status;
}

size_t
s3_request_header_count(const struct s3_request *req)
{
	return req->n_response_headers;
}

void
s3_request_header(const struct s3_request *req, size_t index, const char **name, const char **value)
{
	const char *p = req->response_headers.data;
	for (size_t i = 0; i < index; i++) {
		p += strlen(p) + 1;
		p += strlen(p) + 1;
	}
	*name = p;
	*value = p + strlen(p) + 1;
}

const char *
s3_request_header_find(const struct s3_request *req, const char *name)
{
	const char *p = req->response_headers.data;
	for (size_t i = 0; i < req->n_response_headers; i++) {
		const char *value = p + strlen(p) + 1;
		if (strcmp(p, name) == 0)
			return value;
		p = value + strlen(value) + 1;
	}
	return NULL;
}

uint64_t
s3_request_bytes_received(const struct s3_request *req)
{
	return req->bytes_received;
}

/* ---- Presigned URLs ---- */

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
	return validate_spec(spec, err);
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
	struct target t = {S3_BUF_INIT, S3_BUF_INIT, S3_BUF_INIT};
	int rc = headers != NULL && query != NULL ? 0 : -1;
	if (rc == 0) {
		/* The host is known only from the target; build it once without a query first. */
		rc = build_target(&t, c, spec, NULL, 0);
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
		rc = append_url(url, c, &t) | s3_buf_appendf(url, "&X-Amz-Signature=%s",
							     s3_buf_cstr(&signature));
		if (rc != 0) {
			url->len = mark;
			if (url->data != NULL)
				url->data[mark] = '\0';
		}
	}
	if (rc != 0)
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory presigning the URL");
	target_free(&t);
	s3_buf_free(&credential);
	s3_buf_free(&signed_names);
	s3_buf_free(&signature);
	free(headers);
	free(query);
	return rc == 0 ? 0 : -1;
}
