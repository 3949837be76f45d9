// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny streaming JSON writer.
 *
 * Strings are written as valid UTF-8 JSON whatever they hold: control
 * characters are escaped and bytes that are not well-formed UTF-8 become
 * U+FFFD, so text that came from the kernel cannot break the document.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->after_key = false;
	j->depth = 0;
	j->empty[0] = true;
}

static void indent(struct json *j)
{
	unsigned int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Separator and indentation before a value or a key. */
static void member(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->empty[j->depth])
		fputc(',', j->f);
	if (j->pretty && j->depth)
		indent(j);
	j->empty[j->depth] = false;
}

static void begin(struct json *j, char c)
{
	member(j);
	fputc(c, j->f);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort();	/* a bug in the caller */
	j->empty[++j->depth] = true;
}

static void end(struct json *j, char c)
{
	if (!j->depth)
		abort();	/* a bug in the caller */
	j->depth--;
	if (j->pretty && !j->empty[j->depth + 1])
		indent(j);
	fputc(c, j->f);
}

void json_object_begin(struct json *j)
{
	begin(j, '{');
}

void json_object_end(struct json *j)
{
	end(j, '}');
}

void json_array_begin(struct json *j)
{
	begin(j, '[');
}

void json_array_end(struct json *j)
{
	end(j, ']');
}

/* Length of the well-formed UTF-8 sequence at @s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;	/* no surrogates */

		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;	/* <= U+10FFFF */

		if (s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

static void write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned char c = *s;
		size_t len;

		switch (c) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(f, "\\u%04x", c);
			} else if (c < 0x80) {
				fputc(c, f);
			} else {
				/* The terminating NUL stops utf8_len early. */
				len = utf8_len(s);
				if (!len) {
					fputs("\\ufffd", f);
					break;
				}
				fwrite(s, 1, len, f);
				s += len;
				continue;
			}
		}
		s++;
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	member(j);
	write_string(j->f, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	member(j);
	write_string(j->f, s);
}

void json_u64(struct json *j, uint64_t v)
{
	member(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_i64(struct json *j, int64_t v)
{
	member(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	member(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	member(j);
	fputs("null", j->f);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_finish(struct json *j)
{
	if (j->depth)
		abort();	/* unbalanced: a bug in the caller */
	fputc('\n', j->f);
}
