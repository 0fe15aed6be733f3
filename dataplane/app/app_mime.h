/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MIME pieces the parsers that carry files share (RFC 2045, 2046, 2183,
 * 6266, 7578): the filename a Content-Disposition value gives, the
 * boundary of a multipart Content-Type, and the parts of a multipart
 * body (an HTTP upload, multipart/form-data: each part with a filename
 * is a file, named by it, as Suricata takes them).
 *
 * Everything here reads bytes in place and returns positions into them:
 * no allocation, no state, bounded by the input's length, any byte
 * accepted (a hostile upload must not stop inspection). A body still
 * arriving is read as far as it came: a part whose closing delimiter has
 * not come yet is reported open.
 */
#ifndef VIGIL_DATAPLANE_APP_MIME_H
#define VIGIL_DATAPLANE_APP_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 2046 allows 70 bytes; more is kept for what servers accept anyway. */
#define APP_MIME_BOUNDARY_MAX 128

/*
 * The name Content-Disposition's value v[0..len) gives a file
 * (filename="a b.txt", or the token after filename=; filename*= preferred
 * when present, its charset'language' prefix dropped and the name left
 * encoded): *name and *name_len point into v. False when it names none.
 */
bool app_mime_disposition_name(const uint8_t *v, size_t len, const uint8_t **name,
			       size_t *name_len);

/*
 * The boundary of a Content-Type value v[0..len) whose media type is
 * multipart (boundary=x or boundary="x", parameter name in any case):
 * into out (NUL-terminated, at most APP_MIME_BOUNDARY_MAX bytes),
 * *out_len. False when the type is not multipart or has no usable
 * boundary.
 */
bool app_mime_boundary(const uint8_t *v, size_t len, char out[APP_MIME_BOUNDARY_MAX + 1],
		       size_t *out_len);

/*
 * The value of parameter key ("name=", "boundary=", with its '=') of a
 * header value v[0..len), at a parameter's start, quoted or a token:
 * *out and *out_len point into v. False when absent or empty.
 */
bool app_mime_param(const uint8_t *v, size_t len, const char *key, const uint8_t **out,
		    size_t *out_len);

/* One part of a multipart body, positions into the body. */
struct app_mime_part {
	size_t content;	     /* where its content starts */
	size_t content_len;  /* its bytes so far */
	bool complete;	     /* its closing delimiter came: content_len is all of it */
	const uint8_t *name; /* its Content-Disposition filename (into the body) */
	size_t name_len;
};

/*
 * The first part of body[0..len) (a multipart body cut anywhere) after
 * from that carries a filename, delimited by boundary[0..boundary_len):
 * into *part. Returns true when one is found (its headers whole), false
 * when the body has none yet. *next: where to look for the part after it
 * (meaningful when the part is complete).
 */
bool app_mime_file_part(const uint8_t *body, size_t len, size_t from, const char *boundary,
			size_t boundary_len, struct app_mime_part *part, size_t *next);

#endif
