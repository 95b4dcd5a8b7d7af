/* An S3 client: endpoint, credentials, connection limits and the libcurl multi handle every request
 * of the client shares (so connections are reused). Runs on whatever reactor it is given. */
#ifndef S3_CORE_CLIENT_H
#define S3_CORE_CLIENT_H

#include <stdbool.h>
#include <time.h>

#include "error.h"
#include "signer_v4.h"
#include "s3/reactor.h"

/* Where the bucket goes. AUTO is what AWS wants: virtual-hosted, but path-style for a bucket that
 * cannot be a host name (legacy names) or, over https, has dots (a wildcard certificate such as
 * *.s3.amazonaws.com covers one label only). */
enum s3_addressing {
	S3_ADDRESSING_PATH,            /* host/bucket/key */
	S3_ADDRESSING_VIRTUAL,         /* bucket.host/key, always */
	S3_ADDRESSING_AUTO,            /* bucket.host/key when the bucket fits there, else path */
};

struct s3_client_config {
	const char *endpoint;          /* "http://127.0.0.1:8000", "https://s3.eu-west-1.amazonaws.com" */
	const char *region;
	const char *access_key_id;     /* required unless anonymous */
	const char *secret_access_key;
	const char *session_token;     /* NULL when none */
	bool anonymous;                /* unsigned requests (public buckets); no credentials kept */
	enum s3_addressing addressing;
	long connect_timeout_ms;       /* 0: libcurl's default */
	long timeout_ms;               /* whole request; 0: none */
	long max_connections;          /* connections kept for reuse; 0: libcurl's default. The
					* Tarantool layer admits at most this many requests at once. */
	double idle_timeout_s;         /* fail a transfer when no byte moved for this long; 0: never.
					* Enforced by whoever waits for requests (fiber_wait.c). */
	bool verify_peer;
	const char *ca_file;           /* NULL: system store */
	const char *proxy;             /* NULL: none (the environment's proxy variables are ignored) */
};

struct s3_multi_driver;

/* The parts of the client a request needs; read-only after s3_client_new. */
struct s3_client {
	char *scheme;                  /* "http" or "https" */
	char *host;                    /* "127.0.0.1", "s3.eu-west-1.amazonaws.com" */
	char *authority;               /* host[:port] as sent in Host */
	char *region;
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	char *ca_file;
	char *proxy;
	bool anonymous;
	enum s3_addressing addressing;
	bool verify_peer;
	long connect_timeout_ms;
	long timeout_ms;
	double idle_timeout_s;
	time_t clock_offset;           /* server time minus ours, learnt from RequestTimeTooSkewed */
	struct s3_sigv4_key_cache key_cache;
	struct s3_reactor reactor;
	struct s3_multi_driver *driver;
	unsigned active_requests;
};

/* Once per process before the first client (libcurl's global init). Returns 0, -1 on failure. */
int s3_library_init(void);
/* The libcurl version line, for diagnostics. */
const char *s3_library_transport_version(void);

/* Takes ownership of reactor (destroyed with the client, also on failure). Returns NULL and fills
 * err on a bad configuration or when memory runs out. */
struct s3_client *s3_client_new(const struct s3_client_config *config, struct s3_reactor reactor,
				struct s3_error *err);

/* True when a request for bucket puts it in the host name (see enum s3_addressing). */
bool s3_client_bucket_in_host(const struct s3_client *client, const char *bucket);

/* The client must have no request in flight. */
void s3_client_delete(struct s3_client *client);

#endif
