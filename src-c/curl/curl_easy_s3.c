#include "curl_easy_s3.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/client.h"
#include "core/request_internal.h"
#include "curl_multi_driver.h"

/* libcurl 7.88 reads up to 100 buffers in one step while the socket has data: at loopback speed
 * that is MiBs copied and written with the loop stopped. A transfer that took this much in one
 * step pauses and goes on in a later loop iteration. */
#define S3_STEP_BYTE_BUDGET (256 * 1024)

/* Fewer, larger reads and writes; the step budget keeps the stall they could cause bounded. */
#define S3_RECEIVE_BUFFER_SIZE (64 * 1024)

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct s3_request *req = userp;
	size_t len = size * nmemb;
	uint64_t step = s3_multi_driver_step(req->client->driver);
	if (req->step != step) {
		req->step = step;
		req->step_bytes = 0;
	}
	struct s3_multi_driver *driver = req->client->driver;
	if ((req->step_bytes >= S3_STEP_BYTE_BUDGET || s3_multi_driver_step_full(driver)) &&
	    s3_multi_driver_defer(driver, req->easy) == 0)
		return CURL_WRITEFUNC_PAUSE;
	int rc = s3_request_on_body(req, data, len);
	if (rc == S3_SINK_FULL)
		return CURL_WRITEFUNC_PAUSE;
	req->step_bytes += len;
	s3_multi_driver_count_step_bytes(driver, len);
	/* Returning less than len makes libcurl fail the transfer with CURLE_WRITE_ERROR. */
	return rc == 0 ? len : 0;
}

static size_t
on_header_line(char *line, size_t size, size_t nmemb, void *userp)
{
	struct s3_request *req = userp;
	size_t len = size * nmemb;
	size_t end = len;
	while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == '\n'))
		end--;
	if (end == 0) {
		s3_request_on_headers_end(req);
		return len;
	}
	if (end >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		const char *space = memchr(line, ' ', end);
		long status = space != NULL ? strtol(space + 1, NULL, 10) : 0;
		s3_request_on_status_line(req, status);
		return len;
	}
	const char *colon = memchr(line, ':', end);
	if (colon == NULL)
		return len;
	size_t name_len = (size_t)(colon - line);
	const char *value = colon + 1;
	const char *value_end = line + end;
	while (value < value_end && (*value == ' ' || *value == '\t'))
		value++;
	while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
		value_end--;
	s3_request_on_header(req, line, name_len, value, (size_t)(value_end - value));
	return len;
}

static size_t
on_read(char *data, size_t size, size_t nmemb, void *userp)
{
	struct s3_request *req = userp;
	ssize_t n = req->body->read(req->body, data, size * nmemb);
	if (n == S3_SOURCE_WAIT)
		return CURL_READFUNC_PAUSE;
	if (n < 0) {
		req->io_errno = errno;
		return CURL_READFUNC_ABORT;
	}
	s3_request_on_sent(req, (size_t)n);
	return (size_t)n;
}

/* libcurl rewinds the body to resend it (on a reused connection that the server closed). */
static int
on_seek(void *userp, curl_off_t offset, int origin)
{
	struct s3_request *req = userp;
	if (offset != 0 || origin != SEEK_SET)
		return CURL_SEEKFUNC_CANTSEEK;
	if (req->body->rewind(req->body) != 0) {
		req->io_errno = errno;
		return CURL_SEEKFUNC_FAIL;
	}
	s3_request_on_rewind(req);
	return CURL_SEEKFUNC_OK;
}

static void
set_method(CURL *easy, struct s3_request *req)
{
	const char *m = req->method;
	if (strcmp(m, "HEAD") == 0) {
		curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
	} else if (strcmp(m, "PUT") == 0) {
		/* Every PUT carries a Content-Length, even an empty one: S3 rejects chunked PUTs. */
		curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)(req->body != NULL ? req->body->size : 0));
	} else if (strcmp(m, "POST") == 0) {
		curl_easy_setopt(easy, CURLOPT_POST, 1L);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(req->body != NULL ? req->body->size : 0));
	} else if (strcmp(m, "GET") != 0) {
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m);
	}
	if (req->body != NULL) {
		curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(easy, CURLOPT_READDATA, req);
		curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(easy, CURLOPT_SEEKDATA, req);
	} else if (strcmp(m, "POST") == 0) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
	}
}

CURL *
s3_curl_easy_new(struct s3_request *req)
{
	const struct s3_client *client = req->client;
	CURL *easy = curl_easy_init();
	if (easy == NULL)
		return NULL;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, req);
	curl_easy_setopt(easy, CURLOPT_URL, s3_buf_cstr(&req->url));
	/* Keys may hold "/../": they name objects, not directories. */
	curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, req->send_headers);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, req->curl_errbuf);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "tarantool-s3/0.1");
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header_line);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, (long)S3_RECEIVE_BUFFER_SIZE);
	if (client->connect_timeout_ms > 0)
		curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, client->connect_timeout_ms);
	if (req->timeout_ms > 0)
		curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	/* No CURLOPT_LOW_SPEED_*: libcurl counts only body bytes (a trickle of headers looks dead)
	 * and averages over ~5 s (a stall is seen seconds late); the waiting fiber watches each
	 * request's last byte instead (tarantool/fiber_wait.c). */
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, client->verify_peer ? 1L : 0L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, client->verify_peer ? 2L : 0L);
	if (client->ca_file != NULL)
		curl_easy_setopt(easy, CURLOPT_CAINFO, client->ca_file);
	/* An explicit "" keeps libcurl from reading http_proxy & co. behind the user's back. */
	curl_easy_setopt(easy, CURLOPT_PROXY, client->proxy != NULL ? client->proxy : "");
	set_method(easy, req);
	return easy;
}
