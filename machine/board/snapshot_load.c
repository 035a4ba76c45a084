/*
 * loadvm: reading and checking a snapshot file, then restoring it
 * (snapshot.h). Every value from the file is untrusted; nothing changes
 * before every check passed.
 */
#define _GNU_SOURCE
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
#include "machine/board/board.h"
#include "machine/board/machine.h"
#include "machine/board/snapshot.h"
#include "machine/board/snapshot_priv.h"
#include "machine/host/net.h"
#include "rivet/snapstream.h"

#define PAGE 4096u

struct snap_section {
    uint32_t kind, inst;
    const uint8_t *data;
    uint64_t len;
};

struct snap_file {
    int fd;
    uint64_t size, ram_off;
    uint8_t *meta;
    uint64_t meta_len;
    char version[17];
    struct snap_section sec[SNAP_MAX_SECTIONS];
    unsigned nsec;
};

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}
static uint32_t le32(const uint8_t *p) { return (uint32_t)le64((const uint8_t[8]){ p[0], p[1], p[2], p[3] }); }

static bool read_at(int fd, void *buf, size_t len, uint64_t off) { return snapshot_io(fd, buf, len, off, false); }

static bool check_header(struct snap_file *f, const uint8_t *h, char *err, size_t errlen)
{
    if (memcmp(h, SNAPSHOT_MAGIC, 8)) {
        machine_err(err, errlen, "not a rivet snapshot");
        return false;
    }
    if (le32(h + 60) != (uint32_t)crc32(0, h, 60)) {
        machine_err(err, errlen, "corrupted header (checksum)");
        return false;
    }
    memcpy(f->version, h + 16, 16);
    f->version[16] = '\0';
    for (char *c = f->version; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            *c = '?';
    if (le32(h + 8) != SNAPSHOT_VERSION || le32(h + 12) != SNAPSHOT_HEADER) {
        machine_err(err, errlen, "snapshot format %" PRIu32 ", this rivet reads format %u", le32(h + 8),
                    SNAPSHOT_VERSION);
        return false;
    }
    if (strcmp(f->version, RIVET_VERSION)) {
        machine_err(err, errlen, "made by rivet %s, this is rivet %s", f->version, RIVET_VERSION);
        return false;
    }
    f->meta_len = le64(h + 32);
    f->ram_off = le64(h + 40);
    uint64_t want = le64(h + 48);
    if (want != f->size) {
        machine_err(err, errlen, "%s: %" PRIu64 " bytes, the header says %" PRIu64,
                    f->size < want ? "truncated" : "longer than written", f->size, want);
        return false;
    }
    if (f->meta_len > SNAPSHOT_MAX_META || f->meta_len % 8 || f->ram_off % PAGE ||
        f->ram_off < SNAPSHOT_HEADER + f->meta_len || f->ram_off > f->size) {
        machine_err(err, errlen, "corrupted header (section lengths)");
        return false;
    }
    return true;
}

static bool parse_sections(struct snap_file *f, char *err, size_t errlen)
{
    uint64_t pos = 0;
    while (pos < f->meta_len) {
        const uint8_t *h = f->meta + pos;
        /* The header must fit before its length is read (a file may end
         * its sections 8 or 16 bytes short of one). */
        uint64_t len = f->meta_len - pos < SNAP_SECTION_HEADER ? UINT64_MAX : le64(h + 8);
        if (len > f->meta_len - pos - SNAP_SECTION_HEADER || f->nsec == SNAP_MAX_SECTIONS) {
            machine_err(err, errlen, "corrupted section table");
            return false;
        }
        struct snap_section *s = &f->sec[f->nsec++];
        *s = (struct snap_section){ le32(h), le32(h + 4), h + SNAP_SECTION_HEADER, len };
        if (le32(h + 16) != (uint32_t)crc32(0, s->data, (uInt)len)) {
            machine_err(err, errlen, "corrupted section %u (kind %#x, checksum)", f->nsec - 1, s->kind);
            return false;
        }
        pos += SNAP_SECTION_HEADER + (len + 7) / 8 * 8;
    }
    return true;
}

static void close_file(struct snap_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    free(f->meta);
    f->fd = -1;
    f->meta = NULL;
}

/* Opens, checks the header and every section's checksum; err without the path. */
static bool open_file(struct snap_file *f, const char *path, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    uint8_t h[SNAPSHOT_HEADER];
    if (f->fd < 0 || fstat(f->fd, &st) != 0) {
        machine_err(err, errlen, "%s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        machine_err(err, errlen, "not a regular file");
    } else if ((f->size = (uint64_t)st.st_size) < SNAPSHOT_HEADER || !read_at(f->fd, h, sizeof h, 0)) {
        machine_err(err, errlen, "truncated: %" PRIu64 " bytes, not even a header", f->size);
    } else if (check_header(f, h, err, errlen)) {
        f->meta = malloc(f->meta_len ? f->meta_len : 1);
        if (!f->meta)
            machine_err(err, errlen, "out of memory");
        else if (!read_at(f->fd, f->meta, f->meta_len, SNAPSHOT_HEADER))
            machine_err(err, errlen, "read error: %s", strerror(errno));
        else if (parse_sections(f, err, errlen))
            return true;
    }
    close_file(f);
    return false;
}

static const struct snap_section *find(const struct snap_file *f, uint32_t kind, uint32_t inst)
{
    for (unsigned i = 0; i < f->nsec; i++)
        if (f->sec[i].kind == kind && f->sec[i].inst == inst)
            return &f->sec[i];
    return NULL;
}

/* The extent list, each extent inside RAM and the file, in order, apart. */
static struct snap_extent *read_extents(const struct snap_file *f, const struct machine *m, unsigned *n, char *err,
                                        size_t errlen)
{
    const struct snap_section *s = find(f, SNAP_RAM, 0);
    uint64_t count = s && s->len >= 8 ? le64(s->data) : UINT64_MAX;
    if (count > SNAPSHOT_MAX_EXTENTS || s->len != 8 + 24 * count) {
        machine_err(err, errlen, "corrupted RAM extent list");
        return NULL;
    }
    struct snap_extent *e = malloc((count ? count : 1) * sizeof *e);
    if (!e) {
        machine_err(err, errlen, "out of memory");
        return NULL;
    }
    uint64_t prev_end = 0;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *p = s->data + 8 + 24 * i;
        e[i] = (struct snap_extent){ le64(p), le64(p + 8), le64(p + 16) };
        if ((e[i].guest | e[i].len | e[i].file) % PAGE || !e[i].len || e[i].guest < prev_end ||
            e[i].len > m->bus.ram_size || e[i].guest > m->bus.ram_size - e[i].len || e[i].file < f->ram_off ||
            e[i].file > f->size || e[i].len > f->size - e[i].file) {
            machine_err(err, errlen, "corrupted RAM extent %" PRIu64 " (outside RAM or the file)", i);
            free(e);
            return NULL;
        }
        prev_end = e[i].guest + e[i].len;
    }
    *n = (unsigned)count;
    return e;
}

/* One board-row instance's section through its restore hook. */
static bool restore_row(struct machine *m, const struct snap_file *f, unsigned r, unsigned i, bool dry, char *err,
                        size_t errlen)
{
    const struct board_row *row = &board_rows(&(unsigned){ 0 })[r];
    const struct snap_section *s = find(f, SNAP_ROW_BASE + r, i);
    if (!s) {
        machine_err(err, errlen, "no state for %s %u", row->map.name, i);
        return false;
    }
    struct snapshot_reader rd = { .p = s->data, .len = s->len, .dry = dry };
    char why[256] = "";
    if (row->restore(m, i, &rd, why, sizeof why) && !rd.bad)
        return true;
    machine_err(err, errlen, "%s %u: %s", row->map.name, i, why[0] ? why : rd.why ? rd.why : "invalid state");
    return false;
}

/* Every section that is not the description or RAM through its hook. */
static bool restore_state(struct machine *m, const struct snap_file *f, bool dry, char *err, size_t errlen)
{
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        const struct snap_section *s = find(f, SNAP_HART, i);
        struct snapshot_reader rd = { .p = s ? s->data : NULL, .len = s ? s->len : 0, .dry = dry };
        if (!s || !snapshot_hart_restore(m, i, &rd)) {
            machine_err(err, errlen, "hart %u: %s", i, s ? rd.why : "no state");
            return false;
        }
    }
    unsigned nrows;
    const struct board_row *rows = board_rows(&nrows);
    for (unsigned r = 0; r < nrows; r++)
        for (unsigned i = 0; rows[r].restore && i < (rows[r].count ? rows[r].count : 1); i++)
            if (!restore_row(m, f, r, i, dry, err, errlen))
                return false;
    const struct snap_stream st = { .fd = f->fd, .lo = f->ram_off, .size = f->size };
    for (unsigned i = 0; i < f->nsec; i++) {
        const struct snap_section *s = &f->sec[i];
        struct snapshot_reader rd = { .p = s->data, .len = s->len, .dry = dry };
        if (s->kind == SNAP_DISK && !snapshot_restore_disk(m, s->inst, &rd, &st, err, errlen))
            return false;
        bool known = s->kind == SNAP_DESC || s->kind == SNAP_HART || s->kind == SNAP_RAM || s->kind == SNAP_DISK ||
                     (s->kind >= SNAP_ROW_BASE && s->kind - SNAP_ROW_BASE < nrows);
        if (!known) {
            machine_err(err, errlen, "a section this rivet does not know (kind %#x)", s->kind);
            return false;
        }
    }
    return true;
}

