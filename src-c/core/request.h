/* One S3 request: built and signed from a spec, run on the client's multi handle, finished with a
 * status, response headers and either success or a structured error. */
#ifndef S3_CORE_REQUEST_H
#define S3_CORE_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "client.h"
#include "error.h"
#include "io.h"

struct s3_request;

struct s3_request_spec {
	const char *method;            /* GET PUT HEAD DELETE POST */
	const char *bucket;            /* NULL: the service itself (list buckets) */
	const char *key;               /* raw UTF-8; NULL or "": the bucket itself */
	const struct s3_kv *query;     /* raw names and values (NULL value: "name" alone, e.g. "uploads") */
	size_t n_query;
	const struct s3_kv *headers;   /* extra headers, all signed: content-type, range, x-amz-meta-* */
	size_t n_headers;
	struct s3_source *body;        /* NULL: no body */
	struct s3_sink *sink;          /* where a 2xx body goes; NULL: discarded */
	long timeout_ms;               /* < 0: the client's */
	const char *payload_hash;      /* NULL: SHA-256 of small in-memory bodies, else UNSIGNED-PAYLOAD */
	uint64_t *progress;            /* NULL, or body bytes moved (sent + received) are added here as
					* they move, and taken back when the request fails */
	/* NULL, or called on the loop when the headers of the final response (status >= 200) have
	 * come, before its body: a ranged download learns the object's size and ETag that early. */
	void (*on_response_headers)(struct s3_request *req, void *arg);
	void *on_response_headers_arg;
};

struct s3_request;
typedef void (*s3_request_done_cb)(struct s3_request *req, void *arg);

enum s3_request_state {
	S3_REQUEST_READY,
	S3_REQUEST_RUNNING,
	S3_REQUEST_DONE,
};

/* Builds and signs the request. Returns NULL and fills err on a bad spec or when memory runs out. */
struct s3_request *s3_request_new(struct s3_client *client, const struct s3_request_spec *spec,
				  struct s3_error *err);

/* Hands the request to the client's loop; done is called from the loop when it ends (never from
 * inside this call). Returns 0, or -1 with the request DONE and failed. */
int s3_request_start(struct s3_request *req, s3_request_done_cb done, void *arg);

/* Stops a running request at once (no done callback); it ends failed with code Cancelled. */
void s3_request_abort(struct s3_request *req);
/* The same, ending it with the given code and message (e.g. Timeout for a stalled transfer). */
void s3_request_abort_with(struct s3_request *req, const char *code, const char *message);
/* Seconds since a byte of the request moved either way (header lines, body), or since it started. */
double s3_request_idle_seconds(const struct s3_request *req);

/* Goes on with a transfer its sink or source paused (S3_SINK_FULL, S3_SOURCE_WAIT). Runs libcurl
 * for a moment; not from inside a sink or source call. A request no longer running is left alone. */
void s3_request_resume(struct s3_request *req);
/* The request's bytes are moving, e.g. to the disk while the transfer waits for room: the idle
 * bound (s3_request_idle_seconds) counts from now. */
void s3_request_note_activity(struct s3_request *req);

/* Aborts a running request, then frees everything. */
void s3_request_free(struct s3_request *req);

enum s3_request_state s3_request_state(const struct s3_request *req);
/* NULL when the request succeeded (a 2xx response), else why it failed. Valid once DONE. */
const struct s3_error *s3_request_error(const struct s3_request *req);
/* Status of the final response, 0 when none arrived. */
long s3_request_status(const struct s3_request *req);
/* Response headers of the final response, names in lowercase: index 0..count-1. */
size_t s3_request_header_count(const struct s3_request *req);
void s3_request_header(const struct s3_request *req, size_t index, const char **name,
		       const char **value);
/* The value of a response header (name in lowercase), or NULL. */
const char *s3_request_header_find(const struct s3_request *req, const char *name);
/* Body bytes of the final 2xx response written to the sink. */
uint64_t s3_request_bytes_received(const struct s3_request *req);

/* A presigned URL lives at most 7 days (SigV4's limit). */
#define S3_PRESIGN_EXPIRES_MAX 604800

/* Appends to url a presigned URL for spec's method (GET PUT HEAD DELETE), bucket, key, query and
 * headers (the headers are signed: whoever uses the URL must send them as given), valid for
 * expires_s seconds (1 to S3_PRESIGN_EXPIRES_MAX) from now (0: the client's clock, its learnt
 * offset included). The payload is UNSIGNED-PAYLOAD; a session token goes in as
 * X-Amz-Security-Token. Makes no request. Returns 0, or -1 with err filled (url unchanged). */
int s3_presign(struct s3_client *client, const struct s3_request_spec *spec, long expires_s,
	       time_t now, struct s3_buf *url, struct s3_error *err);

#endif
