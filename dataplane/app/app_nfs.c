/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NFS parser (versions 2 and 3, RFC 1094 and RFC 1813; version 4 calls
 * are only named) over ONC RPC (RFC 5531): over UDP each datagram is one
 * RPC message, over TCP each message is a record of fragments, each after
 * a 4-byte mark (the last-fragment bit and a 31-bit length), reassembled
 * here per direction up to NFS_RECORD_MAX bytes (a longer record, a big
 * WRITE, is read as far as it was kept). app.h gives parse() no
 * transport: the flow's first bytes decide, as the Kerberos parser does
 * (a call's message type 0 and RPC version 2 at bytes 4..11 of a
 * datagram; anything else is a record mark).
 *
 * A call and its reply (matched by xid) are one transaction: the call's
 * unit and the reply's share the matched rules, so a rule alerts once per
 * transaction, and carry app.meta (struct rule_nfs_meta: version,
 * procedure) for nfs_procedure and nfs.version. Only the reply's unit
 * writes the EVE nfs record (with its rpc object), as Suricata logs a
 * transaction once it is answered; GETATTR, the chattiest call, writes
 * none, as in Suricata. Names (and the handle EVE hashes) are Suricata's:
 * from the arguments of LOOKUP, CREATE, REMOVE, RENAME, MKDIR and RMDIR;
 * GETATTR, ACCESS, READDIRPLUS, READ, WRITE and COMMIT are named by the
 * name their handle was last looked up, created or listed (READDIRPLUS)
 * under (NFS_NAMES_MAX handles remembered per flow).
 *
 * Files (app_file.h): the data of READ replies (v2 and v3) and of v3
 * WRITE calls is a file per handle, chunk after chunk while each starts
 * where the last ended, kept up to the board's body limit; a READ file
 * closes with the reply that says eof (v2: a reply shorter than asked),
 * a WRITE file with a FILE_SYNC write or a COMMIT's reply. The unit that
 * closes it carries file.name and file.meta and the file for
 * filestore and the fileinfo record. Version 2 WRITEs are transactions
 * but no files, as Suricata reads them.
 *
 * Detection: a call (message type 0, RPC version 2) to program 100003
 * version 2..4 (over TCP after a record mark); a reply alone says no
 * program, so detection waits for a call.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h> /* crc32: Suricata's hhash of a handle */

#include "dataplane/app/app_file.h"
#include "dataplane/app/app_json.h"
#include "dataplane/app/app_parsers.h"
#include "dataplane/app/app_util.h"
#include "rules/lang/app_meta.h"
#include "rules/match/match.h"

#define NFS_PROGRAM	 100003
#define NFS_RECORD_MAX	 65536	    /* bytes of one TCP record kept, per direction */
#define NFS_RECORD_PROBE (1u << 24) /* a first fragment longer is not RPC */
#define NFS_PENDING_MAX	 16	    /* calls awaiting their reply */
#define NFS_HANDLE_MAX	 64	    /* bytes of a v3 handle (RFC 1813 NFS3_FHSIZE) */
#define NFS_V2_HANDLE	 32	    /* a v2 handle's fixed size */
#define NFS_NAMES_MAX	 32	    /* handles whose name is remembered */
#define NFS_NAME_MAX	 128
#define NFS_FILE_LIMIT	 (1u << 20) /* bytes of a file kept without a body limit */
#define NFS_MACHINE_MAX	 64

/* Procedure numbers used here (v3 numbering unless named V2). */
enum nfs_proc {
	NFS3_GETATTR = 1,
	NFS3_LOOKUP = 3,
	NFS3_ACCESS = 4,
	NFS3_READ = 6,
	NFS3_WRITE = 7,
	NFS3_CREATE = 8,
	NFS3_MKDIR = 9,
	NFS3_REMOVE = 12,
	NFS3_RMDIR = 13,
	NFS3_RENAME = 14,
	NFS3_READDIRPLUS = 17,
	NFS3_COMMIT = 21,
	NFS2_LOOKUP = 4,
	NFS2_READ = 6,
	NFS2_WRITE = 8,
	NFS2_CREATE = 9,
	NFS2_REMOVE = 10,
	NFS2_RENAME = 11,
	NFS2_MKDIR = 14,
	NFS2_RMDIR = 15,
};

/* EVE's nfs and rpc objects of one transaction. */
struct nfs_details {
	uint32_t version, procedure, id, xid;
	uint32_t status;	   /* NFS status of the reply */
	uint32_t rpc_status;	   /* 0 accepted, 1 denied */
	uint32_t auth_type;	   /* the call's credential flavor */
	uint32_t uid, gid;	   /* AUTH_UNIX */
	uint32_t hhash;		   /* CRC-32 of the call's handle */
	uint32_t chunks, last_xid; /* a file transaction's */
	bool reply, has_handle, file_tx, first, last, rename;
	char machine[NFS_MACHINE_MAX];
	char name[NFS_NAME_MAX];
	char rename_to[NFS_NAME_MAX];
	struct app_file_info file; /* the file that closed in this unit */
};
APP_DETAILS_FITS(struct nfs_details);

