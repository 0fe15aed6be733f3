/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decoding pipeline of the default web ruleset (the web_decode
 * transform, rules/match/match.c): one pass over a request value that
 * undoes every encoding a web server, an application framework or a
 * browser may undo before the value reaches the file system, the SQL
 * engine or the page, so that a detector (sqli; xss; traversal;) or a
 * pcre sees what they see:
 *   - percent escapes %XX ('+' as a space in the first pass only, as a
 *     form is decoded once), and IIS's %uXXXX;
 *   - repeated decoding until nothing changes, bounded (WEB_DECODE_PASSES):
 *     %252e, %%32%66 (IIS decodes the escape that the first pass built);
 *   - overlong UTF-8 (C0 AF, E0 80 AF: '/') and the look-alikes servers
 *     fold (fullwidth U+FF01..FF5E, U+2215 DIVISION SLASH, U+2216 SET MINUS,
 *     U+2044 FRACTION SLASH) to their ASCII character;
 *   - HTML character references (&#60; &#x3c; &#0060 without ';', named
 *     ones such as &lt; &lpar; &sol;), as a browser reads them;
 *   - JSON/JavaScript \uXXXX escapes (a JSON body's strings).
 * Backslashes and NUL bytes are kept: an SQL literal needs its escapes and
 * a NUL ends a file name for the C library, so the detectors decide what
 * they mean (traversal; reads '\' as '/' and NUL as the end of a name).
 *
 * Decoding never lengthens the value (every replacement is shorter than
 * what it replaces), so it runs in place. Per-packet path, any lcore: no
 * allocation, no global state; time is linear in len times the bounded
 * pass count.
 */
#ifndef VIGIL_RULES_WEB_DECODE_H
#define VIGIL_RULES_WEB_DECODE_H

#include <stdint.h>

/* Passes at most: enough for an escape encoded four times over (%2525252e). */
#define WEB_DECODE_PASSES 6

/*
 * Decode data[0..*len) in place as described above; *len becomes the
 * decoded length (never larger). data may be NULL when *len is 0.
 */
void web_decode(uint8_t *data, uint32_t *len);

#endif
