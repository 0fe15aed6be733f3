/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SMB2/3 over TCP (MS-SMB2), in NetBIOS session framing (RFC 1002: a type
 * byte and a 24-bit length; port 445 and 139 alike). What rules read:
 *   SESSION_SETUP   the NTLMSSP AUTHENTICATE message in the request's
 *                   security blob: smb.ntlmssp_user, smb.ntlmssp_domain
 *                   (UTF-16 names as UTF-8 when they are ASCII)
 *   TREE_CONNECT    the path ("\\server\share"), once the response says
 *                   what the share is: smb.named_pipe for a pipe share
 *                   (IPC$), smb.share for any other (as Suricata reads them);
 *                   SMB1's TREE_CONNECT_ANDX too
 *   CREATE          the file name, for EVE
 *   WRITE / READ / IOCTL(FSCTL_PIPE_TRANSCEIVE) on a pipe: the bytes are
 *                   DCE/RPC (toward the server, and back), handed to the
 *                   DCE/RPC parser (app_dcerpc.c) so dcerpc.iface,
 *                   dcerpc.opnum and dcerpc.stub_data hold on SMB too
 * Every response is an EVE smb record (command, status, the session's and
 * tree's ids, share, file name, the NTLMSSP names). Of SMB1 ("\xffSMB",
 * the dialect negotiation most clients open with) only tree connects are
 * read; encrypted SMB3 ("\xfdSMB") is skipped. A message is kept up to
 * SMB_MESSAGE_KEEP bytes (a longer one, a large file write, is read as
 * far as it was kept); trees, files and outstanding requests are
 * remembered in small fixed tables (the oldest forgotten first).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/app/app_frame.h"
#include "dataplane/app/app_http_body.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"

#define SMB_MESSAGE_KEEP (32u * 1024)
#define SMB2_HEADER	 64
#define SMB_TREES_MAX	 8
#define SMB_PIPES_MAX	 8
#define SMB_PENDING_MAX	 16
#define SMB_NAME_MAX	 128

#define SMB2_FLAGS_RESPONSE	   0x00000001u
#define SMB2_FSCTL_PIPE_TRANSCEIVE 0x0011c017u

/* _(code, "EVE name"): SMB2 commands. */
#define foreach_smb2_command                                                                       \
	_(0, "SMB2_COMMAND_NEGOTIATE_PROTOCOL")                                                    \
	_(1, "SMB2_COMMAND_SESSION_SETUP")                                                         \
	_(2, "SMB2_COMMAND_SESSION_LOGOFF")                                                        \
	_(3, "SMB2_COMMAND_TREE_CONNECT")                                                          \
	_(4, "SMB2_COMMAND_TREE_DISCONNECT")                                                       \
	_(5, "SMB2_COMMAND_CREATE")                                                                \
	_(6, "SMB2_COMMAND_CLOSE")                                                                 \
	_(7, "SMB2_COMMAND_FLUSH")                                                                 \
	_(8, "SMB2_COMMAND_READ")                                                                  \
	_(9, "SMB2_COMMAND_WRITE")                                                                 \
	_(10, "SMB2_COMMAND_LOCK")                                                                 \
	_(11, "SMB2_COMMAND_IOCTL")                                                                \
	_(12, "SMB2_COMMAND_CANCEL")                                                               \
	_(13, "SMB2_COMMAND_KEEPALIVE")                                                            \
	_(14, "SMB2_COMMAND_QUERY_DIRECTORY")                                                      \
	_(15, "SMB2_COMMAND_CHANGE_NOTIFY")                                                        \
	_(16, "SMB2_COMMAND_QUERY_INFO")                                                           \
	_(17, "SMB2_COMMAND_SET_INFO")                                                             \
	_(18, "SMB2_COMMAND_OPLOCK_BREAK")

