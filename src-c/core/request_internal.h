/* The request as the transport glue (curl/) and the client see it. Not for embedders. */
#ifndef S3_CORE_REQUEST_INTERNAL_H
#define S3_CORE_REQUEST_INTERNAL_H

#include <curl/curl.h>

#include "request.h"

/* Non-2xx bodies are kept for the error document only up to this size. */
#define S3_ERROR_BODY_MAX (64 * 1024)

struct s3_request {
	struct s3_client *client;
	enum s3_request_state state;
	char method[16];
	struct s3_buf url;
	struct curl_slist *send_headers;
	struct s3_source *body;
	struct s3_sink *sink;
	long timeout_ms;
	CURL *easy;
	char curl_errbuf[CURL_ERROR_SIZE];
	s3_request_done_cb done;
	void *done_arg;

	long status;                   /* of the response being received, then of the final one */
	bool headers_ended;
	double last_activity;          /* CLOCK_MONOTONIC seconds: the last byte that moved */            /* the empty line that ends the headers of that response came */
	struct s3_buf response_headers;/* "name\0value\0" pairs of the current response */
	size_t n_response_headers;
	struct s3_buf error_body;      /* body of a non-2xx response, capped at S3_ERROR_BODY_MAX */
	uint64_t bytes_received;
	uint64_t bytes_sent;           /* request body bytes handed to libcurl */
	uint64_t *progress;            /* see s3_request_spec */
	uint64_t progress_added;       /* what this request added to *progress */
	void (*on_response_headers)(struct s3_request *req, void *arg);
	void *on_response_headers_arg;

	uint64_t step;                 /* the driver's step the bytes below were counted in */
	uint64_t step_bytes;           /* body bytes taken in that step */
	int io_errno;                  /* errno of a failed sink write or source read */
	bool failed;
	struct s3_error error;
};

/* Driver callback: a transfer of the client's multi handle ended. */
void s3_request_transfer_done(CURL *easy, CURLcode result, void *private_data);

/* Response parsing, called from the libcurl callbacks in curl/curl_easy_s3.c. */
void s3_request_on_status_line(struct s3_request *req, long status);
/* The empty line after the headers of the current response. */
void s3_request_on_headers_end(struct s3_request *req);
void s3_request_on_header(struct s3_request *req, const char *name, size_t name_len,
			  const char *value, size_t value_len);
/* Returns 0, S3_SINK_FULL (pause; nothing was taken), -1 when the sink failed (req->io_errno set). */
int s3_request_on_body(struct s3_request *req, const char *data, size_t len);
/* len bytes of the request body went to libcurl. */
void s3_request_on_sent(struct s3_request *req, size_t len);
/* The body is sent again from its first byte. */
void s3_request_on_rewind(struct s3_request *req);

#endif
