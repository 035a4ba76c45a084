/*
 * The byte streams of a snapshot's sections (machine/board/snapshot.h has
 * the file around them). A device writes its state with snap_put_* into a
 * writer and reads it back with snap_get_* from a reader; all values are
 * little-endian, fixed width, in the order the device chose (the format
 * version covers that order).
 *
 * Contract
 * - A writer grows as needed; an allocation failure sets `failed` and later
 *   puts do nothing (the caller checks it once at the end).
 * - A reader never reads past its end: a short read sets `bad` (and `why`)
 *   and gives zeros. Everything in it is untrusted (the file may be
 *   corrupted or made up): a restore hook reads into locals, checks every
 *   value it would index with or that the device's invariants need, and only
 *   then, unless `dry` is set, changes the device. With `dry` (the first of
 *   loadvm's two passes) nothing may change: loadvm validates every section
 *   before it changes anything, then runs the hooks again for real.
 * - snap_bad records the first reason only; hooks return !r->bad.
 * - Header-only, no state outside the structs: any layer may use it.
 */
#ifndef RIVET_SNAPSTREAM_H
#define RIVET_SNAPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct snapshot_writer {
    uint8_t *buf;
    size_t len, cap;
    bool failed;
};

struct snapshot_reader {
    const uint8_t *p;
    size_t len, pos;
    bool dry;        /* validate only: change nothing */
    bool bad;        /* a short read or an invalid value */
    const char *why; /* the first problem (a string constant) */
};

static inline void snap_bad(struct snapshot_reader *r, const char *why)
{
    if (!r->bad)
        r->why = why;
    r->bad = true;
}

static inline void snap_put(struct snapshot_writer *w, const void *data, size_t n)
{
    if (w->failed)
        return;
    if (n > w->cap - w->len) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap - w->len < n) {
            if (cap > SIZE_MAX / 2) {
                w->failed = true;
                return;
            }
            cap *= 2;
        }
        uint8_t *b = realloc(w->buf, cap);
        if (!b) {
            w->failed = true;
            return;
        }
        w->buf = b;
        w->cap = cap;
    }
    if (n)
        memcpy(w->buf + w->len, data, n);
    w->len += n;
}

static inline void snap_put_u64(struct snapshot_writer *w, uint64_t v)
{
    uint8_t b[8];
    for (unsigned i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    snap_put(w, b, 8);
}
static inline void snap_put_u32(struct snapshot_writer *w, uint32_t v)
{
    uint8_t b[4];
    for (unsigned i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    snap_put(w, b, 4);
}
static inline void snap_put_u8(struct snapshot_writer *w, uint8_t v) { snap_put(w, &v, 1); }
static inline void snap_put_bool(struct snapshot_writer *w, bool v) { snap_put_u8(w, v ? 1 : 0); }

static inline void snap_writer_free(struct snapshot_writer *w)
{
    free(w->buf);
    *w = (struct snapshot_writer){ 0 };
}

/* n bytes into out; zeros (and `bad`) when fewer are left. */
static inline void snap_get(struct snapshot_reader *r, void *out, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        snap_bad(r, "section too short");
        memset(out, 0, n);
        return;
    }
    if (n)
        memcpy(out, r->p + r->pos, n);
    r->pos += n;
}

static inline uint64_t snap_get_u64(struct snapshot_reader *r)
{
    uint8_t b[8];
    snap_get(r, b, 8);
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}
static inline uint32_t snap_get_u32(struct snapshot_reader *r)
{
    uint8_t b[4];
    snap_get(r, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint8_t snap_get_u8(struct snapshot_reader *r)
{
    uint8_t v;
    snap_get(r, &v, 1);
    return v;
}
/* A bool is stored as 0 or 1: anything else is a corrupted file. */
static inline bool snap_get_bool(struct snapshot_reader *r)
{
    uint8_t v = snap_get_u8(r);
    if (v > 1)
        snap_bad(r, "a flag is neither 0 nor 1");
    return v == 1;
}
/* The section must be used up exactly: trailing bytes mean another layout. */
static inline bool snap_end(struct snapshot_reader *r)
{
    if (!r->bad && r->pos != r->len)
        snap_bad(r, "section longer than its state");
    return !r->bad;
}

#endif