/* _(code, "EVE name"): the NT status values records name; others are written in hex. */
#define foreach_smb_status                                                                         \
	_(0x00000000u, "STATUS_SUCCESS")                                                           \
	_(0x00000103u, "STATUS_PENDING")                                                           \
	_(0x80000005u, "STATUS_BUFFER_OVERFLOW")                                                   \
	_(0x80000006u, "STATUS_NO_MORE_FILES")                                                     \
	_(0xc0000011u, "STATUS_END_OF_FILE")                                                       \
	_(0xc0000016u, "STATUS_MORE_PROCESSING_REQUIRED")                                          \
	_(0xc0000022u, "STATUS_ACCESS_DENIED")                                                     \
	_(0xc0000034u, "STATUS_OBJECT_NAME_NOT_FOUND")                                             \
	_(0xc0000035u, "STATUS_OBJECT_NAME_COLLISION")                                             \
	_(0xc00000bbu, "STATUS_NOT_SUPPORTED")                                                     \
	_(0xc00000ccu, "STATUS_BAD_NETWORK_NAME")                                                  \
	_(0xc000006du, "STATUS_LOGON_FAILURE")                                                     \
	_(0xc0000225u, "STATUS_NOT_FOUND")

/* EVE's smb object for the message pair last seen. */
struct smb_details {
	uint64_t id; /* the message id */
	uint64_t session_id;
	uint32_t tree_id;
	uint32_t status;
	uint16_t command;
	uint16_t dialect; /* the negotiated one (0x0202, 0x0300, ...); 0: not seen */
	uint8_t is_response;
	char share[SMB_NAME_MAX];
	char filename[256];
	char ntlm_user[64], ntlm_domain[64], ntlm_host[64];
};
APP_DETAILS_FITS(struct smb_details);

struct smb_message {
	uint8_t header[4];
	uint32_t seen, len; /* bytes taken of the NetBIOS message, its length (header excluded) */
	/* the message as kept, its NetBIOS header first (the nbss.pdu frame's bytes) */
	struct http_bytes body;
	uint64_t offset; /* of its first byte in the direction's stream */
};

struct smb_tree {
	uint32_t id;
	bool pipe;
	char share[SMB_NAME_MAX];
};

/* A request waiting for its response (by message id): what the response needs of it. */
struct smb_pending {
	uint64_t message_id;
	uint16_t command;
	uint32_t tree_id;
	bool pipe; /* a READ or IOCTL on a pipe: the response's data is DCE/RPC */
	char name[SMB_NAME_MAX];
};

struct smb_state {
	struct app_details details;
	struct smb_message message[2];
	const struct app_config *config;
	struct smb_tree trees[SMB_TREES_MAX];
	unsigned tree_next;
	uint8_t pipes[SMB_PIPES_MAX][16]; /* file ids of open pipes */
	unsigned pipe_next;
	struct smb_pending pending[SMB_PENDING_MAX];
	unsigned pending_next;
	void *rpc;	 /* the DCE/RPC parser's state for the pipes; NULL until one carries data */
	bool rpc_broken; /* the pipe data just fed was not DCE/RPC: start afresh */
	uint32_t rpc_left[2]; /* bytes of a PDU the last pipe data began and did not end */
	app_emit_fn emit;
	void *emit_arg;
	struct app_frames frames;
};

static struct smb_details *smb_details_of(struct smb_state *s)
{
	return (struct smb_details *)(void *)s->details.proto;
}

static uint16_t smb_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t smb_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t smb_u64(const uint8_t *p)
{
	return (uint64_t)smb_u32(p) | (uint64_t)smb_u32(p + 4) << 32;
}

/* UTF-16LE text into out as bytes (each code unit's low byte; non-ASCII as '?'); its length. */
static uint32_t smb_utf16(const uint8_t *p, uint32_t bytes, char *out, uint32_t size)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i + 1 < bytes && n + 1 < size; i += 2) {
		uint16_t c = smb_u16(p + i);
		if (!c)
			break;
		out[n++] = c < 0x80 ? (char)c : '?';
	}
	out[n] = '\0';
	return n;
}

