/* The functions of s3.native beside its clients: progress counters that requests add to, MD5 of
 * files and strings in a coio worker, whether the caller may yield, and the reaping of clients. */
#ifndef S3_TARANTOOL_NATIVE_FUNCTIONS_H
#define S3_TARANTOOL_NATIVE_FUNCTIONS_H

#include <stdint.h>

struct lua_State;

/* Sets counter, md5_fd, md5_string, can_yield and reap in the table on top of L's stack. */
void s3_native_functions_register(struct lua_State *L);
/* The bytes of the counter at idx (native.counter()), NULL when idx holds none. */
uint64_t *s3_native_counter_test(struct lua_State *L, int idx);

#endif