/* One file being carried (READ replies or WRITE calls of one handle). */
struct nfs_file {
	bool open;
	uint8_t handle[NFS_HANDLE_MAX];
	uint32_t handle_len;
	uint64_t next;	 /* the offset the next chunk should start at */
	uint32_t chunks; /* chunks so far */
	uint8_t *data;	 /* limit bytes, allocated at the first file */
	uint32_t len;
	bool cut; /* bytes past the limit, or a gap: not all of it is kept */
	struct app_file f;
	uint64_t tx_id;
};

/* A call awaiting its reply. */
struct nfs_call {
	bool used;
	uint32_t xid, version, procedure, id;
	uint32_t auth_type, uid, gid;
	uint32_t read_count; /* a READ's count asked */
	uint64_t read_offset;
	uint8_t handle[NFS_HANDLE_MAX];
	uint32_t handle_len;
	char machine[NFS_MACHINE_MAX];
	char name[NFS_NAME_MAX], rename_to[NFS_NAME_MAX];
	bool rename;
	struct rule_nfs_meta meta;
	struct app_body_rules rules; /* the transaction's matched rules */
};

struct nfs_name {
	uint8_t handle[NFS_HANDLE_MAX];
	uint32_t handle_len;
	char name[NFS_NAME_MAX];
};

/* One TCP direction's record being reassembled. */
struct nfs_tcp_direction {
	uint8_t mark[4];
	uint8_t mark_len;
	bool last;	 /* the fragment being read is the record's last */
	uint32_t length; /* of the fragment */
	uint32_t seen;	 /* of the fragment */
	uint32_t start;	 /* bytes of the record before the fragment */
	uint32_t kept;	 /* bytes of the record kept so far */
	uint8_t record[NFS_RECORD_MAX];
};

enum nfs_transport { NFS_UNDECIDED, NFS_UDP, NFS_TCP };

struct nfs_state {
	struct app_details details;
	enum nfs_transport transport;
	bool broken;
	uint32_t tx_count;
	uint32_t file_limit;
	bool file_magic;
	uint8_t file_hashes;
	uint8_t file_store; /* RULE_FILESTORE_*: a filestore rule matched a unit */
	uint32_t call_next; /* the slot the next call takes when all are used */
	struct nfs_call calls[NFS_PENDING_MAX];
	struct nfs_name names[NFS_NAMES_MAX];
	uint32_t names_next;
	struct nfs_file read_file, write_file;
	struct nfs_tcp_direction *tcp; /* [2], allocated once for a TCP flow */
};

/* ---- XDR reading ---- */

struct nfs_xdr {
	const uint8_t *p;
	uint32_t len;
	bool bad; /* read past the end: every later read fails too */
};

static uint32_t nfs_u32(struct nfs_xdr *x)
{
	if (x->bad || x->len < 4) {
		x->bad = true;
		return 0;
	}
	uint32_t v =
	    (uint32_t)x->p[0] << 24 | (uint32_t)x->p[1] << 16 | (uint32_t)x->p[2] << 8 | x->p[3];
	x->p += 4;
	x->len -= 4;
	return v;
}

static uint64_t nfs_u64(struct nfs_xdr *x)
{
	uint64_t high = nfs_u32(x);
	return high << 32 | nfs_u32(x);
}

/* n bytes and their padding to 4; NULL when they are not all there. */
static const uint8_t *nfs_fixed(struct nfs_xdr *x, uint32_t n)
{
	uint32_t padded = (n + 3) & ~3u;
	if (x->bad || n > x->len || padded > x->len) {
		/* the data of a kept-short record: what is there, then nothing more */
		x->bad = true;
		return NULL;
	}
	const uint8_t *at = x->p;
	x->p += padded;
	x->len -= padded;
	return at;
}

/* An opaque<max>: its bytes and length; NULL when longer than max or short. */
static const uint8_t *nfs_opaque(struct nfs_xdr *x, uint32_t max, uint32_t *n)
{
	*n = nfs_u32(x);
	if (x->bad || *n > max) {
		x->bad = true;
		return NULL;
	}
	return nfs_fixed(x, *n);
}

/* A handle of the call's version into c (v2 fixed 32 bytes, v3 opaque<64>). */
static bool nfs_handle(struct nfs_xdr *x, uint32_t version, uint8_t *out, uint32_t *out_len)
{
	uint32_t n = NFS_V2_HANDLE;
	const uint8_t *h =
	    version == 2 ? nfs_fixed(x, NFS_V2_HANDLE) : nfs_opaque(x, NFS_HANDLE_MAX, &n);
	if (!h)
		return false;
	memcpy(out, h, n);
	*out_len = n;
	return true;
}

/* A name (filename<255>) into out. */
static bool nfs_name_read(struct nfs_xdr *x, char *out, size_t size)
{
	uint32_t n;
	const uint8_t *s = nfs_opaque(x, 1024, &n);
	if (!s)
		return false;
	app_text_copy(out, size, s, n);
	return true;
}

/* ---- handles and their names ---- */

static const char *nfs_name_of(const struct nfs_state *s, const uint8_t *h, uint32_t n)
{
	for (uint32_t i = 0; i < NFS_NAMES_MAX; i++)
		if (s->names[i].handle_len == n && n && !memcmp(s->names[i].handle, h, n))
			return s->names[i].name;
	return NULL;
}

