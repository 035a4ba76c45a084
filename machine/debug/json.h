/*
 * A small JSON reader and writer for QMP (machine/debug/qmp.c), RFC 8259.
 *
 * Contract
 * - json_parse reads one JSON text from untrusted bytes: at most
 *   JSON_MAX_INPUT bytes, nesting at most JSON_MAX_DEPTH deep, at most
 *   JSON_MAX_NODES values. Anything else (bad syntax, a bad escape, a lone
 *   surrogate, a NUL inside a string, trailing bytes, a limit passed) gives
 *   NULL and one line in err; it never reads outside [s, s + len).
 * - Strings are stored as UTF-8 with a NUL after them; a "\u0000" escape is
 *   refused so that C string functions see the whole value.
 * - The tree is the caller's to free with json_free (NULL is fine).
 * - No state outside the values: any thread, any number of parsers.
 */
#ifndef RIVET_JSON_H
#define RIVET_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_INPUT (64 * 1024)
#define JSON_MAX_DEPTH 32
#define JSON_MAX_NODES 4096

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    bool boolean;
    double number;
    bool integer; /* a number written without fraction or exponent that fits int64 */
    int64_t i64;
    char *str;          /* JSON_STRING: NUL-terminated */
    char *key;          /* the member name, when this value is in an object */
    struct json *child; /* arrays and objects: the first element or member */
    struct json *next;  /* the next sibling */
};

struct json *json_parse(const char *s, size_t len, char *err, size_t errlen);
void json_free(struct json *v);
/* The member `key` of an object (the last one when repeated), or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

/* The writer: appends to a bounded text buffer; what does not fit is
 * dropped and `truncated` set (the caller then answers with an error). */
struct json_buf {
    char *buf;
    size_t cap, len;
    bool truncated;
};
void jb_raw(struct json_buf *b, const char *s, size_t n);
void jb_printf(struct json_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string of n bytes (control characters, quotes, backslashes and
 * bytes that are not valid UTF-8 escaped as \uXXXX). */
void jb_string(struct json_buf *b, const char *s, size_t n);
/* A copy of v, written compactly (for the "id" of a command, echoed back). */
void jb_value(struct json_buf *b, const struct json *v);

#endif
