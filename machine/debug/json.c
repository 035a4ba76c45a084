/*
 * JSON for QMP (contract in json.h): a recursive-descent reader with
 * bounded depth, size and value count, and an escaping writer.
 */
#include "machine/debug/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivet/errfmt.h"

struct jp {
    const char *start, *s, *end;
    unsigned depth, nodes;
    char *err;
    size_t errlen;
    bool failed;
};

static void jp_fail(struct jp *p, const char *what)
{
    if (!p->failed)
        err_format(p->err, p->errlen, "JSON parse error, %s at offset %zu", what, (size_t)(p->s - p->start));
    p->failed = true;
}

static void skip_ws(struct jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static struct json *new_node(struct jp *p, enum json_type t)
{
    if (++p->nodes > JSON_MAX_NODES) {
        jp_fail(p, "too many values");
        return NULL;
    }
    struct json *v = calloc(1, sizeof *v);
    if (!v) {
        jp_fail(p, "out of memory");
        return NULL;
    }
    v->type = t;
    return v;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* "\uXXXX" (and its low surrogate) after the backslash; p->s at the 'u'. */
static bool read_uescape(struct jp *p, uint32_t *cp)
{
    if (p->end - p->s < 5 || hex4(p->s + 1) < 0)
        return false;
    uint32_t c = (uint32_t)hex4(p->s + 1);
    p->s += 5;
    if (c >= 0xdc00 && c <= 0xdfff)
        return false; /* a lone low surrogate */
    if (c >= 0xd800 && c <= 0xdbff) {
        if (p->end - p->s < 6 || p->s[0] != '\\' || p->s[1] != 'u' || hex4(p->s + 2) < 0)
            return false;
        uint32_t lo = (uint32_t)hex4(p->s + 2);
        if (lo < 0xdc00 || lo > 0xdfff)
            return false;
        p->s += 6;
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
    }
    *cp = c;
    return c != 0;
}

/* A string; p->s at the opening quote. The result is at most as long as
 * the source text (an escape never grows). */
static char *parse_string(struct jp *p)
{
    const char *start = ++p->s;
    char *out = malloc((size_t)(p->end - start) + 1), *o = out;
    if (!out) {
        jp_fail(p, "out of memory");
        return NULL;
    }
    while (p->s < p->end && *p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) {
            jp_fail(p, "control character in a string");
            break;
        }
        if (c != '\\') {
            *o++ = (char)c;
            p->s++;
            continue;
        }
        if (++p->s >= p->end)
            break;
        const char *esc = strchr("\"\\/bfnrtu", *p->s);
        if (!esc || !*p->s) {
            jp_fail(p, "bad escape in a string");
            break;
        }
        if (*p->s == 'u') {
            uint32_t cp;
            if (!read_uescape(p, &cp)) {
                jp_fail(p, "bad \\u escape in a string");
                break;
            }
            o += put_utf8(o, cp);
            continue;
        }
        static const char repl[] = "\"\\/\b\f\n\r\t";
        *o++ = repl[esc - "\"\\/bfnrtu"];
        p->s++;
    }
    if (!p->failed && p->s >= p->end)
        jp_fail(p, "unterminated string");
    if (p->failed) {
        free(out);
        return NULL;
    }
    p->s++; /* the closing quote */
    *o = '\0';
    return out;
}

static bool match_word(struct jp *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
        return false;
    p->s += n;
    return true;
}

/* RFC 8259's number grammar, checked before strtod sees it. */
static struct json *parse_number(struct jp *p)
{
    const char *a = p->s, *q = p->s;
    bool integer = true;
    if (q < p->end && *q == '-')
        q++;
    if (q >= p->end || *q < '0' || *q > '9')
        return jp_fail(p, "bad number"), NULL;
    if (*q == '0')
        q++;
    else
        while (q < p->end && *q >= '0' && *q <= '9')
            q++;
    if (q < p->end && *q == '.') {
        integer = false;
        if (++q >= p->end || *q < '0' || *q > '9')
            return jp_fail(p, "bad number"), NULL;
        while (q < p->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < p->end && (*q == 'e' || *q == 'E')) {
        integer = false;
        if (++q < p->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= p->end || *q < '0' || *q > '9')
            return jp_fail(p, "bad number"), NULL;
        while (q < p->end && *q >= '0' && *q <= '9')
            q++;
    }
    char tmp[64];
    if ((size_t)(q - a) >= sizeof tmp)
        return jp_fail(p, "number too long"), NULL;
    memcpy(tmp, a, (size_t)(q - a));
    tmp[q - a] = '\0';
    struct json *v = new_node(p, JSON_NUMBER);
    if (!v)
        return NULL;
    v->number = strtod(tmp, NULL);
    errno = 0;
    long long ll = strtoll(tmp, NULL, 10);
    v->integer = integer && errno == 0;
    v->i64 = ll;
    p->s = q;
    return v;
}

static struct json *parse_value(struct jp *p);

/* The members of an object or the elements of an array; p->s after the
 * opening bracket. */
static struct json *parse_container(struct jp *p, enum json_type t, char close)
{
    struct json *v = new_node(p, t), **tail;
    if (!v)
        return NULL;
    tail = &v->child;
    skip_ws(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (t == JSON_OBJECT) {
            if (p->s >= p->end || *p->s != '"' || !(key = parse_string(p))) {
                jp_fail(p, "expected a member name");
                break;
            }
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':') {
                free(key);
                jp_fail(p, "expected ':'");
                break;
            }
            p->s++;
        }
        struct json *e = parse_value(p);
        if (!e) {
            free(key);
            break;
        }
        e->key = key;
        *tail = e;
        tail = &e->next;
        skip_ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == close) {
            p->s++;
            return v;
        }
        jp_fail(p, t == JSON_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    json_free(v);
    return NULL;
}

static struct json *parse_value(struct jp *p)
{
    skip_ws(p);
    if (p->s >= p->end)
        return jp_fail(p, "unexpected end of input"), NULL;
    struct json *v = NULL;
    char c = *p->s;
    if (c == '{' || c == '[') {
        if (++p->depth > JSON_MAX_DEPTH)
            return jp_fail(p, "nesting too deep"), NULL;
        p->s++;
        v = parse_container(p, c == '{' ? JSON_OBJECT : JSON_ARRAY, c == '{' ? '}' : ']');
        p->depth--;
    } else if (c == '"') {
        char *s = parse_string(p);
        if (s && !(v = new_node(p, JSON_STRING)))
            free(s);
        else if (v)
            v->str = s;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v = parse_number(p);
    } else if (match_word(p, "true") || match_word(p, "false")) {
        if ((v = new_node(p, JSON_BOOL)))
            v->boolean = p->s[-1] == 'e' && p->s[-2] == 'u';
    } else if (match_word(p, "null")) {
        v = new_node(p, JSON_NULL);
    } else {
        jp_fail(p, "invalid token");
    }
    return v;
}

struct json *json_parse(const char *s, size_t len, char *err, size_t errlen)
{
    struct jp p = { .start = s, .s = s, .end = s + len, .err = err, .errlen = errlen };
    if (len > JSON_MAX_INPUT) {
        err_format(err, errlen, "JSON parse error, input longer than %d bytes", JSON_MAX_INPUT);
        return NULL;
    }
    struct json *v = parse_value(&p);
    skip_ws(&p);
    if (v && p.s != p.end) {
        jp_fail(&p, "trailing characters");
        json_free(v);
        v = NULL;
    }
    return v;
}

void json_free(struct json *v)
{
    while (v) {
        struct json *next = v->next;
        json_free(v->child);
        free(v->str);
        free(v->key);
        free(v);
        v = next;
    }
}

const struct json *json_get(const struct json *obj, const char *key)
{
    const struct json *found = NULL;
    if (obj && obj->type == JSON_OBJECT)
        for (const struct json *e = obj->child; e; e = e->next)
            if (e->key && !strcmp(e->key, key))
                found = e;
    return found;
}

/* ---- the writer ---- */

void jb_raw(struct json_buf *b, const char *s, size_t n)
{
    if (b->truncated || n > b->cap - b->len) {
        b->truncated = true;
        return;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
}

void jb_printf(struct json_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->truncated = true;
    else
        jb_raw(b, tmp, (size_t)n);
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

void jb_string(struct json_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    jb_raw(b, "\"", 1);
    for (size_t i = 0; i < n && !b->truncated;) {
        unsigned char c = u[i];
        size_t l = c >= 0x80 ? utf8_len(u + i, n - i) : 0;
        if (l) {
            jb_raw(b, s + i, l);
            i += l;
            continue;
        }
        if (c == '"' || c == '\\')
            jb_printf(b, "\\%c", c);
        else if (c == '\n')
            jb_raw(b, "\\n", 2);
        else if (c == '\r')
            jb_raw(b, "\\r", 2);
        else if (c == '\t')
            jb_raw(b, "\\t", 2);
        else if (c < 0x20 || c >= 0x7f)
            jb_printf(b, "\\u%04x", c);
        else
            jb_raw(b, s + i, 1);
        i++;
    }
    jb_raw(b, "\"", 1);
}

void jb_value(struct json_buf *b, const struct json *v)
{
    switch (v->type) {
    case JSON_NULL: jb_raw(b, "null", 4); break;
    case JSON_BOOL: jb_printf(b, "%s", v->boolean ? "true" : "false"); break;
    case JSON_NUMBER:
        if (v->integer)
            jb_printf(b, "%lld", (long long)v->i64);
        else
            jb_printf(b, "%.17g", isfinite(v->number) ? v->number : 0.0);
        break;
    case JSON_STRING: jb_string(b, v->str, strlen(v->str)); break;
    case JSON_ARRAY:
    case JSON_OBJECT:
        jb_raw(b, v->type == JSON_ARRAY ? "[" : "{", 1);
        for (const struct json *e = v->child; e; e = e->next) {
            if (e != v->child)
                jb_raw(b, ", ", 2);
            if (v->type == JSON_OBJECT) {
                jb_string(b, e->key, strlen(e->key));
                jb_raw(b, ": ", 2);
            }
            jb_value(b, e);
        }
        jb_raw(b, v->type == JSON_ARRAY ? "]" : "}", 1);
        break;
    }
}