/* A [offset, offset + len) inside a message of n bytes. */
static bool smb_within(uint32_t offset, uint32_t len, uint32_t n)
{
	return offset <= n && len <= n - offset;
}

static struct smb_tree *smb_tree_find(struct smb_state *s, uint32_t id)
{
	for (unsigned i = 0; i < SMB_TREES_MAX; i++)
		if (s->trees[i].id == id && s->trees[i].share[0])
			return &s->trees[i];
	return NULL;
}

static bool smb_pipe_known(const struct smb_state *s, const uint8_t *file_id)
{
	for (unsigned i = 0; i < SMB_PIPES_MAX; i++)
		if (!memcmp(s->pipes[i], file_id, 16))
			return true;
	return false;
}

static struct smb_pending *smb_pending_take(struct smb_state *s, uint64_t message_id)
{
	for (unsigned i = 0; i < SMB_PENDING_MAX; i++)
		if (s->pending[i].message_id == message_id && s->pending[i].command != 0xffff)
			return &s->pending[i];
	return NULL;
}

static struct smb_pending *smb_pending_add(struct smb_state *s, uint64_t message_id,
					   uint16_t command, uint32_t tree_id)
{
	struct smb_pending *p = &s->pending[s->pending_next++ % SMB_PENDING_MAX];
	memset(p, 0, sizeof(*p));
	p->message_id = message_id;
	p->command = command;
	p->tree_id = tree_id;
	return p;
}

/* A unit of the SMB message being read, with the text buffer b when given. */
static void smb_emit_text(struct smb_state *s, enum rule_buffer b, const char *text)
{
	struct app_unit unit = {.details = &s->details, .repeat = true};
	unit.buffer[b] = (const uint8_t *)text;
	unit.buffer_len[b] = (uint32_t)strlen(text);
	s->emit(s->emit_arg, &unit);
}

/*
 * A tree connect answered: its path is smb.named_pipe when the share is
 * a pipe (IPC$), smb.share otherwise, as Suricata reads them; once per
 * tree connect, when the answer says which.
 */
static void smb_tree_unit(struct smb_state *s, const struct smb_tree *t)
{
	smb_emit_text(s, t->pipe ? RULE_BUFFER_SMB_NAMED_PIPE : RULE_BUFFER_SMB_SHARE, t->share);
}

/* The DCE/RPC parser's units go out as SMB's: SMB's details, DCE/RPC's buffers. */
static void smb_rpc_unit(void *arg, const struct app_unit *unit)
{
	struct smb_state *s = arg;
	if (unit->error) {
		s->rpc_broken =
		    true; /* a pipe that is not DCE/RPC (psexec's stdin) breaks nothing of SMB */
		return;
	}
	struct app_unit copy = *unit;
	copy.details = &s->details;
	copy.repeat = true; /* SMB's record is the message's */
	s->emit(s->emit_arg, &copy);
}

/* Pipe data that starts a DCE/RPC PDU (version 5.0 or 5.1). */
static bool smb_looks_rpc(const uint8_t *data, uint32_t len)
{
	return len >= 16 && data[0] == 5 && data[1] <= 1;
}

/*
 * Bytes a pipe carried, in dir: DCE/RPC when they start a PDU or go on
 * with one the pipe's last data began (a response read in pieces); other
 * pipes (psexec's stdin and stdout) are not, and are not parsed. Every
 * pipe of the flow shares one DCE/RPC state, so the interfaces bound on
 * one are known on all; data that breaks its framing resets it.
 */
