/* Runs the AWS SigV4 test suite (header and query signing) against our signer, building every
 * input with our own encoding functions, plus the presigned URL example of the S3 documentation.
 * Usage: test_signer <suite dir>, e.g. test/data/aws-sigv4-suite. */

/* timegm, opendir and friends are not C11. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "client.h"
#include "request.h"
#include "signer_v4.h"
#include "uri_encode.h"

#define MAX_HEADERS 32
#define MAX_QUERY_PARAMS 32
/* Room for the X-Amz-* parameters query signing adds. */
#define MAX_SIGNED_QUERY_PARAMS (MAX_QUERY_PARAMS + 8)

/* ---- Files ---- */

static int
read_file(const char *dir, const char *case_name, const char *file, struct s3_buf *out)
{
	struct s3_buf path = S3_BUF_INIT;
	if (s3_buf_appendf(&path, "%s/%s/%s", dir, case_name, file) != 0)
		return -1;
	FILE *f = fopen(s3_buf_cstr(&path), "rb");
	s3_buf_free(&path);
	if (f == NULL)
		return -1;
	s3_buf_reset(out);
	char chunk[4096];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = s3_buf_append(out, chunk, n);
	if (ferror(f))
		rc = -1;
	fclose(f);
	/* An empty file still reads as "". */
	return rc == 0 ? s3_buf_append(out, "", 0) : -1;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The case directories of the suite, sorted; the caller frees each name and the array. */
static int
list_cases(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	*names = NULL;
	*n = 0;
	size_t cap = 0;
	int rc = 0;
	struct dirent *entry;
	struct s3_buf probe = S3_BUF_INIT;
	while (rc == 0 && (entry = readdir(d)) != NULL) {
		if (entry->d_name[0] == '.' || read_file(dir, entry->d_name, "request.txt", &probe) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			char **grown = realloc(*names, cap * sizeof(**names));
			if (grown == NULL) {
				rc = -1;
				break;
			}
			*names = grown;
		}
		if (((*names)[*n] = strdup(entry->d_name)) == NULL)
			rc = -1;
		else
			(*n)++;
	}
	s3_buf_free(&probe);
	closedir(d);
	if (rc != 0) {
		while (*n > 0)
			free((*names)[--*n]);
		free(*names);
		*names = NULL;
		return -1;
	}
	qsort(*names, *n, sizeof(**names), compare_names);
	return 0;
}

/* ---- context.json: a flat object, so looking a key up by its quoted name is enough ---- */

static const char *
json_value_of(const char *json, const char *key)
{
	size_t key_len = strlen(key);
	for (const char *at = strchr(json, '"'); at != NULL; at = strchr(at + 1, '"')) {
		if (strncmp(at + 1, key, key_len) != 0 || at[1 + key_len] != '"')
			continue;
		const char *value = at + 2 + key_len;
		value += strspn(value, " \t\r\n");
		if (*value != ':')
			continue;
		value++;
		return value + strspn(value, " \t\r\n");
	}
	return NULL;
}

/* 1 when found, 0 when absent, -1 on malformed text or no memory. */
static int
json_string(const char *json, const char *key, struct s3_buf *out)
{
	const char *value = json_value_of(json, key);
	if (value == NULL)
		return 0;
	if (*value != '"')
		return -1;
	s3_buf_reset(out);
	for (value++; *value != '"'; value++) {
		if (*value == '\0')
			return -1;
		if (*value == '\\' && *++value == '\0')
			return -1;
		if (s3_buf_append_char(out, *value) != 0)
			return -1;
	}
	return s3_buf_append(out, "", 0) == 0 ? 1 : -1;
}

static bool
json_true(const char *json, const char *key)
{
	const char *value = json_value_of(json, key);
	return value != NULL && strncmp(value, "true", 4) == 0;
}

static long
json_long(const char *json, const char *key, long missing)
{
	const char *value = json_value_of(json, key);
	return value != NULL ? strtol(value, NULL, 10) : missing;
}

struct case_context {
	struct s3_buf access_key_id;
	struct s3_buf secret_access_key;
	struct s3_buf token;
	struct s3_buf region;
	struct s3_buf service;
	bool has_token;
	bool normalize;
	bool sign_body;
	bool omit_session_token;
	long expires;
	time_t now;
};

static void
case_context_free(struct case_context *c)
{
	s3_buf_free(&c->access_key_id);
	s3_buf_free(&c->secret_access_key);
	s3_buf_free(&c->token);
	s3_buf_free(&c->region);
	s3_buf_free(&c->service);
}

static int
parse_timestamp(const char *iso8601, time_t *now)
{
	struct tm tm = {0};
	if (sscanf(iso8601, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*now = timegm(&tm);
	return *now == (time_t)-1 ? -1 : 0;
}

static int
parse_context(const char *json, struct case_context *c)
{
	struct s3_buf timestamp = S3_BUF_INIT;
	int token = json_string(json, "token", &c->token);
	int rc = json_string(json, "access_key_id", &c->access_key_id) == 1 &&
			 json_string(json, "secret_access_key", &c->secret_access_key) == 1 &&
			 json_string(json, "region", &c->region) == 1 &&
			 json_string(json, "service", &c->service) == 1 &&
			 json_string(json, "timestamp", &timestamp) == 1 && token >= 0 &&
			 parse_timestamp(s3_buf_cstr(&timestamp), &c->now) == 0 ? 0 : -1;
	s3_buf_free(&timestamp);
	c->has_token = token == 1;
	c->normalize = json_true(json, "normalize");
	c->sign_body = json_true(json, "sign_body");
	c->omit_session_token = json_true(json, "omit_session_token");
	c->expires = json_long(json, "expiration_in_seconds", 3600);
	return rc;
}

/* ---- request.txt, parsed in place ---- */

struct raw_request {
	char *method;
	char *path;  /* as written, before decoding */
	char *query; /* the text after '?', NULL without one */
	struct s3_kv headers[MAX_HEADERS];
	size_t n_headers;
	const char *body;
	size_t body_len;
};

static char *
end_of_line(char *line)
{
	return line + strcspn(line, "\n");
}

/* Cuts the line at end and returns where the next one starts. */
static char *
cut_line(char *line, char *end)
{
	char *next = *end == '\n' ? end + 1 : end;
	if (end > line && end[-1] == '\r')
		end--;
	*end = '\0';
	return next;
}

static int
parse_request_line(char *line, struct raw_request *req)
{
	/* The path may contain spaces (get-space-*): the method ends at the first space and the
	 * HTTP version starts after the last one. */
	char *first_space = strchr(line, ' ');
	char *last_space = strrchr(line, ' ');
	if (first_space == NULL || first_space == last_space)
		return -1;
	*first_space = '\0';
	*last_space = '\0';
	req->method = line;
	req->path = first_space + 1;
	char *question = strchr(req->path, '?');
	req->query = NULL;
	if (question != NULL) {
		*question = '\0';
		req->query = question + 1;
	}
	return 0;
}

/* Joins folded continuation lines to their header (get-header-value-multiline): the line break
 * becomes a space and the signer collapses the run of whitespace. */
static char *
end_of_header(char *line)
{
	char *end = end_of_line(line);
	while (*end == '\n' && (end[1] == ' ' || end[1] == '\t')) {
		*end = ' ';
		end = end_of_line(end + 1);
	}
	return end;
}

static int
parse_header_line(char *line, struct raw_request *req)
{
	char *colon = strchr(line, ':');
	if (colon == NULL || req->n_headers == MAX_HEADERS)
		return -1;
	*colon = '\0';
	req->headers[req->n_headers].key = line;
	req->headers[req->n_headers].value = colon + 1;
	req->n_headers++;
	return 0;
}

static int
parse_request(char *text, size_t text_len, struct raw_request *req)
{
	memset(req, 0, sizeof(*req));
	char *text_end = text + text_len;
	char *line = text;
	char *next = cut_line(line, end_of_line(line));
	if (parse_request_line(line, req) != 0)
		return -1;
	for (line = next; *line != '\0' && *line != '\n' && strncmp(line, "\r\n", 2) != 0;
	     line = next) {
		next = cut_line(line, end_of_header(line));
		if (parse_header_line(line, req) != 0)
			return -1;
	}
	/* The body follows the empty line, byte for byte. */
	req->body = *line == '\0' ? line : line + (*line == '\r' ? 2 : 1);
	req->body_len = (size_t)(text_end - req->body);
	return 0;
}

/* ---- Building the signer's inputs with our own functions ---- */

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Only %XX is decoded: '+' stays a plus, as S3 reads query strings. */
static int
percent_decode(const char *src, size_t len, struct s3_buf *out)
{
	s3_buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '%' && i + 2 < len && hex_value(src[i + 1]) >= 0 &&
		    hex_value(src[i + 2]) >= 0) {
			c = (char)(hex_value(src[i + 1]) * 16 + hex_value(src[i + 2]));
			i += 2;
		}
		if (s3_buf_append_char(out, c) != 0)
			return -1;
	}
	return s3_buf_append(out, "", 0);
}

static int
canonical_uri_of(const char *raw_path, struct s3_buf *out)
{
	struct s3_buf decoded = S3_BUF_INIT;
	int rc = percent_decode(raw_path, strlen(raw_path), &decoded);
	if (rc == 0)
		rc = s3_uri_encode(out, s3_buf_cstr(&decoded), decoded.len, true);
	s3_buf_free(&decoded);
	return rc;
}

/* Decoded query parameters: the kv entries point into names and values. */
struct query_params {
	struct s3_buf names[MAX_QUERY_PARAMS];
	struct s3_buf values[MAX_QUERY_PARAMS];
	struct s3_kv kv[MAX_SIGNED_QUERY_PARAMS];
	size_t n;
};

static void
query_params_free(struct query_params *q)
{
	for (size_t i = 0; i < MAX_QUERY_PARAMS; i++) {
		s3_buf_free(&q->names[i]);
		s3_buf_free(&q->values[i]);
	}
}

static int
add_raw_param(struct query_params *q, const char *piece, size_t len)
{
	if (q->n == MAX_QUERY_PARAMS)
		return -1;
	const char *eq = memchr(piece, '=', len);
	size_t name_len = eq != NULL ? (size_t)(eq - piece) : len;
	if (percent_decode(piece, name_len, &q->names[q->n]) != 0)
		return -1;
	q->kv[q->n].key = s3_buf_cstr(&q->names[q->n]);
	q->kv[q->n].value = NULL;
	if (eq != NULL) {
		if (percent_decode(eq + 1, len - name_len - 1, &q->values[q->n]) != 0)
			return -1;
		q->kv[q->n].value = s3_buf_cstr(&q->values[q->n]);
	}
	q->n++;
	return 0;
}

static int
parse_query(const char *raw, struct query_params *q)
{
	memset(q, 0, sizeof(*q));
	while (raw != NULL && *raw != '\0') {
		size_t len = strcspn(raw, "&");
		if (len > 0 && add_raw_param(q, raw, len) != 0)
			return -1;
		raw += len + (raw[len] == '&');
	}
	return 0;
}

static int
add_param(struct query_params *q, const char *key, const char *value)
{
	if (q->n == MAX_SIGNED_QUERY_PARAMS)
		return -1;
	q->kv[q->n].key = key;
	q->kv[q->n].value = value;
	q->n++;
	return 0;
}

/* S3 signs paths as sent; a case whose expected path is the normalized one does not apply when
 * normalization would change the path (dot segments, empty segments). */
static bool
path_changes_when_normalized(const char *path)
{
	const char *segment = path[0] == '/' ? path + 1 : path;
	while (true) {
		size_t len = strcspn(segment, "/");
		bool last = segment[len] == '\0';
		if ((len == 0 && !last) || (len == 1 && segment[0] == '.') ||
		    (len == 2 && strncmp(segment, "..", 2) == 0))
			return true;
		if (last)
			return false;
		segment += len + 1;
	}
}

/* ---- One suite case ---- */

struct case_inputs {
	struct case_context context;
	struct s3_buf request_text;
	struct raw_request request;
	struct query_params query;
	struct s3_buf canonical_uri;
	struct s3_buf canonical_query;
	char amz_date[17];
	char day[9];
	char payload_hash[S3_SHA256_HEX_LEN + 1];
};

static void
case_inputs_free(struct case_inputs *in)
{
	case_context_free(&in->context);
	s3_buf_free(&in->request_text);
	query_params_free(&in->query);
	s3_buf_free(&in->canonical_uri);
	s3_buf_free(&in->canonical_query);
}

static int
load_case(const char *dir, const char *name, struct case_inputs *in)
{
	struct s3_buf json = S3_BUF_INIT;
	int rc = read_file(dir, name, "context.json", &json) == 0 &&
			 parse_context(s3_buf_cstr(&json), &in->context) == 0 &&
			 read_file(dir, name, "request.txt", &in->request_text) == 0 &&
			 parse_request(in->request_text.data, in->request_text.len, &in->request) == 0 &&
			 parse_query(in->request.query, &in->query) == 0 ? 0 : -1;
	s3_buf_free(&json);
	if (rc != 0)
		return -1;
	s3_sigv4_amz_date(in->context.now, in->amz_date);
	memcpy(in->day, in->amz_date, 8);
	in->day[8] = '\0';
	s3_sha256_hex(in->request.body, in->request.body_len, in->payload_hash);
	return canonical_uri_of(in->request.path, &in->canonical_uri);
}

static struct s3_sigv4_params
params_of(const struct case_inputs *in, const struct s3_kv *headers, size_t n_headers)
{
	struct s3_sigv4_params p = {
		.method = in->request.method,
		.canonical_uri = s3_buf_cstr(&in->canonical_uri),
		.canonical_query = s3_buf_cstr(&in->canonical_query),
		.headers = headers,
		.n_headers = n_headers,
		.payload_hash = in->payload_hash,
		.region = s3_buf_cstr(&in->context.region),
		.service = s3_buf_cstr(&in->context.service),
		.access_key_id = s3_buf_cstr(&in->context.access_key_id),
		.secret_access_key = s3_buf_cstr(&in->context.secret_access_key),
		.now = in->context.now,
	};
	return p;
}

static bool
token_is_signed(const struct case_context *c)
{
	return c->has_token && !c->omit_session_token;
}

static void
check_against_file(const char *dir, const char *name, const char *file, const char *actual)
{
	struct s3_buf expected = S3_BUF_INIT;
	if (CHECK(read_file(dir, name, file, &expected) == 0)) {
		if (!CHECK_STR_EQ(actual, s3_buf_cstr(&expected)))
			fprintf(stderr, "  (%s/%s)\n", name, file);
	}
	s3_buf_free(&expected);
}

/* The value of the Authorization line of header-signed-request.txt. */
static int
expected_authorization(const char *dir, const char *name, struct s3_buf *out)
{
	struct s3_buf signed_request = S3_BUF_INIT;
	int rc = read_file(dir, name, "header-signed-request.txt", &signed_request);
	const char *line = rc == 0 ? strstr(s3_buf_cstr(&signed_request), "\nAuthorization:") : NULL;
	rc = -1;
	if (line != NULL) {
		line += strlen("\nAuthorization:");
		s3_buf_reset(out);
		rc = s3_buf_append(out, line, strcspn(line, "\r\n"));
	}
	s3_buf_free(&signed_request);
	return rc;
}

static void
check_signing_outputs(const char *dir, const char *name, const char *prefix,
		      const struct s3_sigv4_params *p)
{
	struct s3_buf actual = S3_BUF_INIT;
	struct s3_buf file = S3_BUF_INIT;
	CHECK(s3_buf_appendf(&file, "%s-canonical-request.txt", prefix) == 0);
	CHECK(s3_sigv4_canonical_request(p, &actual) == 0);
	check_against_file(dir, name, s3_buf_cstr(&file), s3_buf_cstr(&actual));
	s3_buf_reset(&actual);
	s3_buf_reset(&file);
	CHECK(s3_buf_appendf(&file, "%s-string-to-sign.txt", prefix) == 0);
	CHECK(s3_sigv4_string_to_sign(p, &actual) == 0);
	check_against_file(dir, name, s3_buf_cstr(&file), s3_buf_cstr(&actual));
	s3_buf_free(&actual);
	s3_buf_free(&file);
}

static void
run_header_signing(const char *dir, const char *name, struct case_inputs *in,
		   struct s3_sigv4_key_cache *cache)
{
	struct s3_kv headers[MAX_HEADERS + 3];
	size_t n = in->request.n_headers;
	memcpy(headers, in->request.headers, n * sizeof(headers[0]));
	headers[n++] = (struct s3_kv){"X-Amz-Date", in->amz_date};
	if (token_is_signed(&in->context))
		headers[n++] = (struct s3_kv){"X-Amz-Security-Token", s3_buf_cstr(&in->context.token)};
	if (in->context.sign_body)
		headers[n++] = (struct s3_kv){"x-amz-content-sha256", in->payload_hash};

	s3_buf_reset(&in->canonical_query);
	CHECK(s3_canonical_query(&in->canonical_query, in->query.kv, in->query.n) == 0);
	struct s3_sigv4_params p = params_of(in, headers, n);
	check_signing_outputs(dir, name, "header", &p);

	struct s3_buf expected = S3_BUF_INIT;
	struct s3_buf cached = S3_BUF_INIT;
	struct s3_buf uncached = S3_BUF_INIT;
	CHECK(expected_authorization(dir, name, &expected) == 0);
	CHECK(s3_sigv4_authorization(&p, cache, &cached) == 0);
	CHECK(s3_sigv4_authorization(&p, NULL, &uncached) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&cached), s3_buf_cstr(&expected));
	CHECK_STR_EQ(s3_buf_cstr(&uncached), s3_buf_cstr(&expected));
	s3_buf_free(&expected);
	s3_buf_free(&cached);
	s3_buf_free(&uncached);
}

