/*
 * savevm and loadvm: the snapshot file (format and contract in snapshot.h).
 * Writing: the sections are built in memory (small: registers and device
 * state), RAM is written straight from guest memory. Reading: the header
 * and sections are read and checked whole, every restore hook runs once
 * dry, and only then does anything change.
 */
#define _GNU_SOURCE
#include "machine/board/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/cache.h"
#include "devices/virtio.h"
#include "machine/board/board.h"
#include "machine/board/machine.h"
#include "machine/board/snapshot_priv.h"
#include "rivet/snapstream.h"

#define PAGE 4096u

/* ---- the description: the options a restoring machine must share ---- */

static void put_str(struct snapshot_writer *w, const char *s)
{
    size_t n = strlen(s);
    snap_put_u32(w, (uint32_t)n);
    snap_put(w, s, n);
}

static const char *slot_kind(const struct machine *m, unsigned slot)
{
    const struct virtio_device *d = m->vdevs[slot];
    if (!d)
        return "empty";
    switch (d->device_id) {
    case VIRTIO_ID_BLOCK: return slot < RIVET_VIRTIO_SLOTS ? "virtio-blk-device" : "virtio-blk-pci";
    case VIRTIO_ID_NET: return slot < RIVET_VIRTIO_SLOTS ? "virtio-net-device" : "virtio-net-pci";
    case VIRTIO_ID_RNG: return slot < RIVET_VIRTIO_SLOTS ? "virtio-rng-device" : "virtio-rng-pci";
    case VIRTIO_ID_INPUT: return slot < RIVET_VIRTIO_SLOTS ? "virtio-input (the display's)" : "virtio-input-pci";
    default: return "another device";
    }
}

/* Each item: the option as a user would spell it, and its value here. */
void snapshot_describe_machine(const struct machine *m, struct snapshot_writer *w)
{
    char v[160];
    snprintf(v, sizeof v, "%" PRIu64 "M", m->cfg.ram_size >> 20);
    put_str(w, "-m"), put_str(w, v);
    snprintf(v, sizeof v, "%u", m->cfg.nharts);
    put_str(w, "-smp"), put_str(w, v);
    isa_string(&m->harts[0].isa, v, sizeof v);
    put_str(w, "-cpu"), put_str(w, v);
    put_str(w, "-bios"), put_str(w, m->harts[0].env.sbi_ecall ? "(the built-in SBI)" : "(a firmware or none)");
    put_str(w, "-global virtio-mmio.force-legacy"), put_str(w, m->cfg.virtio_legacy ? "true" : "false");
    for (unsigned s = 0; s < RIVET_VIRTIO_SLOTS; s++) {
        char opt[40];
        snprintf(opt, sizeof opt, "virtio-mmio-bus.%u", s);
        put_str(w, opt), put_str(w, slot_kind(m, s));
    }
    for (unsigned d = 1; d < RIVET_PCI_SLOTS; d++) { /* only the slots in use: older files had none */
        char opt[40];
        snprintf(opt, sizeof opt, "pcie.0 addr=%02x.0", d);
        if (m->vdevs[RIVET_PCI_SLOT(d)])
            put_str(w, opt), put_str(w, slot_kind(m, RIVET_PCI_SLOT(d)));
    }
    snprintf(v, sizeof v, "%ux%u", m->cfg.fb_width, m->cfg.fb_height);
    put_str(w, "a framebuffer"), put_str(w, m->cfg.fb_width ? v : "none");
    snprintf(v, sizeof v, "0x%" PRIx64, m->htif.tohost);
    put_str(w, "HTIF tohost"), put_str(w, m->has_htif ? v : "none");
    snapshot_describe_disks(m, w);
}

/* Reads one (option, value) pair; false at the end or when malformed. */
bool snapshot_get_item(struct snapshot_reader *r, char *opt, char *val, size_t cap)
{
    if (r->pos == r->len)
        return false;
    for (int k = 0; k < 2; k++) {
        char *out = k ? val : opt;
        uint32_t n = snap_get_u32(r);
        if (n >= cap) {
            snap_bad(r, "description item too long");
            return false;
        }
        snap_get(r, out, n);
        out[n] = '\0';
        for (uint32_t i = 0; i < n; i++) /* echoed in messages */
            if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
                out[i] = '?';
    }
    return !r->bad;
}

