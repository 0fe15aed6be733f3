/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one parser of X-Forwarded-For, X-Real-IP and Forwarded (see xff.h
 * for the forms and for why the last hop is the client). It reads header
 * values handed to it; finding the headers of a request is the HTTP
 * parser's, and what a client address is used for is its consumers'.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "dataplane/app/xff.h"

const char *const xff_default_headers[] = {"X-Forwarded-For", "X-Real-IP", "Forwarded", NULL};

static bool xff_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Blanks and double quotes around a hop (neither is part of any address
 * form). All of them, so that trimming twice is trimming once: the text
 * kept is trimmed, and reading it again must give what the hop gave.
 */
static void xff_trim(const char **p, size_t *len)
{
	while (*len && (xff_is_blank(**p) || **p == '"'))
		(*p)++, (*len)--;
	while (*len && (xff_is_blank((*p)[*len - 1]) || (*p)[*len - 1] == '"'))
		(*len)--;
}

static bool xff_is_obfuscated_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* A port after ':': 0-65535, or RFC 7239's obfuscated "_name". */
static bool xff_port_valid(const char *p, size_t len)
{
	if (!len)
		return false;
	if (p[0] == '_') {
		for (size_t i = 1; i < len; i++)
			if (!xff_is_obfuscated_char(p[i]))
				return false;
		return len > 1;
	}
	if (len > 5)
		return false;
	unsigned port = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		port = port * 10 + (unsigned)(p[i] - '0');
	}
	return port <= 65535;
}

/* A dual-stack proxy writes an IPv4 client as ::ffff:a.b.c.d; it is that IPv4 address. */
static void xff_unmap(struct xff_client *client)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (client->family != 6 || memcmp(client->addr, mapped, sizeof(mapped)) != 0)
		return;
	memmove(client->addr, client->addr + 12, 4);
	memset(client->addr + 4, 0, 12);
	client->family = 4;
}

int xff_parse_address(const char *text, size_t len, struct xff_client *client)
{
	memset(client, 0, sizeof(*client));
	xff_trim(&text, &len);
	/* inet_pton stops at a NUL: "192.0.2.1\0junk" must not pass as an address */
	if (!len || len >= XFF_TEXT_MAX || memchr(text, '\0', len))
		return -EINVAL;
	const char *host = text;
	size_t host_len = len;
	int want = 0; /* the family the form allows; 0: either */
	if (text[0] == '[') {
		const char *close = memchr(text, ']', len);
		if (!close)
			return -EINVAL;
		host = text + 1;
		host_len = (size_t)(close - host);
		size_t rest = len - (size_t)(close + 1 - text);
		if (rest && (close[1] != ':' || !xff_port_valid(close + 2, rest - 1)))
			return -EINVAL;
		want = 6;
	} else {
		const char *colon = memchr(text, ':', len);
		size_t after = colon ? len - (size_t)(colon + 1 - text) : 0;
		/* one colon: IPv4 and a port; two or more: a bare IPv6 address */
		if (colon && !memchr(colon + 1, ':', after)) {
			if (!xff_port_valid(colon + 1, after))
				return -EINVAL;
			host_len = (size_t)(colon - text);
			want = 4;
		}
	}
	char buf[XFF_TEXT_MAX];
	memcpy(buf, host, host_len);
	buf[host_len] = '\0';
	if (want != 6 && inet_pton(AF_INET, buf, client->addr) == 1) {
		client->family = 4;
		return 0;
	}
	if (want != 4 && inet_pton(AF_INET6, buf, client->addr) == 1) {
		client->family = 6;
		xff_unmap(client);
		return 0;
	}
	memset(client, 0, sizeof(*client));
	return -EINVAL;
}

/*
 * text = p[0..len) trimmed, as EVE shows it. The filter and the rate limits
 * read this text again with xff_parse_address(), so it must give exactly
 * what the hop gave: a NUL shows as '?' (a C string would end there and
 * leave an address in front of it), and a hop cut to fit (cut: it was
 * longer than len already) ends in an ellipsis; neither character belongs
 * to any address form, so such a text never reads as an address.
 */
static void xff_copy_text(char text[XFF_TEXT_MAX], const char *p, size_t len, bool cut)
{
	static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 in UTF-8 */
	xff_trim(&p, &len);
	if (cut || len >= XFF_TEXT_MAX) {
		if (len > XFF_TEXT_MAX - sizeof(ellipsis))
			len = XFF_TEXT_MAX - sizeof(ellipsis);
		cut = true;
	}
	for (size_t i = 0; i < len; i++)
		text[i] = p[i] ? p[i] : '?';
	if (cut)
		memcpy(text + len, ellipsis, sizeof(ellipsis) - 1), len += sizeof(ellipsis) - 1;
	text[len] = '\0';
}
/* X-Forwarded-For and the like: "client, proxy1, proxy2"; the last entry is the hop. */
static int xff_parse_list(const uint8_t *value, size_t len, char text[XFF_TEXT_MAX],
			  struct xff_client *client)
{
	size_t start = len;
	while (start && value[start - 1] != ',')
		start--;
	const char *hop = (const char *)value + start;
	xff_copy_text(text, hop, len - start, false);
	return xff_parse_address(hop, len - start, client) == 0 ? 0 : -ENOENT;
}

