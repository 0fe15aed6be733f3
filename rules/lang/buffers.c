/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The buffer tables of buffer.h, generated from foreach_rule_buffer: the
 * sticky buffer name, the legacy content modifier that selects the same
 * buffer (or NULL), and the application protocol the buffer belongs to.
 * Registering the buffers as keywords is left to kw_buffer.c; filling them
 * is left to the application-layer parsers.
 */
#include <stddef.h>

#include "rules/lang/buffer.h"
#include "rules/lang/rule.h"

const char *const rule_buffer_name[RULE_BUFFER_COUNT] = {
#define _(sym, name, legacy, proto) [RULE_BUFFER_##sym] = name,
    foreach_rule_buffer
#undef _
};

const char *const rule_buffer_legacy_name[RULE_BUFFER_COUNT] = {
#define _(sym, name, legacy, proto) [RULE_BUFFER_##sym] = legacy,
    foreach_rule_buffer
#undef _
};

const _Bool rule_buffer_multi[RULE_BUFFER_COUNT] = {
#define _(sym) [RULE_BUFFER_##sym] = 1,
    foreach_rule_buffer_multi
#undef _
};

const int rule_buffer_proto[RULE_BUFFER_COUNT] = {
#define _(sym, name, legacy, proto) [RULE_BUFFER_##sym] = RULE_PROTO_##proto,
    foreach_rule_buffer
#undef _
};
