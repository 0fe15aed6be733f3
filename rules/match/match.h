/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Running a rule's options against one packet. The inspect stage
 * (dataplane/detect/) fills a struct rule_match_ctx per packet: the decoded
 * packet, the buffers (pkt_data, and those the flow's application-layer
 * parser filled), the flow's direction and state and its flowbits.
 * rule_match() then answers whether every option holds.
 *
 * Payload options of one buffer form a chain: content, pcre, byte_* and
 * isdataat move a cursor, relative options (distance, within, pcre/R,
 * relative byte_*) start from it, and when a later option fails the chain
 * is retried from the next occurrence of an earlier one, as Suricata does,
 * so "content:A; content:B; distance:0; within:5;" finds A..B even when the
 * first A is not the right one.
 *
 * Per-packet path: nothing here allocates, locks or logs.
 */
#ifndef VIGIL_RULES_MATCH_H
#define VIGIL_RULES_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/decode/packet.h"
#include "rules/lang/keyword.h"
#include "rules/lang/rule.h"

/* Flow facts the matcher needs; set by the inspect stage. */
enum rule_match_flow {
	RULE_MATCH_TO_SERVER = 1u << 0,
	RULE_MATCH_TO_CLIENT = 1u << 1,
	RULE_MATCH_ESTABLISHED = 1u << 2, /* TCP handshake complete (or UDP seen both ways) */
	RULE_MATCH_STREAM = 1u << 3,	  /* pkt_data is reassembled stream data */
	RULE_MATCH_HAS_FLOW = 1u << 4,	  /* a flow exists (not stateless) */
};

/* pcre captures of the rule being matched, for its flow variables. */
struct rule_captures {
	unsigned count;
	struct {
		uint16_t var; /* flow variable id (rule_parser_flowvar) */
		uint32_t len;
		const uint8_t *data; /* in the buffer matched: valid while it is */
	} capture[RULE_MAX_CAPTURES];
	/* The entropy its entropy options computed, by buffer (the last of
	 * each), which the flow keeps and EVE logs (metadata.entropy). */
	unsigned entropy_count;
	struct {
		uint16_t buffer; /* enum rule_buffer */
		double value;
	} entropy[RULE_MAX_ENTROPY];
};

/*
 * A flow's integer variables (flowint), kept by the owner of the flow's
 * state (dataplane/detect/): get says whether id is set and its value; set
 * gives id a value, false when there is no room (the owner counts it).
 */
struct rule_flowints {
	void *owner;
	bool (*get)(void *owner, uint16_t id, uint32_t *value);
	bool (*set)(void *owner, uint16_t id, uint32_t value);
};

/* Where an xbit or hostbit lives: a host (the packet's source or destination) or an IP pair. */
enum rule_xbits_track {
	RULE_XBITS_IP_SRC,
	RULE_XBITS_IP_DST,
	RULE_XBITS_IP_PAIR,
	RULE_XBITS_IP_BOTH, /* hostbits isset/isnotset: the source and the destination */
};

enum rule_xbits_change {
	RULE_XBITS_SET,
	RULE_XBITS_UNSET,
	RULE_XBITS_TOGGLE,
};

/*
 * Bits per host or per IP pair (xbits, hostbits), kept by the worker
 * (dataplane/detect/xbits.h): isset says whether bit id is set, not
 * expired, for the packet's host or pair; change sets (until expire_s from
 * the packet's time), unsets or toggles it.
 */
struct rule_xbits {
	void *owner;
	bool (*isset)(void *owner, uint16_t id, enum rule_xbits_track track,
		      const struct packet *packet);
	void (*change)(void *owner, uint16_t id, enum rule_xbits_track track,
		       enum rule_xbits_change change, uint32_t expire_s,
		       const struct packet *packet);
};

