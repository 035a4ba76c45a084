/*
 * The disks in a snapshot (snapshot.h). A -snapshot disk carries its
 * overlay's changed blocks, so loadvm puts the disk back as the guest saw
 * it; a writable image is recorded by a CRC32 digest of its whole content,
 * and loadvm refuses an image whose content changed since (the guest's
 * view and the file would disagree); a read-only image by its size and
 * modification time.
 */
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
#define DIGEST_CHUNK  (1u << 20)
#define OVERLAY_LIMIT (SNAPSHOT_MAX_META / 2) /* the overlay's blocks travel in the sections */

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

static bool save_overlay(struct blockdev *b, struct snapshot_writer *w)
{
    uint64_t size = blockdev_size(b);
    uint8_t block[BLOCKDEV_OVERLAY_BLOCK];
    for (uint64_t k = blockdev_overlay_next(b, 0); k != UINT64_MAX; k = blockdev_overlay_next(b, k + 1)) {
        uint64_t start = k * BLOCKDEV_OVERLAY_BLOCK;
        size_t n = size - start < sizeof block ? (size_t)(size - start) : sizeof block;
        if (blockdev_read(b, start, block, n) != 0 || w->len > OVERLAY_LIMIT)
            return false;
        snap_put_u64(w, k);
        snap_put(w, block, n);
    }
    return true;
}

static bool save_disk(struct machine *m, unsigned s, struct snapshot_writer *w, char *err, size_t errlen)
{
    struct blockdev *b = m->disks[s];
    int mode = disk_mode(b);
    snap_put_u8(w, (uint8_t)mode);
    snap_put_u64(w, blockdev_size(b));
    uint32_t crc;
    uint64_t mtime;
    bool ok = true;
    if (mode == DISK_WRITABLE && (ok = digest(b, &crc)))
        snap_put_u32(w, crc);
    else if (mode == DISK_READONLY && (ok = blockdev_mtime(b, &mtime) == 0))
        snap_put_u64(w, mtime);
    else if (mode == DISK_OVERLAY)
        ok = save_overlay(b, w);
    if (!ok)
        machine_err(err, errlen, "the drive in virtio-mmio-bus.%u: cannot read it%s", s,
                    mode == DISK_OVERLAY ? ", or its -snapshot overlay is too large to save" : "");
    return ok;
}

bool snapshot_save_disks(struct machine *m, struct snapshot_writer *out, char *err, size_t errlen)
{
    for (unsigned s = 0; s < RIVET_DEV_SLOTS; s++) {
        if (!m->disks[s])
            continue;
        struct snapshot_writer w = { 0 };
        bool ok = save_disk(m, s, &w, err, errlen);
        if (ok)
            snapshot_put_section(out, SNAP_DISK, s, &w);
        snap_writer_free(&w);
        if (!ok)
            return false;
    }
    return true;
}

/* The overlay's blocks: in order, inside the disk, each whole. */
static bool restore_overlay(struct blockdev *b, struct snapshot_reader *r)
{
    uint64_t size = blockdev_size(b), blocks = (size + BLOCKDEV_OVERLAY_BLOCK - 1) / BLOCKDEV_OVERLAY_BLOCK;
    if (!r->dry && blockdev_overlay_reset(b) != 0)
        return false;
    uint64_t next = 0;
    uint8_t block[BLOCKDEV_OVERLAY_BLOCK];
    while (r->pos < r->len && !r->bad) {
        uint64_t k = snap_get_u64(r);
        if (k < next || k >= blocks) {
            snap_bad(r, "overlay block out of order or outside the disk");
            break;
        }
        uint64_t start = k * BLOCKDEV_OVERLAY_BLOCK;
        size_t n = size - start < sizeof block ? (size_t)(size - start) : sizeof block;
        snap_get(r, block, n);
        if (!r->bad && !r->dry && blockdev_write(b, start, block, n) != 0)
            snap_bad(r, "cannot write the -snapshot overlay");
        next = k + 1;
    }
    return !r->bad;
}

bool snapshot_restore_disk(struct machine *m, unsigned slot, struct snapshot_reader *r, char *err, size_t errlen)
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
        same = restore_overlay(b, r);
    }
    if (r->bad || !same || !snap_end(r)) {
        machine_err(err, errlen, "the drive in virtio-mmio-bus.%u: %s", slot,
                    r->bad ? r->why : "its image changed since the snapshot (a content or identity check failed)");
        return false;
    }
    return true;
}
