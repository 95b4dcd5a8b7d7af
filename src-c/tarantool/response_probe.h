/* native.response_probe(): what the headers of a request's final response said, as soon as they
 * came (before the body): the status, the object's size from Content-Range (or Content-Length)
 * and its ETag. A ranged download starts its other ranges on it while the first one still
 * streams, instead of waiting for the first range's body. */
#ifndef S3_TARANTOOL_RESPONSE_PROBE_H
#define S3_TARANTOOL_RESPONSE_PROBE_H

struct lua_State;
struct s3_request;

/* Sets response_probe in the table on top of L's stack. */
void s3_response_probe_register(struct lua_State *L);
/* The probe at idx, NULL when idx holds none. */
struct s3_response_probe *s3_response_probe_test(struct lua_State *L, int idx);
/* The request spec's on_response_headers, with the probe as its argument. */
void s3_response_probe_on_headers(struct s3_request *req, void *probe);

#endif
