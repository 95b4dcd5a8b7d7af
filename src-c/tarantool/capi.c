#include "capi.h"

#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <tarantool/lauxlib.h>
#include <tarantool/lua.h>
#include <tarantool/module.h>

#include "core/client.h"
#include "core/request.h"
#include "highlevel/sink_source.h"
#include "tarantool/capi_engine.h"
#include "tarantool/fiber_wait.h"
#include "tarantool/lua_client.h"
#include "tarantool/shared_client.h"

/* Module state: the thread that runs the event loop, and the client s3.cfg made. */
static pthread_t tx_thread;
static struct s3_tarantool_client *default_client;

void
s3_capi_init(void)
{
	tx_thread = pthread_self();
}

/* The core error and the API error have the same fields; copy them one by one anyway, so the
 * public struct can never silently drift from the core's. */
static void
copy_error(struct s3_tarantool_error *out, const struct s3_error *in)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->code, sizeof(out->code), "%s", in->code);
	out->status = in->status;
	snprintf(out->message, sizeof(out->message), "%s", in->message);
	snprintf(out->request_id, sizeof(out->request_id), "%s", in->request_id);
	out->sys_errno = in->sys_errno;
}

static void
set_error(struct s3_tarantool_error *err, const char *code, const char *message)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->message, sizeof(err->message), "%s", message);
}

/* Fibers exist only in Tarantool's threads; the loop and every client live in the TX thread. */
static bool
on_tx_thread(struct s3_tarantool_error *err)
{
	if (pthread_equal(pthread_self(), tx_thread))
		return true;
	set_error(err, S3_ERR_INVALID_ARGUMENT,
		  "the s3 C API must be called from a fiber of Tarantool's TX thread");
	return false;
}

static struct s3_tarantool_client *
api_default_client(struct s3_tarantool_error *err)
{
	if (!on_tx_thread(err))
		return NULL;
	if (default_client == NULL) {
		set_error(err, S3_ERR_INVALID_ARGUMENT,
			  "no default client: call s3.cfg{} from Lua first");
		return NULL;
	}
	s3_shared_client_ref(default_client);
	return default_client;
}

static struct s3_tarantool_client *
api_client_from_lua(struct lua_State *L, int idx, struct s3_tarantool_error *err)
{
	if (!on_tx_thread(err))
		return NULL;
	struct s3_tarantool_client *client = L != NULL ? s3_lua_client_test(L, idx) : NULL;
	if (client == NULL) {
		set_error(err, S3_ERR_INVALID_ARGUMENT,
			  "not an s3 client (pass the object s3.new returned)");
		return NULL;
	}
	s3_shared_client_ref(client);
	return client;
}

static void
api_client_unref(struct s3_tarantool_client *client)
{
	if (client != NULL && pthread_equal(pthread_self(), tx_thread)) {
		s3_shared_client_unref(client);
		s3_shared_client_reap();
	}
}

static int check_call(struct s3_tarantool_client *client, const char *bucket, const char *key,
		      int fd, const struct s3_tarantool_transfer_opts *opts, bool yields,
		      struct s3_tarantool_error *err);

static int
check_transfer(struct s3_tarantool_client *client, const char *bucket, const char *key, int fd,
	       const struct s3_tarantool_transfer_opts *opts, struct s3_tarantool_error *err)
{
	return check_call(client, bucket, key, fd, opts, true, err);
}

/* The checks of every call (fd: 0 where the call has none). yields is false for presign, which
 * runs anywhere (no transaction check) but needs credentials. */
static int
check_call(struct s3_tarantool_client *client, const char *bucket, const char *key, int fd,
	   const struct s3_tarantool_transfer_opts *opts, bool yields, struct s3_tarantool_error *err)
{
	if (err == NULL)
		return -1;
	if (!on_tx_thread(err))
		return -1;
	const char *problem = NULL;
	if (client == NULL)
		problem = "client must not be NULL";
	else if (bucket == NULL || bucket[0] == '\0')
		problem = "bucket must be a non-empty string";
	else if (key == NULL || key[0] == '\0')
		problem = "key must be a non-empty string";
	else if (fd < 0)
		problem = "fd must be an open file descriptor";
	else if (client->core->anonymous && !yields)
		problem = "an anonymous client has no credentials to presign with";
	else if (opts != NULL && opts->size < offsetof(struct s3_tarantool_transfer_opts, on_progress))
		problem = "opts->size must be sizeof(struct s3_tarantool_transfer_opts)";
	else if (yields && box_txn())
		problem = S3_NO_YIELD_MESSAGE;
	if (problem != NULL) {
		set_error(err, S3_ERR_INVALID_ARGUMENT, problem);
		return -1;
	}
	return 0;
}