static void smb_pipe_data(struct smb_state *s, enum app_direction dir, const uint8_t *data,
			  uint32_t len)
{
	if (!len || (!s->rpc_left[dir] && !smb_looks_rpc(data, len)))
		return;
	uint32_t at = s->rpc_left[dir];
	while (at + 10 <= len) {
		uint32_t frag = data[at + 4] & 0x10 ? smb_u16(data + at + 8)
						    : (uint32_t)(data[at + 8] << 8 | data[at + 9]);
		at += frag > 16 ? frag : 16;
	}
	s->rpc_left[dir] = at > len ? at - len : 0;
	if (!s->rpc)
		s->rpc = app_parser_dcerpc.create(s->config);
	if (s->rpc)
		app_parser_dcerpc.parse(s->rpc, dir, data, len, smb_rpc_unit, s);
	if (s->rpc_broken) {
		app_parser_dcerpc.destroy(s->rpc);
		s->rpc = NULL;
		s->rpc_broken = false;
		s->rpc_left[0] = s->rpc_left[1] = 0;
	}
}

/* NTLMSSP AUTHENTICATE (type 3) in a SESSION_SETUP request's security blob. */
static void smb_ntlmssp(struct smb_state *s, const uint8_t *blob, uint32_t n)
{
	static const uint8_t sig[] = "NTLMSSP";
	const uint8_t *at = NULL;
	for (uint32_t i = 0; i + 8 <= n && !at; i++)
		if (!memcmp(blob + i, sig, 8))
			at = blob + i;
	if (!at)
		return;
	uint32_t left = n - (uint32_t)(at - blob);
	if (left < 52 || smb_u32(at + 8) != 3)
		return;
	struct smb_details *det = smb_details_of(s);
	struct {
		uint32_t field;
		char *out;
		size_t size;
		enum rule_buffer b;
	} names[] = {
	    {28, det->ntlm_domain, sizeof(det->ntlm_domain), RULE_BUFFER_SMB_NTLMSSP_DOMAIN},
	    {36, det->ntlm_user, sizeof(det->ntlm_user), RULE_BUFFER_SMB_NTLMSSP_USER},
	    {44, det->ntlm_host, sizeof(det->ntlm_host), RULE_BUFFER_COUNT},
	};
	struct app_unit unit = {.details = &s->details, .repeat = true};
	for (unsigned i = 0; i < 3; i++) {
		uint32_t len = smb_u16(at + names[i].field), off = smb_u32(at + names[i].field + 4);
		names[i].out[0] = '\0';
		if (!smb_within(off, len, left))
			continue;
		uint32_t got = smb_utf16(at + off, len, names[i].out, (uint32_t)names[i].size);
		if (names[i].b != RULE_BUFFER_COUNT) {
			unit.buffer[names[i].b] = (const uint8_t *)names[i].out;
			unit.buffer_len[names[i].b] = got;
		}
	}
	s->emit(s->emit_arg, &unit);
}

/* One SMB2 request (h: its header; n: bytes from the header on, at least SMB2_HEADER). */
static void smb2_request(struct smb_state *s, const uint8_t *h, uint32_t n)
{
	const uint8_t *b = h + SMB2_HEADER;
	uint32_t bn = n - SMB2_HEADER;
	uint16_t command = smb_u16(h + 12);
	uint64_t message_id = smb_u64(h + 24);
	uint32_t tree_id = smb_u32(h + 36);
	struct smb_details *det = smb_details_of(s);
	struct smb_tree *tree = smb_tree_find(s, tree_id);
	struct smb_pending *p = smb_pending_add(s, message_id, command, tree_id);
	/* an alert on the request shows the request's command, not the last response's */
	det->command = command;
	det->id = message_id;
	det->tree_id = tree_id;
	det->session_id = smb_u64(h + 40);
	det->status = 0;
	switch (command) {
	case 1: /* SESSION_SETUP */
		if (bn >= 16 && smb_within(smb_u16(b + 12), smb_u16(b + 14), n))
			smb_ntlmssp(s, h + smb_u16(b + 12), smb_u16(b + 14));
		break;
	case 3: /* TREE_CONNECT */
		if (bn >= 8 && smb_within(smb_u16(b + 4), smb_u16(b + 6), n)) {
			smb_utf16(h + smb_u16(b + 4), smb_u16(b + 6), p->name, sizeof(p->name));
			app_text_copy(det->share, sizeof(det->share), p->name, strlen(p->name));
		}
		break;
	case 5: /* CREATE */
		if (bn >= 48 && smb_within(smb_u16(b + 44), smb_u16(b + 46), n)) {
			smb_utf16(h + smb_u16(b + 44), smb_u16(b + 46), p->name, sizeof(p->name));
			app_text_copy(det->filename, sizeof(det->filename), p->name,
				      strlen(p->name));
		}
		break;
	case 8: /* READ */
		p->pipe = bn >= 32 && ((tree && tree->pipe) || smb_pipe_known(s, b + 16));
		break;
	case 9: /* WRITE */
		if (bn >= 32) {
			uint32_t off = smb_u16(b + 2), len = smb_u32(b + 4);
			if (!smb_within(off, len, n))
				len = off < n ? n - off : 0; /* kept only in part */
			const uint8_t *data = h + off;
			if (len && (smb_pipe_known(s, b + 16) || (tree && tree->pipe) ||
				    smb_looks_rpc(data, len)))
				smb_pipe_data(s, APP_TO_SERVER, data, len);
		}
		break;
	case 11: /* IOCTL */
		if (bn >= 32 && smb_u32(b + 4) == SMB2_FSCTL_PIPE_TRANSCEIVE) {
			uint32_t off = smb_u32(b + 24), len = smb_u32(b + 28);
			p->pipe = true;
			if (smb_within(off, len, n))
				smb_pipe_data(s, APP_TO_SERVER, h + off, len);
		}
		break;
	default:
		break;
	}
}

