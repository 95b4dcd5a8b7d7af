/*
 * s3-tarantool.h: the C API of the s3 rock for other Tarantool modules written in C.
 *
 * The transfers of the Lua API without Lua in between: a module streams an object to or from a
 * file descriptor on the client that s3.cfg configured (or one made by s3.new). Each call blocks
 * only the calling fiber; the event loop and every other fiber keep running.
 *
 * Obtaining the API: Tarantool loads modules with local symbol scope, so linking against the rock
 * or dlsym(RTLD_DEFAULT) cannot find it. The rock hands out a pointer instead:
 * require('s3.native').c_api is a light userdata pointing at a struct s3_tarantool_api.
 * s3_tarantool_api_load() below does that lookup and checks the version and the struct size:
 *
 *     #include <tarantool/module.h>
 *     #include <tarantool/lua.h>
 *     #include <s3-tarantool.h>
 *
 *     char why[256];
 *     const struct s3_tarantool_api *s3 = S3_TARANTOOL_API_LOAD(L, why, sizeof(why));
 *     if (s3 == NULL)
 *             return luaL_error(L, "%s", why);
 *     struct s3_tarantool_error err;
 *     struct s3_tarantool_client *client = s3->default_client(&err);
 *     if (client == NULL || s3->get_to_fd(client, "bucket", "key", fd, NULL, NULL, &err) != 0)
 *             ...err.code, err.status, err.message, err.request_id...
 *     s3->client_unref(client);
 *
 * The rock installs this header at .rocks/lib/tarantool/s3/include/s3-tarantool.h (beside the
 * native module). It needs only Tarantool's lua.h; link nothing.
 *
 * Compatibility: version changes only when existing members change meaning; new members are
 * appended and raise size, so a module built against an older header keeps working.
 */
#ifndef S3_TARANTOOL_H
#define S3_TARANTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define S3_TARANTOOL_API_VERSION 1

/* The same fields as the Lua error object. */
struct s3_tarantool_error {
	char code[64];        /* NoSuchKey, AccessDenied, ... or ConnectionError, Timeout, IOError,
	                         Cancelled, InvalidArgument, InternalError */
	long status;          /* HTTP status, 0 when no response arrived */
	char message[512];
	char request_id[128]; /* S3's request id, "" when none */
	int sys_errno;        /* errno behind an IOError, else 0 */
};

/* A client shared with Lua; referenced while a module holds it. */
struct s3_tarantool_client;
struct lua_State;