static int
add_presign_params(struct case_inputs *in, struct s3_buf *credential, struct s3_buf *signed_headers,
		   struct s3_buf *expires)
{
	const struct case_context *c = &in->context;
	if (s3_buf_appendf(credential, "%s/%s/%s/%s/aws4_request", s3_buf_cstr(&c->access_key_id),
			   in->day, s3_buf_cstr(&c->region), s3_buf_cstr(&c->service)) != 0 ||
	    s3_sigv4_signed_headers(in->request.headers, in->request.n_headers, signed_headers) != 0 ||
	    s3_buf_appendf(expires, "%ld", c->expires) != 0)
		return -1;
	struct query_params *q = &in->query;
	if (add_param(q, "X-Amz-Algorithm", "AWS4-HMAC-SHA256") != 0 ||
	    add_param(q, "X-Amz-Credential", s3_buf_cstr(credential)) != 0 ||
	    add_param(q, "X-Amz-Date", in->amz_date) != 0 ||
	    add_param(q, "X-Amz-Expires", s3_buf_cstr(expires)) != 0 ||
	    add_param(q, "X-Amz-SignedHeaders", s3_buf_cstr(signed_headers)) != 0)
		return -1;
	if (token_is_signed(c))
		return add_param(q, "X-Amz-Security-Token", s3_buf_cstr(&c->token));
	return 0;
}

