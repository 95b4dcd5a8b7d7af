#include "xml_result.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml_schema.h"

static void
fail(struct s3_xml_sink *sink, const char *fmt, const char *detail)
{
	if (sink->failed)
		return;
	sink->failed = true;
	sink->outcome = S3_XML_MALFORMED;
	snprintf(sink->message, sizeof(sink->message), fmt, detail);
	/* No more callbacks: the rest of the body is swallowed (see write_chunk). */
	XML_StopParser(sink->parser, XML_FALSE);
}

static int
find_field(const struct s3_xml_field *fields, const char *name)
{
	for (int i = 0; fields != NULL && fields[i].element != NULL; i++) {
		if (strcmp(fields[i].element, name) == 0)
			return i;
	}
	return -1;
}

static int
find_record(const struct s3_xml_record *records, const char *name)
{
	for (int i = 0; records != NULL && records[i].element != NULL; i++) {
		if (strcmp(records[i].element, name) == 0)
			return i;
	}
	return -1;
}

static int
push_item(struct s3_xml_sink *sink, enum s3_xml_item_kind kind, uint16_t index, uint32_t offset,
	  uint32_t len)
{
	if (sink->n_items == sink->cap_items) {
		size_t cap = sink->cap_items != 0 ? sink->cap_items * 2 : 256;
		struct s3_xml_item *items = realloc(sink->items, cap * sizeof(*items));
		if (items == NULL)
			return -1;
		sink->items = items;
		sink->cap_items = cap;
	}
	sink->items[sink->n_items++] = (struct s3_xml_item){
		.kind = (uint8_t)kind, .index = index, .offset = offset, .len = len};
	return 0;
}

