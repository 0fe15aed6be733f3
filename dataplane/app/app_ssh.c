/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SSH parser: only the identification line each side sends first
 * (RFC 4253 4.2: "SSH-protoversion-softwareversion SP comments CR LF", at
 * most 255 bytes). Each side's banner becomes one unit with ssh.proto
 * ("2.0") and ssh.software ("OpenSSH_8.9p1"). A server may send other
 * lines before its banner (RFC 4253 4.2); those are skipped, a bounded
 * number of them. Everything after the banner is the binary packet
 * protocol, encrypted after key exchange, and is ignored; so is a banner
 * line longer than 255 bytes (cut to what fits, then the direction stops).
 * Bare LF line ends are accepted, as OpenSSH does. A NUL ends the line too:
 * a banner padded with NULs and no line end (Cisco devices send them) is
 * still an identification an IDS must read, as Suricata reads it, though
 * OpenSSH itself refuses the line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"

#define SSH_LINE_MAX	   255
#define SSH_PRE_BANNER_MAX 32 /* lines a server may send before its banner */

struct ssh_direction {
	bool done;
	uint8_t lines;
	uint16_t len;
	uint8_t line[SSH_LINE_MAX];
};

/* EVE's ssh object: each side's banner as far as seen (text NUL-terminated, may be empty). */
struct ssh_side {
	char proto_version[16];
	char software_version[APP_TEXT_MAX];
	bool software_cut;
};
struct ssh_details {
	struct ssh_side side[2]; /* by enum app_direction: client, server */
};
APP_DETAILS_FITS(struct ssh_details);

struct ssh_state {
	struct app_details details;
	struct ssh_direction dir[2];
};

/* Up to size - 1 bytes of text into out, NUL-terminated; true when it was cut. */
static bool ssh_copy(char *out, size_t size, const uint8_t *text, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	memcpy(out, text, n);
	out[n] = '\0';
	return n < len;
}

/* The banner line (without CR LF) into its two buffers and one unit. */
static void ssh_banner(struct ssh_state *s, struct ssh_direction *d, const uint8_t *line,
		       uint32_t len, app_emit_fn emit, void *arg)
{
	struct app_unit unit = {.details = &s->details};
	const uint8_t *proto = line + 4, *end = line + len;
	const uint8_t *dash = memchr(proto, '-', (size_t)(end - proto));

	if (!dash)
		return;
	const uint8_t *software = dash + 1, *software_end = software;
	while (software_end < end && *software_end != ' ' && *software_end != '\r')
		software_end++;
	struct ssh_side *side =
	    &((struct ssh_details *)(void *)s->details.proto)->side[d == &s->dir[0] ? 0 : 1];
	ssh_copy(side->proto_version, sizeof(side->proto_version), proto, (size_t)(dash - proto));
	side->software_cut = ssh_copy(side->software_version, sizeof(side->software_version),
				      software, (size_t)(software_end - software));
	unit.buffer[RULE_BUFFER_SSH_PROTO] = proto;
	unit.buffer_len[RULE_BUFFER_SSH_PROTO] = (uint32_t)(dash - proto);
	unit.buffer[RULE_BUFFER_SSH_SOFTWARE] = software;
	unit.buffer_len[RULE_BUFFER_SSH_SOFTWARE] = (uint32_t)(software_end - software);
	emit(arg, &unit);
}

/* One whole line (or a cut one, when it filled the buffer) of a direction. */
static void ssh_line(struct ssh_state *s, struct ssh_direction *d, app_emit_fn emit, void *arg)
{
	uint32_t len = d->len;

	d->len = 0;
	if (len && d->line[len - 1] == '\r')
		len--;
	if (len >= 4 && !memcmp(d->line, "SSH-", 4)) {
		ssh_banner(s, d, d->line, len, emit, arg);
		d->done = true;
		return;
	}
	if (++d->lines > SSH_PRE_BANNER_MAX)
		d->done = true;
}

static void ssh_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct ssh_state *s = state;
	struct ssh_direction *d = &s->dir[dir & 1];

	while (len && !d->done) {
		uint8_t c = *data++;
		len--;
		if (c == '\n' || (c == '\0' && d->len)) {
			ssh_line(s, d, emit, arg);
			continue;
		}
		if (c == '\0')
			continue; /* NULs between lines: nothing */
		d->line[d->len++] = c;
		if (d->len == SSH_LINE_MAX) {
			ssh_line(s, d, emit, arg);
			d->done = true; /* RFC 4253 bounds the line: longer is not SSH */
		}
	}
}

static enum app_detect_result ssh_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	(void)direction;
	uint32_t n = len < 4 ? len : 4;

	if (!len)
		return APP_DETECT_NEED_MORE;
	if (memcmp(data, "SSH-", n))
		return APP_DETECT_NO;
	return len >= 4 ? APP_DETECT_YES : APP_DETECT_NEED_MORE;
}

static void *ssh_create(const struct app_config *config)
{
	(void)config;
	return calloc(1, sizeof(struct ssh_state));
}

static void ssh_destroy(void *state)
{
	free(state);
}

/* EVE: ,"ssh":{"client":{proto_version, software_version},"server":{...}}, the sides seen. */
static void ssh_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct ssh_details *det = (const struct ssh_details *)(const void *)d->proto;
	static const char *const names[2] = {"client", "server"};
	app_json_key(out, "ssh");
	app_json_begin(out, "{");
	for (int i = 0; i < 2; i++) {
		const struct ssh_side *side = &det->side[i];
		if (!side->proto_version[0] && !side->software_version[0])
			continue;
		app_json_key(out, names[i]);
		app_json_begin(out, "{");
		app_json_text(out, "proto_version", side->proto_version,
			      sizeof(side->proto_version));
		app_json_text_cut(out, "software_version", side->software_version,
				  sizeof(side->software_version), side->software_cut);
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_ssh = {
    .name = "ssh",
    .proto = RULE_PROTO_SSH,
    .tcp = true,
    .udp = false,
    .buffers = APP_BUFFER(SSH_PROTO) | APP_BUFFER(SSH_SOFTWARE),
    .detect = ssh_detect,
    .create = ssh_create,
    .destroy = ssh_destroy,
    .parse = ssh_parse,
    .eve_details = ssh_eve_details,
};
