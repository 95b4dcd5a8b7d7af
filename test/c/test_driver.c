/*
 * The core and the curl driver on a poll(2) reactor of the test's own, against the real S3 server
 * whose address the harness passes in S3_ENDPOINT: proof that nothing below src-c/tarantool needs
 * Tarantool. Exits 77 (skipped) when no server is given.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "check.h"
#include "core/client.h"
#include "core/request.h"
#include "curl/curl_multi_driver.h"
#include "highlevel/sink_source.h"
#include "poll_reactor.h"

#define CONCURRENT 20

static struct poll_loop *loop;

static void
on_done(struct s3_request *req, void *arg)
{
	(void)req;
	(*(int *)arg)++;
}

/* Runs the loop until every request of the array is done (or a minute passed). */
static void
run_all(struct s3_request **reqs, int n)
{
	int finished = 0;
	for (int i = 0; i < n; i++)
		CHECK(s3_request_start(reqs[i], on_done, &finished) == 0);
	for (int round = 0; finished < n && round < 60000; round++)
		poll_loop_run_once(loop, 1);
	CHECK_INT_EQ(finished, n);
}

static struct s3_request *
make(struct s3_client *client, const struct s3_request_spec *spec)
{
	struct s3_error err;
	struct s3_request *req = s3_request_new(client, spec, &err);
	if (!CHECK(req != NULL))
		fprintf(stderr, "  %s: %s\n", err.code, err.message);
	return req;
}

static const struct s3_error *
run_one(struct s3_request *req)
{
	run_all(&req, 1);
	return s3_request_error(req);
}

static void
test_buffer_round_trip(struct s3_client *client, const char *bucket)
{
	const char *key = "dir/a key with spaces, +&=$%?#~' and \xc3\xa9";
	const char body[] = "hello from the core";
	struct s3_buffer_source source;
	s3_buffer_source_init(&source, body, sizeof(body) - 1);
	struct s3_kv headers[] = {{"content-type", "text/plain"}, {"x-amz-meta-origin", "c-test"}};
	struct s3_request_spec put = {.method = "PUT", .bucket = bucket, .key = key,
				      .headers = headers, .n_headers = 2, .body = &source.base,
				      .timeout_ms = -1};
	struct s3_request *req = make(client, &put);
	CHECK(run_one(req) == NULL);
	CHECK_INT_EQ(s3_request_status(req), 200);
	s3_request_free(req);

	struct s3_buffer_sink sink;
	s3_buffer_sink_init(&sink, (struct s3_buf)S3_BUF_INIT);
	struct s3_request_spec get = {.method = "GET", .bucket = bucket, .key = key,
				      .sink = &sink.base, .timeout_ms = -1};
	req = make(client, &get);
	CHECK(run_one(req) == NULL);
	CHECK_MEM_EQ(sink.buf.data, sink.buf.len, body, sizeof(body) - 1);
	CHECK_STR_EQ(s3_request_header_find(req, "x-amz-meta-origin"), "c-test");
	CHECK_STR_EQ(s3_request_header_find(req, "content-type"), "text/plain");
	s3_request_free(req);
	s3_buf_free(&sink.buf);
}

/* 1 MiB + 1 through file descriptors, at an offset on both sides. */
static void
test_fd_round_trip(struct s3_client *client, const char *bucket)
{
	const size_t size = 1024 * 1024 + 1;
	const uint64_t offset = 4096;
	char *data = malloc(size);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)(i * 7 + i / 1000);
	char in_path[] = "/tmp/s3-test-in-XXXXXX";
	char out_path[] = "/tmp/s3-test-out-XXXXXX";
	int in_fd = mkstemp(in_path);
	int out_fd = mkstemp(out_path);
	CHECK(pwrite(in_fd, data, size, (off_t)offset) == (ssize_t)size);

	struct s3_fd_source source;
	s3_fd_source_init(&source, in_fd, offset, size);
	struct s3_request_spec put = {.method = "PUT", .bucket = bucket, .key = "fd/object",
				      .body = &source.base, .timeout_ms = -1};
	struct s3_request *req = make(client, &put);
	CHECK(run_one(req) == NULL);
	s3_request_free(req);

	struct s3_fd_sink sink;
	s3_fd_sink_init(&sink, out_fd, offset);
	struct s3_request_spec get = {.method = "GET", .bucket = bucket, .key = "fd/object",
				      .sink = &sink.base, .timeout_ms = -1};
	req = make(client, &get);
	CHECK(run_one(req) == NULL);
	CHECK_INT_EQ(s3_request_bytes_received(req), size);
	s3_request_free(req);
	char *back = malloc(size);
	CHECK(pread(out_fd, back, size, (off_t)offset) == (ssize_t)size);
	CHECK(memcmp(back, data, size) == 0);
	free(back);
	free(data);
	close(in_fd);
	close(out_fd);
	unlink(in_path);
	unlink(out_path);
}

