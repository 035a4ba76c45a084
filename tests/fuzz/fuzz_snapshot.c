/*
 * Fuzz target: the snapshot loader (machine/board/snapshot.h). The input is
 * a snapshot file (checksums recomputed: fix_checksums), loaded into the fuzz board with two harts (fuzz_board.h:
 * a -snapshot disk in slot 0, virtio-rng in slot 1). Whatever the bytes,
 * loadvm either refuses with one line in err, leaving the machine as it was
 * (hart 0's pc, instret and registers, and RAM's first page, are compared),
 * or restores it, and then the restored machine runs a few thousand
 * instructions: a value that passed the checks must not crash the hart or
 * a device later.
 *
 * Built with -DFUZZ_SNAPSHOT_SEEDS (the fuzz_snapshot_seeds program) it
 * writes the seed corpus instead: snapshots of that board at work (a loop
 * counting with a timer armed, both virtio devices' queues brought up,
 * blocks with data and zeroed blocks in the disk's overlay), into the directory named by its argument.
 */
#include "fuzz_board.h"
#include "machine/board/snapshot.h"

#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror("fuzz_snapshot: writing the input file");
        exit(2);
    }
}

struct before {
    uint64_t pc, instret, x[32];
    uint8_t page[4096];
};

static void take(struct machine *m, struct before *b)
{
    b->pc = m->harts[0].pc;
    b->instret = m->harts[0].instret;
    memcpy(b->x, m->harts[0].x, sizeof b->x);
    memcpy(b->page, m->bus.ram, sizeof b->page);
}

static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* A -snapshot disk's section (kind 4, mode 2: snapshot_disk.c) names a
 * stream of overlay blocks in the file and its CRC32: recomputed too, so
 * that mutations of the stream reach its parser. */
static void fix_stream(uint8_t *p, size_t n, uint32_t kind, uint8_t *d, uint64_t len)
{
    if (kind != 4 || len != 37 || d[0] != 2)
        return;
    uint64_t off = get64(d + 9), slen = get64(d + 17);
    if (off <= n && slen <= n - off)
        put32(d + 33, (uint32_t)crc32(0, p + off, (uInt)slen));
}

/* So that mutations reach the sections' contents, not only the checksums
 * that guard them: unless the header's reserved word (offset 56, which the
 * loader ignores) is nonzero, every section's CRC32 (and an overlay
 * stream's), the header's format version and file size and its CRC32 are
 * recomputed before the file is written. */
static void fix_checksums(uint8_t *p, size_t n)
{
    if (n < 64 || get32(p + 56))
        return;
    uint64_t meta = get64(p + 32), pos = 64;
    while (meta <= n - 64 && pos + 24 <= 64 + meta) {
        uint64_t len = get64(p + pos + 8);
        if (len > 64 + meta - pos - 24)
            break;
        fix_stream(p, n, get32(p + pos), p + pos + 24, len);
        put32(p + pos + 16, (uint32_t)crc32(0, p + pos + 24, (uInt)len));
        pos += 24 + (len + 7) / 8 * 8;
    }
    put32(p + 8, SNAPSHOT_VERSION); /* the corpus stays useful across format bumps */
    put32(p + 48, (uint32_t)n);     /* the file's size: a cut or grown file gets past the size check */
    put32(p + 52, (uint32_t)((uint64_t)n >> 32));
    put32(p + 60, (uint32_t)crc32(0, p, 60));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char file[64];
    if (!file[0])
        snprintf(file, sizeof file, "/tmp/rivet-fuzz-snapshot-%d", (int)getpid());
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    fix_checksums(copy, size);
    write_file(file, copy, size);
    free(copy);
    struct machine *m = fuzz_board(FUZZ_OPT_SMP2, 0);
    struct before b0, b1;
    take(m, &b0);
    char err[RIVET_ERR_LEN] = "";
    if (machine_loadvm(m, file, err, sizeof err)) {
        fuzz_run(m, 4000);
    } else {
        take(m, &b1);
        if (!err[0] || strchr(err, '\n')) {
            fprintf(stderr, "fuzz_snapshot: a refused file must give one line of error, got \"%s\"\n", err);
            abort();
        }
        if (memcmp(&b0, &b1, sizeof b0)) {
            fprintf(stderr, "fuzz_snapshot: a refused loadvm changed the machine (%s)\n", err);
            abort();
        }
    }
    rivet_destroy(m);
    return 0;
}

#ifdef FUZZ_SNAPSHOT_SEEDS
#include "devices/blockdev.h"

/* A counter in RAM (t1, stored at RAM + 64) in an endless loop. */
static const uint32_t program[] = {
    0x00000297, /* auipc t0, 0: RAM base */
    0x00130313, /* addi t1, t1, 1 */
    0x0462b023, /* sd t1, 64(t0) */
    0xff9ff06f, /* j -8 (back to the addi) */
};

static void wreg(void *t, unsigned reg, uint32_t v) { virtio_mmio_write(t, reg, 4, v); }

/* Queue 0 of slot s at RAM + 0x1000 * (s + 1): size 8, features as given. */
static void bring_up(struct machine *m, unsigned s, uint32_t features)
{
    uint16_t base = (uint16_t)(0x4000 + 0x1000 * s);
    uint8_t script[] = { 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    script[2] = (uint8_t)base, script[3] = (uint8_t)(base >> 8);
    script[4] = (uint8_t)(base + 0x200), script[5] = (uint8_t)((base + 0x200) >> 8);
    script[6] = (uint8_t)(base + 0x400), script[7] = (uint8_t)((base + 0x400) >> 8);
    memcpy(script + 8, &features, 4);
    struct fuzz_in in = { script, sizeof script };
    fuzz_queue_bringup(wreg, m->virtio[s], &in);
}

static void save(struct machine *m, const char *dir, const char *name)
{
    char path[512], err[RIVET_ERR_LEN];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!machine_savevm(m, path, err, sizeof err)) {
        fprintf(stderr, "fuzz_snapshot_seeds: %s\n", err);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_snapshot_seeds DIR\n");
        return 2;
    }
    struct machine *m = fuzz_board(FUZZ_OPT_SMP2, 0);
    bus_dma_write(&m->bus, RIVET_RAM_BASE, program, sizeof program);
    bus_write(&m->bus, 0x2004000, 8, 5000); /* hart 0's mtimecmp, reached while it runs */
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].pc = RIVET_RAM_BASE;
    fuzz_run(m, 3000);
    save(m, argv[1], "seed-counting");
    bring_up(m, 0, 0);
    bring_up(m, 1, 1u << 28); /* INDIRECT_DESC */
    uint8_t block[512];
    memset(block, 0x5a, sizeof block);
    blockdev_write(m->disks[0], 4096, block, sizeof block);
    blockdev_write(m->disks[0], 8192, block, sizeof block);
    blockdev_zero(m->disks[0], 16384, 8192); /* a run of zero blocks */
    fuzz_run(m, 3000);
    save(m, argv[1], "seed-virtio");
    rivet_destroy(m);
    return 0;
}
#endif
