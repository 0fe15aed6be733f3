/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SSH parser: only the identification line each side sends first
 * (RFC 4253 4.2: "SSH-protoversion-softwareversion SP comments CR LF", at
 * most 255 bytes). Each side's banner becomes one unit with ssh.proto
 * ("2.0") and ssh.software ("OpenSSH_8.9p1"). A server may send other
 * lines before its banner (RFC 4253 4.2); those are skipped, a bounded
 * number of them. A banner line longer than 255 bytes is cut to what fits,
 * then the direction stops. Bare LF line ends are accepted, as OpenSSH does.
 * A NUL ends the line too: a banner padded with NULs and no line end
 * (Cisco devices send them) is still an identification an IDS must read,
 * as Suricata reads it, though OpenSSH itself refuses the line.
 *
 * After the banner comes the binary packet protocol (RFC 4253 6), clear
 * until the keys are exchanged. Its first packet, SSH_MSG_KEXINIT (7.1),
 * gives HASSH (Salesforce's SSH fingerprint, as Suricata computes it): the
 * client's key exchange, encryption, MAC and compression algorithm lists
 * toward the server, joined by ';' (ssh.hassh.string), and their MD5 in
 * hex (ssh.hassh); the server's lists toward the client likewise
 * (ssh.hassh.server.string, ssh.hassh.server). The packet is kept up to
 * SSH_KEXINIT_MAX bytes (a longer one is not fingerprinted) in a buffer
 * allocated once per direction when its first packet starts; after it the
 * direction is done.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_tls.h"
#include "dataplane/app/app_util.h"

#define SSH_LINE_MAX	   255
#define SSH_PRE_BANNER_MAX 32	/* lines a server may send before its banner */
#define SSH_KEXINIT_MAX	   8192 /* bytes kept of the KEXINIT packet (OpenSSH's are ~1.5 KB) */
#define SSH_MSG_KEXINIT	   20

/* The first binary packet of a direction, while it arrives. */
struct ssh_kexinit {
	uint8_t header[4];
	uint8_t header_len;
	uint32_t packet_len, seen;
	uint8_t packet[SSH_KEXINIT_MAX];
	char text[SSH_KEXINIT_MAX]; /* the HASSH string */
};

struct ssh_direction {
	bool done;     /* the banner line was seen (or given up on) */
	bool finished; /* nothing more to read in this direction */
	uint8_t lines;
	uint16_t len;
	uint8_t line[SSH_LINE_MAX];
	struct ssh_kexinit *kex; /* allocated when the first packet starts */
};

/* EVE's ssh object: each side's banner as far as seen (text NUL-terminated, may be empty). */
struct ssh_side {
	char proto_version[16];
	char software_version[APP_TEXT_MAX];
	bool software_cut;
	bool hassh_cut;
	char hassh_hash[33]; /* empty until this side's KEXINIT was read */
	char hassh_string[APP_TEXT_MAX];
};
struct ssh_details {
	struct ssh_side side[2]; /* by enum app_direction: client, server */
};
APP_DETAILS_FITS(struct ssh_details);

struct ssh_state {
	struct app_details details;
	struct ssh_direction dir[2];
};

/* One name-list (RFC 4251 5) of r at *off; false past the end. */
static bool ssh_name_list(const uint8_t *p, uint32_t len, uint32_t *off, const uint8_t **list,
			  uint32_t *list_len)
{
	if (len - *off < 4)
		return false;
	uint32_t n = (uint32_t)p[*off] << 24 | (uint32_t)p[*off + 1] << 16 |
		     (uint32_t)p[*off + 2] << 8 | p[*off + 3];
	*off += 4;
	if (n > len - *off)
		return false;
	*list = p + *off;
	*list_len = n;
	*off += n;
	return true;
}

/*
 * A whole KEXINIT packet (after its length): padding length, message
 * type, cookie, then ten name-lists; the HASSH of this direction's side
 * into one unit.
 */
static void ssh_kexinit(struct ssh_state *s, struct ssh_kexinit *k, enum app_direction dir,
			app_emit_fn emit, void *arg)
{
	const uint8_t *p = k->packet, *lists[8];
	uint32_t len = k->packet_len, off = 1 + 1 + 16, lens[8];

	if (len < off || p[1] != SSH_MSG_KEXINIT)
		return;
	for (int i = 0; i < 8; i++)
		if (!ssh_name_list(p, len, &off, &lists[i], &lens[i]))
			return;
	/* kex; then encryption, MAC, compression of this side's direction */
	static const int client[4] = {0, 2, 4, 6}, server[4] = {0, 3, 5, 7};
	const int *pick = dir == APP_TO_SERVER ? client : server;
	uint32_t used = 0;
	for (int i = 0; i < 4; i++) {
		uint32_t n = lens[pick[i]];
		if (used + n + 1 > sizeof(k->text))
			return;
		if (i)
			k->text[used++] = ';';
		memcpy(k->text + used, lists[pick[i]], n);
		used += n;
	}
	uint8_t digest[16];
	char hex[33];
	tls_md5((const uint8_t *)k->text, used, digest);
	tls_hex(digest, 16, hex);
	struct ssh_side *side = &((struct ssh_details *)(void *)s->details.proto)->side[dir & 1];
	memcpy(side->hassh_hash, hex, sizeof(side->hassh_hash));
	side->hassh_cut = app_text_copy(side->hassh_string, sizeof(side->hassh_string),
					(const uint8_t *)k->text, used);
	struct app_unit unit = {.details = &s->details};
	int hash = dir == APP_TO_SERVER ? RULE_BUFFER_SSH_HASSH : RULE_BUFFER_SSH_HASSH_SERVER;
	int text = dir == APP_TO_SERVER ? RULE_BUFFER_SSH_HASSH_STRING
					: RULE_BUFFER_SSH_HASSH_SERVER_STRING;
	unit.buffer[hash] = (const uint8_t *)hex;
	unit.buffer_len[hash] = 32;
	unit.buffer[text] = (const uint8_t *)k->text;
	unit.buffer_len[text] = used;
	emit(arg, &unit);
}

/* Bytes after the banner: the first packet's length, then the packet; then nothing. */
static void ssh_packet_bytes(struct ssh_state *s, struct ssh_direction *d, enum app_direction dir,
			     const uint8_t *data, uint32_t len, app_emit_fn emit, void *arg)
{
	/* once per direction, as create() per flow: nothing per packet */
	if (!d->kex && !(d->kex = calloc(1, sizeof(*d->kex)))) {
		d->finished = true;
		return;
	}
	struct ssh_kexinit *k = d->kex;
	while (len && k->header_len < 4) {
		k->header[k->header_len++] = *data++;
		len--;
		if (k->header_len == 4)
			k->packet_len = (uint32_t)k->header[0] << 24 |
					(uint32_t)k->header[1] << 16 | (uint32_t)k->header[2] << 8 |
					k->header[3];
	}
	if (k->header_len < 4)
		return;
	if (k->packet_len > SSH_KEXINIT_MAX || k->packet_len < 2) {
		d->finished = true; /* too long to fingerprint, or not a packet */
		return;
	}
	if (!app_message_take(k->packet, SSH_KEXINIT_MAX, k->packet_len, &k->seen, &data, &len))
		return;
	d->finished = true;
	ssh_kexinit(s, k, dir, emit, arg);
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
	app_text_copy(side->proto_version, sizeof(side->proto_version), proto,
		      (size_t)(dash - proto));
	side->software_cut = app_text_copy(side->software_version, sizeof(side->software_version),
					   software, (size_t)(software_end - software));
	unit.buffer[RULE_BUFFER_SSH_PROTO] = proto;
	unit.buffer_len[RULE_BUFFER_SSH_PROTO] = (uint32_t)(dash - proto);
	unit.buffer[RULE_BUFFER_SSH_SOFTWARE] = software;
	unit.buffer_len[RULE_BUFFER_SSH_SOFTWARE] = (uint32_t)(software_end - software);
	unit.side_incomplete = true; /* the record waits for this side's HASSH */
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
		d->done = d->finished = true;
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
			d->done = d->finished =
			    true; /* RFC 4253 bounds the line: longer is not SSH */
		}
	}
	if (len && d->done && !d->finished)
		ssh_packet_bytes(s, d, dir & 1, data, len, emit, arg);
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
	struct ssh_state *s = state;

	if (!s)
		return;
	free(s->dir[0].kex);
	free(s->dir[1].kex);
	free(s);
}

/*
 * EVE: ,"ssh":{"client":{proto_version, software_version, hassh{hash,
 * string}},"server":{...}}, the sides seen (hassh once its KEXINIT was read).
 */
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
		if (side->hassh_hash[0]) {
			app_json_key(out, "hassh");
			app_json_begin(out, "{");
			app_json_text(out, "hash", side->hassh_hash, sizeof(side->hassh_hash));
			app_json_text_cut(out, "string", side->hassh_string,
					  sizeof(side->hassh_string), side->hassh_cut);
			app_json_end(out, "}");
		}
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_ssh = {
    .name = "ssh",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_SSH,
    .tcp = true,
    .udp = false,
    .buffers = APP_BUFFER(SSH_PROTO) | APP_BUFFER(SSH_SOFTWARE) | APP_BUFFER(SSH_HASSH) |
	       APP_BUFFER(SSH_HASSH_STRING) | APP_BUFFER(SSH_HASSH_SERVER) |
	       APP_BUFFER(SSH_HASSH_SERVER_STRING),
    .detect = ssh_detect,
    .create = ssh_create,
    .destroy = ssh_destroy,
    .parse = ssh_parse,
    .eve_details = ssh_eve_details,
};
