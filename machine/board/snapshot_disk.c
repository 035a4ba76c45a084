/*
 * The disks in a snapshot (snapshot.h). A -snapshot disk carries its
 * overlay's changed blocks, so loadvm puts the disk back as the guest saw
 * it. They are streamed into the file's data area after RAM, however many
 * (1 MiB of memory at a time), as runs: a 16-byte header (the first block,
 * the count with RUN_ZERO set for blocks that are all zeros, which store no
 * data) and the blocks' bytes; the SNAP_DISK section holds where the stream
 * is, its length, its number of runs and its CRC32. A writable image is recorded by a CRC32 digest of its whole content,
 * and loadvm refuses an image whose content changed since (the guest's
 * view and the file would disagree); a read-only image by its size and
 * modification time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "devices/blockdev.h"
#include "machine/board/machine.h"
#include "machine/board/snapshot.h"
#include "machine/board/snapshot_priv.h"
#include "rivet/snapstream.h"

enum { DISK_WRITABLE, DISK_READONLY, DISK_OVERLAY };
#define DIGEST_CHUNK   (1u << 20)
#define STRETCH_BLOCKS 256u         /* overlay blocks read or written at once (1 MiB) */
#define RUN_ZERO       (1ull << 63) /* a run's count word: the blocks are all zeros, no data follows */

/* Where save_overlay's stream ended, its runs and its CRC32. */
struct overlay_out {
    uint64_t end, runs;
    uint32_t crc;
};

static int disk_mode(const struct blockdev *b)
{
    return blockdev_snapshot(b) ? DISK_OVERLAY : blockdev_readonly(b) ? DISK_READONLY : DISK_WRITABLE;
}

void snapshot_describe_disks(const struct machine *m, struct snapshot_writer *w)
{
    static const char *const modes[] = { "writable", "read-only", "-snapshot" };
    for (unsigned s = 0; s < RIVET_DEV_SLOTS; s++) {
        if (!m->disks[s])
            continue;
        char opt[64], val[96];
        if (s < RIVET_VIRTIO_SLOTS)
            snprintf(opt, sizeof opt, "the drive in virtio-mmio-bus.%u", s);
        else
            snprintf(opt, sizeof opt, "the drive in pcie.0 addr=%02x.0", s - RIVET_VIRTIO_SLOTS);
        snprintf(val, sizeof val, "%" PRIu64 " bytes %s", blockdev_size(m->disks[s]), modes[disk_mode(m->disks[s])]);
        uint32_t n = (uint32_t)strlen(opt);
        snap_put_u32(w, n), snap_put(w, opt, n);
        n = (uint32_t)strlen(val);
        snap_put_u32(w, n), snap_put(w, val, n);
    }
}

/* CRC32 of the whole disk as the guest reads it. */
static bool digest(struct blockdev *b, uint32_t *crc)
{
    uint8_t *buf = malloc(DIGEST_CHUNK);
    uLong c = crc32(0, NULL, 0);
    uint64_t size = blockdev_size(b);
    bool ok = buf != NULL;
    for (uint64_t off = 0; ok && off < size; off += DIGEST_CHUNK) {
        size_t n = size - off < DIGEST_CHUNK ? (size_t)(size - off) : DIGEST_CHUNK;
        ok = blockdev_read(b, off, buf, n) == 0;
        c = crc32(c, buf, (uInt)n);
    }
    free(buf);
    *crc = (uint32_t)c;
    return ok;
}

/* Appends [p, p + n) to the stream at *at, into its CRC. */
static bool stream_put(const struct snap_stream *st, uint64_t *at, uint32_t *crc, const void *p, size_t n)
{
    *crc = (uint32_t)crc32(*crc, p, (uInt)n);
    bool ok = snapshot_io(st->fd, (void *)p, n, *at, true);
    *at += n;
    return ok;
}

/* One run's header: its first block, its count, whether it is all zeros. */
static bool stream_run(const struct snap_stream *st, uint64_t *at, uint32_t *crc, uint64_t first, uint64_t count,
                       bool zero)
{
    struct snapshot_writer h = { 0 };
    uint8_t mem[16];
    h.buf = mem, h.cap = sizeof mem; /* no allocation: 16 bytes fit */
    snap_put_u64(&h, first);
    snap_put_u64(&h, count | (zero ? RUN_ZERO : 0));
    return stream_put(st, at, crc, mem, sizeof mem);
}

static bool block_zero(const uint8_t *p, size_t n) { return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0); }

/* A stretch of consecutive overlay blocks [k, k + count) read at once and
 * streamed as runs of all-zero blocks (header only) and of data. */