/* Runs the request in the calling fiber; fills err and returns -1 when it failed. */
static void fill_info(const struct s3_request *req, struct s3_tarantool_object_info *info);

static int
run(struct s3_tarantool_client *client, const struct s3_request_spec *spec, uint64_t *bytes,
    struct s3_tarantool_object_info *info, struct s3_tarantool_error *err)
{
	struct s3_error core_err;
	/* The request must not outlive the client even if Lua lets go meanwhile. */
	s3_shared_client_ref(client);
	s3_shared_client_reap();
	struct s3_request *req = s3_fiber_new_request(client, spec, &core_err);
	int rc = -1;
	if (req == NULL) {
		copy_error(err, &core_err);
	} else {
		s3_fiber_wait_request(req, client->core->idle_timeout_s, NULL);
		s3_fiber_give_back_connection(client);
		const struct s3_error *failure = s3_request_error(req);
		if (failure != NULL) {
			copy_error(err, failure);
		} else {
			memset(err, 0, sizeof(*err));
			if (bytes != NULL)
				*bytes = s3_request_bytes_received(req);
			if (info != NULL)
				fill_info(req, info);
			rc = 0;
		}
		s3_request_free(req);
	}
	s3_shared_client_unref(client);
	s3_shared_client_reap();
	return rc;
}

static long
timeout_ms(const struct s3_tarantool_transfer_opts *opts)
{
	return opts != NULL && opts->timeout > 0 ? (long)(opts->timeout * 1000.0 + 0.5) : -1;
}

static int
api_get_to_fd(struct s3_tarantool_client *client, const char *bucket, const char *key, int fd,
	      const struct s3_tarantool_transfer_opts *opts, uint64_t *bytes,
	      struct s3_tarantool_error *err)
{
	if (check_transfer(client, bucket, key, fd, opts, err) != 0)
		return -1;
	return s3_capi_engine_run("get_to_fd", client, bucket, key, fd, 0, opts, bytes, err);
}

static int
api_put_from_fd(struct s3_tarantool_client *client, const char *bucket, const char *key, int fd,
		uint64_t size, const struct s3_tarantool_transfer_opts *opts,
		struct s3_tarantool_error *err)
{
	if (check_transfer(client, bucket, key, fd, opts, err) != 0)
		return -1;
	return s3_capi_engine_run("put_from_fd", client, bucket, key, fd, size, opts, NULL, err);
}

static void
copy_header(const struct s3_request *req, const char *name, char *out, size_t size)
{
	const char *value = s3_request_header_find(req, name);
	snprintf(out, size, "%s", value != NULL ? value : "");
}

static void
fill_info(const struct s3_request *req, struct s3_tarantool_object_info *info)
{
	const char *length = s3_request_header_find(req, "content-length");
	info->content_length = length != NULL ? strtoull(length, NULL, 10) : 0;
	copy_header(req, "etag", info->etag, sizeof(info->etag));
	copy_header(req, "last-modified", info->last_modified, sizeof(info->last_modified));
	copy_header(req, "content-type", info->content_type, sizeof(info->content_type));
	copy_header(req, "x-amz-version-id", info->version_id, sizeof(info->version_id));
}

static int
api_head_object(struct s3_tarantool_client *client, const char *bucket, const char *key,
		const struct s3_tarantool_transfer_opts *opts,
		struct s3_tarantool_object_info *info, struct s3_tarantool_error *err)
{
	if (check_call(client, bucket, key, 0, opts, true, err) != 0)
		return -1;
	if (info == NULL || info->size < sizeof(*info)) {
		set_error(err, S3_ERR_INVALID_ARGUMENT,
			  "info must not be NULL and info->size must be "
			  "sizeof(struct s3_tarantool_object_info)");
		return -1;
	}
	struct s3_request_spec spec = {
		.method = "HEAD", .bucket = bucket, .key = key, .timeout_ms = timeout_ms(opts),
	};
	return run(client, &spec, NULL, info, err);
}