static void
run_query_signing(const char *dir, const char *name, struct case_inputs *in,
		  struct s3_sigv4_key_cache *cache)
{
	struct s3_buf credential = S3_BUF_INIT;
	struct s3_buf signed_headers = S3_BUF_INIT;
	struct s3_buf expires = S3_BUF_INIT;
	struct s3_buf signature = S3_BUF_INIT;
	CHECK(add_presign_params(in, &credential, &signed_headers, &expires) == 0);
	s3_buf_reset(&in->canonical_query);
	CHECK(s3_canonical_query(&in->canonical_query, in->query.kv, in->query.n) == 0);
	struct s3_sigv4_params p = params_of(in, in->request.headers, in->request.n_headers);
	check_signing_outputs(dir, name, "query", &p);
	CHECK(s3_sigv4_query_signature(&p, cache, &signature) == 0);
	check_against_file(dir, name, "query-signature.txt", s3_buf_cstr(&signature));
	s3_buf_free(&credential);
	s3_buf_free(&signed_headers);
	s3_buf_free(&expires);
	s3_buf_free(&signature);
}

enum case_result { CASE_OK, CASE_FAILED, CASE_SKIPPED };

static enum case_result
run_case(const char *dir, const char *name, struct s3_sigv4_key_cache *cache)
{
	int failures_before = check_failures;
	struct case_inputs in = {0};
	enum case_result result = CASE_OK;
	if (!CHECK(load_case(dir, name, &in) == 0)) {
		result = CASE_FAILED;
	} else if (in.context.normalize && path_changes_when_normalized(in.request.path)) {
		printf("skip %s: expects the normalized path; S3 signs the path as sent "
		       "(see the -unnormalized twin)\n", name);
		result = CASE_SKIPPED;
	} else {
		run_header_signing(dir, name, &in, cache);
		run_query_signing(dir, name, &in, cache);
		result = check_failures == failures_before ? CASE_OK : CASE_FAILED;
	}
	if (result != CASE_SKIPPED)
		printf("%s %s\n", result == CASE_OK ? "ok  " : "FAIL", name);
	case_inputs_free(&in);
	return result;
}

