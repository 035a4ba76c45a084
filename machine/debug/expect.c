/*
 * --expect-script (see expect.h): the parser and the script's state machine.
 */
#include "machine/debug/expect.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/host/hostfile.h"
#include "rivet.h"
#include "rivet/errfmt.h"

#define EXPECT_SEEN_MAX   (1u << 20)  /* console bytes kept for matching */
#define EXPECT_SCRIPT_MAX (16u << 20) /* the longest script read */

enum expect_op { OP_WAIT, OP_SEND, OP_SLEEP, OP_EXIT };

struct expect_cmd {
    enum expect_op op;
    unsigned line;
    char *text; /* OP_WAIT, OP_SEND (malloc'd, unescaped) */
    size_t len;
    double seconds; /* OP_WAIT timeout, OP_SLEEP */
    int status;     /* OP_EXIT */
};

struct expect {
    char *name;
    struct expect_cmd *cmds;
    size_t ncmds, pc;
    double started; /* when the current command began (monotonic seconds); < 0: not yet */
    uint8_t *seen;  /* console output not yet consumed by a match */
    size_t seen_len;
    uint8_t *input; /* queued console input */
    size_t in_len, in_pos;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int hexv(char c)
{
    return isdigit((unsigned char)c)    ? c - '0'
           : isxdigit((unsigned char)c) ? (tolower((unsigned char)c) - 'a' + 10)
                                        : -1;
}

/* A "quoted string" with C escapes at *p; out must hold strlen(*p) bytes. */
static bool parse_quoted(const char **p, char *out, size_t *len)
{
    const char *s = *p;
    size_t n = 0;
    if (*s++ != '"')
        return false;
    while (*s && *s != '"') {
        char c = *s++;
        if (c == '\\') {
            c = *s++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'e': c = 0x1b; break;
            case '0': c = '\0'; break;
            case '\\':
            case '"':
            case '\'': break;
            case 'x':
                if (hexv(s[0]) < 0 || hexv(s[1]) < 0)
                    return false;
                c = (char)(hexv(s[0]) << 4 | hexv(s[1]));
                s += 2;
                break;
            default: return false;
            }
        }
        out[n++] = c;
    }
    if (*s != '"')
        return false;
    *p = s + 1;
    *len = n;
    return true;
}

static bool parse_seconds(const char **p, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(*p, &end);
    if (end == *p || errno || !isfinite(x) || x < 0 || x > 1e7)
        return false;
    *p = end;
    *v = x;
    return true;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* One non-empty, non-comment line into c. */
static bool parse_line(const char *s, struct expect_cmd *c)
{
    static const char *const names[] = { "wait", "send", "sleep", "exit" };
    size_t w = 0;
    while (isalpha((unsigned char)s[w]))
        w++;
    unsigned op = 0;
    while (op < 4 && !(strlen(names[op]) == w && !strncmp(s, names[op], w)))
        op++;
    if (op == 4)
        return false;
    c->op = (enum expect_op)op;
    s = skip_ws(s + w);
    if (c->op == OP_WAIT || c->op == OP_SEND) {
        c->text = malloc(strlen(s) + 1);
        if (!c->text || !parse_quoted(&s, c->text, &c->len))
            return false;
        s = skip_ws(s);
        c->seconds = EXPECT_DEFAULT_WAIT;
        if (c->op == OP_WAIT && *s && !parse_seconds(&s, &c->seconds))
            return false;
        if (c->op == OP_WAIT && c->len == 0)
            return false;
    } else if (c->op == OP_SLEEP) {
        if (!parse_seconds(&s, &c->seconds))
            return false;
    } else {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 0 || v > 255)
            return false;
        c->status = (int)v;
        s = end;
    }
    return *skip_ws(s) == '\0';
}

static bool add_line(struct expect *e, const char *line, unsigned lineno, char *err, size_t errlen)
{
    const char *s = skip_ws(line);
    if (!*s || *s == '#')
        return true;
    struct expect_cmd *cmds = realloc(e->cmds, (e->ncmds + 1) * sizeof *cmds);
    if (!cmds) {
        err_format(err, errlen, "%s: out of memory", e->name);
        return false;
    }
    e->cmds = cmds;
    struct expect_cmd *c = &cmds[e->ncmds++];
    memset(c, 0, sizeof *c);
    c->line = lineno;
    if (!parse_line(s, c)) {
        err_format(err, errlen, "%s:%u: bad line (wait \"TEXT\" [SECONDS], send \"TEXT\", sleep S, exit N)", e->name,
                   lineno);
        return false;
    }
    return true;
}

struct expect *expect_parse(const char *name, const char *text, char *err, size_t errlen)
{
    struct expect *e = calloc(1, sizeof *e);
    char *copy = strdup(text);
    if (e)
        e->name = strdup(name);
    if (!e || !copy || !e->name) {
        err_format(err, errlen, "%s: out of memory", name);
        free(copy);
        expect_destroy(e);
        return NULL;
    }
    e->started = -1;
    unsigned lineno = 0;
    bool ok = true;
    for (char *line = copy, *next; ok && line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        ok = add_line(e, line, ++lineno, err, errlen);
    }
    free(copy);
    if (!ok) {
        expect_destroy(e);
        return NULL;
    }
    return e;
}