/* Optional settings of a transfer; NULL for the defaults. Zero-initialize, then set size. */
struct s3_tarantool_transfer_opts {
	size_t size;              /* sizeof(struct s3_tarantool_transfer_opts) */
	uint64_t offset;          /* where in fd the object starts (get: written, put: read); 0 */
	double timeout;           /* seconds for the whole call, retries included; 0: the client's */
	const char *content_type; /* put only; NULL: none */
	/* Appended (a caller's older, smaller struct still works: size tells which members it has).
	 * Called on the calling fiber at most every 100 ms and once at the end with done == total;
	 * it must not yield. NULL: none. */
	void (*on_progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

/* What head_object tells about an object. Zero-initialize, then set size; strings are cut to fit
 * and "" when the server sent none. */
struct s3_tarantool_object_info {
	size_t size;                /* sizeof(struct s3_tarantool_object_info) */
	uint64_t content_length;    /* the object's size in bytes */
	char etag[128];             /* with its quotes, as S3 sends it */
	char last_modified[64];     /* the HTTP date */
	char content_type[256];
	char version_id[256];       /* "" when the bucket is not versioned */
};

/* One object of a listing (list_objects). */
struct s3_tarantool_object_entry {
	const char *key;            /* decoded, as it was written */
	uint64_t size;
	const char *etag;           /* with its quotes; "" when the server sent none */
	const char *last_modified;  /* ISO 8601, as S3 lists it */
	const char *storage_class;  /* "" when the server sent none */
};

struct s3_tarantool_api {
	uint32_t version;         /* S3_TARANTOOL_API_VERSION of the loaded rock */
	uint32_t size;            /* sizeof(struct s3_tarantool_api) of the loaded rock */

	/* The default client (s3.cfg, or the environment), referenced. NULL with err when there is
	 * none yet: make the first s3 call or s3.cfg{} from Lua before. */
	struct s3_tarantool_client *(*default_client)(struct s3_tarantool_error *err);
	/* The client of the s3.new object at index idx of L, referenced; NULL with err otherwise. */
	struct s3_tarantool_client *(*client_from_lua)(struct lua_State *L, int idx,
						       struct s3_tarantool_error *err);
	void (*client_unref)(struct s3_tarantool_client *client);

	/* Downloads bucket/key into fd (pwrite from opts->offset on; the fd position is untouched)
	 * through the transfer engine: in ranges of the client's part_size, the others started as
	 * soon as the first answer's headers tell the size, concurrency in flight, with If-Match on
	 * the ETag, each retried alone within the deadline. Returns 0 and the byte
	 * count in *bytes (may be NULL), or -1 with err filled. */
	int (*get_to_fd)(struct s3_tarantool_client *client, const char *bucket, const char *key,
			 int fd, const struct s3_tarantool_transfer_opts *opts, uint64_t *bytes,
			 struct s3_tarantool_error *err);
	/* Uploads size bytes of fd (pread from opts->offset on) as bucket/key through the transfer
	 * engine: one PUT below the client's multipart_threshold, else a multipart upload with
	 * concurrency parts in flight (aborted on failure), each part retried alone within the
	 * deadline, Content-MD5 on every part. Returns 0, or -1 with err filled. */
	int (*put_from_fd)(struct s3_tarantool_client *client, const char *bucket, const char *key,
			   int fd, uint64_t size, const struct s3_tarantool_transfer_opts *opts,
			   struct s3_tarantool_error *err);

	/* Appended after version 1's first members: check api->size >= offsetof(..., member) +
	 * sizeof(api->member) (S3_TARANTOOL_API_HAS) before using them with an older rock. */

	/* HEAD bucket/key into *info (info->size set by the caller). Blocks only the calling fiber.
	 * Returns 0, or -1 with err filled: NotFound (404, HEAD has no body) for a missing key. */
	int (*head_object)(struct s3_tarantool_client *client, const char *bucket, const char *key,
			   const struct s3_tarantool_transfer_opts *opts,
			   struct s3_tarantool_object_info *info, struct s3_tarantool_error *err);
	/* DELETE bucket/key; S3 answers success for a missing key too. Returns 0, or -1 with err. */
	int (*delete_object)(struct s3_tarantool_client *client, const char *bucket,
			     const char *key, const struct s3_tarantool_transfer_opts *opts,
			     struct s3_tarantool_error *err);
	/* A presigned URL for method ("GET", "PUT", "HEAD", "DELETE") on bucket/key, valid for
	 * expires seconds (1 to 604800, 7 days), written with its NUL into url (url_size bytes).
	 * Computed locally: no request, never yields, allowed inside a transaction. Returns 0; -1
	 * with err filled on bad arguments, an anonymous client, or a url buffer too small. *url_len
	 * (may be NULL) gets the URL's length without the NUL in both cases, so a caller can retry
	 * with a buffer of *url_len + 1 bytes (4096 holds every URL without a long session token). */
	int (*presign)(struct s3_tarantool_client *client, const char *method, const char *bucket,
		       const char *key, long expires, char *url, size_t url_size, size_t *url_len,
		       struct s3_tarantool_error *err);

	/* Calls on_object for every object of bucket whose key starts with prefix (NULL or "":
	 * all), in key order, across pages (ListObjectsV2, 1000 keys a request, each page
	 * retried within the client's deadline). on_object runs on the calling fiber and must not
	 * yield; returning non-zero stops the listing (list_objects then returns 0). The entry's
	 * strings live until on_object returns. Returns 0, or -1 with err filled. */
	int (*list_objects)(struct s3_tarantool_client *client, const char *bucket, const char *prefix,
			    int (*on_object)(void *arg, const struct s3_tarantool_object_entry *object),
			    void *arg, struct s3_tarantool_error *err);
};

/* True when the loaded rock's struct has member (a module built against a newer header may run
 * with an older rock of the same version). */
#define S3_TARANTOOL_API_HAS(api, member)                                                        \
	((api)->size >= offsetof(struct s3_tarantool_api, member) + sizeof((api)->member))

/* Looks the API up through require('s3.native') and checks it. Returns NULL with the reason in
 * why when the rock is missing, its version differs from want_version, or its struct is smaller
 * than want_size. Call it from a fiber of the TX thread, e.g. in your luaopen_ function. */
#if defined(LUA_VERSION) || defined(lua_h)
static inline const struct s3_tarantool_api *
s3_tarantool_api_load(lua_State *L, uint32_t want_version, size_t want_size, char *why,
		      size_t why_size)
{
	lua_getglobal(L, "require");
	lua_pushliteral(L, "s3.native");
	if (lua_pcall(L, 1, 1, 0) != 0) {
		snprintf(why, why_size, "s3 C API: require('s3.native') failed: %s",
			 lua_tostring(L, -1));
		lua_pop(L, 1);
		return NULL;
	}
	lua_getfield(L, -1, "c_api");
	const struct s3_tarantool_api *api =
		(const struct s3_tarantool_api *)lua_touserdata(L, -1);
	lua_pop(L, 2);
	if (api == NULL) {
		snprintf(why, why_size, "s3 C API: s3.native has no c_api");
		return NULL;
	}
	if (api->version != want_version) {
		snprintf(why, why_size, "s3 C API: the rock has version %u, this module needs %u",
			 (unsigned)api->version, (unsigned)want_version);
		return NULL;
	}
	if (api->size < want_size) {
		snprintf(why, why_size, "s3 C API: the rock's API has %u bytes, this module needs %zu",
			 (unsigned)api->size, want_size);
		return NULL;
	}
	return api;
}

#define S3_TARANTOOL_API_LOAD(L, why, why_size)                                                  \
	s3_tarantool_api_load((L), S3_TARANTOOL_API_VERSION, sizeof(struct s3_tarantool_api),    \
			      (why), (why_size))
#endif

#endif
