/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames as a parser marks them (rules/lang/frame.h): what the parser
 * keeps per flow (the last frame id and how far each direction's stream
 * has gone, so a frame knows its offset) and the one call that hands a frame to inspection as a unit
 * of its own: the frame buffer holds the frame's bytes, the details are
 * the parser's as they stand, and it is a repeat unit (no EVE record of
 * its own; skipped at once when no rule reads frames).
 *
 * vigil keeps no copy of the stream past a short tail, so a frame's bytes
 * are those the parser holds when it marks it (a PDU it gathered, a line,
 * a header block): a frame longer than what the parser keeps is handed
 * over cut (complete false) with its real length. Per-packet path, on the
 * worker that owns the flow.
 */
#ifndef VIGIL_DATAPLANE_APP_FRAME_H
#define VIGIL_DATAPLANE_APP_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/app/app.h"

/*
 * Whether any rule in force reads frames: set by the pipeline before it
 * hands a worker's data to a parser (true elsewhere: tests, fuzzing).
 * Without such a rule, frames are counted (their ids stay Suricata's)
 * but neither built nor handed over.
 */
extern __thread bool app_frames_wanted;

/*
 * A flow's frame bookkeeping, zeroed with the parser's state. Ids count
 * per direction, as Suricata's do, and start at 2: Suricata's id 1 is the
 * direction's whole stream (its "stream" frame), which vigil inspects as
 * pkt_data, so the ids EVE shows are the same.
 */
struct app_frames {
	uint64_t last_id[2]; /* by enum app_direction; 0: none yet */
	/* bytes of each direction's stream handed to the parser before the
	 * parse() call at hand: where its data starts (app_frame_stream_*) */
	uint64_t stream[2];
};

/* A parse() call of dir begins with len bytes at data: where they stand in the stream. */
static inline uint64_t app_frame_stream_at(const struct app_frames *frames, enum app_direction dir,
					   const uint8_t *start, const uint8_t *at)
{
	return frames->stream[dir] + (uint64_t)(at - start);
}

/* The parse() call of dir is over: its len bytes are behind. */
static inline void app_frame_stream_done(struct app_frames *frames, enum app_direction dir,
					 uint32_t len)
{
	frames->stream[dir] += len;
}

/*
 * Hand a frame of type over: data[0..len) are its bytes as held (len may
 * be less than length when the parser keeps only part of it), offset its
 * first byte in the direction's stream. Returns its id.
 */
static inline uint64_t app_frame_emit(struct app_frames *frames, app_emit_fn emit, void *arg,
				      enum rule_frame type, enum app_direction dir,
				      const uint8_t *data, uint32_t len, uint64_t offset,
				      uint64_t length, int64_t tx_id,
				      const struct app_details *details)
{
	if (!app_frames_wanted)
		return frames->last_id[dir] ? ++frames->last_id[dir] : (frames->last_id[dir] = 2);
	struct app_frame frame = {
	    .type = (uint8_t)type,
	    .direction = (uint8_t)dir,
	    .complete = len >= length,
	    .id = frames->last_id[dir] ? ++frames->last_id[dir] : (frames->last_id[dir] = 2),
	    .offset = offset,
	    .length = length,
	    .tx_id = tx_id,
	};
	struct app_unit u;
	memset(&u, 0, sizeof(u));
	u.buffer[RULE_BUFFER_FRAME] = data;
	u.buffer_len[RULE_BUFFER_FRAME] = len;
	u.fresh = RULE_BUFFER_BIT(RULE_BUFFER_FRAME);
	u.repeat = true;
	u.details = details;
	u.frame = &frame;
	if (emit && (data || !len))
		emit(arg, &u);
	return frame.id;
}

#endif
