/* A response body sink that parses S3's XML as it arrives (expat, chunk by chunk from the libcurl
 * write callback) into a compact result: the text of the elements a schema names, in document
 * order, in one arena. No whole-body buffer is kept, and each chunk costs only its own parse, so
 * a page of 1000 keys never stalls the loop. The result is turned into a Lua table (or read from
 * C) after the transfer, in one go. Knows no Lua. */
#ifndef S3_CORE_XML_RESULT_H
#define S3_CORE_XML_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "io.h"

/* How a captured text is meant to be read. */
enum s3_xml_type {
	S3_XML_STRING,
	/* A key or prefix: %-decoded when the response says <EncodingType>url</EncodingType>. */
	S3_XML_URL,
	S3_XML_INTEGER,
	S3_XML_BOOLEAN,
};

struct s3_xml_field {
	const char *element; /* NULL ends a list of fields */
	const char *name;    /* the name the result gives it (Lua field) */
	enum s3_xml_type type;
};

/* A repeated element whose leaf children are fields (<Contents><Key/>...</Contents>), found at any
 * depth outside another record (so <Buckets><Bucket/></Buckets> works). */
struct s3_xml_record {
	const char *element; /* NULL ends the list of records */
	const char *list;    /* the name of the list of records in the result */
	/* true: the list holds the value of the first field alone (<CommonPrefixes><Prefix/> ->
	 * a list of prefix strings), not a table per record. */
	bool bare;
	const struct s3_xml_field *fields;
};

/* What one kind of response looks like: its root element, the leaf children of the root kept as
 * scalars, and its records. */
struct s3_xml_schema {
	const char *name; /* what the Lua layer asks for: "list_objects", ... */
	const char *root;
	const struct s3_xml_field *scalars;
	const struct s3_xml_record *records;
};

/* The schema of that name, or NULL. */
const struct s3_xml_schema *s3_xml_schema_find(const char *name);

enum s3_xml_item_kind {
	S3_XML_ITEM_SCALAR,       /* index: into schema->scalars */
	S3_XML_ITEM_RECORD_BEGIN, /* index: into schema->records; its fields follow */
	S3_XML_ITEM_FIELD,        /* index: into the fields of the record begun last */
};

struct s3_xml_item {
	uint8_t kind;
	uint16_t index;
	uint32_t offset; /* of the NUL-terminated text in the arena */
	uint32_t len;
};

/* The whole text kept is bounded: a page of 1000 keys of 1024 bytes, %-encoded, is about 3 MiB. */
#define S3_XML_TEXT_MAX (64u * 1024 * 1024)
/* One field's text; longer values are not S3's (keys are at most 1024 bytes, 3x that encoded). */
#define S3_XML_FIELD_MAX (64u * 1024)

enum s3_xml_outcome {
	S3_XML_OK,        /* a complete document with the schema's root */
	S3_XML_ERROR_DOC, /* an <Error> document (S3 sends those inside a 200 too) */
	S3_XML_MALFORMED, /* not XML, truncated, another root, or over the limits: see message */
};

struct s3_xml_sink {
	struct s3_sink base;
	const struct s3_xml_schema *schema; /* switched to the <Error> schema on an <Error> root */
	void *parser;                       /* XML_Parser; NULL once finished */
	struct s3_buf text;                 /* the arena: every captured text, NUL-terminated */
	struct s3_xml_item *items;
	size_t n_items;
	size_t cap_items;
	/* Parse state. */
	int depth;
	int record_depth;       /* depth of the open record, 0 outside one */
	uint16_t record_index;  /* which of schema->records it is */
	int capture_depth;      /* depth of the element whose text is captured, 0 when none */
	enum s3_xml_item_kind capture_kind;
	uint16_t capture_index;
	uint32_t capture_offset;
	bool root_seen;
	bool failed;            /* stop parsing; the rest of the body is swallowed */
	enum s3_xml_outcome outcome;
	char message[200];
};

/* Returns 0, or -1 when memory runs out. Free with s3_xml_sink_free in any case. */
int s3_xml_sink_init(struct s3_xml_sink *sink, const struct s3_xml_schema *schema);

/* Ends the document after the last byte arrived and tells what it was (message says why when
 * MALFORMED). Called once; later calls return the same outcome. */
enum s3_xml_outcome s3_xml_sink_finish(struct s3_xml_sink *sink);

/* For S3_XML_ERROR_DOC: the error it holds (code, message, request id), with status. */
void s3_xml_sink_error(const struct s3_xml_sink *sink, long status, struct s3_error *err);

/* The text of the first scalar of that element, or NULL. */
const char *s3_xml_sink_scalar(const struct s3_xml_sink *sink, const char *element);

static inline const char *
s3_xml_item_text(const struct s3_xml_sink *sink, const struct s3_xml_item *item)
{
	return sink->text.data + item->offset;
}

void s3_xml_sink_free(struct s3_xml_sink *sink);

#endif