/* One SMB2 response (n as for a request); every response is an EVE record. */
static void smb2_response(struct smb_state *s, const uint8_t *h, uint32_t n)
{
	const uint8_t *b = h + SMB2_HEADER;
	uint32_t bn = n - SMB2_HEADER;
	uint16_t command = smb_u16(h + 12);
	uint32_t status = smb_u32(h + 8);
	struct smb_details *det = smb_details_of(s);
	struct smb_pending *p = smb_pending_take(s, smb_u64(h + 24));
	bool ok = status == 0 || status == 0x80000005u;
	switch (command) {
	case 0: /* NEGOTIATE */
		if (ok && bn >= 6)
			det->dialect = smb_u16(b + 4);
		break;
	case 3: /* TREE_CONNECT */
		if (p && ok && bn >= 4) {
			struct smb_tree *t = &s->trees[s->tree_next++ % SMB_TREES_MAX];
			t->id = smb_u32(h + 36);
			t->pipe = b[2] == 2;
			memcpy(t->share, p->name, sizeof(t->share));
			smb_tree_unit(s, t);
		}
		break;
	case 5: /* CREATE */
		if (p && ok && bn >= 80) {
			struct smb_tree *t = smb_tree_find(s, p->tree_id);
			if (t && t->pipe) {
				memcpy(s->pipes[s->pipe_next++ % SMB_PIPES_MAX], b + 64, 16);
			}
		}
		break;
	case 8: /* READ */
		if (ok && bn >= 8) {
			uint32_t off = b[2], len = smb_u32(b + 4);
			if (smb_within(off, len, n) &&
			    ((p && p->pipe) || smb_looks_rpc(h + off, len)))
				smb_pipe_data(s, APP_TO_CLIENT, h + off, len);
		}
		break;
	case 11: /* IOCTL */
		if (ok && bn >= 40 && smb_u32(b + 4) == SMB2_FSCTL_PIPE_TRANSCEIVE) {
			uint32_t off = smb_u32(b + 32), len = smb_u32(b + 36);
			if (smb_within(off, len, n))
				smb_pipe_data(s, APP_TO_CLIENT, h + off, len);
		}
		break;
	default:
		break;
	}
	det->id = smb_u64(h + 24);
	det->session_id = smb_u64(h + 40);
	det->tree_id = smb_u32(h + 36);
	det->status = status;
	det->command = command;
	det->is_response = 1;
	if (p)
		p->command = 0xffff;
	struct app_unit unit = {.details = &s->details};
	s->emit(s->emit_arg, &unit);
}

