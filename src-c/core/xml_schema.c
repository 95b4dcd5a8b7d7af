#include "xml_schema.h"

#include <string.h>

#define END {NULL, NULL, S3_XML_STRING}

static const struct s3_xml_field error_scalars[] = {
	{"Code", "code", S3_XML_STRING},
	{"Message", "message", S3_XML_STRING},
	{"RequestId", "request_id", S3_XML_STRING},
	{"Key", "key", S3_XML_STRING},
	END,
};

const struct s3_xml_schema s3_xml_error_schema = {"error", "Error", error_scalars, NULL};

/* ListObjectsV2. Keys and prefixes come %-encoded (we ask for encoding-type=url so that any
 * key, control bytes included, survives XML); they are decoded only when the answer says so. */
static const struct s3_xml_field list_objects_scalars[] = {
	{"IsTruncated", "is_truncated", S3_XML_BOOLEAN},
	{"NextContinuationToken", "next_continuation_token", S3_XML_STRING},
	{"KeyCount", "key_count", S3_XML_INTEGER},
	{"EncodingType", "encoding_type", S3_XML_STRING},
	END,
};
static const struct s3_xml_field object_fields[] = {
	{"Key", "key", S3_XML_URL},
	{"Size", "size", S3_XML_INTEGER},
	{"ETag", "etag", S3_XML_STRING},
	{"LastModified", "last_modified", S3_XML_STRING},
	{"StorageClass", "storage_class", S3_XML_STRING},
	END,
};
static const struct s3_xml_field prefix_fields[] = {
	{"Prefix", "prefix", S3_XML_URL},
	END,
};
static const struct s3_xml_record list_objects_records[] = {
	{"Contents", "objects", false, object_fields},
	{"CommonPrefixes", "prefixes", true, prefix_fields},
	{NULL, NULL, false, NULL},
};

/* ListBuckets: <Buckets><Bucket><Name/><CreationDate/></Bucket>...</Buckets>. */
static const struct s3_xml_field bucket_fields[] = {
	{"Name", "name", S3_XML_STRING},
	{"CreationDate", "creation_date", S3_XML_STRING},
	END,
};
static const struct s3_xml_record list_buckets_records[] = {
	{"Bucket", "buckets", false, bucket_fields},
	{NULL, NULL, false, NULL},
};

/* ListMultipartUploads; decoded as for objects should the answer say EncodingType url (the Lua
 * layer does not ask for it: Ceph RGW 16 encodes only some of the fields then). */
static const struct s3_xml_field list_uploads_scalars[] = {
	{"IsTruncated", "is_truncated", S3_XML_BOOLEAN},
	{"NextKeyMarker", "next_key_marker", S3_XML_URL},
	{"NextUploadIdMarker", "next_upload_id_marker", S3_XML_STRING},
	{"EncodingType", "encoding_type", S3_XML_STRING},
	END,
};
static const struct s3_xml_field upload_fields[] = {
	{"Key", "key", S3_XML_URL},
	{"UploadId", "upload_id", S3_XML_STRING},
	{"Initiated", "initiated", S3_XML_STRING},
	{"StorageClass", "storage_class", S3_XML_STRING},
	END,
};
static const struct s3_xml_record list_uploads_records[] = {
	{"Upload", "uploads", false, upload_fields},
	{"CommonPrefixes", "prefixes", true, prefix_fields},
	{NULL, NULL, false, NULL},
};

/* DeleteObjects: <Deleted><Key/></Deleted> and <Error><Key/><Code/><Message/></Error> per key. */
static const struct s3_xml_field deleted_fields[] = {
	{"Key", "key", S3_XML_STRING},
	END,
};
static const struct s3_xml_field delete_error_fields[] = {
	{"Key", "key", S3_XML_STRING},
	{"Code", "code", S3_XML_STRING},
	{"Message", "message", S3_XML_STRING},
	END,
};
static const struct s3_xml_record delete_records[] = {
	{"Deleted", "deleted", true, deleted_fields},
	{"Error", "errors", false, delete_error_fields},
	{NULL, NULL, false, NULL},
};

/* CopyObject and UploadPartCopy. */
static const struct s3_xml_field copy_scalars[] = {
	{"ETag", "etag", S3_XML_STRING},
	{"LastModified", "last_modified", S3_XML_STRING},
	END,
};

static const struct s3_xml_field initiate_scalars[] = {
	{"UploadId", "upload_id", S3_XML_STRING},
	{"Key", "key", S3_XML_STRING},
	END,
};

static const struct s3_xml_field complete_scalars[] = {
	{"ETag", "etag", S3_XML_STRING},
	{"Location", "location", S3_XML_STRING},
	END,
};

static const struct s3_xml_schema schemas[] = {
	{"list_objects", "ListBucketResult", list_objects_scalars, list_objects_records},
	{"list_buckets", "ListAllMyBucketsResult", NULL, list_buckets_records},
	{"list_multipart_uploads", "ListMultipartUploadsResult", list_uploads_scalars,
	 list_uploads_records},
	{"delete_objects", "DeleteResult", NULL, delete_records},
	{"copy_object", "CopyObjectResult", copy_scalars, NULL},
	{"copy_part", "CopyPartResult", copy_scalars, NULL},
	{"create_multipart_upload", "InitiateMultipartUploadResult", initiate_scalars, NULL},
	{"complete_multipart_upload", "CompleteMultipartUploadResult", complete_scalars, NULL},
};

const struct s3_xml_schema *
s3_xml_schema_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof(schemas) / sizeof(schemas[0]); i++) {
		if (strcmp(schemas[i].name, name) == 0)
			return &schemas[i];
	}
	return NULL;
}