static void nfs_name_remember(struct nfs_state *s, const uint8_t *h, uint32_t n, const char *name)
{
	if (!n || !name[0])
		return;
	struct nfs_name *slot = NULL;
	for (uint32_t i = 0; i < NFS_NAMES_MAX && !slot; i++)
		if (s->names[i].handle_len == n && !memcmp(s->names[i].handle, h, n))
			slot = &s->names[i];
	if (!slot) {
		slot = &s->names[s->names_next];
		s->names_next = (s->names_next + 1) % NFS_NAMES_MAX;
	}
	memcpy(slot->handle, h, n);
	slot->handle_len = n;
	snprintf(slot->name, sizeof(slot->name), "%s", name);
}

/* ---- calls ---- */

static bool nfs_proc_is(uint32_t version, uint32_t proc, uint32_t v2, uint32_t v3)
{
	return version == 2 ? proc == v2 : proc == v3;
}

/*
 * A call named by its arguments (a directory handle and a name:
 * diropargs), as Suricata names them: LOOKUP, CREATE, REMOVE, RENAME,
 * MKDIR, RMDIR (not SYMLINK, MKNOD or LINK, whose name is the new one's).
 */
static bool nfs_proc_named_by_args(uint32_t version, uint32_t proc)
{
	if (version == 2)
		return proc == NFS2_LOOKUP || proc == NFS2_CREATE || proc == NFS2_REMOVE ||
		       proc == NFS2_RENAME || proc == NFS2_MKDIR || proc == NFS2_RMDIR;
	return proc == NFS3_LOOKUP || proc == NFS3_CREATE || proc == NFS3_MKDIR ||
	       proc == NFS3_REMOVE || proc == NFS3_RMDIR || proc == NFS3_RENAME;
}

/* A call on an object named by its handle (the name it was looked up under). */
static bool nfs_proc_named_by_handle(uint32_t version, uint32_t proc)
{
	if (version == 2)
		return proc == NFS2_READ;
	return proc == NFS3_GETATTR || proc == NFS3_ACCESS || proc == NFS3_READDIRPLUS ||
	       proc == NFS3_READ || proc == NFS3_WRITE || proc == NFS3_COMMIT;
}

static struct nfs_call *nfs_call_find(struct nfs_state *s, uint32_t xid)
{
	for (uint32_t i = 0; i < NFS_PENDING_MAX; i++)
		if (s->calls[i].used && s->calls[i].xid == xid)
			return &s->calls[i];
	return NULL;
}

/* A slot for a new call: a free one, else the oldest is forgotten. */
static struct nfs_call *nfs_call_new(struct nfs_state *s)
{
	for (uint32_t i = 0; i < NFS_PENDING_MAX; i++)
		if (!s->calls[i].used)
			return &s->calls[i];
	struct nfs_call *c = &s->calls[s->call_next];
	s->call_next = (s->call_next + 1) % NFS_PENDING_MAX;
	return c;
}

/* The credential (opaque_auth): its flavor, and AUTH_UNIX's machine, uid and gid. */
static void nfs_creds(struct nfs_xdr *x, struct nfs_call *c)
{
	c->auth_type = nfs_u32(x);
	uint32_t n;
	const uint8_t *body = nfs_opaque(x, 400, &n);
	if (!body || c->auth_type != 1)
		return;
	struct nfs_xdr u = {body, n, false};
	nfs_u32(&u); /* stamp */
	nfs_name_read(&u, c->machine, sizeof(c->machine));
	c->uid = nfs_u32(&u);
	c->gid = nfs_u32(&u);
}

/* ---- details and units ---- */

static struct nfs_details *nfs_details_of(struct nfs_state *s)
{
	return (struct nfs_details *)(void *)s->details.proto;
}

static void nfs_details_fill(struct nfs_state *s, const struct nfs_call *c, bool reply)
{
	struct nfs_details *d = nfs_details_of(s);
	memset(d, 0, sizeof(*d));
	d->version = c->version;
	d->procedure = c->procedure;
	d->id = c->id;
	d->xid = c->xid;
	d->auth_type = c->auth_type;
	d->uid = c->uid;
	d->gid = c->gid;
	d->reply = reply;
	d->rename = c->rename;
	memcpy(d->machine, c->machine, sizeof(d->machine));
	memcpy(d->name, c->name, sizeof(d->name));
	memcpy(d->rename_to, c->rename_to, sizeof(d->rename_to));
	if (c->handle_len) {
		d->has_handle = true;
		d->hhash = (uint32_t)crc32(0, c->handle, c->handle_len);
	}
}

/* A file's state in the details, when it carries one (a READ or a v3 WRITE). */
static void nfs_details_file(struct nfs_state *s, const struct nfs_file *f, bool first, bool last,
			     uint32_t last_xid)
{
	struct nfs_details *d = nfs_details_of(s);
	d->file_tx = true;
	d->first = first;
	d->last = last;
	d->chunks = f->chunks;
	d->last_xid = last ? last_xid : 0;
}