struct rule_match_ctx {
	const struct packet *packet;
	const uint8_t *buffer[RULE_BUFFER_COUNT]; /* NULL: not present for this packet */
	uint32_t buffer_len[RULE_BUFFER_COUNT];
	/*
	 * Where pkt_data's absolute positions count from (depth, offset,
	 * startswith, isdataat and byte_* without relative, a pcre anchored
	 * with ^). 0 but for stream data, which the inspect stage gives as a
	 * window: earlier stream bytes, then from here the chunk being
	 * inspected. Searches that are not anchored see the whole window, so
	 * a pattern split across segments is still found.
	 */
	uint32_t pkt_data_origin;
	uint32_t flow;		/* enum rule_match_flow */
	int app_proto;		/* enum rule_proto detected on the flow; -1 not yet; -2 failed */
	int app_proto_original; /* before an upgrade (HTTP/1 to HTTP/2); else app_proto */
	/* Multiple buffer matching (rule.instance_groups): the statements that
	 * matched earlier instances of the message, set by the caller for the
	 * rule it checks; and, when not NULL, where the match leaves those
	 * that match this unit's instances. */
	uint32_t instances_before;
	uint32_t *instances_now;
	uint8_t *flowbits; /* RULE_MAX_FLOWBITS bits of this flow, NULL without a flow */
	const struct rule_flowints *flowints; /* NULL without a flow */
	const struct rule_xbits *xbits;	      /* NULL: not kept (xbits never hold) */
	uint64_t events; /* decoder events of the packet: RULE_EVENT_BIT() of rules/lang/event.h */
	/* TCP: the bytes each side sent, by sequence numbers from its SYN
	 * (client, server), for stream_size; has_stream_size false without a
	 * TCP flow whose handshake was seen */
	bool has_stream_size;
	uint32_t stream_size[2];
	uint32_t flow_age_s; /* seconds since the flow's first packet (flow.age); with HAS_FLOW */
	/* NULL: captures are not wanted; else rule_match() empties it and a
	 * matching rule leaves there what its pcre options captured. */
	struct rule_captures *captures;
	/* NULL: not counted; else incremented each time a pcre gives up at
	 * its match or depth limit (no match, but not silently). */
	uint64_t *pcre_limit_hits;
	/*
	 * Buffers that hold a body still growing, inspected in windows (an
	 * HTTP body as it arrives; dataplane/app/app.h, struct app_window):
	 * each holds the body from its first byte, so positions (depth,
	 * offset, isdataat, byte_*) are the body's own; bytes before
	 * window_from were inspected by an earlier window, so a content or
	 * pcre that may lie anywhere (no depth, not relative) is looked for
	 * from there on; with window_more the body goes on past the buffer's
	 * end, so what needs the end (endswith, a negated isdataat past it,
	 * bsize, pcre "$") does not hold yet. 0: every buffer is whole.
	 */
	rule_buffer_mask window_buffers;
	uint32_t window_from;
	bool window_more;
	/* The frame buffer's frame type (enum rule_frame, rules/lang/frame.h):
	 * a rule on another frame type does not hold. 0: no frame. */
	uint8_t frame;
};

/* Where a buffer's match chain stands. */
struct rule_payload_cursor {
	const uint8_t *data;
	uint32_t len;
	uint32_t origin;      /* where absolute positions count from (pkt_data_origin; else 0) */
	uint32_t position;    /* end of the previous match: where relative options start */
	uint32_t match_start; /* start of the previous match */
	uint64_t vars[RULE_MAX_BYTE_VARS]; /* byte_extract results of this rule */
	const struct rule_match_ctx *ctx;
	/* The buffer is a body window (rule_match_ctx.window_buffers): an
	 * unanchored search starts at search_from; more: the body goes on past
	 * len. 0 and false for a whole buffer. */
	uint32_t search_from;
	bool more;
	/* base64_decode's output (kw_base64.c's per-thread block), for base64_data */
	const uint8_t *decoded;
	uint32_t decoded_len;
};

/*
 * True when every PACKET, FLOW and PAYLOAD option of rule holds for ctx
 * (header addresses/ports/protocol are checked by the caller, as are
 * thresholds). Does not change flowbits.
 */
bool rule_match(const struct rule *rule, const struct rule_match_ctx *ctx);

/*
 * rule_match(), and when it fails, *failed is the buffer whose options
 * failed first, or -1 when a packet or flow option did: a rule that failed
 * only on a body still growing (rule_match_ctx.window_buffers) may hold on
 * more of it, one that failed elsewhere will not.
 */
bool rule_match_where(const struct rule *rule, const struct rule_match_ctx *ctx, int *failed);

/*
 * Transforms (url_decode, dotprefix, ...) of a rule's buffer, for the
 * ruleset's fast-pattern scan as much as for the matcher: a fast pattern is
 * looked for in the buffer as the rule sees it. A buffer larger than
 * RULE_TRANSFORM_MAX cannot be transformed, so rules with transforms on it
 * do not match it.
 */