/*
 * SMB1 (h: its 32-byte header, n: the message's bytes): only
 * TREE_CONNECT_ANDX, the path of the request (ASCII, or UTF-16 when
 * flags2 says Unicode) and the response's service ("IPC": a pipe).
 */
#define SMB1_HEADER	       32
#define SMB1_TREE_CONNECT_ANDX 0x75
static void smb1_message(struct smb_state *s, const uint8_t *h, uint32_t n)
{
	if (n < SMB1_HEADER + 3 || h[4] != SMB1_TREE_CONNECT_ANDX)
		return;
	uint64_t mid = (uint64_t)1 << 63 | (uint64_t)smb_u16(h + 26) << 16 | smb_u16(h + 30);
	uint32_t words = h[SMB1_HEADER];
	uint32_t count_at = SMB1_HEADER + 1 + 2 * words;
	if (count_at + 2 > n)
		return;
	uint32_t bytes_at = count_at + 2, end = bytes_at + smb_u16(h + count_at);
	end = end < n ? end : n;
	if (!(h[9] & 0x80)) {
		if (words < 4)
			return;
		uint32_t at = bytes_at + smb_u16(h + SMB1_HEADER + 7); /* past the password */
		struct smb_pending *p = smb_pending_add(s, mid, SMB1_TREE_CONNECT_ANDX, 0);
		if (smb_u16(h + 10) & 0x8000) {
			at += at & 1; /* Unicode strings start on an even offset */
			if (at < end)
				smb_utf16(h + at, end - at, p->name, sizeof(p->name));
		} else if (at < end) {
			const uint8_t *z = memchr(h + at, 0, end - at);
			app_text_copy(p->name, sizeof(p->name), h + at,
				      z ? (size_t)(z - (h + at)) : end - at);
		}
		struct smb_details *det = smb_details_of(s);
		app_text_copy(det->share, sizeof(det->share), p->name, strlen(p->name));
		return;
	}
	struct smb_pending *p = smb_pending_take(s, mid);
	if (!p || smb_u32(h + 5) != 0)
		return;
	struct smb_tree *t = &s->trees[s->tree_next++ % SMB_TREES_MAX];
	t->id = (uint32_t)1 << 31 | smb_u16(h + 24);
	t->pipe = end - bytes_at >= 3 && !memcmp(h + bytes_at, "IPC", 3);
	memcpy(t->share, p->name, sizeof(t->share));
	p->command = 0xffff;
	smb_tree_unit(s, t);
}

/* A frame of one message's kept bytes: at, held and length are within the message. */
static void smb_frame(struct smb_state *s, enum app_direction dir, enum rule_frame type,
		      uint32_t at, uint32_t held, uint64_t length)
{
	const struct smb_message *m = &s->message[dir];
	uint32_t have = at < m->body.len ? m->body.len - at : 0;
	if (held > have)
		held = have;
	if (held > length) /* a command of a compound ends where the next begins */
		held = (uint32_t)length;
	app_frame_emit(&s->frames, s->emit, s->emit_arg, type, dir, m->body.data + at, held,
		       m->offset + at, length, -1, &s->details);
}

/*
 * The frames of one SMB2 command at at (within the message) whose length
 * is length: smb2.pdu, its 64-byte header smb2.hdr, the rest smb2.data.
 */
static void smb2_frames(struct smb_state *s, enum app_direction dir, uint32_t at, uint64_t length)
{
	smb_frame(s, dir, RULE_FRAME_SMB2_PDU, at, UINT32_MAX, length);
	smb_frame(s, dir, RULE_FRAME_SMB2_HDR, at, SMB2_HEADER, SMB2_HEADER);
	smb_frame(s, dir, RULE_FRAME_SMB2_DATA, at + SMB2_HEADER, UINT32_MAX, length - SMB2_HEADER);
}