static void nfs_emit(struct nfs_state *s, struct nfs_call *c, bool reply, bool record,
		     struct nfs_file *closed, app_emit_fn emit, void *arg)
{
	c->meta.reply = reply;
	struct app_unit u = {.details = &s->details, .repeat = !record};
	u.window.buffers = app_parser_nfs.buffers;
	u.window.rules = &c->rules;
	u.buffer[RULE_BUFFER_APP_META] = (const uint8_t *)&c->meta;
	u.buffer_len[RULE_BUFFER_APP_META] = sizeof(c->meta);
	u.file_store = &s->file_store;
	if (closed) {
		struct app_file *f = &closed->f;
		struct app_file_info *info = &nfs_details_of(s)->file;
		u.buffer[RULE_BUFFER_FILE_NAME] = (const uint8_t *)f->name;
		u.buffer_len[RULE_BUFFER_FILE_NAME] = f->name_len;
		if (f->magic[0]) {
			u.buffer[RULE_BUFFER_FILE_MAGIC] = (const uint8_t *)f->magic;
			u.buffer_len[RULE_BUFFER_FILE_MAGIC] = (uint32_t)strlen(f->magic);
		}
		u.buffer[RULE_BUFFER_FILE_META] = (const uint8_t *)&f->meta;
		u.buffer_len[RULE_BUFFER_FILE_META] = sizeof(f->meta);
		u.buffer[RULE_BUFFER_FILE_DATA] = closed->data;
		u.buffer_len[RULE_BUFFER_FILE_DATA] = closed->len;
		memcpy(info->name, f->name, sizeof(info->name));
		memcpy(info->magic, f->magic, sizeof(info->magic));
		info->meta = f->meta;
		info->name_cut = f->name_cut;
		info->tx_id = closed->tx_id;
		info->direction =
		    closed == &s->read_file ? RULE_FILESTORE_RESPONSE : RULE_FILESTORE_REQUEST;
		info->stored = false;
		u.file_info = info;
		u.file_data = closed->data;
		u.file_len = closed->len;
	}
	emit(arg, &u);
}

/* ---- files ---- */

/*
 * A chunk of handle's file at offset: appended when it follows the
 * file's last (a new file otherwise; the one open is dropped unclosed).
 * Returns false when no buffer could be had.
 */
static bool nfs_file_chunk(struct nfs_state *s, struct nfs_file *f, const struct nfs_call *c,
			   uint64_t offset, const uint8_t *data, uint32_t n, bool *first)
{
	if (!f->data && !(f->data = malloc(s->file_limit)))
		return false;
	/* a later chunk of the same handle goes on the file (a gap makes it incomplete) */
	bool same = f->open && f->handle_len == c->handle_len &&
		    !memcmp(f->handle, c->handle, c->handle_len) && offset >= f->next;
	*first = !same;
	if (*first) {
		memset(&f->f, 0, sizeof(f->f));
		f->open = true;
		memcpy(f->handle, c->handle, c->handle_len);
		f->handle_len = c->handle_len;
		f->len = 0;
		f->chunks = 1;
		f->cut = offset != 0;
		f->tx_id = c->id ? c->id - 1 : 0;
		const char *name = nfs_name_of(s, c->handle, c->handle_len);
		name = name ? name : c->name;
		app_file_name(&f->f, name, strlen(name));
	} else {
		f->chunks++;
		f->cut |= offset != f->next;
	}
	f->next = offset + n;
	uint32_t room = s->file_limit - f->len, take = n < room ? n : room;
	if (take)
		memcpy(f->data + f->len, data, take);
	f->len += take;
	f->cut |= take < n;
	app_file_update(&f->f, f->data, f->len, s->file_magic, s->file_hashes, false, false);
	return true;
}

/* Close f: its hashes and magic as the board and the rules ask. */
static void nfs_file_close(struct nfs_state *s, struct nfs_file *f)
{
	app_file_update(&f->f, f->data, f->len, s->file_magic, s->file_hashes, true, f->cut);
	f->open = false;
}

/* ---- messages ---- */

