/* The Lua object of a native client. */
#ifndef S3_TARANTOOL_LUA_CLIENT_H
#define S3_TARANTOOL_LUA_CLIENT_H

struct lua_State;
struct s3_tarantool_client;

/* The client of the native userdata at idx, or of an s3.new object (a table whose _native field
 * holds one); NULL when idx holds neither. Borrowed: take a reference to keep it. */
struct s3_tarantool_client *s3_lua_client_test(struct lua_State *L, int idx);

/* Pushes a new native client object of L for client (taking a reference), as client_new does:
 * how the C API hands a client to the Lua transfer engine. */
void s3_lua_client_push(struct lua_State *L, struct s3_tarantool_client *client);

#endif
