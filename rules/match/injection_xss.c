/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cross-site-scripting detector behind the xss; keyword (injection.h;
 * the SQL detector is injection_sql.c). Written for vigil after the idea
 * libinjection made known (tokenise as the interpreter would, then judge
 * the shape of the tokens), with our own lexer and our own shape rules.
 *
 * XSS: an HTML lexer over the buffer with entities (&lt; &#60; &#x3c;)
 * and UTF-7 "+ADw-" decoded on the fly: dangerous tags (script, iframe,
 * object, ...), event-handler attributes (on...) on any tag, script URLs
 * (javascript:, vbscript:, data:text/html) in attribute values, style
 * expressions; plus the attribute context (an injection that closes the
 * application's quoted attribute and adds an event handler) and a script
 * URL at the start of a parameter value.
 *
 * Per-packet path: no allocation (token arrays live on the stack), no
 * global mutable state, no logging; run count and run length are bounded.
 */
#include <stddef.h>
#include <string.h>

#include "rules/match/injection.h"
#include "rules/match/injection_lex.h"

/* ------------------------------------------------------------ HTML lexer */

#define XSS_MAX_ATTR_RUNS 256
#define XSS_NAME_MAX	  24

struct xss_input {
	const uint8_t *data;
	uint32_t len;
	/* The input holds an XML document (its first tag is <?xml ...?>): an <svg>
	 * root is then an image being uploaded, judged by its attributes and
	 * children like any element, not by its name. */
	bool xml_document;
};

static uint8_t xss_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool xss_is_space(uint8_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

static bool xss_is_alpha(uint8_t c)
{
	c = xss_lower(c);
	return c >= 'a' && c <= 'z';
}

/* Named entities that matter for script injection. */
static const struct {
	const char *name;
	uint8_t c;
} xss_entities[] = {
    {"lt", '<'},    {"gt", '>'},     {"quot", '"'},	{"apos", '\''}, {"amp", '&'},
    {"colon", ':'}, {"tab", '\t'},   {"newline", '\n'}, {"lpar", '('},	{"rpar", ')'},
    {"sol", '/'},   {"equals", '='}, {"grave", '`'},
};

/*
 * The character at pos as a browser reads it, and how many bytes it takes:
 * &lt; &#60; &#x3c; (with or without ';', leading zeros allowed, as
 * browsers accept) and UTF-7's +ADw- / +AD4- (old IE with a UTF-7 charset).
 */
static uint8_t xss_char(const struct xss_input *in, uint32_t pos, uint32_t *advance)
{
	const uint8_t *d = in->data;
	uint32_t avail = in->len - pos;
	*advance = 1;
	if (d[pos] == '+' && avail >= 5 && d[pos + 1] == 'A' && d[pos + 2] == 'D' &&
	    d[pos + 4] == '-' && (d[pos + 3] == 'w' || d[pos + 3] == '4')) {
		*advance = 5;
		return d[pos + 3] == 'w' ? '<' : '>';
	}
	if (d[pos] != '&' || avail < 3)
		return d[pos];
	if (d[pos + 1] == '#') {
		uint32_t i = pos + 2, value = 0, digits = 0;
		bool hex = i < in->len && (d[i] == 'x' || d[i] == 'X');
		if (hex)
			i++;
		for (; i < in->len && digits < 10; i++, digits++) {
			uint8_t c = xss_lower(d[i]);
			if (c >= '0' && c <= '9')
				value = value * (hex ? 16 : 10) + (c - '0');
			else if (hex && c >= 'a' && c <= 'f')
				value = value * 16 + (c - 'a' + 10);
			else
				break;
		}
		if (digits == 0)
			return '&';
		if (i < in->len && d[i] == ';')
			i++;
		*advance = i - pos;
		return value < 0x80 ? (uint8_t)value : 0x80;
	}
	for (size_t e = 0; e < sizeof(xss_entities) / sizeof(xss_entities[0]); e++) {
		const char *name = xss_entities[e].name;
		uint32_t n = (uint32_t)strlen(name);
		if (avail >= n + 2 && injection_prefix_nocase(d + pos + 1, avail - 1, name) &&
		    d[pos + 1 + n] == ';') {
			*advance = n + 2;
			return xss_entities[e].c;
		}
	}
	return '&';
}

/* Tags that run script or load active content by themselves. */
static const char *const xss_bad_tags[] = {
    "script",	"iframe",  "frame", "frameset",	 "object",   "embed",  "applet",  "base",
    "style",	"meta",	   "link",  "svg",	 "math",     "import", "xss",	  "isindex",
    "vmlframe", "bgsound", "layer", "ilayer",	 "animate",  "set",    "handler", "listener",
    "template", "portal",  "xmp",   "plaintext", "noscript", "form",   NULL,
};

/* Attributes whose value is a URL a browser may run. */
static const char *const xss_url_attrs[] = {
    "href",   "src",	  "action",	"formaction", "data",  "background", "dynsrc", "lowsrc",
    "poster", "codebase", "xlink:href", "from",	      "to",    "values",     "by",     "folder",
    "srcdoc", "content",  "style",	"ping",	      "xmlns", "itemtype",   NULL,
};

static bool xss_name_in(const char *name, const char *const *list)
{
	for (unsigned i = 0; list[i] != NULL; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/* Read a name (tag or attribute) at *pos, lower-cased into out; entities decoded. */
static uint32_t xss_read_name(const struct xss_input *in, uint32_t *pos, char *out, bool attribute)
{
	uint32_t n = 0, adv;
	while (*pos < in->len) {
		uint8_t c = xss_char(in, *pos, &adv);
		bool ok = attribute ? !(xss_is_space(c) || c == '/' || c == '>' || c == '=' ||
					c == '<' || c == '"' || c == '\'' || c == 0)
				    : (xss_is_alpha(c) || (c >= '0' && c <= '9') || c == ':' ||
				       c == '-' || c == '_');
		if (!ok)
			break;
		if (n < XSS_NAME_MAX)
			out[n++] = (char)xss_lower(c);
		*pos += adv;
	}
	out[n] = '\0';
	return n;
}

/*
 * A value that a browser runs as script when it is a URL or a style:
 * javascript:, vbscript:, livescript:, data:text/html (and svg, xml,
 * javascript types), expression(, -moz-binding, behavior:. Blanks and
 * control characters are skipped as browsers do ("jav&#x09;ascript:").
 */
static bool xss_script_value(const struct xss_input *in, uint32_t pos, uint32_t end)
{
	char buf[48];
	uint32_t n = 0, adv;
	bool style_hit = false;
	while (pos < end && n < sizeof(buf) - 1) {
		uint8_t c = xss_char(in, pos, &adv);
		pos += adv;
		if (c <= 0x20 || c == 0x7f || c == '\\')
			continue;
		buf[n++] = (char)xss_lower(c);
		buf[n] = '\0';
		if (n >= 11 && strncmp(buf + n - 11, "expression(", 11) == 0)
			style_hit = true;
	}
	buf[n] = '\0';
	if (style_hit)
		return true;
	static const char *const schemes[] = {
	    "javascript:",
	    "vbscript:",
	    "livescript:",
	    "mocha:",
	    "data:text/html",
	    "data:image/svg",
	    "data:text/xml",
	    "data:application/",
	    "data:text/javascript",
	    "data:,",
	    NULL,
	};
	for (unsigned i = 0; schemes[i] != NULL; i++)
		if (strncmp(buf, schemes[i], strlen(schemes[i])) == 0)
			return true;
	/* url(javascript:...), -moz-binding:, behavior: in a style value. */
	return strstr(buf, "url(javascript:") != NULL || strstr(buf, "url('javascript:") != NULL ||
	       strstr(buf, "url(\"javascript:") != NULL || strstr(buf, "-moz-binding") != NULL ||
	       strstr(buf, "behavior:") != NULL || strstr(buf, "expression(") != NULL;
}

/* on + letters: an event handler attribute (onload, onerror, onmouseover, ...). */
static bool xss_event_name(const char *name)
{
	if (name[0] != 'o' || name[1] != 'n' || strlen(name) < 5)
		return false;
	for (const char *p = name + 2; *p != '\0'; p++)
		if (*p < 'a' || *p > 'z')
			return false;
	return true;
}

/*
 * Attributes from *pos to the end of the tag ('>' or the input's end):
 * true when one is an event handler, or a URL or style attribute holds
 * script. need_value: an event name alone is not enough (the attribute
 * context, where prose such as "online" must not count).
 */
static bool xss_attributes(const struct xss_input *in, uint32_t pos, bool need_value,
			   unsigned max_attrs)
{
	char name[XSS_NAME_MAX + 1];
	uint32_t adv;
	for (unsigned count = 0; pos < in->len && count < max_attrs; count++) {
		uint8_t c = xss_char(in, pos, &adv);
		while (pos < in->len &&
		       (xss_is_space(c) || c == '/' || c == '"' || c == '\'' || c == 0)) {
			pos += adv;
			if (pos < in->len)
				c = xss_char(in, pos, &adv);
		}
		if (pos >= in->len || c == '>' || c == '<')
			return false;
		uint32_t n = xss_read_name(in, &pos, name, true);
		if (n == 0) {
			pos += adv;
			continue;
		}
		uint32_t v = pos;
		while (v < in->len && xss_is_space(in->data[v]))
			v++;
		bool has_value = v < in->len && xss_char(in, v, &adv) == '=';
		if (xss_event_name(name) && (has_value || !need_value))
			return true;
		if (!has_value) {
			pos = v;
			if (need_value)
				return false;
			continue;
		}
		v += adv;
		while (v < in->len && xss_is_space(in->data[v]))
			v++;
		uint32_t vstart = v, vend;
		uint8_t quote = v < in->len ? xss_char(in, v, &adv) : 0;
		if (quote == '"' || quote == '\'' || quote == '`') {
			vstart = v + adv;
			vend = vstart;
			while (vend < in->len && xss_char(in, vend, &adv) != quote)
				vend += adv;
			pos = vend < in->len ? vend + adv : vend;
		} else {
			vend = v;
			while (vend < in->len && !xss_is_space(in->data[vend]) &&
			       in->data[vend] != '>')
				vend++;
			pos = vend;
		}
		if (xss_name_in(name, xss_url_attrs) && xss_script_value(in, vstart, vend))
			return true;
	}
	return false;
}

/*
 * The pseudo-attributes of <?xml-stylesheet ...?> from pos: a style sheet
 * from a script or data URL, or the document itself (href="#", an embedded
 * XSL that can run script), is active content; type="text/xsl"
 * href="style.xsl" is how every XML feed names its style sheet.
 */
static bool xss_stylesheet(const struct xss_input *in, uint32_t pos)
{
	uint32_t end = in->len - pos > 512 ? pos + 512 : in->len;
	for (uint32_t p = pos; p < end; p++) {
		if (in->data[p] == '?' && p + 1 < end && in->data[p + 1] == '>')
			return false;
		if (injection_prefix_nocase(in->data + p, end - p, "javascript:") ||
		    injection_prefix_nocase(in->data + p, end - p, "vbscript:") ||
		    injection_prefix_nocase(in->data + p, end - p, "data:") ||
		    injection_prefix_nocase(in->data + p, end - p, "\"#\"") ||
		    injection_prefix_nocase(in->data + p, end - p, "'#'"))
			return true;
	}
	return false;
}

/*
 * <!DOCTYPE x SYSTEM "url">: a document type loaded from elsewhere, which
 * can define entities the attacker controls (a DOCTYPE with PUBLIC, as
 * HTML pages carry, is not matched).
 */
static bool xss_external_doctype(const struct xss_input *in, uint32_t pos)
{
	uint32_t end = in->len - pos > 256 ? pos + 256 : in->len;
	for (uint32_t p = pos; p < end && in->data[p] != '>' && in->data[p] != '['; p++)
		if (xss_is_space(in->data[p]) &&
		    injection_prefix_nocase(in->data + p + 1, end - p - 1, "system"))
			return true;
	return false;
}

/* A tag opens at pos (just after '<'). */
static bool xss_tag(const struct xss_input *in, uint32_t pos)
{
	char name[XSS_NAME_MAX + 1];
	uint32_t adv;
	if (pos < in->len && xss_char(in, pos, &adv) == '/')
		pos += adv;
	if (pos >= in->len)
		return false;
	uint8_t c = xss_char(in, pos, &adv);
	if (c == '!' || c == '?') {
		/* <!ENTITY, <?import: XML that pulls in active content. */
		if (injection_prefix_nocase(in->data + pos + 1, in->len - pos - 1,
					    "xml-stylesheet"))
			return xss_stylesheet(in, pos + 15);
		if (injection_prefix_nocase(in->data + pos + 1, in->len - pos - 1, "doctype"))
			return xss_external_doctype(in, pos + 8);
		return injection_prefix_nocase(in->data + pos + 1, in->len - pos - 1, "entity") ||
		       injection_prefix_nocase(in->data + pos + 1, in->len - pos - 1, "import");
	}
	if (!xss_is_alpha(c))
		return false;
	if (xss_read_name(in, &pos, name, false) == 0)
		return false;
	/* x:script is a script in the XHTML namespace. */
	const char *local = strrchr(name, ':');
	local = local != NULL ? local + 1 : name;
	if (xss_name_in(local, xss_bad_tags) && !(in->xml_document && strcmp(local, "svg") == 0))
		return true;
	if (pos < in->len) {
		c = xss_char(in, pos, &adv);
		if (!(xss_is_space(c) || c == '/' || c == '>' || c == 0))
			return false; /* "<a1b" is text */
	}
	return xss_attributes(in, pos, false, 64);
}

/* A script URL where a parameter value starts: "javascript:alert(1)". */
static bool xss_url_value(const struct xss_input *in, uint32_t pos)
{
	while (pos < in->len && xss_is_space(in->data[pos]))
		pos++;
	if (pos >= in->len)
		return false;
	uint32_t end = in->len - pos > 64 ? pos + 64 : in->len;
	char buf[16];
	uint32_t n = 0, adv, p = pos;
	while (p < end && n < sizeof(buf) - 1) {
		uint8_t c = xss_char(in, p, &adv);
		p += adv;
		if (c <= 0x20)
			continue;
		buf[n++] = (char)xss_lower(c);
	}
	buf[n] = '\0';
	if (strncmp(buf, "javascript:", 11) == 0 || strncmp(buf, "vbscript:", 9) == 0 ||
	    strncmp(buf, "livescript:", 11) == 0)
		return true;
	return false;
}

bool injection_xss(const uint8_t *data, uint32_t len)
{
	if (data == NULL || len == 0)
		return false;
	struct xss_input in = {.data = data, .len = len};
	const uint8_t *first = memchr(data, '<', len);
	uint32_t lead = first != NULL ? (uint32_t)(first - data) : len;
	in.xml_document = injection_prefix_nocase(data + lead, len - lead, "<?xml") &&
			  len - lead > 5 && xss_is_space(data[lead + 5]);
	unsigned attr_runs = 0;
	if (xss_url_value(&in, 0))
		return true;
	for (uint32_t pos = 0; pos < len;) {
		uint32_t adv;
		uint8_t c = xss_char(&in, pos, &adv);
		pos += adv;
		if (c == '<') {
			if (xss_tag(&in, pos))
				return true;
		} else if ((c == '"' || c == '\'' || c == '`') && attr_runs < XSS_MAX_ATTR_RUNS) {
			/* The attacker closed a quoted attribute: '" onmouseover="...'. */
			attr_runs++;
			if (xss_attributes(&in, pos, true, 4))
				return true;
		} else if ((c == '=' || c == '&' || c == '?') && attr_runs < XSS_MAX_ATTR_RUNS) {
			attr_runs++;
			if (xss_url_value(&in, pos))
				return true;
		}
	}
	return false;
}