static void nfs_call(struct nfs_state *s, struct nfs_xdr *x, app_emit_fn emit, void *arg)
{
	uint32_t xid = nfs_u32(x);
	nfs_u32(x); /* message type, 0 */
	uint32_t rpcvers = nfs_u32(x), prog = nfs_u32(x), vers = nfs_u32(x), proc = nfs_u32(x);
	if (x->bad || rpcvers != 2 || prog != NFS_PROGRAM || vers < 2 || vers > 4)
		return; /* another program on the same connection (NLM, MOUNT): not NFS's */
	struct nfs_call *c = nfs_call_new(s);
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->xid = xid;
	c->version = vers;
	c->procedure = proc;
	c->id = ++s->tx_count;
	c->meta = (struct rule_nfs_meta){
	    .head = {RULE_PROTO_NFS, sizeof(c->meta)}, .version = vers, .procedure = proc};
	nfs_creds(x, c);
	uint32_t n;
	nfs_u32(x); /* the verifier's flavor */
	nfs_opaque(x, 400, &n);

	struct nfs_file *closed = NULL;
	bool first = false, wrote = false;
	/* the calls whose handle EVE shows (hhash), as Suricata keeps them */
	bool by_args = nfs_proc_named_by_args(vers, proc);
	bool by_handle = nfs_proc_named_by_handle(vers, proc);
	if (vers <= 3 && !x->bad && (by_args || by_handle) &&
	    nfs_handle(x, vers, c->handle, &c->handle_len)) {
		if (by_args) {
			nfs_name_read(x, c->name, sizeof(c->name));
			if (nfs_proc_is(vers, proc, NFS2_RENAME, NFS3_RENAME)) {
				uint8_t to_dir[NFS_HANDLE_MAX];
				uint32_t to_len;
				c->rename = true;
				if (nfs_handle(x, vers, to_dir, &to_len))
					nfs_name_read(x, c->rename_to, sizeof(c->rename_to));
			}
		} else if (nfs_proc_is(vers, proc, NFS2_READ, NFS3_READ)) {
			c->read_offset = vers == 2 ? nfs_u32(x) : nfs_u64(x);
			c->read_count = nfs_u32(x);
		} else if (vers == 3 && proc == NFS3_WRITE) {
			uint64_t offset = nfs_u64(x);
			nfs_u32(x); /* count */
			uint32_t stable = nfs_u32(x);
			uint32_t len = nfs_u32(x);
			/* the data as far as the record was kept */
			uint32_t have = len < x->len ? len : x->len;
			wrote = !x->bad &&
				nfs_file_chunk(s, &s->write_file, c, offset, x->p, have, &first);
			if (wrote && stable == 2 /* FILE_SYNC: the write is whole on disk */) {
				nfs_file_close(s, &s->write_file);
				closed = &s->write_file;
			}
		}
		const char *known = nfs_name_of(s, c->handle, c->handle_len);
		if (by_handle && known)
			snprintf(c->name, sizeof(c->name), "%s", known);
	}
	nfs_details_fill(s, c, false);
	if (wrote)
		nfs_details_file(s, &s->write_file, first, closed != NULL, xid);
	if (vers <= 3 && proc == NFS3_READ) {
		/* a file transaction from the call on (its data comes with the reply) */
		struct nfs_file *f = &s->read_file;
		bool goes_on = f->open && f->handle_len == c->handle_len &&
			       !memcmp(f->handle, c->handle, c->handle_len) &&
			       c->read_offset >= f->next;
		nfs_details_file(s, f, !goes_on, false, 0);
		nfs_details_of(s)->chunks = goes_on ? f->chunks : 0;
	}
	nfs_emit(s, c, false, false, closed, emit, arg);
}

/*
 * A READDIRPLUS reply's entries (after its status): each entry's name
 * and handle, remembered. The directory's attributes and cookie verifier
 * first; then per entry: a follows flag, fileid, name, cookie,
 * attributes and handle (both optional).
 */
static void nfs_readdirplus_names(struct nfs_state *s, struct nfs_xdr *x)
{
	if (nfs_u32(x)) /* post_op_attr */
		nfs_fixed(x, 84);
	nfs_fixed(x, 8); /* cookieverf */
	for (uint32_t i = 0; i < 4096 && nfs_u32(x) == 1 && !x->bad; i++) {
		char name[NFS_NAME_MAX];
		uint8_t h[NFS_HANDLE_MAX];
		uint32_t n = 0;
		nfs_u64(x); /* fileid */
		if (!nfs_name_read(x, name, sizeof(name)))
			return;
		nfs_u64(x); /* cookie */
		if (nfs_u32(x))
			nfs_fixed(x, 84);
		if (nfs_u32(x) == 1 && nfs_handle(x, 3, h, &n))
			nfs_name_remember(s, h, n, name);
	}
}

/* The handle a LOOKUP, CREATE or READDIRPLUS reply gives its name. */
static void nfs_reply_names(struct nfs_state *s, const struct nfs_call *c, struct nfs_xdr *x)
{
	uint8_t h[NFS_HANDLE_MAX];
	uint32_t n;
	if (c->version == 2 && (c->procedure == NFS2_LOOKUP || c->procedure == NFS2_CREATE)) {
		if (nfs_handle(x, 2, h, &n))
			nfs_name_remember(s, h, n, c->name);
	} else if (c->version == 3 && c->procedure == NFS3_LOOKUP) {
		if (nfs_handle(x, 3, h, &n))
			nfs_name_remember(s, h, n, c->name);
	} else if (c->version == 3 && c->procedure == NFS3_CREATE) {
		if (nfs_u32(x) == 1 && nfs_handle(x, 3, h, &n)) /* post_op_fh3 */
			nfs_name_remember(s, h, n, c->name);
	} else if (c->version == 3 && c->procedure == NFS3_READDIRPLUS) {
		nfs_readdirplus_names(s, x);
	}
}

/* A READ reply's data (the status read): a chunk of the handle's file. */
static struct nfs_file *nfs_reply_read(struct nfs_state *s, const struct nfs_call *c,
				       struct nfs_xdr *x, bool *first)
{
	bool eof;
	uint32_t len;
	if (c->version == 2) {
		nfs_fixed(x, 68); /* fattr */
		len = nfs_u32(x);
		eof = len < c->read_count;
	} else {
		if (nfs_u32(x)) /* post_op_attr */
			nfs_fixed(x, 84);
		nfs_u32(x); /* count */
		eof = nfs_u32(x) != 0;
		len = nfs_u32(x);
	}
	if (x->bad)
		return NULL;
	uint32_t have = len < x->len ? len : x->len;
	if (!nfs_file_chunk(s, &s->read_file, c, c->read_offset, x->p, have, first))
		return NULL;
	if (have < len)
		s->read_file.cut = true;
	if (!eof)
		return NULL;
	nfs_file_close(s, &s->read_file);
	return &s->read_file;
}