static bool stream_stretch(struct blockdev *b, const struct snap_stream *st, uint8_t *buf, uint64_t k, uint64_t count,
                           struct overlay_out *o)
{
    uint64_t size = blockdev_size(b), start = k * BLOCKDEV_OVERLAY_BLOCK;
    size_t len = size - start < count * BLOCKDEV_OVERLAY_BLOCK ? (size_t)(size - start)
                                                               : (size_t)(count * BLOCKDEV_OVERLAY_BLOCK);
    if (blockdev_read(b, start, buf, len) != 0)
        return false;
    for (uint64_t i = 0; i < count;) {
        size_t at = (size_t)(i * BLOCKDEV_OVERLAY_BLOCK),
               n = len - at < BLOCKDEV_OVERLAY_BLOCK ? len - at : BLOCKDEV_OVERLAY_BLOCK;
        bool zero = block_zero(buf + at, n);
        uint64_t j = i + 1;
        size_t end = at + n;
        for (; j < count; j++) {
            size_t bn = len - end < BLOCKDEV_OVERLAY_BLOCK ? len - end : BLOCKDEV_OVERLAY_BLOCK;
            if (block_zero(buf + end, bn) != zero)
                break;
            end += bn;
        }
        if (!stream_run(st, &o->end, &o->crc, k + i, j - i, zero) ||
            (!zero && !stream_put(st, &o->end, &o->crc, buf + at, end - at)))
            return false;
        o->runs++;
        i = j;
    }
    return true;
}

/* The overlay's blocks streamed into the file at st->at (no size limit,
 * STRETCH_BLOCKS of memory): o gets the stream's end, runs and CRC. */
static bool save_overlay(struct blockdev *b, const struct snap_stream *st, struct overlay_out *o)
{
    uint8_t *buf = malloc(STRETCH_BLOCKS * BLOCKDEV_OVERLAY_BLOCK);
    *o = (struct overlay_out){ .end = st->at, .crc = (uint32_t)crc32(0, NULL, 0) };
    bool ok = buf != NULL;
    for (uint64_t k = blockdev_overlay_next(b, 0); ok && k != UINT64_MAX;) {
        uint64_t count = 1;
        while (count < STRETCH_BLOCKS && blockdev_overlay_next(b, k + count) == k + count)
            count++;
        ok = stream_stretch(b, st, buf, k, count, o);
        k = blockdev_overlay_next(b, k + count);
    }
    free(buf);
    return ok;
}

static bool save_disk(struct machine *m, unsigned s, struct snapshot_writer *w, struct snap_stream *st, char *err,
                      size_t errlen)
{
    struct blockdev *b = m->disks[s];
    int mode = disk_mode(b);
    snap_put_u8(w, (uint8_t)mode);
    snap_put_u64(w, blockdev_size(b));
    uint32_t crc;
    uint64_t mtime;
    struct overlay_out o;
    bool ok = true;
    if (mode == DISK_WRITABLE && (ok = digest(b, &crc))) {
        snap_put_u32(w, crc);
    } else if (mode == DISK_READONLY && (ok = blockdev_mtime(b, &mtime) == 0)) {
        snap_put_u64(w, mtime);
    } else if (mode == DISK_OVERLAY && (ok = save_overlay(b, st, &o))) {
        snap_put_u64(w, st->at);
        snap_put_u64(w, o.end - st->at);
        snap_put_u64(w, o.runs);
        snap_put_u32(w, o.crc);
        st->at = o.end;
    }
    if (!ok)
        machine_err(err, errlen, "the drive in virtio-mmio-bus.%u: %s: %s", s,
                    mode == DISK_OVERLAY ? "cannot read it or write its -snapshot overlay's blocks" : "cannot read it",
                    strerror(errno));
    return ok;
}

bool snapshot_save_disks(struct machine *m, struct snapshot_writer *out, struct snap_stream *st, char *err,
                         size_t errlen)
{
    for (unsigned s = 0; s < RIVET_DEV_SLOTS; s++) {
        if (!m->disks[s])
            continue;
        struct snapshot_writer w = { 0 };
        bool ok = save_disk(m, s, &w, st, err, errlen);
        if (ok)
            snapshot_put_section(out, SNAP_DISK, s, &w);
        snap_writer_free(&w);
        if (!ok)
            return false;
    }
    return true;
}

/* Reads [at, at + n) of the stream into p and its CRC; false past its end. */
static bool stream_get(const struct snap_stream *st, uint64_t *at, uint64_t end, uint32_t *crc, void *p, size_t n)
{
    if (n > end - *at || !snapshot_io(st->fd, p, n, *at, false))
        return false;
    *crc = (uint32_t)crc32(*crc, p, (uInt)n);
    *at += n;
    return true;
}