static void
begin_capture(struct s3_xml_sink *sink, enum s3_xml_item_kind kind, int index)
{
	sink->capture_depth = sink->depth;
	sink->capture_kind = kind;
	sink->capture_index = (uint16_t)index;
	sink->capture_offset = (uint32_t)sink->text.len;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	(void)attrs;
	struct s3_xml_sink *sink = ud;
	sink->depth++;
	if (sink->capture_depth != 0) {
		/* A kept field turned out to have children: its text is not a value, drop it. */
		sink->text.len = sink->capture_offset;
		sink->capture_depth = 0;
	}
	if (sink->depth == 1) {
		sink->root_seen = true;
		if (strcmp(name, "Error") == 0) {
			sink->schema = &s3_xml_error_schema;
			sink->outcome = S3_XML_ERROR_DOC;
		} else if (strcmp(name, sink->schema->root) != 0) {
			char detail[160];
			snprintf(detail, sizeof(detail), "<%.60s> where <%.60s> was expected", name,
				 sink->schema->root);
			fail(sink, "unexpected XML document: %s", detail);
		}
		return;
	}
	if (sink->record_depth != 0) {
		if (sink->depth != sink->record_depth + 1)
			return;
		const struct s3_xml_record *record = &sink->schema->records[sink->record_index];
		int field = find_field(record->fields, name);
		if (field >= 0)
			begin_capture(sink, S3_XML_ITEM_FIELD, field);
		return;
	}
	int record = find_record(sink->schema->records, name);
	if (record >= 0) {
		sink->record_depth = sink->depth;
		sink->record_index = (uint16_t)record;
		if (push_item(sink, S3_XML_ITEM_RECORD_BEGIN, (uint16_t)record, 0, 0) != 0)
			fail(sink, "%s", "out of memory");
		return;
	}
	if (sink->depth == 2) {
		int scalar = find_field(sink->schema->scalars, name);
		if (scalar >= 0)
			begin_capture(sink, S3_XML_ITEM_SCALAR, scalar);
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	(void)name;
	struct s3_xml_sink *sink = ud;
	if (sink->capture_depth == sink->depth) {
		uint32_t len = (uint32_t)(sink->text.len - sink->capture_offset);
		sink->capture_depth = 0;
		/* The NUL makes each text a C string (for strtoull, lua_pushstring). */
		if (s3_buf_append_char(&sink->text, '\0') != 0 ||
		    push_item(sink, sink->capture_kind, sink->capture_index, sink->capture_offset,
			      len) != 0)
			fail(sink, "%s", "out of memory");
	} else if (sink->record_depth == sink->depth) {
		sink->record_depth = 0;
	}
	sink->depth--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *text, int len)
{
	struct s3_xml_sink *sink = ud;
	if (sink->capture_depth != sink->depth || len <= 0)
		return;
	if (sink->text.len - sink->capture_offset + (size_t)len > S3_XML_FIELD_MAX) {
		fail(sink, "%s", "an element's text is over 64 KiB");
		return;
	}
	if (sink->text.len + (size_t)len > S3_XML_TEXT_MAX) {
		fail(sink, "%s", "the document holds over 64 MiB of text");
		return;
	}
	if (s3_buf_append(&sink->text, text, (size_t)len) != 0)
		fail(sink, "%s", "out of memory");
}

static void
report_parse_error(struct s3_xml_sink *sink)
{
	XML_Parser parser = sink->parser;
	char detail[160];
	snprintf(detail, sizeof(detail), "%s at line %lu, column %lu",
		 XML_ErrorString(XML_GetErrorCode(parser)),
		 (unsigned long)XML_GetCurrentLineNumber(parser),
		 (unsigned long)XML_GetCurrentColumnNumber(parser));
	fail(sink, "malformed XML in the response: %s", detail);
}

/* Runs inside libcurl's write callback: parses this chunk only. A document that went wrong is
 * not a failed write: the transfer goes on to its end (the connection stays reusable), and the
 * outcome tells what happened. */
static int
write_chunk(struct s3_sink *base, const char *data, size_t len)
{
	struct s3_xml_sink *sink = (struct s3_xml_sink *)base;
	while (len > 0 && !sink->failed && sink->parser != NULL) {
		/* XML_Parse takes an int length. */
		int n = len > (1u << 30) ? (1 << 30) : (int)len;
		if (XML_Parse(sink->parser, data, n, XML_FALSE) != XML_STATUS_OK && !sink->failed)
			report_parse_error(sink);
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int
s3_xml_sink_init(struct s3_xml_sink *sink, const struct s3_xml_schema *schema)
{
	memset(sink, 0, sizeof(*sink));
	sink->base.write = write_chunk;
	sink->schema = schema;
	sink->outcome = S3_XML_OK;
	XML_Parser parser = XML_ParserCreate("UTF-8");
	if (parser == NULL) {
		errno = ENOMEM;
		return -1;
	}
	XML_SetUserData(parser, sink);
	XML_SetElementHandler(parser, on_start, on_end);
	XML_SetCharacterDataHandler(parser, on_text);
	sink->parser = parser;
	return 0;
}

enum s3_xml_outcome
s3_xml_sink_finish(struct s3_xml_sink *sink)
{
	if (sink->parser == NULL)
		return sink->outcome;
	if (!sink->failed && XML_Parse(sink->parser, NULL, 0, XML_TRUE) != XML_STATUS_OK &&
	    !sink->failed) {
		/* "no element found" for an empty body reads badly: say it plainly. */
		if (!sink->root_seen)
			fail(sink, "%s", "the response has no XML document (empty body)");
		else
			report_parse_error(sink);
	}
	XML_ParserFree(sink->parser);
	sink->parser = NULL;
	return sink->outcome;
}

const char *
s3_xml_sink_scalar(const struct s3_xml_sink *sink, const char *element)
{
	for (size_t i = 0; i < sink->n_items; i++) {
		const struct s3_xml_item *item = &sink->items[i];
		if (item->kind == S3_XML_ITEM_SCALAR &&
		    strcmp(sink->schema->scalars[item->index].element, element) == 0)
			return s3_xml_item_text(sink, item);
	}
	return NULL;
}

void
s3_xml_sink_error(const struct s3_xml_sink *sink, long status, struct s3_error *err)
{
	const char *code = s3_xml_sink_scalar(sink, "Code");
	const char *message = s3_xml_sink_scalar(sink, "Message");
	const char *request_id = s3_xml_sink_scalar(sink, "RequestId");
	s3_error_set(err, code != NULL && code[0] != '\0' ? code : S3_ERR_INTERNAL, status, "%s",
		     message != NULL ? message : "");
	if (request_id != NULL)
		snprintf(err->request_id, sizeof(err->request_id), "%s", request_id);
}

void
s3_xml_sink_free(struct s3_xml_sink *sink)
{
	if (sink->parser != NULL)
		XML_ParserFree(sink->parser);
	sink->parser = NULL;
	s3_buf_free(&sink->text);
	free(sink->items);
	sink->items = NULL;
	sink->n_items = sink->cap_items = 0;
}
