#include "request_internal.h"
#include "request_target.h"

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
	if (s3_request_validate_spec(spec, err) != 0)
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
	req->on_response_headers = spec->on_response_headers;
	req->on_response_headers_arg = spec->on_response_headers_arg;

	struct s3_target t;
	int rc = s3_target_build(&t, client, spec, spec->query, spec->n_query);
	rc |= s3_target_append_url(&req->url, client, &t);
	if (rc == 0)
		rc = sign_and_build_headers(req, spec, s3_buf_cstr(&t.host), s3_buf_cstr(&t.path),
					    s3_buf_cstr(&t.query));
	s3_target_free(&t);
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
	if (req->status >= 200 && req->on_response_headers != NULL)
		req->on_response_headers(req, req->on_response_headers_arg);
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
	if (req->sink != NULL) {
		int rc = req->sink->write(req->sink, data, len);
		/* The same bytes come again after the resume: count them then. */
		if (rc == S3_SINK_FULL)
			return rc;
		if (rc != 0) {
			req->io_errno = errno;
			return -1;
		}
	}
	req->bytes_received += len;
	req->last_activity = monotonic_now();
	if (req->progress != NULL) {
		*req->progress += len;
		req->progress_added += len;
	}
	return 0;
}

void
s3_request_resume(struct s3_request *req)
{
	if (req->state == S3_REQUEST_RUNNING && req->easy != NULL)
		s3_multi_driver_resume(req->client->driver, req->easy);
}

void
s3_request_note_activity(struct s3_request *req)
{
	req->last_activity = monotonic_now();
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