static void nfs_reply(struct nfs_state *s, struct nfs_xdr *x, app_emit_fn emit, void *arg)
{
	uint32_t xid = nfs_u32(x);
	nfs_u32(x); /* message type, 1 */
	struct nfs_call *c = nfs_call_find(s, xid);
	if (!c)
		return; /* the call was not seen (a flow picked up midway) or not NFS's */
	c->used = false;
	uint32_t reply_stat = nfs_u32(x);
	uint32_t status = 0;
	bool ok = false;
	if (reply_stat == 0) {
		uint32_t n;
		nfs_u32(x);			 /* verifier flavor */
		nfs_opaque(x, 400, &n);		 /* verifier body */
		ok = nfs_u32(x) == 0 && !x->bad; /* accept_stat SUCCESS */
		if (ok)
			status = nfs_u32(x);
	}
	struct nfs_file *closed = NULL;
	bool file = false, first = false;
	uint32_t proc = c->procedure;
	if (ok && !x->bad && status == 0 && c->version <= 3) {
		nfs_reply_names(s, c, x);
		if (proc == NFS3_READ) { /* READ is 6 in both versions */
			file = true;
			closed = nfs_reply_read(s, c, x, &first);
		} else if (c->version == 3 && proc == NFS3_COMMIT && s->write_file.open &&
			   s->write_file.handle_len == c->handle_len &&
			   !memcmp(s->write_file.handle, c->handle, c->handle_len)) {
			nfs_file_close(s, &s->write_file);
			closed = &s->write_file;
		}
	}
	nfs_details_fill(s, c, true);
	struct nfs_details *d = nfs_details_of(s);
	d->status = status;
	d->rpc_status = reply_stat;
	if (file)
		nfs_details_file(s, &s->read_file, first, closed != NULL, xid);
	/* GETATTR, the chattiest call, is inspected but not logged, as Suricata filters it */
	bool record = !(c->version <= 3 && proc == NFS3_GETATTR);
	nfs_emit(s, c, true, record, closed, emit, arg);
}

/* One RPC message (a datagram or a record, as far as kept). */
static void nfs_message(struct nfs_state *s, const uint8_t *p, uint32_t len, app_emit_fn emit,
			void *arg)
{
	struct nfs_xdr x = {p, len, false};
	if (len < 8)
		return;
	struct nfs_xdr peek = {p + 4, 4, false};
	uint32_t type = nfs_u32(&peek);
	if (type == 0)
		nfs_call(s, &x, emit, arg);
	else if (type == 1)
		nfs_reply(s, &x, emit, arg);
	else {
		struct app_unit unit = {.details = &s->details, .error = true};
		emit(arg, &unit);
	}
}

static void nfs_tcp_bytes(struct nfs_state *s, enum app_direction dir, const uint8_t *data,
			  uint32_t len, app_emit_fn emit, void *arg)
{
	struct nfs_tcp_direction *d = &s->tcp[dir];
	while (len && !s->broken) {
		if (d->mark_len < sizeof(d->mark)) {
			if (!app_prefix_gather(d->mark, sizeof(d->mark), &d->mark_len, &data, &len))
				continue;
			d->last = d->mark[0] & 0x80;
			d->length = ((uint32_t)d->mark[0] & 0x7f) << 24 |
				    (uint32_t)d->mark[1] << 16 | (uint32_t)d->mark[2] << 8 |
				    d->mark[3];
			d->seen = 0;
			d->start = d->kept;
		}
		/* the fragment's bytes go after the record's earlier fragments */
		uint32_t room = d->start < NFS_RECORD_MAX ? NFS_RECORD_MAX - d->start : 0;
		uint8_t *at = d->record + (d->start < NFS_RECORD_MAX ? d->start : NFS_RECORD_MAX);
		if (!app_message_take(at, room, d->length, &d->seen, &data, &len))
			continue;
		d->mark_len = 0;
		d->kept = d->start + (d->length < room ? d->length : room);
		if (!d->last)
			continue;
		uint32_t kept = d->kept;
		d->kept = 0;
		nfs_message(s, d->record, kept, emit, arg);
	}
}

static void nfs_parse(void *state, enum app_direction dir, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg)
{
	struct nfs_state *s = state;

	dir &= 1;
	if (!len) {
		return; /* the direction ended: an open file stays unclosed, as cut short */
	}
	if (s->transport == NFS_UNDECIDED) {
		/* a datagram has the call's message type 0 and RPC version 2 at 4..11 */
		bool datagram = len >= 12 && !memcmp(data + 4, "\0\0\0\0\0\0\0\2", 8);
		s->transport = datagram ? NFS_UDP : NFS_TCP;
		/* once per flow, like create(): the fast path allocates nothing per packet */
		if (s->transport == NFS_TCP && !(s->tcp = calloc(2, sizeof(*s->tcp))))
			s->broken = true;
	}
	if (s->transport == NFS_TCP)
		nfs_tcp_bytes(s, dir, data, len, emit, arg);
	else
		nfs_message(s, data, len, emit, arg);
}