/* One run: its header checked (in order, inside the disk), its data read
 * (and, unless dry, written to the overlay) a stretch at a time. */
static const char *restore_run(struct blockdev *b, const struct snap_stream *st, bool dry, uint8_t *buf, uint64_t *at,
                               uint64_t end, uint32_t *crc, uint64_t *next)
{
    uint64_t size = blockdev_size(b), blocks = (size + BLOCKDEV_OVERLAY_BLOCK - 1) / BLOCKDEV_OVERLAY_BLOCK;
    uint8_t h[16];
    if (!stream_get(st, at, end, crc, h, sizeof h))
        return "overlay stream cut short";
    struct snapshot_reader hr = { .p = h, .len = sizeof h };
    uint64_t first = snap_get_u64(&hr), word = snap_get_u64(&hr), count = word & ~RUN_ZERO;
    if (first < *next || first >= blocks || count == 0 || count > blocks - first)
        return "overlay block out of order or outside the disk";
    *next = first + count;
    uint64_t start = first * BLOCKDEV_OVERLAY_BLOCK;
    uint64_t len = size - start < count * BLOCKDEV_OVERLAY_BLOCK ? size - start : count * BLOCKDEV_OVERLAY_BLOCK;
    if (word & RUN_ZERO)
        return dry || blockdev_zero(b, start, len) == 0 ? NULL : "cannot write the -snapshot overlay";
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < STRETCH_BLOCKS * BLOCKDEV_OVERLAY_BLOCK ? (size_t)(len - done)
                                                                        : STRETCH_BLOCKS * BLOCKDEV_OVERLAY_BLOCK;
        if (!stream_get(st, at, end, crc, buf, n))
            return "overlay stream cut short";
        if (!dry && blockdev_write(b, start + done, buf, n) != 0)
            return "cannot write the -snapshot overlay";
        done += n;
    }
    return NULL;
}

/* The overlay's stream: where the section says, inside the file's data
 * area, every run valid, exactly `runs` of them filling it, the CRC right. */
static bool restore_overlay(struct blockdev *b, struct snapshot_reader *r, const struct snap_stream *st)
{
    uint64_t off = snap_get_u64(r), len = snap_get_u64(r), runs = snap_get_u64(r);
    uint32_t saved = snap_get_u32(r);
    if (r->bad || off < st->lo || off > st->size || len > st->size - off) {
        snap_bad(r, "overlay stream outside the file");
        return false;
    }
    if (!r->dry && blockdev_overlay_reset(b) != 0) {
        snap_bad(r, "cannot reset the -snapshot overlay");
        return false;
    }
    uint8_t *buf = malloc(STRETCH_BLOCKS * BLOCKDEV_OVERLAY_BLOCK);
    uint32_t crc = (uint32_t)crc32(0, NULL, 0);
    uint64_t at = off, next = 0, n = 0;
    const char *why = buf ? NULL : "out of memory";
    for (; !why && at < off + len; n++)
        why = restore_run(b, st, r->dry, buf, &at, off + len, &crc, &next);
    free(buf);
    if (!why && (n != runs || crc != saved))
        why = "overlay stream corrupted (run count or checksum)";
    if (why)
        snap_bad(r, why);
    return !why;
}

bool snapshot_restore_disk(struct machine *m, unsigned slot, struct snapshot_reader *r, const struct snap_stream *st,
                           char *err, size_t errlen)
{
    struct blockdev *b = slot < RIVET_DEV_SLOTS ? m->disks[slot] : NULL;
    if (!b) {
        machine_err(err, errlen, "state of a drive in device slot %u, where this machine has none", slot);
        return false;
    }
    int mode = snap_get_u8(r);
    uint64_t size = snap_get_u64(r), have;
    uint32_t crc, saved;
    bool same = mode == disk_mode(b) && size == blockdev_size(b);
    if (same && mode == DISK_WRITABLE) {
        saved = snap_get_u32(r);
        same = !r->dry || (digest(b, &crc) && crc == saved); /* read the whole image once, in the check */
    } else if (same && mode == DISK_READONLY) {
        same = blockdev_mtime(b, &have) == 0 && have == snap_get_u64(r);
    } else if (same) {
        same = restore_overlay(b, r, st);
    }
    if (r->bad || !same || !snap_end(r)) {
        machine_err(err, errlen, "the drive in virtio-mmio-bus.%u: %s", slot,
                    r->bad ? r->why : "its image changed since the snapshot (a content or identity check failed)");
        return false;
    }
    return true;
}
