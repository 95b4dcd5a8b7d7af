/* Unit tests of the streaming XML result parser (core/xml_result.c) with S3's response shapes:
 * URL-encoded keys, empty results, truncation, <Error> documents inside a 200, malformed XML,
 * and bodies fed in chunks of every size down to one byte (as libcurl may deliver them). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "uri_encode.h"
#include "xml_result.h"
#include "xml_schema.h"

/* The items as one line: "S:name=value" for scalars, "[list" for a record, "name=value" for its
 * fields, so one comparison checks order, nesting and text. */
static void
render(const struct s3_xml_sink *sink, struct s3_buf *out)
{
	s3_buf_reset(out);
	const struct s3_xml_record *record = NULL;
	for (size_t i = 0; i < sink->n_items; i++) {
		const struct s3_xml_item *item = &sink->items[i];
		const char *text = s3_xml_item_text(sink, item);
		if (i > 0)
			s3_buf_append_char(out, ' ');
		switch (item->kind) {
		case S3_XML_ITEM_SCALAR:
			s3_buf_appendf(out, "S:%s=%s", sink->schema->scalars[item->index].name, text);
			break;
		case S3_XML_ITEM_RECORD_BEGIN:
			record = &sink->schema->records[item->index];
			s3_buf_appendf(out, "[%s", record->list);
			break;
		case S3_XML_ITEM_FIELD:
			s3_buf_appendf(out, "%s=%s", record->fields[item->index].name, text);
			break;
		}
	}
}

/* Parses body in chunks of chunk bytes (0: all at once) with the named schema. */
static enum s3_xml_outcome
parse(const char *schema, const char *body, size_t chunk, struct s3_buf *out,
      struct s3_xml_sink *sink)
{
	CHECK(s3_xml_sink_init(sink, s3_xml_schema_find(schema)) == 0);
	size_t len = strlen(body);
	if (chunk == 0)
		chunk = len > 0 ? len : 1;
	for (size_t at = 0; at < len; at += chunk) {
		size_t n = len - at < chunk ? len - at : chunk;
		CHECK(sink->base.write(&sink->base, body + at, n) == 0);
	}
	enum s3_xml_outcome outcome = s3_xml_sink_finish(sink);
	render(sink, out);
	return outcome;
}

static const char list_page[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	"<Name>b</Name><Prefix>dir%2F</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>"
	"<Delimiter>%2F</Delimiter><IsTruncated>true</IsTruncated>"
	"<Contents><Key>dir%2Fmy+file%2B%26%3D%3F%23%25</Key><LastModified>2026-11-01T10:00:00.000Z"
	"</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>123</Size>"
	"<Owner><ID>o</ID><DisplayName>owner</DisplayName></Owner>"
	"<StorageClass>STANDARD</StorageClass></Contents>"
	"<Contents><Key>dir%2F%D0%BA%D0%BB%D1%8E%D1%87</Key><Size>0</Size>"
	"<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag></Contents>"
	"<CommonPrefixes><Prefix>dir%2Fsub%2F</Prefix></CommonPrefixes>"
	"<EncodingType>url</EncodingType>"
	"<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
	"</ListBucketResult>";

static const char list_page_items[] =
	"S:key_count=3 S:is_truncated=true "
	"[objects key=dir%2Fmy+file%2B%26%3D%3F%23%25 last_modified=2026-11-01T10:00:00.000Z "
	"etag=\"9b2cf535f27731c974343645a3985328\" size=123 storage_class=STANDARD "
	"[objects key=dir%2F%D0%BA%D0%BB%D1%8E%D1%87 size=0 etag=\"d41d8cd98f00b204e9800998ecf8427e\" "
	"[prefixes prefix=dir%2Fsub%2F S:encoding_type=url "
	"S:next_continuation_token=1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=";

static void
test_list_page_in_any_chunks(struct s3_buf *out)
{
	/* Element and entity boundaries fall anywhere: the result must not depend on them. */
	size_t chunks[] = {0, 1, 2, 3, 7, 64, 1000};
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct s3_xml_sink sink;
		CHECK_INT_EQ(parse("list_objects", list_page, chunks[i], out, &sink), S3_XML_OK);
		if (!CHECK_STR_EQ(s3_buf_cstr(out), list_page_items))
			fprintf(stderr, "  with chunks of %zu bytes\n", chunks[i]);
		CHECK_STR_EQ(s3_xml_sink_scalar(&sink, "EncodingType"), "url");
		CHECK(s3_xml_sink_scalar(&sink, "Prefix") == NULL); /* not kept */
		s3_xml_sink_free(&sink);
	}
}