static void
run_suite(const char *dir)
{
	char **names;
	size_t n;
	if (!CHECK(list_cases(dir, &names, &n) == 0) || !CHECK(n > 0)) {
		fprintf(stderr, "no cases in %s\n", dir);
		return;
	}
	struct s3_sigv4_key_cache cache = {0};
	size_t counts[3] = {0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		counts[run_case(dir, names[i], &cache)]++;
		free(names[i]);
	}
	free(names);
	printf("suite: %zu ok, %zu failed, %zu skipped\n", counts[CASE_OK], counts[CASE_FAILED],
	       counts[CASE_SKIPPED]);
}

/* ---- Beyond the suite ---- */

/* The GET example of "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)"
 * in the S3 API reference (sigv4-query-string-auth.html): an S3 presigned URL, with
 * UNSIGNED-PAYLOAD. The documented canonical request hashes to 3bfa2928...ad04. */
static void
test_s3_presign_doc_example(void)
{
	const struct s3_kv headers[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
	const struct s3_kv query[] = {
		{"X-Amz-SignedHeaders", "host"},
		{"X-Amz-Expires", "86400"},
		{"X-Amz-Date", "20130524T000000Z"},
		{"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
	};
	struct s3_buf uri = S3_BUF_INIT;
	struct s3_buf canonical_query = S3_BUF_INIT;
	struct s3_buf request = S3_BUF_INIT;
	struct s3_buf signature = S3_BUF_INIT;
	char request_hash[S3_SHA256_HEX_LEN + 1];
	CHECK(s3_uri_encode(&uri, "/test.txt", 9, true) == 0);
	CHECK(s3_canonical_query(&canonical_query, query, sizeof(query) / sizeof(query[0])) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&canonical_query),
		     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
		     "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
		     "&X-Amz-SignedHeaders=host");
	struct s3_sigv4_params p = {
		.method = "GET",
		.canonical_uri = s3_buf_cstr(&uri),
		.canonical_query = s3_buf_cstr(&canonical_query),
		.headers = headers,
		.n_headers = 1,
		.payload_hash = S3_UNSIGNED_PAYLOAD,
		.region = "us-east-1",
		.service = "s3",
		.access_key_id = "AKIAIOSFODNN7EXAMPLE",
		.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		.now = 1369353600, /* 2013-05-24T00:00:00Z */
	};
	CHECK(s3_sigv4_canonical_request(&p, &request) == 0);
	s3_sha256_hex(request.data, request.len, request_hash);
	CHECK_STR_EQ(request_hash, "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
	CHECK(s3_sigv4_query_signature(&p, NULL, &signature) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&signature),
		     "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
	s3_buf_free(&uri);
	s3_buf_free(&canonical_query);
	s3_buf_free(&request);
	s3_buf_free(&signature);
}

/* s3_presign needs a client but no loop: a reactor that is never asked for anything. */
static void
idle_reactor_destroy(void *ud)
{
	(void)ud;
}

static void
idle_reactor_timer_cancel(void *ud)
{
	(void)ud;
}

static const struct s3_reactor_ops idle_reactor_ops = {
	.timer_cancel = idle_reactor_timer_cancel,
	.destroy = idle_reactor_destroy,
};

static struct s3_client *
presign_client(const char *session_token, enum s3_addressing addressing, bool anonymous)
{
	struct s3_client_config config = {
		.endpoint = "https://s3.amazonaws.com",
		.region = "us-east-1",
		.access_key_id = "AKIAIOSFODNN7EXAMPLE",
		.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		.session_token = session_token,
		.anonymous = anonymous,
		.addressing = addressing,
	};
	struct s3_error err;
	struct s3_client *c = s3_client_new(&config, (struct s3_reactor){&idle_reactor_ops, NULL}, &err);
	if (!CHECK(c != NULL))
		fprintf(stderr, "  %s\n", err.message);
	return c;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* s3_presign end to end: the URL of the S3 documentation's example, built by the same code that
 * builds requests (host, path, query), and its refusals. */
static void
test_s3_presign(void)
{
	const time_t now = 1369353600; /* 2013-05-24T00:00:00Z */
	struct s3_client *c = presign_client(NULL, S3_ADDRESSING_AUTO, false);
	if (c == NULL)
		return;
	struct s3_request_spec spec = {.method = "GET", .bucket = "examplebucket", .key = "test.txt"};
	struct s3_buf url = S3_BUF_INIT;
	struct s3_error err;
	CHECK(s3_presign(c, &spec, 86400, now, &url, &err) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&url),
		     "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
		     "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
		     "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
		     "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
	/* over https a dotted bucket goes path-style */
	s3_buf_reset(&url);
	spec.bucket = "example.bucket";
	spec.key = "a b/c";
	CHECK(s3_presign(c, &spec, 60, now, &url, &err) == 0);
	CHECK(starts_with(s3_buf_cstr(&url), "https://s3.amazonaws.com/example.bucket/a%20b/c?"));
	/* refusals leave url as it was */
	size_t len = url.len;
	CHECK(s3_presign(c, &spec, 0, now, &url, &err) == -1 && strcmp(err.code, "InvalidArgument") == 0);
	CHECK(s3_presign(c, &spec, 604801, now, &url, &err) == -1);
	spec.method = "POST";
	CHECK(s3_presign(c, &spec, 60, now, &url, &err) == -1);
	spec.method = "GET";
	const struct s3_kv own[] = {{"x-amz-signature", "x"}};
	spec.query = own;
	spec.n_query = 1;
	CHECK(s3_presign(c, &spec, 60, now, &url, &err) == -1);
	CHECK(url.len == len);
	s3_client_delete(c);

	/* a session token is signed in the query */
	c = presign_client("TOKEN/+=", S3_ADDRESSING_PATH, false);
	spec = (struct s3_request_spec){.method = "PUT", .bucket = "examplebucket", .key = "k"};
	s3_buf_reset(&url);
	CHECK(s3_presign(c, &spec, 60, now, &url, &err) == 0);
	CHECK(strstr(s3_buf_cstr(&url), "&X-Amz-Security-Token=TOKEN%2F%2B%3D&") != NULL);
	CHECK(starts_with(s3_buf_cstr(&url), "https://s3.amazonaws.com/examplebucket/k?"));
	s3_client_delete(c);

	c = presign_client(NULL, S3_ADDRESSING_PATH, true);
	CHECK(s3_presign(c, &spec, 60, now, &url, &err) == -1 && strstr(err.message, "anonymous") != NULL);
	s3_client_delete(c);
	s3_buf_free(&url);
}

static struct s3_sigv4_params
simple_params(const struct s3_kv *headers, size_t n_headers, const char *secret, time_t now)
{
	struct s3_sigv4_params p = {
		.method = "GET",
		.canonical_uri = "/bucket/key",
		.canonical_query = "",
		.headers = headers,
		.n_headers = n_headers,
		.payload_hash = S3_EMPTY_PAYLOAD_SHA256,
		.region = "us-east-1",
		.service = "s3",
		.access_key_id = "AKIDEXAMPLE",
		.secret_access_key = secret,
		.now = now,
	};
	return p;
}

static void
authorization_of(const struct s3_sigv4_params *p, struct s3_sigv4_key_cache *cache,
		 struct s3_buf *out)
{
	s3_buf_reset(out);
	CHECK(s3_sigv4_authorization(p, cache, out) == 0);
}

static void
test_key_cache(void)
{
	const char *secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	const time_t day1 = 1440938160; /* 2015-08-30T12:36:00Z */
	const time_t day2 = day1 + 86400;
	const struct s3_kv headers[] = {{"host", "example.com"}, {"x-amz-date", "20150830T123600Z"}};
	struct s3_sigv4_params p = simple_params(headers, 2, secret, day1);
	struct s3_sigv4_key_cache cache = {0};
	struct s3_buf fresh = S3_BUF_INIT;
	struct s3_buf cached = S3_BUF_INIT;

	authorization_of(&p, NULL, &fresh);
	authorization_of(&p, &cache, &cached);
	CHECK_STR_EQ(s3_buf_cstr(&cached), s3_buf_cstr(&fresh));
	CHECK(strstr(cache.scope, "/20150830/us-east-1/s3") != NULL);
	CHECK(strstr(cache.scope, secret) == NULL);

	/* A second signing reuses the cached key: a tampered key shows up in the signature. */
	cache.key[0] ^= 0xff;
	authorization_of(&p, &cache, &cached);
	CHECK(strcmp(s3_buf_cstr(&cached), s3_buf_cstr(&fresh)) != 0);
	cache.key[0] ^= 0xff;

	/* Another secret or another day derives a new key. */
	struct s3_sigv4_params rotated = simple_params(headers, 2, "another secret", day1);
	authorization_of(&rotated, NULL, &fresh);
	authorization_of(&rotated, &cache, &cached);
	CHECK_STR_EQ(s3_buf_cstr(&cached), s3_buf_cstr(&fresh));
	struct s3_sigv4_params next_day = simple_params(headers, 2, secret, day2);
	authorization_of(&next_day, NULL, &fresh);
	authorization_of(&next_day, &cache, &cached);
	CHECK_STR_EQ(s3_buf_cstr(&cached), s3_buf_cstr(&fresh));
	CHECK(strstr(cache.scope, "/20150831/") != NULL);

	/* A scope too long for the cache is signed without caching. */
	char long_region[200];
	memset(long_region, 'r', sizeof(long_region) - 1);
	long_region[sizeof(long_region) - 1] = '\0';
	struct s3_sigv4_params long_scope = simple_params(headers, 2, secret, day1);
	long_scope.region = long_region;
	authorization_of(&long_scope, NULL, &fresh);
	authorization_of(&long_scope, &cache, &cached);
	CHECK_STR_EQ(s3_buf_cstr(&cached), s3_buf_cstr(&fresh));
	CHECK(strstr(cache.scope, "/20150831/") != NULL);
	s3_buf_free(&fresh);
	s3_buf_free(&cached);
}

static void
test_helpers_and_failures(void)
{
	char hash[S3_SHA256_HEX_LEN + 1];
	s3_sha256_hex("", 0, hash);
	CHECK_STR_EQ(hash, S3_EMPTY_PAYLOAD_SHA256);
	char date[17];
	s3_sigv4_amz_date(0, date);
	CHECK_STR_EQ(date, "19700101T000000Z");
	s3_sigv4_amz_date(1440938160, date);
	CHECK_STR_EQ(date, "20150830T123600Z");

	const struct s3_kv headers[] = {{"X-Amz-Date", "x"}, {"Host", "h"}, {"host", "h2"}};
	struct s3_buf out = S3_BUF_INIT;
	CHECK(s3_sigv4_signed_headers(headers, 3, &out) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&out), "host;x-amz-date");

	/* A time the x-amz-date format cannot express fails and leaves out as it was. */
	struct s3_sigv4_params p = simple_params(headers, 3, "secret", (time_t)253402300800); /* year 10000 */
	s3_sigv4_amz_date(p.now, date);
	CHECK_STR_EQ(date, "");
	CHECK(s3_sigv4_authorization(&p, NULL, &out) == -1);
	CHECK(s3_sigv4_string_to_sign(&p, &out) == -1);
	CHECK(s3_sigv4_query_signature(&p, NULL, &out) == -1);
	CHECK_STR_EQ(s3_buf_cstr(&out), "host;x-amz-date");
	p.now = 0;
	p.method = NULL;
	CHECK(s3_sigv4_canonical_request(&p, &out) == -1);
	CHECK_STR_EQ(s3_buf_cstr(&out), "host;x-amz-date");
	s3_buf_free(&out);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <aws-sigv4-suite dir>\n", argv[0]);
		return 2;
	}
	/* Keeps case lines in order with the failure details on stderr when piped. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	run_suite(argv[1]);
	int failures_before = check_failures;
	test_s3_presign_doc_example();
	test_s3_presign();
	test_key_cache();
	test_helpers_and_failures();
	printf("%s extra checks (S3 presign example, key cache, helpers)\n",
	       check_failures == failures_before ? "ok  " : "FAIL");
	return check_exit_status();
}
