/* The structured error every failed request ends with, the same fields the Lua error object and
 * the C API carry. Fixed-size fields: an error never needs an allocation to be reported. */
#ifndef S3_CORE_ERROR_H
#define S3_CORE_ERROR_H

#include <stddef.h>

/* Codes of our own, beside the S3 codes (NoSuchKey, AccessDenied, SlowDown...). */
#define S3_ERR_CONNECTION "ConnectionError"
#define S3_ERR_TIMEOUT "Timeout"
#define S3_ERR_IO "IOError"
#define S3_ERR_CANCELLED "Cancelled"
#define S3_ERR_INVALID_ARGUMENT "InvalidArgument"
#define S3_ERR_INTERNAL "InternalError"
#define S3_ERR_NO_MEMORY "OutOfMemory"
/* The server's certificate (or the TLS setup: ca_file) failed verification. Not retryable. */
#define S3_ERR_TLS "TLSError"
/* A 2xx response whose body is not the XML document the request expects (malformed, truncated,
 * another root element). */
#define S3_ERR_INVALID_RESPONSE "InvalidResponse"
/* S3's own code for a body over its limits, also given before sending one (single PUT > 5 GiB). */
#define S3_ERR_ENTITY_TOO_LARGE "EntityTooLarge"

struct s3_error {
	char code[64];
	long status;          /* HTTP status, 0 when no response arrived */
	char message[512];
	char request_id[128];
	int sys_errno;        /* errno behind an IOError, else 0 */
};

void s3_error_clear(struct s3_error *err);
void s3_error_set(struct s3_error *err, const char *code, long status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Fills err from an S3 error response: the <Error><Code/><Message/><RequestId/></Error> body when
 * there is one (parsed with expat), else a code derived from the status. request_id_header, the
 * x-amz-request-id header, is used when the body has none. */
void s3_error_from_response(struct s3_error *err, long status, const char *body, size_t body_len,
			    const char *request_id_header);

#endif