/* Everything but RAM's content checked; *e the extents on success. */
static bool check_file(struct machine *m, const struct snap_file *f, struct snap_extent **e, unsigned *n, char *err,
                       size_t errlen)
{
    const struct snap_section *d = find(f, SNAP_DESC, 0);
    if (!d) {
        machine_err(err, errlen, "no machine description");
        return false;
    }
    if (!snapshot_compare_description(m, d->data, d->len, err, errlen))
        return false;
    if (!(*e = read_extents(f, m, n, err, errlen)))
        return false;
    if (!restore_state(m, f, true, err, errlen)) {
        free(*e);
        *e = NULL;
        return false;
    }
    return true;
}

/* RAM becomes zero pages and the file's extents, copy-on-write. */
static bool map_ram(struct machine *m, const struct snap_file *f, const struct snap_extent *e, unsigned n, char *err,
                    size_t errlen)
{
    uint8_t *ram = m->bus.ram;
    if (mmap(ram, m->bus.ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
             0) == MAP_FAILED) {
        machine_err(err, errlen, "cannot map RAM: %s", strerror(errno));
        return false;
    }
    for (unsigned i = 0; i < n; i++)
        if (mmap(ram + e[i].guest, e[i].len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, f->fd,
                 (off_t)e[i].file) == MAP_FAILED) {
            machine_err(err, errlen, "cannot map RAM from the file: %s", strerror(errno));
            return false;
        }
    /* Where transparent huge pages are "always" on, the guest's first write
     * into a zero stretch would fault in 2 MiB of private memory instead of
     * 4 KiB: clones restored from one file share everything they did not
     * write, and what they write should cost no more than the pages. A hint
     * only: its failure changes nothing. */
    madvise(ram, m->bus.ram_size, MADV_NOHUGEPAGE);
    return true;
}