static void
test_errors(struct s3_client *client, const char *bucket)
{
	struct s3_buffer_sink sink;
	s3_buffer_sink_init(&sink, (struct s3_buf)S3_BUF_INIT);
	struct s3_request_spec get = {.method = "GET", .bucket = bucket, .key = "no/such/key",
				      .sink = &sink.base, .timeout_ms = -1};
	struct s3_request *req = make(client, &get);
	const struct s3_error *err = run_one(req);
	if (CHECK(err != NULL)) {
		CHECK_STR_EQ(err->code, "NoSuchKey");
		CHECK_INT_EQ(err->status, 404);
		CHECK(err->request_id[0] != '\0');
	}
	CHECK_INT_EQ(sink.buf.len, 0); /* the error document never reaches the sink */
	s3_request_free(req);
	s3_buf_free(&sink.buf);

	struct s3_kv bad_header[] = {{"Authorization", "x"}};
	struct s3_request_spec bad = {.method = "GET", .bucket = bucket, .key = "k",
				      .headers = bad_header, .n_headers = 1, .timeout_ms = -1};
	struct s3_error build_err;
	CHECK(s3_request_new(client, &bad, &build_err) == NULL);
	CHECK_STR_EQ(build_err.code, "InvalidArgument");

	/* Checks of the request itself, for callers of the C API: a bucket that would change the
	 * URL, an over-long key, a header name that is no HTTP token, a control byte in a value. */
	char long_key[1026];
	memset(long_key, 'k', 1025);
	long_key[1025] = '\0';
	struct s3_kv token_header[] = {{"x(y)", "v"}};
	struct s3_kv tab_header[] = {{"x-amz-meta-a", "a\tb"}};
	struct s3_request_spec invalid[] = {
		{.method = "GET", .bucket = "a/b", .key = "k", .timeout_ms = -1},
		{.method = "GET", .bucket = "..", .key = "k", .timeout_ms = -1},
		{.method = "GET", .bucket = "b?x", .timeout_ms = -1},
		{.method = "GET", .bucket = bucket, .key = long_key, .timeout_ms = -1},
		{.method = "GET", .bucket = bucket, .key = "k", .headers = token_header, .n_headers = 1,
		 .timeout_ms = -1},
		{.method = "GET", .bucket = bucket, .key = "k", .headers = tab_header, .n_headers = 1,
		 .timeout_ms = -1},
	};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		CHECK(s3_request_new(client, &invalid[i], &build_err) == NULL);
		CHECK_STR_EQ(build_err.code, "InvalidArgument");
	}
	long_key[1024] = '\0';
	struct s3_request_spec longest = {.method = "HEAD", .bucket = bucket, .key = long_key,
					  .timeout_ms = -1};
	struct s3_request *ok_req = s3_request_new(client, &longest, &build_err);
	CHECK(ok_req != NULL);
	s3_request_free(ok_req);

	/* A single PUT over 5 GiB is refused before anything is sent. */
	struct s3_buffer_source huge;
	s3_buffer_source_init(&huge, "x", 1);
	huge.base.size = 5ULL * 1024 * 1024 * 1024 + 1;
	struct s3_request_spec too_large = {.method = "PUT", .bucket = bucket, .key = "huge",
					    .body = &huge.base, .timeout_ms = -1};
	CHECK(s3_request_new(client, &too_large, &build_err) == NULL);
	CHECK_STR_EQ(build_err.code, "EntityTooLarge");
}

static void
test_concurrent(struct s3_client *client, const char *bucket)
{
	struct s3_request *reqs[CONCURRENT];
	struct s3_buffer_source sources[CONCURRENT];
	char keys[CONCURRENT][32];
	char bodies[CONCURRENT][64];
	for (int i = 0; i < CONCURRENT; i++) {
		snprintf(keys[i], sizeof(keys[i]), "concurrent/%d", i);
		snprintf(bodies[i], sizeof(bodies[i]), "body number %d", i);
		s3_buffer_source_init(&sources[i], bodies[i], strlen(bodies[i]));
		struct s3_request_spec put = {.method = "PUT", .bucket = bucket, .key = keys[i],
					      .body = &sources[i].base, .timeout_ms = -1};
		reqs[i] = make(client, &put);
	}
	run_all(reqs, CONCURRENT);
	for (int i = 0; i < CONCURRENT; i++) {
		CHECK(s3_request_error(reqs[i]) == NULL);
		s3_request_free(reqs[i]);
	}
}

/* An aborted request leaves the multi handle at once; the client stays usable. */
static void
test_abort(struct s3_client *client, const char *bucket)
{
	struct s3_request_spec get = {.method = "GET", .bucket = bucket, .key = "fd/object",
				      .timeout_ms = -1};
	struct s3_request *req = make(client, &get);
	int finished = 0;
	CHECK(s3_request_start(req, on_done, &finished) == 0);
	poll_loop_run_once(loop, 1);
	s3_request_abort(req);
	CHECK(s3_request_state(req) == S3_REQUEST_DONE);
	CHECK_STR_EQ(s3_request_error(req)->code, "Cancelled");
	for (int i = 0; i < 50; i++)
		poll_loop_run_once(loop, 1);
	CHECK_INT_EQ(finished, 0);
	s3_request_free(req);
	CHECK_INT_EQ(client->active_requests, 0);
}

