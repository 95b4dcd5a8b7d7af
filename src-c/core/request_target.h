/* What a request addresses and whether its spec is acceptable: the checks of a spec, and the
 * Host, encoded path and canonical query it goes to, each exactly as sent and signed. One builder
 * for requests and presigned URLs, so a presigned URL names an object as a request for it does. */
#ifndef S3_CORE_REQUEST_TARGET_H
#define S3_CORE_REQUEST_TARGET_H

#include "buf.h"
#include "client.h"
#include "request.h"

struct s3_target {
	struct s3_buf host;
	struct s3_buf path;
	struct s3_buf query;
};

/* Returns 0, or -1 with err filled (InvalidArgument, EntityTooLarge). */
int s3_request_validate_spec(const struct s3_request_spec *spec, struct s3_error *err);

/* Path-style: /bucket/key; virtual-hosted: /key with the bucket in the host name, chosen per
 * request (s3_client_bucket_in_host). query/n_query replace the spec's. Returns 0, -1 when
 * memory ran out (t is then still freed by s3_target_free). */
int s3_target_build(struct s3_target *t, const struct s3_client *c, const struct s3_request_spec *spec,
		    const struct s3_kv *query, size_t n_query);
/* Appends scheme://host/path?query. */
int s3_target_append_url(struct s3_buf *url, const struct s3_client *c, const struct s3_target *t);
void s3_target_free(struct s3_target *t);

#endif