/* ---- detection ---- */

/* A call to NFS: xid, type 0, RPC version 2, program 100003, version 2..4. */
static enum app_detect_result nfs_detect_call(const uint8_t *p, uint32_t len)
{
	static const uint8_t head[] = {0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0x86, 0xa3, 0, 0, 0};
	uint32_t n = len < 4 ? 0 : len - 4;
	if (n > sizeof(head))
		n = sizeof(head);
	if (memcmp(p + 4, head, n) != 0)
		return APP_DETECT_NO;
	if (len < 20)
		return APP_DETECT_NEED_MORE;
	return p[19] >= 2 && p[19] <= 4 ? APP_DETECT_YES : APP_DETECT_NO;
}

static enum app_detect_result nfs_detect(const uint8_t *data, uint32_t len,
					 enum app_direction direction)
{
	if (direction != APP_TO_SERVER)
		return APP_DETECT_NO; /* a reply names no program */
	if (len < 4)
		return APP_DETECT_NEED_MORE;
	/* a datagram: the call itself */
	if (len >= 8 && !memcmp(data + 4, "\0\0\0\0", 4) &&
	    nfs_detect_call(data, len) != APP_DETECT_NO)
		return nfs_detect_call(data, len);
	/* a record mark: a fragment of sane length, then the call */
	uint32_t mark = ((uint32_t)data[0] & 0x7f) << 24 | (uint32_t)data[1] << 16 |
			(uint32_t)data[2] << 8 | data[3];
	if (mark < 40 || mark > NFS_RECORD_PROBE)
		return APP_DETECT_NO;
	if (len < 8)
		return APP_DETECT_NEED_MORE;
	return nfs_detect_call(data + 4, len - 4);
}

static void *nfs_create(const struct app_config *config)
{
	struct nfs_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->file_limit = config && config->body_limit ? config->body_limit : NFS_FILE_LIMIT;
	s->file_magic = config && config->file_magic;
	s->file_hashes = config ? config->file_hashes : 0;
	if (s->file_magic)
		app_file_magic_load();
	return s;
}

static void nfs_destroy(void *state)
{
	struct nfs_state *s = state;
	if (!s)
		return;
	free(s->read_file.data);
	free(s->write_file.data);
	free(s->tcp);
	free(s);
}

/* ---- EVE ---- */

static const char *const nfs2_procs[] = {
    "NULL",   "GETATTR", "SETATTR", "ROOT", "LOOKUP",  "READLINK", "READ",  "WRITECACHE", "WRITE",
    "CREATE", "REMOVE",	 "RENAME",  "LINK", "SYMLINK", "MKDIR",	   "RMDIR", "READDIR",	  "STATFS"};
static const char *const nfs3_procs[] = {
#define _(n, name) [n] = name,
    foreach_rule_nfs3_procedure
#undef _
};
static const char *const nfs4_procs[] = {"NULL", "COMPOUND"};

/* A procedure's name in its version's numbering; NULL: none. */
static const char *nfs_procedure_name(uint32_t version, uint32_t procedure)
{
	if (version == 2 && procedure < sizeof(nfs2_procs) / sizeof(nfs2_procs[0]))
		return nfs2_procs[procedure];
	if (version == 3 && procedure < sizeof(nfs3_procs) / sizeof(nfs3_procs[0]))
		return nfs3_procs[procedure];
	if (version == 4 && procedure < sizeof(nfs4_procs) / sizeof(nfs4_procs[0]))
		return nfs4_procs[procedure];
	return NULL;
}

/* RFC 1813's status names, as Suricata writes them ("OK", "ERR_NOENT"). _(code, name) */
#define foreach_nfs_status                                                                         \
	_(0, "OK")                                                                                 \
	_(1, "ERR_PERM")                                                                           \
	_(2, "ERR_NOENT")                                                                          \
	_(5, "ERR_IO")                                                                             \
	_(6, "ERR_NXIO")                                                                           \
	_(13, "ERR_ACCES")                                                                         \
	_(17, "ERR_EXIST")                                                                         \
	_(18, "ERR_XDEV")                                                                          \
	_(19, "ERR_NODEV")                                                                         \
	_(20, "ERR_NOTDIR")                                                                        \
	_(21, "ERR_ISDIR")                                                                         \
	_(22, "ERR_INVAL")                                                                         \
	_(27, "ERR_FBIG")                                                                          \
	_(28, "ERR_NOSPC")                                                                         \
	_(30, "ERR_ROFS")                                                                          \
	_(31, "ERR_MLINK")                                                                         \
	_(63, "ERR_NAMETOOLONG")                                                                   \
	_(66, "ERR_NOTEMPTY")                                                                      \
	_(69, "ERR_DQUOT")                                                                         \
	_(70, "ERR_STALE")                                                                         \
	_(71, "ERR_REMOTE")                                                                        \
	_(10001, "ERR_BADHANDLE")                                                                  \
	_(10002, "ERR_NOT_SYNC")                                                                   \
	_(10003, "ERR_BAD_COOKIE")                                                                 \
	_(10004, "ERR_NOTSUPP")                                                                    \
	_(10005, "ERR_TOOSMALL")                                                                   \
	_(10006, "ERR_SERVERFAULT")                                                                \
	_(10007, "ERR_BADTYPE")                                                                    \
	_(10008, "ERR_JUKEBOX")

