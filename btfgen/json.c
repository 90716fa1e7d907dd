// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>

#include "json.h"

void jsonw_init(struct json_writer *w, FILE *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

void jsonw_finish(struct json_writer *w)
{
	fputc('\n', w->out);
}

static void indent(struct json_writer *w)
{
	int i;

	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* Called before every value and every member name. */
static void before_item(struct json_writer *w)
{
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->has_value[w->depth])
		fputc(',', w->out);
	w->has_value[w->depth] = true;
	indent(w);
}

static void start(struct json_writer *w, char open)
{
	before_item(w);
	fputc(open, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->has_value[w->depth] = false;
}

static void end(struct json_writer *w, char close)
{
	bool had_values = w->has_value[w->depth];

	if (w->depth > 0)
		w->depth--;
	/* Empty containers stay on one line: {} and []. */
	if (had_values)
		indent(w);
	fputc(close, w->out);
}

void jsonw_start_object(struct json_writer *w)
{
	start(w, '{');
}

void jsonw_end_object(struct json_writer *w)
{
	end(w, '}');
}

void jsonw_start_array(struct json_writer *w)
{
	start(w, '[');
}

void jsonw_end_array(struct json_writer *w)
{
	end(w, ']');
}

/* Length of the valid UTF-8 sequence at @s, or 0 if it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Paths are bytes, JSON is Unicode: a byte that is not part of valid UTF-8
 * is written as \u00XX (its Latin-1 reading) so the document always parses.
 */
static void write_escaped(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', out);
	while (*s) {
		switch (*s) {
		case '"':  fputs("\\\"", out); s++; continue;
		case '\\': fputs("\\\\", out); s++; continue;
		case '\b': fputs("\\b", out); s++; continue;
		case '\f': fputs("\\f", out); s++; continue;
		case '\n': fputs("\\n", out); s++; continue;
		case '\r': fputs("\\r", out); s++; continue;
		case '\t': fputs("\\t", out); s++; continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (!n) {
			fprintf(out, "\\u%04x", *s);
			s++;
			continue;
		}
		fwrite(s, 1, n, out);
		s += n;
	}
	fputc('"', out);
}

void jsonw_name(struct json_writer *w, const char *name)
{
	before_item(w);
	write_escaped(w->out, name);
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_name = true;
}

void jsonw_string(struct json_writer *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	before_item(w);
	write_escaped(w->out, s);
}

void jsonw_null(struct json_writer *w)
{
	before_item(w);
	fputs("null", w->out);
}

void jsonw_bool(struct json_writer *w, bool v)
{
	before_item(w);
	fputs(v ? "true" : "false", w->out);
}

void jsonw_uint(struct json_writer *w, unsigned long long v)
{
	before_item(w);
	fprintf(w->out, "%llu", v);
}

void jsonw_string_field(struct json_writer *w, const char *name,
			const char *s)
{
	jsonw_name(w, name);
	jsonw_string(w, s);
}