/* One NetBIOS session message: SMB2 commands, compounded with NextCommand. */
static void smb_message(struct smb_state *s, enum app_direction dir)
{
	struct smb_message *m = &s->message[dir];
	if (m->body.len < 4)
		return;
	const uint8_t *data = m->body.data + 4;
	uint32_t n = m->body.len - 4;
	smb_frame(s, dir, RULE_FRAME_SMB_NBSS_PDU, 0, UINT32_MAX, 4 + (uint64_t)m->len);
	smb_frame(s, dir, RULE_FRAME_SMB_NBSS_HDR, 0, 4, 4);
	smb_frame(s, dir, RULE_FRAME_SMB_NBSS_DATA, 4, UINT32_MAX, m->len);
	if (m->header[0] == 0 && n >= 4 && !memcmp(data, "\xffSMB", 4)) {
		smb1_message(s, data, n);
		return;
	}
	if (m->header[0] != 0 || n < 4 || memcmp(data, "\xfeSMB", 4))
		return; /* session setup of NetBIOS, encrypted SMB3: nothing read */
	for (unsigned chained = 0; chained < 32; chained++) {
		if (n < SMB2_HEADER || smb_u16(data + 4) != 64)
			return;
		uint32_t next = smb_u32(data + 20);
		/* a NextCommand that does not leave this command its header is ignored */
		uint32_t this_len = next >= SMB2_HEADER && next <= n ? next : n;
		uint32_t at = (uint32_t)(data - m->body.data);
		/* the last command runs to the message's end, kept or not */
		bool last = !(next >= SMB2_HEADER && next < n);
		smb2_frames(s, dir, at, last ? 4 + (uint64_t)m->len - at : this_len);
		if (smb_u32(data + 16) & SMB2_FLAGS_RESPONSE)
			smb2_response(s, data, this_len);
		else
			smb2_request(s, data, this_len);
		if (!next || next >= n || next < SMB2_HEADER)
			return;
		data += next;
		n -= next;
	}
}

static void smb_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct smb_state *s = state;
	dir &= 1;
	struct smb_message *m = &s->message[dir];
	s->emit = emit;
	s->emit_arg = arg;
	const uint8_t *start = data;
	uint32_t given = len;
	while (len) {
		if (m->seen == 0)
			m->offset = app_frame_stream_at(&s->frames, dir, start, data);
		if (m->seen < 4) {
			uint32_t take = 4 - m->seen < len ? 4 - m->seen : len;
			memcpy(m->header + m->seen, data, take);
			m->seen += take;
			data += take;
			len -= take;
			if (m->seen < 4)
				break;
			m->len = (uint32_t)m->header[1] << 16 | (uint32_t)m->header[2] << 8 |
				 m->header[3];
			m->body.len = 0;
			http_bytes_append(&m->body, m->header, 4, SMB_MESSAGE_KEEP + 4);
		}
		uint32_t want = m->len - (m->seen - 4);
		uint32_t take = want < len ? want : len;
		http_bytes_append(&m->body, data, take, SMB_MESSAGE_KEEP + 4);
		m->seen += take;
		data += take;
		len -= take;
		if (m->seen - 4 < m->len)
			break;
		smb_message(s, dir);
		m->seen = 0;
	}
	app_frame_stream_done(&s->frames, dir, given);
}

/* A NetBIOS session message (type 0) that holds "\xfeSMB" or "\xffSMB" right after its header. */
static enum app_detect_result smb_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	(void)direction;
	if (!len)
		return APP_DETECT_NEED_MORE;
	if (data[0] != 0)
		return APP_DETECT_NO;
	static const uint8_t smb2[4] = {0xfe, 'S', 'M', 'B'}, smb1[4] = {0xff, 'S', 'M', 'B'};
	for (uint32_t i = 4; i < 8 && i < len; i++)
		if (data[i] != smb2[i - 4] && data[i] != smb1[i - 4])
			return APP_DETECT_NO;
	return len < 8 ? APP_DETECT_NEED_MORE : APP_DETECT_YES;
}

