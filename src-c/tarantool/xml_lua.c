#include "xml_lua.h"

#include <stdlib.h>
#include <string.h>

#include "core/uri_encode.h"

/* At most this many record lists per schema (S3's responses have two). */
#define MAX_LISTS 8

static void
push_value(lua_State *L, const struct s3_xml_sink *sink, const struct s3_xml_item *item,
	   enum s3_xml_type type, bool url_decode, struct s3_buf *scratch)
{
	const char *text = s3_xml_item_text(sink, item);
	switch (type) {
	case S3_XML_INTEGER:
		lua_pushnumber(L, (lua_Number)strtoull(text, NULL, 10));
		break;
	case S3_XML_BOOLEAN:
		lua_pushboolean(L, strcmp(text, "true") == 0);
		break;
	case S3_XML_URL:
		if (url_decode) {
			s3_buf_reset(scratch);
			/* Checked by the caller's reservation: decoding never grows the text. */
			(void)s3_uri_decode(scratch, text, item->len, true);
			lua_pushlstring(L, s3_buf_cstr(scratch), scratch->len);
			break;
		}
		/* fallthrough */
	case S3_XML_STRING:
		lua_pushlstring(L, text, item->len);
		break;
	}
}

int
s3_xml_push_result(lua_State *L, const struct s3_xml_sink *sink)
{
	const struct s3_xml_schema *schema = sink->schema;
	const char *encoding = s3_xml_sink_scalar(sink, "EncodingType");
	bool url_decode = encoding != NULL && strcmp(encoding, "url") == 0;
	/* One scratch buffer as long as the longest text: decoding never fails halfway. */
	struct s3_buf scratch = S3_BUF_INIT;
	size_t longest = 0;
	for (size_t i = 0; i < sink->n_items; i++)
		longest = sink->items[i].len > longest ? sink->items[i].len : longest;
	if (s3_buf_reserve(&scratch, longest) != 0)
		return -1;

	lua_createtable(L, 0, 6);
	int result = lua_gettop(L);
	for (size_t i = 0; schema->scalars != NULL && schema->scalars[i].element != NULL; i++) {
		if (schema->scalars[i].type == S3_XML_BOOLEAN) {
			lua_pushboolean(L, 0);
			lua_setfield(L, result, schema->scalars[i].name);
		}
	}
	/* The lists sit on the stack above the result, at result + 1 + record index. */
	int n_lists = 0;
	for (; schema->records != NULL && schema->records[n_lists].element != NULL &&
	       n_lists < MAX_LISTS;
	     n_lists++) {
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, result, schema->records[n_lists].list);
	}
	int lengths[MAX_LISTS] = {0};
	const struct s3_xml_record *record = NULL;
	int list = 0;
	/* The table of the open record sits on top of the lists, at record_slot, when not bare. */
	int record_slot = result + n_lists + 1;
	bool record_open = false;
	for (size_t i = 0; i < sink->n_items; i++) {
		const struct s3_xml_item *item = &sink->items[i];
		switch (item->kind) {
		case S3_XML_ITEM_SCALAR:
			push_value(L, sink, item, schema->scalars[item->index].type, url_decode,
				   &scratch);
			lua_setfield(L, result, schema->scalars[item->index].name);
			break;
		case S3_XML_ITEM_RECORD_BEGIN:
			if (record_open)
				lua_pop(L, 1);
			record_open = false;
			if (item->index >= MAX_LISTS) {
				record = NULL;
				break;
			}
			record = &schema->records[item->index];
			list = result + 1 + item->index;
			if (!record->bare) {
				lua_createtable(L, 0, 5);
				lua_pushvalue(L, -1);
				lua_rawseti(L, list, ++lengths[item->index]);
				record_open = true;
			}
			break;
		case S3_XML_ITEM_FIELD:
			if (record == NULL)
				break;
			push_value(L, sink, item, record->fields[item->index].type, url_decode,
				   &scratch);
			if (record->bare) {
				/* The first field only: one value per record. */
				if (item->index == 0)
					lua_rawseti(L, list, ++lengths[list - result - 1]);
				else
					lua_pop(L, 1);
			} else {
				lua_setfield(L, record_slot, record->fields[item->index].name);
			}
			break;
		}
	}
	lua_settop(L, result);
	s3_buf_free(&scratch);
	return 0;
}