/* Requests started at once go to libcurl S3_DRIVER_ADMIT_PER_ACTION per action; the others wait
 * in the driver, in order, and one aborted while waiting simply leaves the queue. */
static void
test_admission(struct s3_client *client, const char *bucket)
{
	enum { N = 3 * S3_DRIVER_ADMIT_PER_ACTION + 5 };
	struct s3_request *reqs[N];
	struct s3_request_spec head = {.method = "HEAD", .bucket = bucket, .key = "fd/object",
				       .timeout_ms = -1};
	for (int i = 0; i < N; i++)
		reqs[i] = make(client, &head);
	int finished = 0;
	for (int i = 0; i < N; i++)
		CHECK(s3_request_start(reqs[i], on_done, &finished) == 0);
	CHECK_INT_EQ((int)s3_multi_driver_waiting(client->driver), N - S3_DRIVER_ADMIT_PER_ACTION);
	s3_request_abort(reqs[N - 1]);
	CHECK_STR_EQ(s3_request_error(reqs[N - 1])->code, "Cancelled");
	CHECK_INT_EQ((int)s3_multi_driver_waiting(client->driver), N - 1 - S3_DRIVER_ADMIT_PER_ACTION);
	size_t before = s3_multi_driver_waiting(client->driver);
	for (int round = 0; finished < N - 1 && round < 60000; round++) {
		poll_loop_run_once(loop, 1);
		size_t now = s3_multi_driver_waiting(client->driver);
		CHECK(before - now <= S3_DRIVER_ADMIT_PER_ACTION * 4);
		before = now;
	}
	CHECK_INT_EQ(finished, N - 1);
	CHECK_INT_EQ((int)s3_multi_driver_waiting(client->driver), 0);
	for (int i = 0; i < N; i++) {
		if (i < N - 1)
			CHECK(s3_request_error(reqs[i]) == NULL);
		s3_request_free(reqs[i]);
	}
	CHECK_INT_EQ(client->active_requests, 0);
}

static void
delete_bucket_contents(struct s3_client *client, const char *bucket)
{
	const char *keys[] = {"dir/a key with spaces, +&=$%?#~' and \xc3\xa9", "fd/object"};
	for (size_t i = 0; i < 2 + CONCURRENT; i++) {
		char key[32];
		if (i >= 2)
			snprintf(key, sizeof(key), "concurrent/%zu", i - 2);
		struct s3_request_spec del = {.method = "DELETE", .bucket = bucket,
					      .key = i < 2 ? keys[i] : key, .timeout_ms = -1};
		struct s3_request *req = make(client, &del);
		CHECK(run_one(req) == NULL);
		s3_request_free(req);
	}
	struct s3_request_spec del_bucket = {.method = "DELETE", .bucket = bucket, .timeout_ms = -1};
	struct s3_request *req = make(client, &del_bucket);
	CHECK(run_one(req) == NULL);
	s3_request_free(req);
}

int
main(void)
{
	const char *endpoint = getenv("S3_ENDPOINT");
	if (endpoint == NULL || endpoint[0] == '\0') {
		fprintf(stderr, "S3_ENDPOINT is not set: skipped\n");
		return 77;
	}
	CHECK(s3_library_init() == 0);
	struct s3_reactor reactor;
	CHECK(poll_reactor_new(&reactor, &loop) == 0);
	struct s3_client_config config = {
		.endpoint = endpoint,
		.region = getenv("S3_REGION") ? getenv("S3_REGION") : "us-east-1",
		.access_key_id = getenv("S3_ACCESS_KEY"),
		.secret_access_key = getenv("S3_SECRET_KEY"),
		.connect_timeout_ms = 5000,
		.timeout_ms = 60000,
		.max_connections = 8,
		.verify_peer = true,
	};
	struct s3_error err;
	struct s3_client *client = s3_client_new(&config, reactor, &err);
	if (!CHECK(client != NULL)) {
		fprintf(stderr, "  %s\n", err.message);
		return check_exit_status();
	}
	char bucket[64];
	snprintf(bucket, sizeof(bucket), "c-driver-%ld", (long)getpid());
	struct s3_request_spec create = {.method = "PUT", .bucket = bucket, .timeout_ms = -1};
	struct s3_request *req = make(client, &create);
	CHECK(run_one(req) == NULL);
	s3_request_free(req);

	test_buffer_round_trip(client, bucket);
	test_fd_round_trip(client, bucket);
	test_errors(client, bucket);
	test_concurrent(client, bucket);
	test_abort(client, bucket);
	test_admission(client, bucket);
	delete_bucket_contents(client, bucket);

	s3_client_delete(client);
	curl_global_cleanup();
	printf("test_driver: %s\n", check_failures == 0 ? "ok" : "FAILED");
	return check_exit_status();
}
