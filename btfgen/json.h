/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A tiny JSON writer in the spirit of bpftool's json_writer: values are
 * written as they come, commas and (with pretty output) indentation are
 * taken care of. Nesting is limited to JSON_MAX_DEPTH levels.
 */
#ifndef __BTFGEN_JSON_H
#define __BTFGEN_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	/* Whether the container at each depth already holds a value. */
	bool has_value[JSON_MAX_DEPTH];
	/* A member name was just written: the next value follows it. */
	bool after_name;
};

void jsonw_init(struct json_writer *w, FILE *out, bool pretty);
/* Ends the document with a newline. */
void jsonw_finish(struct json_writer *w);

void jsonw_start_object(struct json_writer *w);
void jsonw_end_object(struct json_writer *w);
void jsonw_start_array(struct json_writer *w);
void jsonw_end_array(struct json_writer *w);

/* A member name inside an object; the value comes next. */
void jsonw_name(struct json_writer *w, const char *name);

void jsonw_string(struct json_writer *w, const char *s);	/* NULL: null */
void jsonw_null(struct json_writer *w);
void jsonw_bool(struct json_writer *w, bool v);
void jsonw_uint(struct json_writer *w, unsigned long long v);

/* name + value in one call. */
void jsonw_string_field(struct json_writer *w, const char *name,
			const char *s);

#endif /* __BTFGEN_JSON_H */
