/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats answer as OpenMetrics (see metrics.h for the naming). The JSON
 * is first read into a small tree (an array of nodes with first-child and
 * next-sibling links), because an array element's labels may follow the
 * numbers they label; the walk then collects samples, sorts them by family
 * (OpenMetrics wants each family's samples together, after one TYPE line)
 * and writes them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/metrics.h"

#define METRICS_MAX_DEPTH  32
#define METRICS_NAME_MAX   160
#define METRICS_LABELS_MAX 512

enum metrics_json_type {
	METRICS_JSON_OBJECT,
	METRICS_JSON_ARRAY,
	METRICS_JSON_STRING,
	METRICS_JSON_NUMBER,
	METRICS_JSON_TRUE,
	METRICS_JSON_FALSE,
	METRICS_JSON_NULL,
};

struct metrics_node {
	enum metrics_json_type type;
	const char *key;	       /* member name (unescaped, in the arena), NULL in arrays */
	const char *text;	       /* string value (unescaped) or number text */
	int first_child, next_sibling; /* node indices, -1 for none */
};

struct metrics_tree {
	struct metrics_node *nodes;
	unsigned count, cap;
	char *arena; /* unescaped strings; never longer than the input */
	size_t arena_used;
	const char *p, *end;
};

struct metrics_sample {
	char family[METRICS_NAME_MAX];
	bool counter;
	char labels[METRICS_LABELS_MAX];
	char value[48];
	unsigned order; /* keeps a family's samples in the order they came */
};

struct metrics_samples {
	struct metrics_sample *v;
	unsigned count, cap;
	bool failed;
};

/* ---- reading the JSON ---- */

static void metrics_skip_space(struct metrics_tree *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r'))
		t->p++;
}

static int metrics_node_new(struct metrics_tree *t, enum metrics_json_type type)
{
	if (t->count == t->cap) {
		unsigned cap = t->cap ? 2 * t->cap : 256;
		struct metrics_node *n = realloc(t->nodes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->nodes = n;
		t->cap = cap;
	}
	struct metrics_node *n = &t->nodes[t->count];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->first_child = n->next_sibling = -1;
	return (int)t->count++;
}

static void metrics_arena_utf8(struct metrics_tree *t, unsigned cp)
{
	char *o = t->arena + t->arena_used;
	if (cp < 0x80) {
		o[0] = (char)cp;
		t->arena_used += 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		t->arena_used += 2;
	} else {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		t->arena_used += 3;
	}
}

/* A JSON string at t->p, unescaped into the arena: its start, or NULL.
 * \uXXXX takes 6 input bytes and gives at most 3, so the arena holds. */
static const char *metrics_read_string(struct metrics_tree *t)
{
	if (t->p >= t->end || *t->p != '"')
		return NULL;
	t->p++;
	const char *start = t->arena + t->arena_used;
	while (t->p < t->end && *t->p != '"') {
		unsigned char c = (unsigned char)*t->p++;
		if (c < 0x20)
			return NULL;
		if (c != '\\') {
			t->arena[t->arena_used++] = (char)c;
			continue;
		}
		if (t->p >= t->end)
			return NULL;
		char e = *t->p++;
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char out[] = "\"\\/\b\f\n\r\t";
			t->arena[t->arena_used++] = out[simple - "\"\\/bfnrt"];
			continue;
		}
		if (e != 'u' || t->end - t->p < 4)
			return NULL;
		unsigned cp = 0;
		for (int i = 0; i < 4; i++) {
			int d = *t->p++;
			if (!isxdigit(d))
				return NULL;
			cp = cp * 16 + (unsigned)(isdigit(d) ? d - '0' : (tolower(d) - 'a' + 10));
		}
		/* Surrogate halves are not text on their own: a placeholder. */
		metrics_arena_utf8(t, cp >= 0xd800 && cp < 0xe000 ? '?' : cp);
	}
	if (t->p >= t->end)
		return NULL;
	t->p++;
	t->arena[t->arena_used++] = '\0';
	return start;
}

static int metrics_read_value(struct metrics_tree *t, unsigned depth);

/* Members or elements of an object or array, linked under node. */
static int metrics_read_children(struct metrics_tree *t, int node, bool object, unsigned depth)
{
	char close = object ? '}' : ']';
	t->p++;
	metrics_skip_space(t);
	if (t->p < t->end && *t->p == close) {
		t->p++;
		return 0;
	}
	int last = -1;
	while (true) {
		const char *key = NULL;
		metrics_skip_space(t);
		if (object) {
			key = metrics_read_string(t);
			metrics_skip_space(t);
			if (!key || t->p >= t->end || *t->p != ':')
				return -EINVAL;
			t->p++;
		}
		int child = metrics_read_value(t, depth + 1);
		if (child < 0)
			return child;
		t->nodes[child].key = key;
		if (last < 0)
			t->nodes[node].first_child = child;
		else
			t->nodes[last].next_sibling = child;
		last = child;
		metrics_skip_space(t);
		if (t->p < t->end && *t->p == ',') {
			t->p++;
			continue;
		}
		if (t->p < t->end && *t->p == close) {
			t->p++;
			return 0;
		}
		return -EINVAL;
	}
}

static int metrics_read_literal(struct metrics_tree *t, const char *word,
				enum metrics_json_type type)
{
	size_t n = strlen(word);
	if ((size_t)(t->end - t->p) < n || memcmp(t->p, word, n) != 0)
		return -EINVAL;
	t->p += n;
	return metrics_node_new(t, type);
}

static int metrics_read_number(struct metrics_tree *t)
{
	const char *start = t->p;
	while (t->p < t->end && strchr("+-0123456789.eE", *t->p) && *t->p)
		t->p++;
	size_t n = (size_t)(t->p - start);
	if (n == 0 || n > 40)
		return -EINVAL;
	char number[48];
	memcpy(number, start, n);
	number[n] = '\0';
	char *stop;
	strtod(number, &stop);
	if (*stop != '\0')
		return -EINVAL;
	int node = metrics_node_new(t, METRICS_JSON_NUMBER);
	if (node < 0)
		return node;
	char *copy = t->arena + t->arena_used;
	memcpy(copy, number, n + 1);
	t->arena_used += n + 1;
	t->nodes[node].text = copy;
	return node;
}

/* One value at t->p: its node index, or a negative error. */
static int metrics_read_value(struct metrics_tree *t, unsigned depth)
{
	if (depth > METRICS_MAX_DEPTH)
		return -EINVAL;
	metrics_skip_space(t);
	if (t->p >= t->end)
		return -EINVAL;
	char c = *t->p;
	if (c == '{' || c == '[') {
		int node = metrics_node_new(t, c == '{' ? METRICS_JSON_OBJECT : METRICS_JSON_ARRAY);
		if (node < 0)
			return node;
		int rc = metrics_read_children(t, node, c == '{', depth);
		return rc < 0 ? rc : node;
	}
	if (c == '"') {
		const char *s = metrics_read_string(t);
		if (!s)
			return -EINVAL;
		int node = metrics_node_new(t, METRICS_JSON_STRING);
		if (node >= 0)
			t->nodes[node].text = s;
		return node;
	}
	if (c == 't')
		return metrics_read_literal(t, "true", METRICS_JSON_TRUE);
	if (c == 'f')
		return metrics_read_literal(t, "false", METRICS_JSON_FALSE);
	if (c == 'n')
		return metrics_read_literal(t, "null", METRICS_JSON_NULL);
	return metrics_read_number(t);
}

/* ---- naming ---- */

/* Arrays: the name their elements' numbers take and the label their
 * "name" member becomes. */
static const struct {
	const char *array, *segment, *name_label;
} metrics_arrays[] = {
    {"ports", "port", "port"},	   {"lcores", "worker", "name"},   {"workers", "worker", "name"},
    {"rule_hits", "rule", "name"}, {"blocked", "blocked", "name"},
};

/* Numbers of an array element that say which element it is. */
static const char *const metrics_id_members[] = {"worker", "lcore", "gid", "sid", "port_id"};

/* Objects whose members are one quantity split by a reason or a number. */
static const struct {
	const char *object, *label;
} metrics_maps[] = {
    {"drops", "reason"},  {"malformed_by_reason", "reason"}, {"normalized_by_reason", "reason"},
    {"denied", "reason"}, {"fragments", "reason"},	     {"acl_rules", "rule"},
};

/* Values that can go down: gauges, not counters. */
static const char *const metrics_gauges[] = {
    "seconds",	"since_s",    "poll_ms",	  "settle_ms", "after_ms",
    "stall_ms", "longest_ms", "longest_stall_ms", "idle_ms",   "until_epoch",
    "tcp_port", "http_port",  "active",
};

static bool metrics_in(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return true;
	return false;
}

#define METRICS_IN(key, list) metrics_in(key, list, sizeof(list) / sizeof(list[0]))

static bool metrics_is_gauge(const char *key)
{
	return METRICS_IN(key, metrics_gauges) || strstr(key, "active") != NULL ||
	       strstr(key, "_depth") != NULL;
}

/* Append "_" and key to name (key's characters outside [a-zA-Z0-9_] as "_"). */
static void metrics_name_join(char *name, size_t cap, const char *key)
{
	size_t n = strlen(name);
	if (n + 1 < cap && n > 0)
		name[n++] = '_';
	for (const char *k = key; *k && n + 1 < cap; k++)
		name[n++] = isalnum((unsigned char)*k) ? *k : '_';
	name[n] = '\0';
}

/* Append label="value" (escaped as OpenMetrics says) to a label list. */
static void metrics_label_add(char *labels, size_t cap, const char *label, const char *value)
{
	size_t n = strlen(labels);
	int w = snprintf(labels + n, cap - n, "%s", n ? "," : "");
	n += w > 0 ? (size_t)w : 0;
	for (const char *k = label; *k && n + 1 < cap; k++)
		labels[n++] = isalnum((unsigned char)*k) ? *k : '_';
	if (n + 2 < cap) {
		labels[n++] = '=';
		labels[n++] = '"';
	}
	for (const char *v = value; *v && n + 3 < cap; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n') {
			labels[n++] = '\\';
			labels[n++] = *v == '\n' ? 'n' : *v;
		} else {
			labels[n++] = *v;
		}
	}
	if (n + 1 < cap)
		labels[n++] = '"';
	labels[n < cap ? n : cap - 1] = '\0';
}