static void *smb_create(const struct app_config *config)
{
	struct smb_state *s = calloc(1, sizeof(struct smb_state));
	if (s)
		s->config = config;
	return s;
}

static void smb_destroy(void *state)
{
	struct smb_state *s = state;
	if (!s)
		return;
	for (int d = 0; d < 2; d++)
		http_bytes_free(&s->message[d].body);
	if (s->rpc)
		app_parser_dcerpc.destroy(s->rpc);
	free(s);
}

static const char *smb_command_name(uint16_t command)
{
	switch (command) {
#define _(code, name)                                                                              \
	case code:                                                                                 \
		return name;
		foreach_smb2_command
#undef _
	}
	return "SMB2_COMMAND_UNKNOWN";
}

static void smb_status_put(struct app_json *out, uint32_t status)
{
	switch (status) {
#define _(code, name)                                                                              \
	case code:                                                                                 \
		app_json_text(out, "status", name, sizeof(name));                                  \
		return;
		foreach_smb_status
#undef _
	}
	char hex[16];
	snprintf(hex, sizeof(hex), "0x%08x", status);
	app_json_text(out, "status", hex, sizeof(hex));
}

/* EVE: ,"smb":{"id":...,"dialect":...,"command":...,"status":...,...}. */
static void smb_eve_details(const struct app_details *d, struct app_json *out)
{
	const struct smb_details *det = (const struct smb_details *)(const void *)d->proto;
	app_json_key(out, "smb");
	app_json_begin(out, "{");
	if (!det->is_response) {
		app_json_end(out, "}");
		return;
	}
	app_json_uint(out, "id", det->id);
	if (det->dialect) {
		char dialect[8];
		snprintf(dialect, sizeof(dialect), "%u.%02x", det->dialect >> 8,
			 det->dialect & 0xff);
		app_json_text(out, "dialect", dialect, sizeof(dialect));
	}
	app_json_text(out, "command", smb_command_name(det->command), 40);
	smb_status_put(out, det->status);
	app_json_uint(out, "session_id", det->session_id);
	app_json_uint(out, "tree_id", det->tree_id);
	app_json_text(out, "share", det->share, sizeof(det->share));
	app_json_text(out, "filename", det->filename, sizeof(det->filename));
	if (det->ntlm_user[0] || det->ntlm_domain[0] || det->ntlm_host[0]) {
		app_json_key(out, "ntlmssp");
		app_json_begin(out, "{");
		app_json_text(out, "domain", det->ntlm_domain, sizeof(det->ntlm_domain));
		app_json_text(out, "user", det->ntlm_user, sizeof(det->ntlm_user));
		app_json_text(out, "host", det->ntlm_host, sizeof(det->ntlm_host));
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
}

const struct app_parser app_parser_smb = {
    .name = "smb",
    .eve_events_as_written = true,
    .proto = RULE_PROTO_SMB,
    .tcp = true,
    .udp = false,
    .frames = RULE_FRAME_BIT(RULE_FRAME_SMB_NBSS_PDU) | RULE_FRAME_BIT(RULE_FRAME_SMB_NBSS_HDR) |
	      RULE_FRAME_BIT(RULE_FRAME_SMB_NBSS_DATA) | RULE_FRAME_BIT(RULE_FRAME_SMB2_PDU) |
	      RULE_FRAME_BIT(RULE_FRAME_SMB2_HDR) | RULE_FRAME_BIT(RULE_FRAME_SMB2_DATA),
    /* and DCE/RPC's buffers, through its parser (each buffer has one owner; tests/unit/test_app.c) */
    .buffers = APP_BUFFER(SMB_SHARE) | APP_BUFFER(SMB_NAMED_PIPE) | APP_BUFFER(SMB_NTLMSSP_USER) |
	       APP_BUFFER(SMB_NTLMSSP_DOMAIN),
    .detect = smb_detect,
    .create = smb_create,
    .destroy = smb_destroy,
    .parse = smb_parse,
    .eve_details = smb_eve_details,
};
