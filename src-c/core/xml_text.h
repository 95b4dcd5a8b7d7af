/* The text of one element of a small S3 XML answer (UploadId of CreateMultipartUpload, ETag of
 * CompleteMultipartUpload), read with expat: S3's XML is never taken apart with string patterns. */
#ifndef S3_CORE_XML_TEXT_H
#define S3_CORE_XML_TEXT_H

#include <stddef.h>

#include "buf.h"

/* Appends to out the character data of the first element named element (at any depth, entities
 * decoded). Returns 1 when found, 0 when the document has none, -1 when it is not well-formed
 * XML or memory ran out. */
int s3_xml_first_text(const char *body, size_t len, const char *element, struct s3_buf *out);

#endif
