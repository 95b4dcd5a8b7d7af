#include "client.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "curl/curl_multi_driver.h"
#include "request_internal.h"

int
s3_library_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

const char *
s3_library_transport_version(void)
{
	return curl_version();
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* Splits "scheme://host[:port][/]" into its parts. Paths below the endpoint are not supported:
 * S3-compatible stores serve buckets at the root. */
static int
parse_endpoint(struct s3_client *c, const char *endpoint, struct s3_error *err)
{
	const char *sep = strstr(endpoint, "://");
	if (sep == NULL) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "endpoint must look like http(s)://host[:port]: %s", endpoint);
		return -1;
	}
	size_t scheme_len = (size_t)(sep - endpoint);
	if (!((scheme_len == 4 && strncmp(endpoint, "http", 4) == 0) ||
	      (scheme_len == 5 && strncmp(endpoint, "https", 5) == 0))) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "endpoint scheme must be http or https: %s", endpoint);
		return -1;
	}
	const char *authority = sep + 3;
	size_t authority_len = strcspn(authority, "/?#");
	const char *rest = authority + authority_len;
	if (authority_len == 0 || (rest[0] != '\0' && strcmp(rest, "/") != 0) ||
	    memchr(authority, '@', authority_len) != NULL) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "endpoint must be http(s)://host[:port] without path or user: %s", endpoint);
		return -1;
	}
	if (scheme_len == 5) {
		/* Tarantool 2.10+ exports its own libcurl, which the module may bind to instead of the
		 * system one: say so plainly when that one cannot speak TLS. */
		const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
		if (info == NULL || (info->features & CURL_VERSION_SSL) == 0) {
			s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
				     "https endpoint, but libcurl %s has no TLS support",
				     info != NULL ? info->version : "?");
			return -1;
		}
	}
	c->scheme = strndup(endpoint, scheme_len);
	c->authority = strndup(authority, authority_len);
	/* The host without the port: "[::1]:8000" -> "[::1]", "a.b:9000" -> "a.b". */
	const char *host_end = authority + authority_len;
	const char *colon = NULL;
	for (const char *p = authority; p < host_end; p++) {
		if (*p == ']')
			colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	if (colon != NULL)
		host_end = colon;
	c->host = strndup(authority, (size_t)(host_end - authority));
	if (c->scheme == NULL || c->authority == NULL || c->host == NULL) {
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory");
		return -1;
	}
	return 0;
}

static void
free_fields(struct s3_client *c)
{
	free(c->scheme);
	free(c->host);
	free(c->authority);
	free(c->region);
	free(c->access_key_id);
	free(c->secret_access_key);
	free(c->session_token);
	free(c->ca_file);
	free(c->proxy);
}

struct s3_client *
s3_client_new(const struct s3_client_config *config, struct s3_reactor reactor, struct s3_error *err)
{
	s3_error_clear(err);
	struct s3_client *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		reactor.ops->destroy(reactor.ud);
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory");
		return NULL;
	}
	c->reactor = reactor;
	if (config->endpoint == NULL || config->region == NULL ||
	    (!config->anonymous &&
	     (config->access_key_id == NULL || config->secret_access_key == NULL))) {
		s3_error_set(err, S3_ERR_INVALID_ARGUMENT, 0,
			     "endpoint, region, access_key_id and secret_access_key are required");
		goto fail;
	}
	if (parse_endpoint(c, config->endpoint, err) != 0)
		goto fail;
	/* An anonymous client signs nothing: it keeps no credentials that could leak into a request. */
	c->anonymous = config->anonymous;
	c->region = strdup(config->region);
	c->access_key_id = strdup(c->anonymous ? "" : config->access_key_id);
	c->secret_access_key = strdup(c->anonymous ? "" : config->secret_access_key);
	c->session_token = c->anonymous ? NULL : dup_or_null(config->session_token);
	c->ca_file = dup_or_null(config->ca_file);
	c->proxy = dup_or_null(config->proxy);
	if (c->region == NULL || c->access_key_id == NULL || c->secret_access_key == NULL ||
	    (!c->anonymous && config->session_token != NULL && c->session_token == NULL) ||
	    (config->ca_file != NULL && c->ca_file == NULL) ||
	    (config->proxy != NULL && c->proxy == NULL)) {
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "out of memory");
		goto fail;
	}
	c->addressing = config->addressing;
	c->verify_peer = config->verify_peer;
	c->connect_timeout_ms = config->connect_timeout_ms;
	c->timeout_ms = config->timeout_ms;
	c->idle_timeout_s = config->idle_timeout_s;
	c->driver = s3_multi_driver_new(c->reactor, config->max_connections, s3_request_transfer_done);
	if (c->driver == NULL) {
		s3_error_set(err, S3_ERR_NO_MEMORY, 0, "cannot create the libcurl multi handle");
		goto fail;
	}
	return c;
fail:
	free_fields(c);
	c->reactor.ops->destroy(c->reactor.ud);
	free(c);
	return NULL;
}

/* A DNS label sequence S3 accepts in a host name: 3-63 of a-z 0-9 . -, labels starting and ending
 * with a letter or a digit. */
static bool
bucket_is_host_label(const char *bucket)
{
	size_t len = strlen(bucket);
	if (len < 3 || len > 63)
		return false;
	char prev = '.';
	for (const char *p = bucket; *p != '\0'; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
		if (!alnum && *p != '-' && *p != '.')
			return false;
		if ((*p == '.' || *p == '-') && prev == '.')
			return false;
		if (*p == '.' && prev == '-')
			return false;
		prev = *p;
	}
	return prev != '.' && prev != '-';
}

bool
s3_client_bucket_in_host(const struct s3_client *client, const char *bucket)
{
	if (bucket == NULL)
		return false;
	switch (client->addressing) {
	case S3_ADDRESSING_VIRTUAL:
		return true;
	case S3_ADDRESSING_AUTO:
		return bucket_is_host_label(bucket) &&
		       !(strcmp(client->scheme, "https") == 0 && strchr(bucket, '.') != NULL);
	case S3_ADDRESSING_PATH:
	default:
		return false;
	}
}

void
s3_client_delete(struct s3_client *client)
{
	if (client == NULL)
		return;
	s3_multi_driver_delete(client->driver);
	client->reactor.ops->destroy(client->reactor.ud);
	free_fields(client);
	free(client);
}
