/* A minimal assertion kit for the C tests: checks count failures and print where they happened
 * instead of aborting, so one run reports every broken case. Header-only, one test program per
 * translation unit. */
#ifndef S3_TEST_CHECK_H
#define S3_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_failures __attribute__((unused));

/* Prints str with control characters escaped, so canonical requests stay readable in one line. */
static inline void
check_print_escaped(FILE *out, const char *str, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)str[i];
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static inline bool
check_report(bool ok, const char *file, int line, const char *what)
{
	if (!ok) {
		check_failures++;
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	}
	return ok;
}

static inline bool
check_mem_eq(const char *actual, size_t actual_len, const char *expected, size_t expected_len,
	     const char *file, int line, const char *what)
{
	bool ok = actual_len == expected_len && memcmp(actual, expected, actual_len) == 0;
	if (!check_report(ok, file, line, what)) {
		fputs("  actual:   ", stderr);
		check_print_escaped(stderr, actual, actual_len);
		fputs("\n  expected: ", stderr);
		check_print_escaped(stderr, expected, expected_len);
		fputc('\n', stderr);
	}
	return ok;
}

static inline bool
check_str_eq(const char *actual, const char *expected, const char *file, int line,
	     const char *what)
{
	if (actual == NULL || expected == NULL)
		return check_report(actual == expected, file, line, what);
	return check_mem_eq(actual, strlen(actual), expected, strlen(expected), file, line, what);
}

static inline bool
check_long_eq(long actual, long expected, const char *file, int line, const char *what)
{
	if (!check_report(actual == expected, file, line, what))
		fprintf(stderr, "  actual: %ld, expected: %ld\n", actual, expected);
	return actual == expected;
}

/* Each evaluates to true when the check passed. */
#define CHECK(cond) check_report((cond), __FILE__, __LINE__, #cond)
#define CHECK_STR_EQ(actual, expected) \
	check_str_eq((actual), (expected), __FILE__, __LINE__, #actual " == " #expected)
#define CHECK_MEM_EQ(actual, actual_len, expected, expected_len)                                 \
	check_mem_eq((actual), (actual_len), (expected), (expected_len), __FILE__, __LINE__,     \
		     #actual " == " #expected)
#define CHECK_INT_EQ(actual, expected) \
	check_long_eq((long)(actual), (long)(expected), __FILE__, __LINE__, #actual " == " #expected)

/* The exit status of a test program. */
static inline int
check_exit_status(void)
{
	if (check_failures > 0)
		fprintf(stderr, "%d check(s) failed\n", check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif
