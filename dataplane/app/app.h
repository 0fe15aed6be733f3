/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The application layer: which protocol a flow speaks, found from the
 * first bytes of its data whatever the port (ports are never trusted: a
 * web server on 31337 is still HTTP), and one parser per protocol that
 * turns stream data (or UDP datagrams) into named buffers for the rules
 * (http.uri, tls.sni, dns.query, mysql.query, ...; rules/lang/buffer.h) and into
 * the details EVE alerts carry.
 *
 * Parsers are rows of one table (app.c, listed in app_parsers.h), each
 * in its own file (app_http.c, app_tls.c, app_dns.c, app_ssh.c,
 * app_smtp.c, app_mysql.c, app_sip.c): the row names the protocol, its
 * detection probe, its create/parse/destroy, the buffers it fills and how
 * its details appear in an EVE alert. A parser's state belongs to one
 * flow and is only touched by the worker that owns the flow. Parsers
 * never log; what they cannot parse they count and skip, never crash,
 * never read out of bounds.
 */
#ifndef VIGIL_DATAPLANE_APP_H
#define VIGIL_DATAPLANE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/app/xff.h"
#include "rules/lang/buffer.h"
#include "rules/lang/frame.h"
#include "rules/lang/rule.h"

enum app_direction {
	APP_TO_SERVER = 0,
	APP_TO_CLIENT = 1,
};

enum app_detect_result {
	APP_DETECT_NO,	      /* not this protocol */
	APP_DETECT_YES,	      /* this protocol */
	APP_DETECT_NEED_MORE, /* cannot tell from these bytes yet */
};

/*
 * Details an EVE alert shows besides the rule, as the unit that alerted
 * left them; an alert carries a copy (dataplane/alert.h). Only the client
 * behind proxies is common: the filter, the rate limits and the policy
 * read it whatever the protocol. The rest, proto, is the parser's own:
 * its file lays it out (a struct that APP_DETAILS_FITS), fills it, and
 * its row's eve_details writes it into the alert, so no other file knows
 * a protocol's details.
 */
#define APP_TEXT_MAX 256 /* bytes of a details text, NUL included */
/* bytes of a URL kept, NUL included: the field attacks hide in (a query
 * string of SQL injection is often past 255 bytes); EVE marks a longer one cut */
#define APP_URL_MAX 1024
/* Room for the largest parser's details (HTTP's, with its APP_URL_MAX url
 * and the file a body carried: name, magic, hashes, struct app_file_info).
 * Every alert carries a copy on the worker's ring (dataplane/alert.h):
 * 1,600 bytes make struct alert 2,256 bytes (1,488 with 832 and a url of
 * APP_TEXT_MAX), 37 MB for a worker's ring of 16,384; 2,048 add 7 MB. */
#define APP_DETAILS_PROTO_MAX 2048
struct app_details {
	/* The client behind proxies (xff.h): the chosen hop as written (EVE's
	 * http.xff), and its address, which every consumer of the client reads. */
	char xff[XFF_TEXT_MAX];
	struct xff_client xff_client;
	_Alignas(8) unsigned char proto[APP_DETAILS_PROTO_MAX];
};

/* A parser's details type fits struct app_details.proto (say so once in its file). */
#define APP_DETAILS_FITS(type)                                                                     \
	_Static_assert(sizeof(type) <= APP_DETAILS_PROTO_MAX && _Alignof(type) <= 8,               \
		       #type " fits struct app_details.proto")

/*
 * What detection remembers of one body across its windows (struct
 * app_window), by rule index: the rules that matched an earlier window,
 * which a later window (holding the earlier bytes again) does not raise a
 * second time, so a rule alerts once per body as when a body was inspected
 * once; and the rules that were candidates but failed only on the body
 * while it went on, which the next window checks again even if their fast
 * pattern lies in the bytes already inspected (a "<html" at the start and
 * the rest of the rule 50 KB later). The parser keeps one per body,
 * zeroed, for the body's life; detection fills it. A rule that finds a
 * list full is counted (body_rules_lost): it may alert twice, or be
 * missed if its fast pattern does not come again.
 */
#define APP_BODY_RULES_MAX   32
#define APP_BODY_PARTIAL_MAX 8
struct app_body_rules {
	uint32_t matched[APP_BODY_RULES_MAX]; /* rule indexes in the ruleset */
	uint32_t matched_count;
	uint32_t waiting[APP_BODY_RULES_MAX];
	uint32_t waiting_count;
	/* Rules whose statements of a multi-buffer match each on its own
	 * (rule.instance_groups): the statements earlier instances of the
	 * message matched, by rule index. */
	uint32_t partial_rule[APP_BODY_PARTIAL_MAX];
	uint32_t partial_statements[APP_BODY_PARTIAL_MAX];
	uint32_t partial_count;
	uint32_t rules_generation; /* the ruleset they index; another one empties the lists */
};

/*
 * A body inspected as it arrives, in windows (an HTTP request or response
 * body): each unit of the body carries it from its first byte to the last
 * byte arrived, in the buffers named here, so positions stay the body's
 * own (depth, offset, startswith and isdataat count from its start).
 * Only what is new, plus an overlap of bytes already inspected, is
 * scanned for fast patterns and searched by contents and pcres that may
 * lie anywhere, so a long body costs about its length, not its length
 * times its windows; a pattern or chain that starts within the overlap
 * before the new bytes is still found whole.
 */
struct app_window {
	rule_buffer_mask buffers; /* the body's buffers (bit per enum rule_buffer); 0: no window */
	uint32_t scan_from;	  /* fast patterns and unanchored searches start here */
	uint32_t new_from;	  /* bytes before it were inspected by an earlier window */
	/* The body goes on past these bytes (a later window follows, or the
	 * rest is past the parser's limit, or the transfer was cut short): what
	 * needs the body's end (endswith, bsize, ...) cannot hold yet. */
	bool more;
	bool cut; /* the body reached the parser's limit here: the rest is not inspected */
	/* The body's last window: its file is closed, whole or not (cut, or
	 * more: the transfer ended short), and its EVE fileinfo record is due. */
	bool last;
	/* Not a body: the window's buffer is one instance of a multi-buffer
	 * (one header of http.request_header), and rules lists the rules that
	 * matched an earlier instance of the same message. instance_follows: a
	 * repeat unit with the next instance comes, so a rule that failed on
	 * this one waits for it (that unit scans only its fresh buffers, the
	 * others were scanned with the first). */
	bool instance;
	bool instance_follows;
	struct app_body_rules *rules;
};

/*
 * A connection a control channel announced (FTP: a PORT, EPRT, PASV or
 * EPSV, then the RETR or STOR that uses it): the next TCP flow between
 * the same two addresses whose responder port is port carries proto,
 * whatever its bytes look like (a file has no signature to detect). The
 * unit that carries it hands it to app_flow.c, which remembers it with the
 * announcing flow's addresses (bounded: APP_EXPECT_MAX per worker, the
 * oldest forgotten first) until that flow comes; the new flow's parser is
 * then given it (struct app_parser's expected).
 */
struct app_expectation {
	uint16_t port;		 /* the responder port of the connection to come (host order) */
	uint8_t proto;		 /* enum rule_proto it carries */
	uint8_t command;	 /* the parser's own (ftp-data: enum rule_ftpdata_command) */
	char name[APP_TEXT_MAX]; /* what it carries (ftp-data: the file name) */
};

/*
 * A frame (rules/lang/frame.h): a span of one direction's stream its
 * parser marked, handed over as a unit of its own whose frame buffer
 * holds the span's bytes (dataplane/app/app_frame.h).
 */
struct app_frame {
	uint8_t type;	   /* enum rule_frame */
	uint8_t direction; /* enum app_direction */
	bool complete;	   /* the whole frame is in the buffer (its length known, not cut) */
	uint64_t id;	   /* per direction, from 2, in the order its parser marked frames */
	uint64_t offset;   /* of its first byte in the direction's stream */
	uint64_t length;   /* the frame's length (more than the buffer holds when cut) */
	int64_t tx_id;	   /* the transaction it belongs to; -1: none */
};

/*
 * What a parser hands to inspection for one unit (an HTTP request or
 * response, a TLS handshake message, a DNS message, a MySQL command, ...):
 * the buffers it filled (NULL = absent; pointers valid until the emit
 * callback returns) and the details so far.
 */
struct app_unit {
	const uint8_t *buffer[RULE_BUFFER_COUNT];
	uint32_t buffer_len[RULE_BUFFER_COUNT];
	/* In the parser's per-flow state, valid until its destroy: the
	 * pipeline keeps the latest as the flow's (alerts on later packets,
	 * protocol records at the flow's end: dataplane/event.h). */
	const struct app_details *details;
	/*
	 * Bit b set: buffer b is new in this unit. A parser that emits one
	 * transaction in several units (HTTP: headers, then body) carries the
	 * earlier buffers again so a rule on both still matches; a rule none of
	 * whose buffers is new here was already inspected. 0: all are new.
	 */
	rule_buffer_mask fresh;
	struct app_window window; /* a window of a body that grows; zero: none */
	/*
	 * The data just parsed breaks the protocol (Suricata's app-layer
	 * error): no buffers; the board's [app] error_policy decides what
	 * becomes of the packet and its flow.
	 */
	bool error;
	/*
	 * This unit repeats a message already handed over, with another
	 * instance of a field that comes several times (a DNS answer, a SIP
	 * Via header): inspected like the first, but no new EVE record.
	 */
	bool repeat;
	/*
	 * For a protocol whose record waits for both sides (SSH): this unit
	 * does not complete its side yet (a banner, before the key exchange
	 * init whose HASSH the record carries); the flow's end writes the
	 * record if the completing unit never comes.
	 */
	bool side_incomplete;
	/*
	 * For a protocol whose record waits for its transaction's end (SMTP: a
	 * message's end): this unit ends it, and its record goes now; the units
	 * before it only leave one pending, which the flow's end writes if no
	 * unit ends the transaction.
	 */
	bool tx_complete;
	/*
	 * The transaction's files to store (RULE_FILESTORE_* of
	 * rules/match/match.h): a rule with filestore that matches one of its
	 * units sets a direction here. NULL: the protocol carries no files.
	 */
	uint8_t *file_store;
	/*
	 * A body's last window: its file, closed (app_file.h), in the unit's
	 * details (parser-owned, valid during the call), and its bytes as
	 * kept. After inspection the pipeline stores the file if a rule asked
	 * for its direction (file_store), marks it stored, then writes its
	 * fileinfo record. NULL: no file closes in this unit.
	 */
	struct app_file_info *file_info;
	const uint8_t *file_data;
	uint32_t file_len;
	/* A connection this unit announced (NULL: none), valid during the emit call. */
	const struct app_expectation *expect;
	/* The frame the unit's frame buffer holds (NULL: none), valid during the emit call. */
	const struct app_frame *frame;
};

/* Called by a parser for each unit ready for inspection, in order. */
typedef void (*app_emit_fn)(void *arg, const struct app_unit *unit);

/*
 * What becomes of a packet whose data breaks its protocol (an error unit),
 * as Suricata's app-layer.error-policy: nothing (the default), the packet
 * or the whole flow dropped (ips mode only), or the packet or the flow let
 * through without inspection. _(SYMBOL, "name")
 */
#define foreach_app_error_policy                                                                   \
	_(IGNORE, "ignore")                                                                        \
	_(DROP_PACKET, "drop-packet")                                                              \
	_(DROP_FLOW, "drop-flow")                                                                  \
	_(PASS_PACKET, "pass-packet")                                                              \
	_(PASS_FLOW, "pass-flow")

enum app_error_policy {
#define _(sym, name) APP_ERROR_##sym,
	foreach_app_error_policy
#undef _
	    APP_ERROR_POLICY_COUNT
};

/* Board-level settings parsers read (X-Forwarded-For header names, size limits). */
struct app_config {
	const char *xff_headers[4]; /* header names in order of preference; NULL-terminated */
	uint32_t body_limit;	    /* bytes of a decoded HTTP body kept for inspection */
	enum app_error_policy error_policy; /* read by the inspect stage */
	/* File tracking (app_file.h): libmagic's description of each file
	 * (file.magic, filemagic, EVE fileinfo.magic) and the hashes computed
	 * when a file closes (RULE_FILE_HAS_*: filemd5, ..., fileinfo.md5). */
	bool file_magic;
	uint8_t file_hashes;
	struct app_file_store *file_store; /* filestore's bounded store; NULL: none */
};

struct app_json;
struct app_file_info;
struct app_file_store;

/* A row's buffers: APP_BUFFER(HTTP_URI) | APP_BUFFER(HTTP_HOST) | ... */
#define APP_BUFFER(sym) RULE_BUFFER_BIT(RULE_BUFFER_##sym)

/*
 * One parser: one row, defined in its own file (app_NAME.c as
 * app_parser_NAME) and listed once in foreach_app_parser
 * (app_parsers.h). That is all adding a parser takes, as long as the rule
 * language already knows its protocol (enum rule_proto, rules/lang/rule.h)
 * and its buffers' names (rules/lang/buffer.h): both belong to the rules,
 * which are parsed and compiled without the dataplane, and both already
 * list every protocol and buffer Suricata rules use.
 */
struct app_parser {
	const char *name;      /* "http" */
	enum rule_proto proto; /* RULE_PROTO_HTTP */
	bool tcp, udp;	       /* transports it runs on */
	/* The buffers its units may fill: bit b for enum rule_buffer b, each
	 * of its own protocol (rule_buffer_proto; tests/unit/test_app.c checks). */
	rule_buffer_mask buffers;
	/* The frames its units may carry (bit per enum rule_frame, each of its
	 * own protocol: tests/unit/test_app.c checks). */
	rule_frame_mask frames;
	/*
	 * Look at the first bytes of one direction of a flow (at most a few
	 * hundred). Pure function of the bytes: no state.
	 */
	enum app_detect_result (*detect)(const uint8_t *data, uint32_t len,
					 enum app_direction direction);
	/* Create the per-flow state (malloc is allowed: once per flow). NULL: out of memory. */
	void *(*create)(const struct app_config *config);
	void (*destroy)(void *state);
	/*
	 * Consume in-order bytes of one direction (TCP), or one datagram
	 * (UDP), calling emit for every unit that became ready. Must cope with
	 * any split of the data across calls.
	 */
	void (*parse)(void *state, enum app_direction direction, const uint8_t *data, uint32_t len,
		      app_emit_fn emit, void *arg);
	/*
	 * The same over TCP, for a protocol whose messages are datagrams over
	 * UDP but must be gathered from a stream over TCP (SIP). NULL: parse
	 * serves both transports.
	 */
	void (*parse_stream)(void *state, enum app_direction direction, const uint8_t *data,
			     uint32_t len, app_emit_fn emit, void *arg);
	/*
	 * EVE: write this protocol's part of an alert raised on one of its
	 * units (',"tls":{...}') from the details that unit carried; out is
	 * inside the alert object. NULL: the protocol shows nothing. Control
	 * lcore; must read details only within their arrays.
	 */
	void (*eve_details)(const struct app_details *details, struct app_json *out);
	/* The protocol has no object in Suricata's EVE schema: eve_details
	 * writes into vigil's own object (control/eve.h), not the record. */
	bool eve_vigil;
	/*
	 * Well-known ports of other protocols that share this one's format
	 * (mDNS, LLMNR and NetBIOS names are DNS-shaped): a flow with either
	 * port among them is not detected as this protocol from its bytes,
	 * as Suricata, which looks for DNS on port 53 only, leaves them. 0
	 * ends the list.
	 */
	uint16_t other_protocol_ports[4];
	/* Suricata's parser of the protocol is written in Rust, which names its
	 * events in EVE's anomaly records as rules write them ("z_flag_set");
	 * its C parsers name them in capitals ("INVALID_CERTIFICATE"). */
	bool eve_events_as_written;
	/* event_type of its protocol records; NULL: name (HTTP/2's are "http"). */
	const char *eve_event_type;
	/*
	 * The connection changes protocol (HTTP/1's "Upgrade: h2c" answered by
	 * 101): asked after each parse() of direction dir, it returns the
	 * protocol (enum rule_proto) whose parser takes over, from the byte at
	 * *used of that call's data, or -1 while nothing changes. NULL: never.
	 */
	int (*upgrade)(void *state, enum app_direction dir, uint32_t *used);
	/*
	 * A file the protocol carried (an HTTP body): its EVE fileinfo object
	 * from details as the last window of the body left them; NULL: the
	 * protocol carries no files (no fileinfo records).
	 */
	void (*eve_file)(const struct app_details *details, struct app_json *out);
	/*
	 * The flow is one a control channel announced (struct
	 * app_expectation): called once, right after create, before any
	 * parse. NULL: the protocol is never expected, only detected.
	 */
	void (*expected)(void *state, const struct app_expectation *expectation);
};

/* The parsers, in detection order (foreach_app_parser); the table ends with NULL. */
extern const struct app_parser *const app_parsers[];

/* The parser for proto, or NULL. Any lcore: the table is constant. */
const struct app_parser *app_parser_for(enum rule_proto proto);

/*
 * Detect the protocol of a flow from the first bytes seen in one direction.
 * Returns the parser, or NULL (with *need_more set when some parser could
 * still say yes with more bytes).
 */
const struct app_parser *app_detect(const uint8_t *data, uint32_t len, enum app_direction direction,
				    bool tcp, bool *need_more);

#endif
