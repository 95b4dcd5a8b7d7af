/* client:request(req) of s3.native: one S3 request described by a Lua table, run on the calling
 * fiber (only it is parked until the loop finishes the transfer), its answer pushed back. */
#ifndef S3_TARANTOOL_LUA_REQUEST_H
#define S3_TARANTOOL_LUA_REQUEST_H

struct lua_State;
struct s3_tarantool_client;

/* Runs the request of the table at index req for client (borrowed: the caller's Lua object
 * holds it for the call). Pushes resp (1) or nil, err (2) and returns how many; raises for an
 * argument that is wrong. The fields are those of NativeRequest in src-ts/s3/native.d.ts. */
int s3_lua_request(struct lua_State *L, int req, struct s3_tarantool_client *client);

#endif
