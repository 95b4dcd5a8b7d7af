#include "xml_text.h"

#include <expat.h>
#include <string.h>

struct text_search {
	const char *element;
	struct s3_buf *out;
	int depth_inside;   /* > 0 while inside the element found first */
	int found;
	int failed;
};

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	(void)attrs;
	struct text_search *t = ud;
	if (t->depth_inside > 0) {
		t->depth_inside++;
		return;
	}
	if (!t->found && strcmp(name, t->element) == 0) {
		t->found = 1;
		t->depth_inside = 1;
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	(void)name;
	struct text_search *t = ud;
	if (t->depth_inside > 0)
		t->depth_inside--;
}

static void XMLCALL
on_text(void *ud, const XML_Char *text, int len)
{
	struct text_search *t = ud;
	if (t->depth_inside == 1 && len > 0 && s3_buf_append(t->out, text, (size_t)len) != 0)
		t->failed = 1;
}

int
s3_xml_first_text(const char *body, size_t len, const char *element, struct s3_buf *out)
{
	if (body == NULL || len == 0 || len > (size_t)1 << 30)
		return 0;
	XML_Parser parser = XML_ParserCreate("UTF-8");
	if (parser == NULL)
		return -1;
	struct text_search t = {.element = element, .out = out};
	XML_SetUserData(parser, &t);
	XML_SetElementHandler(parser, on_start, on_end);
	XML_SetCharacterDataHandler(parser, on_text);
	int ok = XML_Parse(parser, body, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(parser);
	if (!ok || t.failed)
		return -1;
	return t.found;
}