#define RULE_TRANSFORM_MAX (64 * 1024)
/*
 * True when the rule's option at index sees its buffer as the fast-pattern
 * scan does: not after base64_data, not after a transform that follows a
 * payload option (such a transform starts a new view of the buffer), and
 * not after "absent" (the rule may hold without the buffer, so nothing in
 * it can be what finds the rule).
 */
bool rule_option_sees_raw_view(const struct rule *rule, unsigned index);
/* True when rule has transforms on buffer (before its first payload option there). */
bool rule_has_transforms(const struct rule *rule, unsigned buffer);
/* True when a and b apply the same transforms (keywords, values, order) to buffer. */
bool rule_transforms_same(const struct rule *a, const struct rule *b, unsigned buffer);
/*
 * src[0..len) with rule's transforms on buffer applied, in order, into out
 * (RULE_TRANSFORM_MAX + 1 bytes: dotprefix adds one) and *out_len. False
 * when src is too large or a transform is one vigil cannot run (to_md5,
 * xor, ...): the rule cannot match that buffer. Per-packet path.
 */
bool rule_transform_buffer(const struct rule *rule, unsigned buffer, const uint8_t *src,
			   uint32_t len, uint8_t *out, uint32_t *out_len);
/* The same transform keyword with the same value (kw_buffer.c). */
/*
 * The transform cache of the calling thread, for one inspection unit:
 * between rule_transform_cache_begin() and rule_transform_cache_end(), the
 * buffers the ruleset scan and the matcher are given must not change, and
 * each (buffer bytes, chain of transforms) is transformed once, whatever
 * the number of rules and chains that read it. Outside, nothing is kept.
 * Worker lcore, per unit; begin drops what the last unit kept.
 */
void rule_transform_cache_begin(void);
void rule_transform_cache_end(void);
/*
 * rule_transform_buffer() through the cache: *out points at the
 * transformed bytes (the cache's copy, or a per-thread scratch valid until
 * the next transform). Per-packet path.
 */
bool rule_transform_view(const struct rule *rule, unsigned buffer, const uint8_t *src, uint32_t len,
			 const uint8_t **out, uint32_t *out_len);
bool kw_transform_same(const struct rule_option *a, const struct rule_option *b);
/*
 * A pcre option as a Hyperscan prefilter expression (kw_pcre.c): the regex
 * with its i/s/m/x flags written inline, NUL-terminated, owned by the
 * option. NULL when option is not a pcre or its matches cannot be bounded
 * by a whole-buffer search: negated, relative (its "^" anchors at the
 * cursor), UTF mode.
 */
const char *kw_pcre_prefilter(const struct rule_option *option);

/* After an alert decision: apply rule's flowbits set/unset/toggle to ctx->flowbits. */
void rule_match_apply_flowbits(const struct rule *rule, struct rule_match_ctx *ctx);

/* After an alert decision: apply rule's flowint assignments (=, +, -) through ctx->flowints. */
void rule_match_apply_flowints(const struct rule *rule, const struct rule_match_ctx *ctx);

/* After an alert decision: apply rule's xbits and hostbits set/unset/toggle through ctx->xbits. */
void rule_match_apply_xbits(const struct rule *rule, const struct rule_match_ctx *ctx);

/* True when rule's flowbits options include "noalert". */
bool rule_match_noalert(const struct rule *rule);

/*
 * The files a matching rule's filestore options ask to store
 * (RULE_FILESTORE_*): filestore without a direction stores those of the
 * direction the rule matched in (to_server: the request's). 0: none.
 * Implemented in kw_file.c. Per-packet path, once per matching rule.
 */
#define RULE_FILESTORE_REQUEST	1u
#define RULE_FILESTORE_RESPONSE 2u
unsigned rule_match_filestore(const struct rule *rule, bool to_server);

/*
 * What rule needs file tracking to compute: the hashes its filemd5,
 * filesha1, filesha256 options compare (RULE_FILE_HAS_*) and
 * RULE_FILE_NEEDS_MAGIC when it inspects file.magic. Load time.
 */
#define RULE_FILE_NEEDS_MAGIC 8u
unsigned rule_file_needs(const struct rule *rule);

#endif