static void
test_decoding(struct s3_buf *out)
{
	s3_buf_reset(out);
	const char *key = "dir%2Fmy+file%2B%26%3D%3F%23%25";
	CHECK(s3_uri_decode(out, key, strlen(key), true) == 0);
	CHECK_STR_EQ(s3_buf_cstr(out), "dir/my file+&=?#%");
	s3_buf_reset(out);
	/* A stray % and a bad escape stay as they are; %00 is a byte like any other. */
	CHECK(s3_uri_decode(out, "100%-%zz%4", 10, false) == 0);
	CHECK_STR_EQ(s3_buf_cstr(out), "100%-%zz%4");
	s3_buf_reset(out);
	CHECK(s3_uri_decode(out, "a%00b+", 6, false) == 0);
	CHECK_MEM_EQ(out->data, out->len, "a\0b+", 4);
}

static void
test_empty_and_last_page(struct s3_buf *out)
{
	struct s3_xml_sink sink;
	CHECK_INT_EQ(parse("list_objects",
			   "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
			   "<IsTruncated>false</IsTruncated></ListBucketResult>",
			   0, out, &sink),
		     S3_XML_OK);
	CHECK_STR_EQ(s3_buf_cstr(out), "S:key_count=0 S:is_truncated=false");
	s3_xml_sink_free(&sink);
	/* Self-closing and empty elements give empty texts, not missing ones. */
	CHECK_INT_EQ(parse("list_objects", "<ListBucketResult><Contents><Key/><ETag></ETag>"
					   "</Contents></ListBucketResult>", 1, out, &sink),
		     S3_XML_OK);
	CHECK_STR_EQ(s3_buf_cstr(out), "[objects key= etag=");
	s3_xml_sink_free(&sink);
}

static void
test_error_documents(struct s3_buf *out)
{
	/* CopyObject answers 200 and then an <Error> when the copy failed midway. */
	struct s3_xml_sink sink;
	CHECK_INT_EQ(parse("copy_object",
			   "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code>"
			   "<Message>We encountered an internal error.</Message>"
			   "<RequestId>4442587FB7D0A2F9</RequestId></Error>",
			   5, out, &sink),
		     S3_XML_ERROR_DOC);
	struct s3_error err;
	s3_xml_sink_error(&sink, 200, &err);
	CHECK_STR_EQ(err.code, "InternalError");
	CHECK_INT_EQ(err.status, 200);
	CHECK_STR_EQ(err.message, "We encountered an internal error.");
	CHECK_STR_EQ(err.request_id, "4442587FB7D0A2F9");
	s3_xml_sink_free(&sink);
	/* Ceph RGW's empty <Message/>; no code at all falls back to InternalError. */
	CHECK_INT_EQ(parse("complete_multipart_upload", "<Error><Message/></Error>", 0, out, &sink),
		     S3_XML_ERROR_DOC);
	s3_xml_sink_error(&sink, 200, &err);
	CHECK_STR_EQ(err.code, "InternalError");
	CHECK_STR_EQ(err.message, "");
	s3_xml_sink_free(&sink);
}

static void
test_delete_result(struct s3_buf *out)
{
	/* The per-key <Error> inside a DeleteResult is a record, not an error document. */
	struct s3_xml_sink sink;
	CHECK_INT_EQ(parse("delete_objects",
			   "<DeleteResult><Deleted><Key>a &amp; b</Key></Deleted>"
			   "<Error><Key>c</Key><Code>AccessDenied</Code><Message>no</Message></Error>"
			   "<Deleted><Key>d&lt;</Key><VersionId>v</VersionId></Deleted></DeleteResult>",
			   3, out, &sink),
		     S3_XML_OK);
	CHECK_STR_EQ(s3_buf_cstr(out), "[deleted key=a & b [errors key=c code=AccessDenied "
				       "message=no [deleted key=d<");
	s3_xml_sink_free(&sink);
}