struct expect *expect_load(const char *path, char *err, size_t errlen)
{
    uint8_t *data;
    size_t len;
    if (!hostfile_read_all("--expect-script", path, EXPECT_SCRIPT_MAX, &data, &len, err, errlen))
        return NULL;
    char *text = (char *)data;
    struct expect *e = NULL;
    if (memchr(text, '\0', len)) {
        err_format(err, errlen, "--expect-script %s: not a text file", path);
    } else {
        char *z = realloc(text, len + 1); /* the parser wants a C string */
        if (z) {
            text = z;
            text[len] = '\0';
            e = expect_parse(path, text, err, errlen);
        } else {
            err_format(err, errlen, "--expect-script %s: out of memory", path);
        }
    }
    free(text);
    return e;
}

void expect_destroy(struct expect *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->ncmds; i++)
        free(e->cmds[i].text);
    free(e->cmds);
    free(e->seen);
    free(e->input);
    free(e->name);
    free(e);
}

void expect_output(struct expect *e, const uint8_t *buf, size_t len)
{
    if (e->pc >= e->ncmds || len == 0)
        return; /* nothing will ever wait again */
    if (len > EXPECT_SEEN_MAX)
        buf += len - EXPECT_SEEN_MAX, len = EXPECT_SEEN_MAX;
    if (e->seen_len + len > EXPECT_SEEN_MAX) { /* keep the newest bytes */
        size_t drop = e->seen_len + len - EXPECT_SEEN_MAX;
        memmove(e->seen, e->seen + drop, e->seen_len - drop);
        e->seen_len -= drop;
    }
    if (!e->seen && !(e->seen = malloc(EXPECT_SEEN_MAX)))
        return;
    memcpy(e->seen + e->seen_len, buf, len);
    e->seen_len += len;
}

size_t expect_input(struct expect *e, uint8_t *buf, size_t len)
{
    size_t n = e->in_len - e->in_pos;
    if (n > len)
        n = len;
    if (n == 0)
        return 0; /* nothing queued (e->input may still be NULL) */
    memcpy(buf, e->input + e->in_pos, n);
    e->in_pos += n;
    return n;
}

static bool queue_input(struct expect *e, const char *text, size_t len)
{
    size_t left = e->in_len - e->in_pos;
    uint8_t *in = malloc(left + len + 1);
    if (!in)
        return false;
    if (left)
        memcpy(in, e->input + e->in_pos, left);
    memcpy(in + left, text, len);
    free(e->input);
    e->input = in;
    e->in_len = left + len;
    e->in_pos = 0;
    return true;
}

/* Drops the first n bytes of the output not yet consumed. */
static void consume(struct expect *e, size_t n)
{
    memmove(e->seen, e->seen + n, e->seen_len - n);
    e->seen_len -= n;
}

/* Whether the current wait is satisfied; consumes the output up to the match.
 * Without a match only the last len - 1 bytes can still begin one, so the
 * rest is consumed too (a match would have consumed it): each byte is
 * scanned about once, however long the wait. */
static bool matched(struct expect *e, const struct expect_cmd *c)
{
    if (!e->seen || e->seen_len < c->len)
        return false;
    for (size_t i = 0; i + c->len <= e->seen_len; i++)
        if (!memcmp(e->seen + i, c->text, c->len)) {
            consume(e, i + c->len);
            return true;
        }
    consume(e, e->seen_len - (c->len - 1));
    return false;
}

bool expect_step(struct expect *e, int *status, char *err, size_t errlen)
{
    while (e->pc < e->ncmds) {
        const struct expect_cmd *c = &e->cmds[e->pc];
        double t = now_s();
        if (e->started < 0)
            e->started = t;
        switch (c->op) {
        case OP_WAIT:
            if (!matched(e, c)) {
                if (t - e->started < c->seconds)
                    return false;
                err_format(err, errlen, "%s:%u: timed out after %g s waiting for \"%.*s\"", e->name, c->line,
                           c->seconds, (int)(c->len > 200 ? 200 : c->len), c->text);
                *status = RIVET_EXIT_EXPECT;
                return true;
            }
            break;
        case OP_SEND:
            if (!queue_input(e, c->text, c->len)) {
                err_format(err, errlen, "%s:%u: out of memory", e->name, c->line);
                *status = RIVET_EXIT_INTERNAL;
                return true;
            }
            break;
        case OP_SLEEP:
            if (t - e->started < c->seconds)
                return false;
            break;
        case OP_EXIT:
            if (err && errlen)
                err[0] = '\0';
            *status = c->status;
            return true;
        }
        e->pc++;
        e->started = -1;
    }
    return false;
}