static const char *nfs_status_name(uint32_t status)
{
	switch (status) {
#define _(n, name)                                                                                 \
	case n:                                                                                    \
		return name;
		foreach_nfs_status
#undef _
	}
	return NULL;
}

static const char *nfs_auth_name(uint32_t flavor)
{
	switch (flavor) {
	case 0:
		return "NULL";
	case 1:
		return "UNIX";
	case 2:
		return "SHORT";
	case 3:
		return "DH";
	case 6:
		return "RPCSEC_GSS";
	default:
		return NULL;
	}
}

static void nfs_eve_name(struct app_json *out, const char *key, const char *name, uint32_t n)
{
	char number[16];
	if (!name) {
		snprintf(number, sizeof(number), "%u", n);
		name = number;
	}
	app_json_key(out, key);
	app_json_string(out, name);
}

static void nfs_eve_text(struct app_json *out, const char *key, const char *text, size_t size)
{
	app_json_key(out, key);
	app_json_bytes(out, text, strnlen(text, size));
}

/*
 * EVE, for the record and for alerts on either unit:
 * ,"nfs":{"version":..,"procedure":..,"filename":..,"hhash":..,"id":..,
 * "file_tx":..,"type":..,"status":..,"read"|"write"|"rename":{..}},
 * "rpc":{"xid":..,"status":..,"auth_type":..,"creds":{..}}.
 */
static void nfs_eve_details(const struct app_details *details, struct app_json *out)
{
	const struct nfs_details *d = (const struct nfs_details *)(const void *)details->proto;
	app_json_key(out, "nfs");
	app_json_begin(out, "{");
	app_json_uint(out, "version", d->version);
	nfs_eve_name(out, "procedure", nfs_procedure_name(d->version, d->procedure), d->procedure);
	nfs_eve_text(out, "filename", d->name, sizeof(d->name));
	if (d->has_handle) {
		char hash[12];
		snprintf(hash, sizeof(hash), "%x", d->hhash);
		nfs_eve_name(out, "hhash", hash, 0);
	}
	app_json_uint(out, "id", d->id);
	app_json_key(out, "file_tx");
	app_json_put(out, d->file_tx ? "true" : "false");
	/* the transaction as Suricata shows it in records and alerts alike: a
	 * response, whose status is OK (0) while the reply has not come */
	nfs_eve_name(out, "type", "response", 0);
	nfs_eve_name(out, "status", nfs_status_name(d->status), d->status);
	if (d->version <= 3 && d->file_tx) {
		app_json_key(out, d->procedure == NFS3_READ ? "read" : "write");
		app_json_begin(out, "{");
		app_json_key(out, "first");
		app_json_put(out, d->first ? "true" : "false");
		app_json_key(out, "last");
		app_json_put(out, d->last ? "true" : "false");
		app_json_uint(out, "last_xid", d->last_xid);
		app_json_uint(out, "chunks", d->chunks);
		app_json_end(out, "}");
	} else if (d->rename) {
		app_json_key(out, "rename");
		app_json_begin(out, "{");
		nfs_eve_text(out, "from", d->name, sizeof(d->name));
		nfs_eve_text(out, "to", d->rename_to, sizeof(d->rename_to));
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
	app_json_key(out, "rpc");
	app_json_begin(out, "{");
	app_json_uint(out, "xid", d->xid);
	nfs_eve_name(out, "status", d->rpc_status == 0 ? "ACCEPTED" : "DENIED", d->rpc_status);
	nfs_eve_name(out, "auth_type", nfs_auth_name(d->auth_type), d->auth_type);
	if (d->auth_type == 1) {
		app_json_key(out, "creds");
		app_json_begin(out, "{");
		nfs_eve_text(out, "machine_name", d->machine, sizeof(d->machine));
		app_json_uint(out, "uid", d->uid);
		app_json_uint(out, "gid", d->gid);
		app_json_end(out, "}");
	}
	app_json_end(out, "}");
}

/* EVE: the fileinfo object of the file that closed in the unit. */
static void nfs_eve_file(const struct app_details *details, struct app_json *out)
{
	app_file_eve(&((const struct nfs_details *)(const void *)details->proto)->file, out);
}

const struct app_parser app_parser_nfs = {
    .name = "nfs",
    .proto = RULE_PROTO_NFS,
    .tcp = true,
    .udp = true,
    .buffers = APP_BUFFER(APP_META) | APP_BUFFER(FILE_NAME) | APP_BUFFER(FILE_MAGIC) |
	       APP_BUFFER(FILE_META) | APP_BUFFER(FILE_DATA),
    .detect = nfs_detect,
    .create = nfs_create,
    .destroy = nfs_destroy,
    .parse = nfs_parse,
    .eve_details = nfs_eve_details,
    .eve_file = nfs_eve_file,
};
