/* The arguments of s3.native's calls: fields of a Lua table checked and read into C values, and
 * a core error pushed back as the {code, status, message, request_id, errno} table of Lua. */
#ifndef S3_TARANTOOL_LUA_ARGS_H
#define S3_TARANTOOL_LUA_ARGS_H

#include <stdbool.h>
#include <stddef.h>

struct lua_State;
struct s3_error;
struct s3_kv;

/* table[field] or fallback when it is nil; a value of another type (or a string holding a NUL)
 * raises, naming the field. A string stays owned by the table: valid while it is on the stack. */
const char *s3_lua_opt_string(struct lua_State *L, int table, const char *field, const char *fallback);
double s3_lua_opt_number(struct lua_State *L, int table, const char *field, double fallback);
bool s3_lua_opt_boolean(struct lua_State *L, int table, const char *field, bool fallback);

/* table[field], a table of name -> string, as an array in a userdata left on the stack (so a
 * raise leaks nothing); NULL and *count = 0 when the field is nil. */
struct s3_kv *s3_lua_read_pairs(struct lua_State *L, int table, const char *field, size_t *count);

/* Seconds as the core's milliseconds: 0 stays 0 (none); anything above 0 is at least 1 ms,
 * never the 0 that means "no limit". */
long s3_lua_seconds_to_ms(double seconds);

void s3_lua_push_error(struct lua_State *L, const struct s3_error *err);

#endif
