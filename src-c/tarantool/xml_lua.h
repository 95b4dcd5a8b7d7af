/* Turns a parsed S3 XML response (core/xml_result.h) into a Lua table, after the transfer. */
#ifndef S3_TARANTOOL_XML_LUA_H
#define S3_TARANTOOL_XML_LUA_H

#include <tarantool/lua.h>

#include "core/xml_result.h"

/* Pushes one table: each scalar under its name, each record list (always present, maybe
 * empty), booleans false when absent. Returns 0, or -1 with nothing pushed when memory for
 * decoding runs out. */
int s3_xml_push_result(lua_State *L, const struct s3_xml_sink *sink);

#endif