static void
test_buckets_and_uploads(struct s3_buf *out)
{
	struct s3_xml_sink sink;
	CHECK_INT_EQ(parse("list_buckets",
			   "<ListAllMyBucketsResult><Owner><ID>x</ID><DisplayName>y</DisplayName>"
			   "</Owner><Buckets><Bucket><Name>one</Name><CreationDate>2026-01-01T00:00:00Z"
			   "</CreationDate></Bucket><Bucket><Name>two</Name></Bucket></Buckets>"
			   "</ListAllMyBucketsResult>",
			   4, out, &sink),
		     S3_XML_OK);
	CHECK_STR_EQ(s3_buf_cstr(out),
		     "[buckets name=one creation_date=2026-01-01T00:00:00Z [buckets name=two");
	s3_xml_sink_free(&sink);
	/* Upload holds <Initiator><ID/></Initiator>: nested elements are not fields. */
	CHECK_INT_EQ(parse("list_multipart_uploads",
			   "<ListMultipartUploadsResult><Bucket>b</Bucket><EncodingType>url</EncodingType>"
			   "<NextKeyMarker>k%20</NextKeyMarker><IsTruncated>false</IsTruncated>"
			   "<Upload><Key>k%20</Key><UploadId>2~abc</UploadId><Initiator><ID>i</ID>"
			   "</Initiator><Initiated>2026-01-01T00:00:00.000Z</Initiated></Upload>"
			   "</ListMultipartUploadsResult>",
			   0, out, &sink),
		     S3_XML_OK);
	CHECK_STR_EQ(s3_buf_cstr(out),
		     "S:encoding_type=url S:next_key_marker=k%20 S:is_truncated=false "
		     "[uploads key=k%20 upload_id=2~abc initiated=2026-01-01T00:00:00.000Z");
	s3_xml_sink_free(&sink);
	CHECK_INT_EQ(parse("create_multipart_upload",
			   "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
			   "<UploadId>2~xyz</UploadId></InitiateMultipartUploadResult>",
			   0, out, &sink),
		     S3_XML_OK);
	CHECK_STR_EQ(s3_xml_sink_scalar(&sink, "UploadId"), "2~xyz");
	s3_xml_sink_free(&sink);
}

static void
test_malformed(struct s3_buf *out)
{
	static const struct {
		const char *body;
		const char *message_part;
	} cases[] = {
		{"", "empty body"},
		{"<ListBucketResult><Contents><Key>a</Key>", "malformed XML"},
		{"<ListBucketResult><Key>a</Wrong></ListBucketResult>", "mismatched tag"},
		{"not xml at all", "malformed XML"},
		{"<ListBucketResult>&bogus;</ListBucketResult>", "undefined entity"},
		{"<Other/>", "<Other> where <ListBucketResult> was expected"},
		{"<ListBucketResult/><ListBucketResult/>", "junk after document element"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (size_t chunk = 0; chunk <= 1; chunk++) {
			struct s3_xml_sink sink;
			CHECK_INT_EQ(parse("list_objects", cases[i].body, chunk, out, &sink),
				     S3_XML_MALFORMED);
			if (!CHECK(strstr(sink.message, cases[i].message_part) != NULL))
				fprintf(stderr, "  body %s: message '%s'\n", cases[i].body,
					sink.message);
			/* Finishing again tells the same. */
			CHECK_INT_EQ(s3_xml_sink_finish(&sink), S3_XML_MALFORMED);
			s3_xml_sink_free(&sink);
		}
	}
	CHECK(s3_xml_schema_find("no_such_schema") == NULL);
}

static void
test_a_thousand_keys(struct s3_buf *out)
{
	/* A full page, fed in 16 KiB chunks as libcurl delivers them. */
	struct s3_buf body = S3_BUF_INIT;
	s3_buf_append_str(&body, "<ListBucketResult><IsTruncated>true</IsTruncated>");
	for (int i = 0; i < 1000; i++)
		s3_buf_appendf(&body, "<Contents><Key>k%%2F%04d</Key><Size>%d</Size></Contents>", i, i);
	s3_buf_append_str(&body, "</ListBucketResult>");
	struct s3_xml_sink sink;
	CHECK_INT_EQ(parse("list_objects", s3_buf_cstr(&body), 16384, out, &sink), S3_XML_OK);
	CHECK_INT_EQ(sink.n_items, 1 + 1000 * 3);
	CHECK_STR_EQ(s3_xml_item_text(&sink, &sink.items[sink.n_items - 2]), "k%2F0999");
	s3_xml_sink_free(&sink);
	s3_buf_free(&body);
}

int
main(void)
{
	struct s3_buf out = S3_BUF_INIT;
	test_list_page_in_any_chunks(&out);
	test_decoding(&out);
	test_empty_and_last_page(&out);
	test_error_documents(&out);
	test_delete_result(&out);
	test_buckets_and_uploads(&out);
	test_malformed(&out);
	test_a_thousand_keys(&out);
	s3_buf_free(&out);
	return check_exit_status();
}