/*
 * One RFC 7239 value at value[*at]: a token, or a quoted-string whose
 * quoted-pairs are undone, into out (NUL-terminated, cut to fit). Moves
 * *at past it; returns its length, or XFF_TEXT_MAX when it did not fit.
 */
static size_t xff_forwarded_value(const uint8_t *value, size_t len, size_t *at,
				  char out[XFF_TEXT_MAX])
{
	size_t i = *at, n = 0;
	bool over = false;
	bool quoted = i < len && value[i] == '"';
	if (quoted)
		i++;
	for (; i < len; i++) {
		char c = (char)value[i];
		if (quoted && c == '"') {
			i++;
			break;
		}
		if (!quoted && (c == ';' || c == ','))
			break;
		if (quoted && c == '\\' && i + 1 < len)
			c = (char)value[++i];
		if (n < XFF_TEXT_MAX - 1)
			out[n++] = c;
		else
			over = true;
	}
	while (!quoted && n && xff_is_blank(out[n - 1]))
		n--;
	out[n] = '\0';
	*at = i;
	return over ? XFF_TEXT_MAX : n;
}

/*
 * Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8::1]:4711".
 * Elements are separated by commas, pairs by semicolons; names are
 * case-insensitive. The last element's for= is the hop.
 */
static int xff_parse_forwarded(const uint8_t *value, size_t len, char text[XFF_TEXT_MAX],
			       struct xff_client *client)
{
	char hop[XFF_TEXT_MAX] = "";
	size_t hop_len = 0;
	bool have = false;
	size_t i = 0;
	while (i < len) {
		if (value[i] == ',') { /* a new element: an earlier for= is not the last hop's */
			have = false;
			i++;
			continue;
		}
		if (value[i] == ';' || xff_is_blank((char)value[i])) {
			i++;
			continue;
		}
		size_t name = i;
		while (i < len && value[i] != '=' && value[i] != ';' && value[i] != ',')
			i++;
		size_t name_len = i - name;
		while (name_len && xff_is_blank((char)value[name + name_len - 1]))
			name_len--;
		if (i >= len || value[i] != '=')
			continue; /* a bare token: not a pair */
		i++;
		while (i < len && xff_is_blank((char)value[i]))
			i++;
		char v[XFF_TEXT_MAX];
		size_t v_len = xff_forwarded_value(value, len, &i, v);
		if (name_len == 3 && strncasecmp((const char *)value + name, "for", 3) == 0) {
			hop_len = v_len;
			memcpy(hop, v, (v_len < XFF_TEXT_MAX ? v_len : XFF_TEXT_MAX - 1) + 1);
			have = true;
		}
	}
	text[0] = '\0';
	memset(client, 0, sizeof(*client));
	if (!have)
		return -ENOENT;
	bool cut = hop_len >= XFF_TEXT_MAX;
	if (cut || xff_parse_address(hop, hop_len, client) != 0) {
		xff_copy_text(text, hop, cut ? XFF_TEXT_MAX - 1 : hop_len, cut);
		return -ENOENT;
	}
	/* EVE shows an IPv6 node without brackets and port, as vigil always has */
	const char *shown = hop;
	size_t shown_len = hop_len;
	xff_trim(&shown, &shown_len);
	if (shown[0] == '[') {
		const char *close = memchr(shown, ']', shown_len);
		shown_len = (size_t)(close - shown - 1);
		shown++;
	}
	xff_copy_text(text, shown, shown_len, false);
	return 0;
}

int xff_parse_value(const char *name, const uint8_t *value, size_t len, char text[XFF_TEXT_MAX],
		    struct xff_client *client)
{
	if (!value)
		value = (const uint8_t *)"", len = 0;
	if (strcasecmp(name, "Forwarded") == 0)
		return xff_parse_forwarded(value, len, text, client);
	return xff_parse_list(value, len, text, client);
}

int xff_parse(const char *const *names, xff_header_fn header, void *arg, char text[XFF_TEXT_MAX],
	      struct xff_client *client)
{
	if (!names || !names[0])
		names = xff_default_headers;
	text[0] = '\0';
	memset(client, 0, sizeof(*client));
	for (unsigned i = 0; names[i]; i++) {
		size_t len = 0;
		const uint8_t *value = header(arg, names[i], &len);
		if (!value)
			continue;
		char hop[XFF_TEXT_MAX];
		if (xff_parse_value(names[i], value, len, hop, client) == 0) {
			memcpy(text, hop, XFF_TEXT_MAX);
			return 0;
		}
		if (!text[0])
			memcpy(text, hop, XFF_TEXT_MAX);
	}
	return -ENOENT;
}