static bool load(struct machine *m, const char *path, bool apply, char *err, size_t errlen)
{
    struct snap_file f;
    char why[RIVET_ERR_LEN];
    struct snap_extent *e = NULL;
    unsigned n = 0;
    bool ok = open_file(&f, path, why, sizeof why);
    if (ok) {
        machine_stop_world(m, NULL);
        ok = check_file(m, &f, &e, &n, why, sizeof why);
        if (ok && apply) {
            /* Past the checks: only the host (mmap) can still fail, and
             * then the machine cannot go on (the caller ends the run). */
            ok = map_ram(m, &f, e, n, why, sizeof why);
            cache_flush_all(m->cache);
            ok = ok && restore_state(m, &f, false, why, sizeof why);
            if (ok) {
                net_reset_connections(m->net); /* the guest sees a link reset */
                m->ram_awaits_snapshot = false;
            } else
                machine_request_exit(m, RIVET_EXIT_INTERNAL); /* half restored: it cannot run on */
        }
        machine_resume_world(m);
        free(e);
        close_file(&f);
    }
    if (!ok)
        machine_err(err, errlen, "%s: %s", path, why);
    return ok;
}

bool machine_loadvm(struct machine *m, const char *path, char *err, size_t errlen)
{
    return load(m, path, true, err, errlen);
}

bool rivet_loadvm(struct machine *m, const char *path, char *err, size_t errlen)
{
    char why[RIVET_ERR_LEN];
    if (machine_loadvm(m, path, why, sizeof why))
        return true;
    machine_err(err, errlen, "-loadvm %s", why);
    return false;
}

bool machine_snapshot_check(struct machine *m, const char *path, char *err, size_t errlen)
{
    return load(m, path, false, err, errlen);
}

/* ---- info snapshots ---- */

static void describe_items(const struct snap_section *d, char *out, size_t outlen, size_t *len)
{
    struct snapshot_reader r = { .p = d->data, .len = d->len };
    char opt[512], val[512];
    while (*len < outlen && snapshot_get_item(&r, opt, val, sizeof opt))
        *len += (size_t)snprintf(out + *len, outlen - *len, "  %s %s\n", opt, val);
}

bool snapshot_describe(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
    struct snap_file f;
    char why[RIVET_ERR_LEN];
    if (!open_file(&f, path, why, sizeof why)) {
        machine_err(err, errlen, "%s: %s", path, why);
        return false;
    }
    size_t len = 0;
    uint64_t ram = 0;
    const struct snap_section *s = find(&f, SNAP_RAM, 0);
    for (uint64_t i = 0; s && s->len >= 8 && i < le64(s->data) && 8 + 24 * (i + 1) <= s->len; i++)
        ram += le64(s->data + 8 + 24 * i + 8);
    len += (size_t)snprintf(out, outlen,
                            "%s: rivet %s snapshot, format %u, %" PRIu64 " bytes, %" PRIu64 " KiB of RAM stored\n",
                            path, f.version, SNAPSHOT_VERSION, f.size, ram >> 10);
    const struct snap_section *d = find(&f, SNAP_DESC, 0);
    if (d && len < outlen)
        describe_items(d, out, outlen, &len);
    close_file(&f);
    return true;
}
