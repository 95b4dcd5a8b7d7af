#include "error.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
s3_error_clear(struct s3_error *err)
{
	memset(err, 0, sizeof(*err));
}

void
s3_error_set(struct s3_error *err, const char *code, long status, const char *fmt, ...)
{
	s3_error_clear(err);
	snprintf(err->code, sizeof(err->code), "%s", code);
	err->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* Codes for responses without a parsable body (HEAD, proxies, load balancers). */
static const char *
code_for_status(long status)
{
	switch (status) {
	case 301: return "PermanentRedirect";
	case 304: return "NotModified";
	case 307: return "TemporaryRedirect";
	case 400: return "BadRequest";
	case 403: return "AccessDenied";
	case 404: return "NotFound";
	case 405: return "MethodNotAllowed";
	case 409: return "Conflict";
	case 411: return "MissingContentLength";
	case 412: return "PreconditionFailed";
	case 416: return "InvalidRange";
	case 500: return "InternalError";
	case 501: return "NotImplemented";
	case 502: return "BadGateway";
	case 503: return "ServiceUnavailable";
	case 504: return "GatewayTimeout";
	default: return status >= 500 ? "InternalError" : "HttpError";
	}
}

/* The fields of <Error> we keep; text outside them is ignored. */
struct error_parse {
	int depth;
	int is_error_document;
	char *field;          /* where character data goes now, NULL outside a kept field */
	size_t field_cap;
	size_t field_len;
	char code[sizeof(((struct s3_error *)0)->code)];
	char message[sizeof(((struct s3_error *)0)->message)];
	char request_id[sizeof(((struct s3_error *)0)->request_id)];
};

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	(void)attrs;
	struct error_parse *p = ud;
	p->depth++;
	p->field = NULL;
	if (p->depth == 1) {
		p->is_error_document = strcmp(name, "Error") == 0;
		return;
	}
	if (p->depth != 2 || !p->is_error_document)
		return;
	if (strcmp(name, "Code") == 0) {
		p->field = p->code;
		p->field_cap = sizeof(p->code);
	} else if (strcmp(name, "Message") == 0) {
		p->field = p->message;
		p->field_cap = sizeof(p->message);
	} else if (strcmp(name, "RequestId") == 0) {
		p->field = p->request_id;
		p->field_cap = sizeof(p->request_id);
	}
	if (p->field != NULL) {
		p->field[0] = '\0';
		p->field_len = 0;
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	(void)name;
	struct error_parse *p = ud;
	p->depth--;
	p->field = NULL;
}

static void XMLCALL
on_text(void *ud, const XML_Char *text, int len)
{
	struct error_parse *p = ud;
	if (p->field == NULL || len <= 0)
		return;
	size_t room = p->field_cap - 1 - p->field_len;
	size_t n = (size_t)len < room ? (size_t)len : room;
	memcpy(p->field + p->field_len, text, n);
	p->field_len += n;
	p->field[p->field_len] = '\0';
}

/* Returns 1 when body parsed as an <Error> document. */
static int
parse_error_body(struct error_parse *p, const char *body, size_t len)
{
	memset(p, 0, sizeof(*p));
	if (body == NULL || len == 0 || len > (size_t)1 << 30)
		return 0;
	XML_Parser parser = XML_ParserCreate("UTF-8");
	if (parser == NULL)
		return 0;
	XML_SetUserData(parser, p);
	XML_SetElementHandler(parser, on_start, on_end);
	XML_SetCharacterDataHandler(parser, on_text);
	int ok = XML_Parse(parser, body, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(parser);
	return ok && p->is_error_document;
}

void
s3_error_from_response(struct s3_error *err, long status, const char *body, size_t body_len,
		       const char *request_id_header)
{
	struct error_parse p;
	int parsed = parse_error_body(&p, body, body_len);
	s3_error_clear(err);
	err->status = status;
	snprintf(err->code, sizeof(err->code), "%s",
		 parsed && p.code[0] != '\0' ? p.code : code_for_status(status));
	/* Left empty when S3 sent none (Ceph RGW's <Message/>): the code and status tell the story. */
	if (parsed)
		snprintf(err->message, sizeof(err->message), "%s", p.message);
	const char *request_id = parsed && p.request_id[0] != '\0' ? p.request_id : request_id_header;
	if (request_id != NULL)
		snprintf(err->request_id, sizeof(err->request_id), "%s", request_id);
}
