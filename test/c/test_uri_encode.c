/* Unit tests of the AWS-style URI encoding and of canonical query strings. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "uri_encode.h"

#define N_PARAMS(params) (sizeof(params) / sizeof((params)[0]))

static const char *
encoded(struct s3_buf *buf, const char *src, size_t len, bool keep_slash)
{
	s3_buf_reset(buf);
	if (!CHECK(s3_uri_encode(buf, src, len, keep_slash) == 0))
		return "<encoding failed>";
	return s3_buf_cstr(buf);
}

#define ENCODED(buf, str, keep_slash) encoded((buf), (str), strlen(str), (keep_slash))

static void
test_uri_encode_keeps_only_unreserved(struct s3_buf *buf)
{
	const char *unreserved =
		"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	CHECK_STR_EQ(ENCODED(buf, unreserved, false), unreserved);
	CHECK_STR_EQ(ENCODED(buf, "", false), "");
	CHECK_STR_EQ(ENCODED(buf, "", true), "");
	CHECK_STR_EQ(ENCODED(buf, "my key", true), "my%20key");
	CHECK_STR_EQ(ENCODED(buf, "+&=$%?#~'", false), "%2B%26%3D%24%25%3F%23~%27");
	CHECK_STR_EQ(ENCODED(buf, "!*();:@,[]\"<>\\^`{|}", false),
		     "%21%2A%28%29%3B%3A%40%2C%5B%5D%22%3C%3E%5C%5E%60%7B%7C%7D");
	CHECK_STR_EQ(ENCODED(buf, "tab\there", false), "tab%09here");
}

static void
test_uri_encode_bytes(struct s3_buf *buf)
{
	/* UTF-8 is encoded byte by byte, hex in uppercase. */
	CHECK_STR_EQ(ENCODED(buf, "\xe1\x88\xb4", false), "%E1%88%B4");
	CHECK_STR_EQ(ENCODED(buf, "привет.txt", true), "%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82.txt");
	CHECK_STR_EQ(ENCODED(buf, "\xff\x80\x7f", false), "%FF%80%7F");
	/* The length, not a NUL, ends the input. */
	CHECK_STR_EQ(encoded(buf, "a\0b", 3, false), "a%00b");
	CHECK_STR_EQ(encoded(buf, "abcdef", 3, false), "abc");
}

static void
test_uri_encode_slashes(struct s3_buf *buf)
{
	CHECK_STR_EQ(ENCODED(buf, "/bucket/dir/file name.txt", true),
		     "/bucket/dir/file%20name.txt");
	CHECK_STR_EQ(ENCODED(buf, "dir/file", false), "dir%2Ffile");
	CHECK_STR_EQ(ENCODED(buf, "//a//", true), "//a//");
	CHECK_STR_EQ(ENCODED(buf, "/./../", true), "/./../");
}

static void
test_uri_encode_appends(void)
{
	struct s3_buf buf = S3_BUF_INIT;
	CHECK(s3_buf_append_str(&buf, "/bucket/") == 0);
	CHECK(s3_uri_encode(&buf, "a b/c", 5, true) == 0);
	CHECK(s3_uri_encode(&buf, "?", 1, true) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&buf), "/bucket/a%20b/c%3F");
	CHECK_INT_EQ(buf.len, strlen("/bucket/a%20b/c%3F"));
	s3_buf_free(&buf);

	/* A long input crosses several growth steps of the buffer. */
	char long_key[3000];
	memset(long_key, ' ', sizeof(long_key));
	CHECK(s3_uri_encode(&buf, long_key, sizeof(long_key), false) == 0);
	CHECK_INT_EQ(buf.len, 3 * sizeof(long_key));
	CHECK(strncmp(s3_buf_cstr(&buf), "%20%20", 6) == 0);
	CHECK_INT_EQ(strlen(s3_buf_cstr(&buf)), buf.len);
	s3_buf_free(&buf);
}

static const char *
canonical(struct s3_buf *buf, const struct s3_kv *params, size_t n)
{
	s3_buf_reset(buf);
	if (!CHECK(s3_canonical_query(buf, params, n) == 0))
		return "<canonical query failed>";
	return s3_buf_cstr(buf);
}

