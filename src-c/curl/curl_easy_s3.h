/* One libcurl easy handle per S3 request: options from the client, callbacks into the request. */
#ifndef S3_CURL_EASY_S3_H
#define S3_CURL_EASY_S3_H

#include <curl/curl.h>

struct s3_request;

/* Returns a handle ready for the multi handle (CURLOPT_PRIVATE = req), or NULL. */
CURL *s3_curl_easy_new(struct s3_request *req);

#endif
