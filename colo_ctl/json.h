/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny streaming JSON writer: values are written as they come, commas and
 * (with pretty printing) indentation are handled here.
 */
#ifndef COLOCTL_JSON_H
#define COLOCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	bool after_key;			/* a key was written, its value is next */
	unsigned int depth;
	bool empty[JSON_MAX_DEPTH];	/* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f, bool pretty);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* The key of the next value; only inside an object. */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key + value shorthands */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Ends the document (a newline after the top-level value). */
void json_finish(struct json *j);

#endif /* COLOCTL_JSON_H */