static void
test_canonical_query_sorting(struct s3_buf *buf)
{
	const struct s3_kv list[] = {
		{"prefix", "photos/"}, {"list-type", "2"}, {"max-keys", "1000"}, {"delimiter", "/"}};
	CHECK_STR_EQ(canonical(buf, list, N_PARAMS(list)),
		     "delimiter=%2F&list-type=2&max-keys=1000&prefix=photos%2F");

	/* Byte order: uppercase before lowercase. */
	const struct s3_kv by_case[] = {{"param1", "a"}, {"Param2", "b"}, {"Param1", "c"}};
	CHECK_STR_EQ(canonical(buf, by_case, N_PARAMS(by_case)), "Param1=c&Param2=b&param1=a");

	/* Sorted as encoded: "%C3%A9" sorts before "A" although the raw byte 0xC3 sorts after. */
	const struct s3_kv by_encoding[] = {{"A", "1"}, {"\xc3\xa9", "2"}, {"Param-3", "3"}, {"Param", "4"}};
	CHECK_STR_EQ(canonical(buf, by_encoding, N_PARAMS(by_encoding)),
		     "%C3%A9=2&A=1&Param=4&Param-3=3");
}

static void
test_canonical_query_duplicates_and_empty(struct s3_buf *buf)
{
	/* Duplicate names are ordered by value. */
	const struct s3_kv duplicates[] = {{"k", "b"}, {"k", "a"}, {"k", ""}, {"j", "z"}};
	CHECK_STR_EQ(canonical(buf, duplicates, N_PARAMS(duplicates)), "j=z&k=&k=a&k=b");

	/* Subresources without value: ?uploads, ?partNumber=1&uploadId=... */
	const struct s3_kv uploads[] = {{"uploads", NULL}};
	CHECK_STR_EQ(canonical(buf, uploads, N_PARAMS(uploads)), "uploads=");
	const struct s3_kv part[] = {{"uploadId", "VXBsb2FkIElE"}, {"partNumber", "7"}};
	CHECK_STR_EQ(canonical(buf, part, N_PARAMS(part)), "partNumber=7&uploadId=VXBsb2FkIElE");
	const struct s3_kv empty[] = {{"acl", ""}, {"versionId", NULL}};
	CHECK_STR_EQ(canonical(buf, empty, N_PARAMS(empty)), "acl=&versionId=");

	CHECK_STR_EQ(canonical(buf, NULL, 0), "");
}

static void
test_canonical_query_encoding(struct s3_buf *buf)
{
	const struct s3_kv token[] = {
		{"continuation-token", "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="},
		{"list-type", "2"}};
	CHECK_STR_EQ(canonical(buf, token, N_PARAMS(token)),
		     "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&list-type=2");

	const struct s3_kv special[] = {{"response-content-disposition", "attachment; filename=\"a b+c.txt\""},
					{"x y", "1&2"}};
	CHECK_STR_EQ(canonical(buf, special, N_PARAMS(special)),
		     "response-content-disposition=attachment%3B%20filename%3D%22a%20b%2Bc.txt%22"
		     "&x%20y=1%262");

	const struct s3_kv utf8[] = {{"prefix", "\xd0\xb6/"}};
	CHECK_STR_EQ(canonical(buf, utf8, N_PARAMS(utf8)), "prefix=%D0%B6%2F");
}

static void
test_canonical_query_appends(void)
{
	struct s3_buf buf = S3_BUF_INIT;
	const struct s3_kv params[] = {{"b", "2"}, {"a", "1"}};
	CHECK(s3_buf_append_str(&buf, "/bucket?") == 0);
	CHECK(s3_canonical_query(&buf, params, N_PARAMS(params)) == 0);
	CHECK_STR_EQ(s3_buf_cstr(&buf), "/bucket?a=1&b=2");
	CHECK_INT_EQ(buf.len, strlen("/bucket?a=1&b=2"));
	/* The caller's array is not reordered. */
	CHECK_STR_EQ(params[0].key, "b");
	s3_buf_free(&buf);
}

int
main(void)
{
	struct s3_buf buf = S3_BUF_INIT;
	test_uri_encode_keeps_only_unreserved(&buf);
	test_uri_encode_bytes(&buf);
	test_uri_encode_slashes(&buf);
	test_uri_encode_appends();
	test_canonical_query_sorting(&buf);
	test_canonical_query_duplicates_and_empty(&buf);
	test_canonical_query_encoding(&buf);
	test_canonical_query_appends();
	s3_buf_free(&buf);
	printf("%s test_uri_encode\n", check_failures == 0 ? "ok" : "FAIL");
	return check_exit_status();
}
