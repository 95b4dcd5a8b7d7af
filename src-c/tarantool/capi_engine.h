/* The C API's transfers run the Lua transfer engine (src-ts/s3/capi_engine.ts) on the calling
 * fiber: one engine for Lua and C, with multipart, parallel ranges, retries, deadlines and
 * progress. Only the control runs in Lua; the bytes still go between libcurl and the fd in C. */
#ifndef S3_TARANTOOL_CAPI_ENGINE_H
#define S3_TARANTOOL_CAPI_ENGINE_H

#include "s3-tarantool.h"

/* direction "get_to_fd" (size unused; *bytes gets the object's size) or "put_from_fd".
 * Returns 0, or -1 with err filled. */
int s3_capi_engine_run(const char *direction, struct s3_tarantool_client *client, const char *bucket,
		       const char *key, int fd, uint64_t size,
		       const struct s3_tarantool_transfer_opts *opts, uint64_t *bytes,
		       struct s3_tarantool_error *err);

/* Lists bucket under prefix through the Lua listing (listing.ts), calling on_object per object. */
int s3_capi_engine_list(struct s3_tarantool_client *client, const char *bucket, const char *prefix,
			int (*on_object)(void *arg, const struct s3_tarantool_object_entry *object),
			void *arg, struct s3_tarantool_error *err);

#endif
