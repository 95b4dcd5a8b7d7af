/*
 * An LD_PRELOAD shim for experiments only (bench/profile.sh): sets libcurl's receive and upload
 * buffer sizes on every easy handle the process creates, without touching the module.
 *
 *   BENCH_CURL_BUFFERSIZE=N          CURLOPT_BUFFERSIZE (receive; libcurl's default 16 KiB)
 *   BENCH_CURL_UPLOAD_BUFFERSIZE=N   CURLOPT_UPLOAD_BUFFERSIZE (libcurl's default 64 KiB)
 *
 *   cc -shared -fPIC -o curl_buffersize.so curl_buffersize.c -lcurl -ldl
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdlib.h>

CURL *
curl_easy_init(void)
{
	static CURL *(*real)(void);
	if (real == NULL)
		real = (CURL * (*)(void)) dlsym(RTLD_NEXT, "curl_easy_init");
	CURL *h = real();
	const char *v = getenv("BENCH_CURL_BUFFERSIZE");
	if (h != NULL && v != NULL && *v != '\0')
		curl_easy_setopt(h, CURLOPT_BUFFERSIZE, atol(v));
	v = getenv("BENCH_CURL_UPLOAD_BUFFERSIZE");
	if (h != NULL && v != NULL && *v != '\0')
		curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, atol(v));
	return h;
}