/* ---- the walk ---- */

static void metrics_sample_add(struct metrics_samples *s, const char *family, bool counter,
			       const char *labels, const char *value)
{
	if (s->failed)
		return;
	if (s->count == s->cap) {
		unsigned cap = s->cap ? 2 * s->cap : 256;
		struct metrics_sample *v = realloc(s->v, cap * sizeof(*v));
		if (!v) {
			s->failed = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	struct metrics_sample *m = &s->v[s->count];
	snprintf(m->family, sizeof(m->family), "%s", family);
	/* A counter's family is named without the _total its samples carry. */
	size_t fl = strlen(m->family);
	if (counter && fl > 6 && strcmp(m->family + fl - 6, "_total") == 0)
		m->family[fl - 6] = '\0';
	m->counter = counter;
	snprintf(m->labels, sizeof(m->labels), "%s", labels);
	snprintf(m->value, sizeof(m->value), "%s", value);
	m->order = s->count++;
}

static void metrics_walk_object(const struct metrics_tree *t, int node, const char *prefix,
				const char *labels, struct metrics_samples *s);

/* One element of an array named key: its strings and ids label its numbers. */
static void metrics_walk_element(const struct metrics_tree *t, int element, const char *prefix,
				 const char *labels, const char *name_label,
				 struct metrics_samples *s)
{
	char own[METRICS_LABELS_MAX];
	snprintf(own, sizeof(own), "%s", labels);
	for (int c = t->nodes[element].first_child; c >= 0; c = t->nodes[c].next_sibling) {
		const struct metrics_node *n = &t->nodes[c];
		if (n->type == METRICS_JSON_STRING)
			metrics_label_add(own, sizeof(own),
					  strcmp(n->key, "name") == 0 ? name_label : n->key,
					  n->text);
		else if (n->type == METRICS_JSON_NUMBER && METRICS_IN(n->key, metrics_id_members))
			metrics_label_add(own, sizeof(own), n->key, n->text);
	}
	metrics_walk_object(t, element, prefix, own, s);
}

static void metrics_walk_array(const struct metrics_tree *t, int node, const char *prefix,
			       const char *key, const char *labels, struct metrics_samples *s)
{
	const char *segment = key, *name_label = "name";
	for (size_t i = 0; i < sizeof(metrics_arrays) / sizeof(metrics_arrays[0]); i++)
		if (strcmp(key, metrics_arrays[i].array) == 0) {
			segment = metrics_arrays[i].segment;
			name_label = metrics_arrays[i].name_label;
		}
	char name[METRICS_NAME_MAX];
	snprintf(name, sizeof(name), "%s", prefix);
	metrics_name_join(name, sizeof(name), segment);
	for (int c = t->nodes[node].first_child; c >= 0; c = t->nodes[c].next_sibling) {
		if (t->nodes[c].type != METRICS_JSON_OBJECT)
			continue; /* arrays of plain values (lists of names) are no counters */
		metrics_walk_element(t, c, name, labels, name_label, s);
	}
}

static void metrics_walk_map(const struct metrics_tree *t, int node, const char *family,
			     const char *label, const char *labels, struct metrics_samples *s)
{
	for (int c = t->nodes[node].first_child; c >= 0; c = t->nodes[c].next_sibling) {
		const struct metrics_node *n = &t->nodes[c];
		if (n->type != METRICS_JSON_NUMBER)
			continue;
		char own[METRICS_LABELS_MAX];
		snprintf(own, sizeof(own), "%s", labels);
		metrics_label_add(own, sizeof(own), label, n->key);
		metrics_sample_add(s, family, true, own, n->text);
	}
}

/*
 * The members of an object: numbers and booleans are samples, strings
 * an _info sample labelled with them, objects and arrays walked under
 * their name. Members that an array element's labels took are skipped.
 */
static void metrics_walk_object(const struct metrics_tree *t, int node, const char *prefix,
				const char *labels, struct metrics_samples *s)
{
	bool element = strlen(labels) > 0 && t->nodes[node].key == NULL;
	for (int c = t->nodes[node].first_child; c >= 0; c = t->nodes[c].next_sibling) {
		const struct metrics_node *n = &t->nodes[c];
		char name[METRICS_NAME_MAX];
		snprintf(name, sizeof(name), "%s", prefix);
		metrics_name_join(name, sizeof(name), n->key);
		switch (n->type) {
		case METRICS_JSON_NUMBER:
			if (element && METRICS_IN(n->key, metrics_id_members))
				break;
			metrics_sample_add(s, name, !metrics_is_gauge(n->key), labels, n->text);
			break;
		case METRICS_JSON_TRUE:
		case METRICS_JSON_FALSE:
			metrics_sample_add(s, name, false, labels,
					   n->type == METRICS_JSON_TRUE ? "1" : "0");
			break;
		case METRICS_JSON_STRING: {
			if (element)
				break;
			char own[METRICS_LABELS_MAX], family[METRICS_NAME_MAX];
			snprintf(own, sizeof(own), "%s", labels);
			metrics_label_add(own, sizeof(own), n->key, n->text);
			snprintf(family, sizeof(family), "%s", prefix);
			metrics_name_join(family, sizeof(family), "info");
			metrics_sample_add(s, family, false, own, "1");
			break;
		}
		case METRICS_JSON_OBJECT: {
			bool map = false;
			for (size_t i = 0; i < sizeof(metrics_maps) / sizeof(metrics_maps[0]); i++)
				if (strcmp(n->key, metrics_maps[i].object) == 0) {
					metrics_walk_map(t, c, name, metrics_maps[i].label, labels,
							 s);
					map = true;
				}
			if (!map)
				metrics_walk_object(t, c, name, labels, s);
			break;
		}
		case METRICS_JSON_ARRAY:
			metrics_walk_array(t, c, prefix, n->key, labels, s);
			break;
		case METRICS_JSON_NULL:
			break;
		}
	}
}

/* ---- writing ---- */

static int metrics_sample_cmp(const void *a, const void *b)
{
	const struct metrics_sample *x = a, *y = b;
	int c = strcmp(x->family, y->family);
	if (c)
		return c;
	c = strcmp(x->labels, y->labels);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void metrics_print(FILE *out, struct metrics_samples *s)
{
	if (s->count)
		qsort(s->v, s->count, sizeof(s->v[0]), metrics_sample_cmp);
	bool counter = false;
	for (unsigned i = 0; i < s->count; i++) {
		const struct metrics_sample *m = &s->v[i];
		bool first = i == 0 || strcmp(s->v[i - 1].family, m->family) != 0;
		if (first) {
			counter = m->counter; /* the family's first sample types it */
			fprintf(out, "# TYPE %s %s\n", m->family, counter ? "counter" : "gauge");
		} else if (strcmp(s->v[i - 1].labels, m->labels) == 0) {
			continue; /* one series once: OpenMetrics refuses a repeat */
		}
		fprintf(out, "%s%s%s%s%s %s\n", m->family, counter ? "_total" : "",
			m->labels[0] ? "{" : "", m->labels, m->labels[0] ? "}" : "", m->value);
	}
	fputs("# EOF\n", out);
}

/* Read one answer and add its samples to s. */
static int metrics_add_doc(struct metrics_samples *s, const char *json, size_t len)
{
	struct metrics_tree t = {.p = json, .end = json + len};
	t.arena = malloc(len + 1);
	if (!t.arena)
		return -ENOMEM;
	int root = metrics_read_value(&t, 0);
	int rc = root < 0 ? root : 0;
	metrics_skip_space(&t);
	if (rc == 0 && (t.p != t.end || t.nodes[root].type != METRICS_JSON_OBJECT))
		rc = -EINVAL;
	if (rc == 0) {
		/* The stats answer wraps the counters: walk its "stats" and
		 * "rule_hits"; any other answer is walked whole. */
		int stats = -1;
		for (int c = t.nodes[root].first_child; c >= 0; c = t.nodes[c].next_sibling)
			if (strcmp(t.nodes[c].key, "stats") == 0 &&
			    t.nodes[c].type == METRICS_JSON_OBJECT)
				stats = c;
		for (int c = t.nodes[root].first_child; c >= 0; c = t.nodes[c].next_sibling)
			if (strcmp(t.nodes[c].key, "rule_hits") == 0 &&
			    t.nodes[c].type == METRICS_JSON_ARRAY)
				metrics_walk_array(&t, c, "vigil", "rule_hits", "", s);
		int top = stats >= 0 ? stats : root;
		/* "total" repeats the workers' sum; text and ok are no counters. */
		for (int c = t.nodes[top].first_child; c >= 0; c = t.nodes[c].next_sibling) {
			struct metrics_node *n = &t.nodes[c];
			if (strcmp(n->key, "total") == 0 || strcmp(n->key, "text") == 0 ||
			    strcmp(n->key, "ok") == 0 || strcmp(n->key, "rule_hits") == 0)
				n->type = METRICS_JSON_NULL;
		}
		metrics_walk_object(&t, top, "vigil", "", s);
	}
	free(t.nodes);
	free(t.arena);
	return rc;
}

int metrics_write(FILE *out, const char *const docs[], const size_t lens[], unsigned n)
{
	struct metrics_samples s = {0};
	int rc = 0;
	for (unsigned i = 0; i < n && rc == 0; i++)
		rc = metrics_add_doc(&s, docs[i], lens[i]);
	if (rc == 0 && s.failed)
		rc = -ENOMEM;
	if (rc == 0)
		metrics_print(out, &s);
	free(s.v);
	return rc;
}