/* The first item that differs, as "made with OPT A, this machine has OPT B". */
bool snapshot_compare_description(const struct machine *m, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    struct snapshot_writer here = { 0 };
    snapshot_describe_machine(m, &here);
    if (here.failed) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    struct snapshot_reader a = { .p = data, .len = len }, b = { .p = here.buf, .len = here.len };
    char oa[512], va[512], ob[512], vb[512];
    bool ok = true;
    for (;;) {
        bool ha = snapshot_get_item(&a, oa, va, sizeof oa), hb = snapshot_get_item(&b, ob, vb, sizeof oa);
        if (a.bad) {
            machine_err(err, errlen, "corrupted description (%s)", a.why);
            ok = false;
        } else if (ha != hb || (ha && strcmp(oa, ob))) {
            machine_err(err, errlen, "made by a machine described otherwise (%s where this one has %s)",
                        ha ? oa : "nothing", hb ? ob : "nothing");
            ok = false;
        } else if (ha && strcmp(va, vb)) {
            machine_err(err, errlen, "made with %s %s, this machine has %s %s", oa, va, ob, vb);
            ok = false;
        }
        if (!ok || !ha)
            break;
    }
    snap_writer_free(&here);
    return ok;
}

/* ---- sections ---- */

void snapshot_put_section(struct snapshot_writer *out, uint32_t kind, uint32_t inst, const struct snapshot_writer *data)
{
    snap_put_u32(out, kind);
    snap_put_u32(out, inst);
    snap_put_u64(out, data->len);
    snap_put_u32(out, (uint32_t)crc32(0, data->buf, (uInt)data->len));
    snap_put_u32(out, 0);
    snap_put(out, data->buf, data->len);
    static const uint8_t pad[8];
    snap_put(out, pad, (8 - data->len % 8) % 8);
}

/* Every board row's instances through its save hook. */
static bool save_rows(const struct machine *m, struct snapshot_writer *out, char *err, size_t errlen)
{
    unsigned nrows;
    const struct board_row *rows = board_rows(&nrows);
    for (unsigned r = 0; r < nrows; r++) {
        unsigned count = rows[r].count ? rows[r].count : 1;
        for (unsigned i = 0; rows[r].save && i < count; i++) {
            struct snapshot_writer w = { 0 };
            bool ok = rows[r].save(m, i, &w, err, errlen);
            if (ok && !w.failed)
                snapshot_put_section(out, SNAP_ROW_BASE + r, i, &w);
            snap_writer_free(&w);
            if (!ok)
                return false;
        }
    }
    return true;
}

static bool build_sections(struct machine *m, struct snapshot_writer *out, char *err, size_t errlen)
{
    struct snapshot_writer w = { 0 };
    snapshot_describe_machine(m, &w);
    snapshot_put_section(out, SNAP_DESC, 0, &w);
    snap_writer_free(&w);
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        snapshot_hart_save(m, i, &w);
        snapshot_put_section(out, SNAP_HART, i, &w);
        snap_writer_free(&w);
    }
    if (!save_rows(m, out, err, errlen))
        return false;
    if (out->failed) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    return true;
}

/* ---- RAM ---- */

static bool page_zero(const uint8_t *p)
{
    static const uint64_t zero[PAGE / 8];
    return memcmp(p, zero, PAGE) == 0;
}

/* The runs of non-zero pages, gaps of up to `gap` zero pages closed; false
 * when there are more than SNAPSHOT_MAX_EXTENTS. */
static bool find_extents(const struct bus *bus, uint64_t gap, struct snap_extent *e, unsigned *n)
{
    uint64_t pages = bus->ram_size / PAGE, last_end = 0;
    unsigned k = 0;
    for (uint64_t p = 0; p < pages; p++) {
        if (page_zero(bus->ram + p * PAGE))
            continue;
        if (k && p - last_end <= gap) {
            e[k - 1].len = (p + 1) * PAGE - e[k - 1].guest;
        } else {
            if (k == SNAPSHOT_MAX_EXTENTS)
                return false;
            e[k++] = (struct snap_extent){ p * PAGE, PAGE, 0 };
        }
        last_end = p + 1;
    }
    *n = k;
    return true;
}

/* The extents of the non-zero pages (file offsets not yet set). */
static struct snap_extent *ram_extents(const struct bus *bus, unsigned *n)
{
    struct snap_extent *e = malloc(SNAPSHOT_MAX_EXTENTS * sizeof *e);
    if (!e)
        return NULL;
    for (uint64_t gap = 0; !find_extents(bus, gap, e, n); gap = gap * 2 + 1)
        ;
    return e;
}

bool snapshot_io(int fd, void *buf, size_t len, uint64_t off, bool write)
{
    uint8_t *p = buf;
    while (len) {
        size_t n = len > (1u << 30) ? (1u << 30) : len;
        ssize_t k = write ? pwrite(fd, p, n, (off_t)off) : pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k, len -= (size_t)k, off += (uint64_t)k;
    }
    return true;
}

static bool write_all(int fd, const void *buf, size_t len, uint64_t off)
{
    return snapshot_io(fd, (void *)buf, len, off, true);
}

