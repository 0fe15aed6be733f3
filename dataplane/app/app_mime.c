/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MIME pieces shared by the parsers that carry files (see app_mime.h).
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dataplane/app/app_mime.h"

/* Does v[0..len) start with the ASCII word w, in any case? */
static bool mime_starts(const uint8_t *v, size_t len, const char *w)
{
	size_t n = strlen(w);
	return len >= n && strncasecmp((const char *)v, w, n) == 0;
}

static bool mime_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/*
 * The value of parameter key (with its '=') in a header value, at a
 * parameter's start (the value's start, or after ';' and blanks), so that
 * "xfilename=" is not "filename=". Returns its offset past the '=', or
 * SIZE_MAX.
 */
static size_t mime_param(const uint8_t *v, size_t len, const char *key)
{
	size_t key_len = strlen(key);
	for (size_t i = 0; i + key_len <= len; i++) {
		if (!mime_starts(v + i, len - i, key))
			continue;
		size_t j = i;
		while (j > 0 && mime_blank(v[j - 1]))
			j--;
		if (j == 0 || v[j - 1] == ';')
			return i + key_len;
	}
	return SIZE_MAX;
}

/* A parameter's value at v[at..len): quoted (to its closing quote) or a token (to ';'). */
static void mime_param_value(const uint8_t *v, size_t len, size_t at, const uint8_t **out,
			     size_t *out_len)
{
	const uint8_t *start = v + at, *end = v + len;
	if (start < end && *start == '"') {
		const uint8_t *close = memchr(start + 1, '"', (size_t)(end - start - 1));
		end = close ? close : end;
		start++;
	} else {
		const uint8_t *semi = memchr(start, ';', (size_t)(end - start));
		end = semi ? semi : end;
		while (end > start && mime_blank(end[-1]))
			end--;
	}
	*out = start;
	*out_len = end > start ? (size_t)(end - start) : 0;
}

bool app_mime_param(const uint8_t *v, size_t len, const char *key, const uint8_t **out,
		    size_t *out_len)
{
	size_t at = mime_param(v, len, key);
	if (at == SIZE_MAX)
		return false;
	mime_param_value(v, len, at, out, out_len);
	return *out_len != 0;
}

bool app_mime_disposition_name(const uint8_t *v, size_t len, const uint8_t **name, size_t *name_len)
{
	/* filename*= (RFC 6266: preferred) carries charset'language'name */
	size_t at = mime_param(v, len, "filename*=");
	if (at != SIZE_MAX) {
		const uint8_t *value;
		size_t value_len;
		mime_param_value(v, len, at, &value, &value_len);
		const uint8_t *q = value_len ? memchr(value, '\'', value_len) : NULL;
		const uint8_t *q2 =
		    q ? memchr(q + 1, '\'', value_len - (size_t)(q + 1 - value)) : NULL;
		if (q2) {
			value_len -= (size_t)(q2 + 1 - value);
			value = q2 + 1;
		}
		if (value_len) {
			*name = value;
			*name_len = value_len;
			return true;
		}
	}
	at = mime_param(v, len, "filename=");
	if (at == SIZE_MAX)
		return false;
	mime_param_value(v, len, at, name, name_len);
	return *name_len != 0;
}

bool app_mime_boundary(const uint8_t *v, size_t len, char out[APP_MIME_BOUNDARY_MAX + 1],
		       size_t *out_len)
{
	size_t i = 0;
	while (i < len && mime_blank(v[i]))
		i++;
	if (!mime_starts(v + i, len - i, "multipart/"))
		return false;
	size_t at = mime_param(v, len, "boundary=");
	if (at == SIZE_MAX)
		return false;
	const uint8_t *value;
	size_t n;
	mime_param_value(v, len, at, &value, &n);
	if (n == 0 || n > APP_MIME_BOUNDARY_MAX)
		return false;
	memcpy(out, value, n);
	out[n] = '\0';
	*out_len = n;
	return true;
}

/* Where the next "--boundary" at a line's start is, at or after from; SIZE_MAX: none. */
static size_t mime_delimiter(const uint8_t *b, size_t len, size_t from, const char *boundary,
			     size_t boundary_len)
{
	size_t at = from + 2;
	while (at < len && len - at >= boundary_len) {
		const uint8_t *hit = memmem(b + at, len - at, boundary, boundary_len);
		if (!hit)
			return SIZE_MAX;
		size_t d = (size_t)(hit - b) - 2;
		if (b[d] == '-' && b[d + 1] == '-' && (d == 0 || b[d - 1] == '\n'))
			return d;
		at = (size_t)(hit - b) + 1;
	}
	return SIZE_MAX;
}

/*
 * The headers of a part from h: the filename its Content-Disposition
 * gives (if any) and where its content starts (*content). False when the
 * headers are not all there yet.
 */
static bool mime_part_headers(const uint8_t *b, size_t len, size_t h, struct app_mime_part *part,
			      size_t *content)
{
	while (h < len) {
		const uint8_t *nl = memchr(b + h, '\n', len - h);
		if (!nl)
			return false;
		size_t end = (size_t)(nl - b), line_end = end;
		if (line_end > h && b[line_end - 1] == '\r')
			line_end--;
		if (line_end == h) {
			*content = end + 1;
			return true;
		}
		static const char cd[] = "content-disposition:";
		if (mime_starts(b + h, line_end - h, cd)) {
			size_t v = h + sizeof(cd) - 1;
			app_mime_disposition_name(b + v, line_end - v, &part->name,
						  &part->name_len);
		}
		h = end + 1;
	}
	return false;
}

bool app_mime_file_part(const uint8_t *body, size_t len, size_t from, const char *boundary,
			size_t boundary_len, struct app_mime_part *part, size_t *next)
{
	if (!body || !boundary_len)
		return false;
	size_t pos = from;
	for (;;) {
		size_t d = mime_delimiter(body, len, pos, boundary, boundary_len);
		if (d == SIZE_MAX)
			return false;
		size_t p = d + 2 + boundary_len;
		if (len - p >= 2 && body[p] == '-' && body[p + 1] == '-')
			return false; /* the closing delimiter: no part after it */
		const uint8_t *nl = memchr(body + p, '\n', len - p);
		if (!nl)
			return false;
		memset(part, 0, sizeof(*part));
		size_t content;
		if (!mime_part_headers(body, len, (size_t)(nl - body) + 1, part, &content))
			return false;
		part->content = content;
		size_t end = mime_delimiter(body, len, content, boundary, boundary_len);
		if (end == SIZE_MAX) {
			part->content_len = len - content;
			*next = len;
			return part->name_len != 0;
		}
		/* the line break before the delimiter belongs to it */
		size_t stop = end;
		if (stop > content && body[stop - 1] == '\n')
			stop--;
		if (stop > content && body[stop - 1] == '\r')
			stop--;
		part->content_len = stop - content;
		part->complete = true;
		*next = end;
		if (part->name_len)
			return true;
		pos = end;
	}
}