static int
api_delete_object(struct s3_tarantool_client *client, const char *bucket, const char *key,
		  const struct s3_tarantool_transfer_opts *opts, struct s3_tarantool_error *err)
{
	if (check_call(client, bucket, key, 0, opts, true, err) != 0)
		return -1;
	struct s3_request_spec spec = {
		.method = "DELETE", .bucket = bucket, .key = key, .timeout_ms = timeout_ms(opts),
	};
	return run(client, &spec, NULL, NULL, err);
}

static int
api_presign(struct s3_tarantool_client *client, const char *method, const char *bucket,
	    const char *key, long expires, char *url, size_t url_size, size_t *url_len,
	    struct s3_tarantool_error *err)
{
	if (check_call(client, bucket, key, 0, NULL, false, err) != 0)
		return -1;
	if (url == NULL || url_size == 0) {
		set_error(err, S3_ERR_INVALID_ARGUMENT, "url must be a buffer of url_size > 0 bytes");
		return -1;
	}
	struct s3_request_spec spec = {.method = method, .bucket = bucket, .key = key};
	struct s3_buf out = S3_BUF_INIT;
	struct s3_error core_err;
	if (s3_presign(client->core, &spec, expires, 0, &out, &core_err) != 0) {
		copy_error(err, &core_err);
		return -1;
	}
	if (url_len != NULL)
		*url_len = out.len;
	int rc = 0;
	if (out.len + 1 > url_size) {
		char message[128];
		snprintf(message, sizeof(message),
			 "url needs %zu bytes with its NUL, url_size is %zu", out.len + 1, url_size);
		set_error(err, S3_ERR_INVALID_ARGUMENT, message);
		url[0] = '\0';
		rc = -1;
	} else {
		memcpy(url, s3_buf_cstr(&out), out.len + 1);
		memset(err, 0, sizeof(*err));
	}
	s3_buf_free(&out);
	return rc;
}

static int
api_list_objects(struct s3_tarantool_client *client, const char *bucket, const char *prefix,
		 int (*on_object)(void *arg, const struct s3_tarantool_object_entry *object), void *arg,
		 struct s3_tarantool_error *err)
{
	if (err == NULL || !on_tx_thread(err))
		return -1;
	const char *problem = NULL;
	if (client == NULL)
		problem = "client must not be NULL";
	else if (bucket == NULL || bucket[0] == '\0')
		problem = "bucket must be a non-empty string";
	else if (on_object == NULL)
		problem = "on_object must not be NULL";
	else if (box_txn())
		problem = S3_NO_YIELD_MESSAGE;
	if (problem != NULL) {
		set_error(err, S3_ERR_INVALID_ARGUMENT, problem);
		return -1;
	}
	s3_shared_client_ref(client);
	s3_shared_client_reap();
	int rc = s3_capi_engine_list(client, bucket, prefix, on_object, arg, err);
	s3_shared_client_unref(client);
	s3_shared_client_reap();
	return rc;
}

static const struct s3_tarantool_api api = {
	.version = S3_TARANTOOL_API_VERSION,
	.size = sizeof(struct s3_tarantool_api),
	.default_client = api_default_client,
	.client_from_lua = api_client_from_lua,
	.client_unref = api_client_unref,
	.get_to_fd = api_get_to_fd,
	.put_from_fd = api_put_from_fd,
	.head_object = api_head_object,
	.delete_object = api_delete_object,
	.presign = api_presign,
	.list_objects = api_list_objects,
};

const struct s3_tarantool_api *
s3_capi_get(void)
{
	return &api;
}

void
s3_capi_set_default_client(struct s3_tarantool_client *client)
{
	if (client != NULL)
		s3_shared_client_ref(client);
	s3_shared_client_unref(default_client);
	default_client = client;
}