static void put_header(uint8_t *h, uint64_t meta_len, uint64_t ram_off, uint64_t file_size)
{
    struct snapshot_writer w = { 0 };
    snap_put(&w, SNAPSHOT_MAGIC, 8);
    snap_put_u32(&w, SNAPSHOT_VERSION);
    snap_put_u32(&w, SNAPSHOT_HEADER);
    char ver[16] = { 0 };
    strncpy(ver, RIVET_VERSION, sizeof ver - 1);
    snap_put(&w, ver, sizeof ver);
    snap_put_u64(&w, meta_len);
    snap_put_u64(&w, ram_off);
    snap_put_u64(&w, file_size);
    snap_put_u32(&w, 0);
    memset(h, 0, SNAPSHOT_HEADER);
    if (!w.failed)
        memcpy(h, w.buf, 60);
    uint32_t crc = (uint32_t)crc32(0, h, 60);
    for (int i = 0; i < 4; i++)
        h[60 + i] = (uint8_t)(crc >> (8 * i));
    snap_writer_free(&w);
}

/* The RAM extent list appended to meta, file offsets set: RAM starts at the
 * page after the sections, with room left for the disks' (made later, as
 * their streams go after RAM). The offset where RAM ends. */
static uint64_t place_ram(struct snapshot_writer *meta, struct snap_extent *e, unsigned n, uint64_t *ram_off)
{
    uint64_t reserve = SNAP_SECTION_HEADER + 8 + 24ull * n + RIVET_VIRTIO_SLOTS * SNAP_DISK_SECTION_MAX;
    *ram_off = (SNAPSHOT_HEADER + meta->len + reserve + PAGE - 1) / PAGE * PAGE;
    uint64_t at = *ram_off;
    for (unsigned i = 0; i < n; i++)
        e[i].file = at, at += e[i].len;
    struct snapshot_writer w = { 0 };
    snap_put_u64(&w, n);
    for (unsigned i = 0; i < n; i++)
        snap_put_u64(&w, e[i].guest), snap_put_u64(&w, e[i].len), snap_put_u64(&w, e[i].file);
    snapshot_put_section(meta, SNAP_RAM, 0, &w);
    snap_writer_free(&w);
    return at;
}

/* The sections (the RAM extent list and the disks' last), the RAM pages,
 * then the disks' streams. */
static bool write_file(struct machine *m, int fd, struct snapshot_writer *meta, char *err, size_t errlen)
{
    unsigned n = 0;
    struct snap_extent *e = ram_extents(&m->bus, &n);
    if (!e) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    uint64_t ram_off;
    struct snap_stream st = { .fd = fd };
    st.at = place_ram(meta, e, n, &ram_off);
    bool ok = true;
    for (unsigned i = 0; ok && i < n; i++)
        ok = write_all(fd, m->bus.ram + e[i].guest, e[i].len, e[i].file);
    free(e);
    if (ok && !snapshot_save_disks(m, meta, &st, err, errlen))
        return false;
    if (ok && !meta->failed && SNAPSHOT_HEADER + meta->len > ram_off) { /* SNAP_DISK_SECTION_MAX is wrong */
        machine_err(err, errlen, "internal error: the sections overran RAM's place");
        return false;
    }
    uint8_t h[SNAPSHOT_HEADER];
    put_header(h, meta->len, ram_off, st.at);
    ok = ok && !meta->failed && write_all(fd, h, sizeof h, 0) && write_all(fd, meta->buf, meta->len, SNAPSHOT_HEADER);
    ok = ok && ftruncate(fd, (off_t)st.at) == 0 && fsync(fd) == 0;
    if (!ok)
        machine_err(err, errlen, "write error: %s", meta->failed ? "out of memory" : strerror(errno));
    return ok;
}

bool machine_savevm(struct machine *m, const char *path, char *err, size_t errlen)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        machine_err(err, errlen, "%s: path too long", path);
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        machine_err(err, errlen, "%s: %s", tmp, strerror(errno));
        return false;
    }
    machine_stop_world(m, NULL);
    struct snapshot_writer meta = { 0 };
    char why[RIVET_ERR_LEN] = "";
    bool ok = build_sections(m, &meta, why, sizeof why) && write_file(m, fd, &meta, why, sizeof why);
    machine_resume_world(m);
    snap_writer_free(&meta);
    if (close(fd) != 0 && ok) {
        ok = false;
        snprintf(why, sizeof why, "write error: %s", strerror(errno));
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        snprintf(why, sizeof why, "%s", strerror(errno));
    }
    if (!ok) {
        unlink(tmp);
        machine_err(err, errlen, "%s: %s", path, why);
    }
    return ok;
}

bool rivet_savevm(struct machine *m, const char *path, char *err, size_t errlen)
{
    return machine_savevm(m, path, err, errlen);
}
