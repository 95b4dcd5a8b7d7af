/* The S3 responses the client parses, each described as a schema for xml_result (the elements
 * kept and the names the result gives them). One table a response; adding one is data only. */
#ifndef S3_CORE_XML_SCHEMA_H
#define S3_CORE_XML_SCHEMA_H

#include "xml_result.h"

/* <Error><Code/><Message/><RequestId/></Error>: what any response may turn out to be. */
extern const struct s3_xml_schema s3_xml_error_schema;

#endif
