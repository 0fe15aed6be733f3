/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SQL-injection and cross-site-scripting detectors for the sqli; and xss;
 * rule keywords (kw_injection.c). Both tokenise their input the way the
 * target interpreter would (an SQL lexer, an HTML tag and attribute
 * lexer) and look for the token shapes an injection needs, instead of
 * searching for words: "1' OR '1'='1" and "select a plan" contain the same
 * keywords, only the first has the shape of a tautology.
 *
 * The input is a whole decoded buffer (a URI with its query, a form or
 * JSON body, a cookie header), not one parameter: the SQL detector starts
 * a tokenising run at the buffer's start, after each '=', '&' and '?'
 * (where a parameter value starts) and after each quote (where an
 * injection closes the application's string literal). Percent and '+'
 * decoding are the HTTP parser's job; HTML entities are decoded here,
 * because browsers decode them inside attribute values.
 *
 * Per-packet path, any lcore: no allocation, no locks, no logging, no
 * global state; time is linear in len with bounded constants (a bounded
 * number of runs, each of bounded length).
 */
#ifndef VIGIL_RULES_INJECTION_H
#define VIGIL_RULES_INJECTION_H

#include <stdbool.h>
#include <stdint.h>

/* True when data[0..len) holds an SQL-injection shape. data may be NULL when len is 0. */
bool injection_sqli(const uint8_t *data, uint32_t len);

/* True when data[0..len) holds a script-injection shape (HTML or attribute context). */
bool injection_xss(const uint8_t *data, uint32_t len);

/*
 * True when data[0..len) climbs directories (dot-dot steps) or names a
 * sensitive file or directory (injection_path.c: system, server and
 * application files, logs, keys, cloud metadata paths). Reads '\' as '/'
 * and NUL as the end of a name; expects a decoded value (web_decode).
 */
bool injection_traversal(const uint8_t *data, uint32_t len);

#endif
