/*
 * What the fuzz targets share: a small virt board built the way the rivet
 * program builds one, but deterministic and self-ending, so that one input
 * always does the same thing and every run stops.
 *
 * - -icount (virtual time from the instruction count, the RTC at a fixed
 *   base): no host clock reaches the guest, and a wait for a timer skips
 *   ahead instead of sleeping.
 * - -serial none, no gdb, no script: a guest that waits for an interrupt
 *   nothing can raise ends the run at once (machine.c, deadlocked), and
 *   --max-insns bounds everything else.
 * - One virtio-blk disk in slot 0 on a 64 KiB scratch image, opened
 *   -snapshot (or readonly=on) so the file is never written; virtio-rng in
 *   slot 1; optionally the display devices (a framebuffer, virtio keyboard
 *   and tablet).
 * - No firmware and no kernel: the harts start in M-mode at RAM's base,
 *   where the target puts its code.
 *
 * Header-only: each target is one .c file, built for libFuzzer or for the
 * corpus replay driver (replay.c).
 */
#ifndef RIVET_FUZZ_BOARD_H
#define RIVET_FUZZ_BOARD_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio.h"
#include "devices/virtio_mmio.h"
#include "machine/board/machine.h"
#include "rivet.h"

#define FUZZ_RAM_SIZE         (1u << 20)
#define FUZZ_RAM_SIZE_DISPLAY (8u << 20) /* the framebuffer goes in a 2 MiB slot of RAM's upper half */
#define FUZZ_DISK_SIZE        (64u << 10)

/* Board options, from an input's first byte. */
#define FUZZ_OPT_SMP2     0x01 /* two harts */
#define FUZZ_OPT_LEGACY   0x02 /* virtio-mmio version 1 */
#define FUZZ_OPT_DISPLAY  0x04 /* framebuffer, virtio keyboard and tablet */
#define FUZZ_OPT_READONLY 0x08 /* the disk readonly=on instead of -snapshot */
#define FUZZ_OPT_MAX      0x10 /* -cpu max (every extension rivet has) instead of the default */

/* The scratch disk image: made once per process, removed at exit. */
static char fuzz_disk_path[64];

static inline void fuzz_remove_disk(void) { unlink(fuzz_disk_path); }

static inline const char *fuzz_disk(void)
{
    if (fuzz_disk_path[0])
        return fuzz_disk_path;
    snprintf(fuzz_disk_path, sizeof fuzz_disk_path, "/tmp/rivet-fuzz-disk-XXXXXX");
    int fd = mkstemp(fuzz_disk_path);
    if (fd < 0) {
        perror("fuzz: mkstemp");
        exit(2);
    }
    static uint8_t image[FUZZ_DISK_SIZE];
    for (unsigned i = 0; i < sizeof image; i++)
        image[i] = (uint8_t)(i * 7 + (i >> 9)); /* every sector different */
    if (write(fd, image, sizeof image) != (ssize_t)sizeof image) {
        perror("fuzz: writing the scratch disk");
        exit(2);
    }
    close(fd);
    atexit(fuzz_remove_disk);
    return fuzz_disk_path;
}

/* The board cfg describes, booted with nothing loaded; exits the process
 * when it cannot be made (the harness failing, not an input's fault). */
static inline struct machine *fuzz_boot(const struct rivet_config *cfg)
{
    char err[RIVET_ERR_LEN];
    struct machine *m = rivet_create(cfg, err, sizeof err);
    struct rivet_boot boot = { .firmware = RIVET_FW_NONE };
    if (!m || !rivet_boot(m, &boot, err, sizeof err)) {
        fprintf(stderr, "fuzz: cannot make the board: %s\n", err);
        exit(2);
    }
    return m;
}

/* A board with `opts` (FUZZ_OPT_*) and translator mode `jit` (rivet_config
 * .jit), booted with nothing loaded. Exits the process when the board cannot
 * be made: that is the harness failing, not an input's fault. */
static inline struct machine *fuzz_board(unsigned opts, int jit)
{
    struct rivet_config cfg;
    rivet_config_default(&cfg);
    cfg.ram_size = (opts & FUZZ_OPT_DISPLAY) ? FUZZ_RAM_SIZE_DISPLAY : FUZZ_RAM_SIZE;
    cfg.nharts = (opts & FUZZ_OPT_SMP2) ? 2 : 1;
    cfg.serial = RIVET_SERIAL_NONE;
    cfg.icount = true;
    cfg.return_on_idle = true; /* window input comes from the script, between runs */
    cfg.icount_shift = 3;
    cfg.jit = jit;
    cfg.virtio_legacy = (opts & FUZZ_OPT_LEGACY) != 0;
    cfg.snapshot = !(opts & FUZZ_OPT_READONLY);
    cfg.ndrives = 1;
    cfg.drives[0] = (struct rivet_drive){ .path = fuzz_disk(), .readonly = (opts & FUZZ_OPT_READONLY) != 0 };
    cfg.rng = true; /* virtio-rng in slot 1: under -icount, the seeded stream */
    cfg.rng_slot = 1;
    if (opts & FUZZ_OPT_MAX)
        cfg.cpu = "max";
    if (opts & FUZZ_OPT_DISPLAY)
        cfg.fb_width = 64, cfg.fb_height = 48;
    return fuzz_boot(&cfg);
}

/* Runs the board until `n` more instructions have retired (or the guest
 * ends the run, or deadlocks). */
static inline int fuzz_run(struct machine *m, uint64_t n)
{
    char err[RIVET_ERR_LEN];
    m->cfg.max_insns = m->retired + n;
    return rivet_run(m, err, sizeof err);
}

/* A cursor over the input: reads past the end give zeros. */
struct fuzz_in {
    const uint8_t *p;
    size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes && in->left; i++, in->p++, in->left--)
        v |= (uint64_t)*in->p << (8 * i);
    return v;
}

/* The RAM-store operation the scripts share: u16 offset, u8 length, then
 * that many bytes (fewer when the input ends), stored at RAM + offset (on
 * a machine's bus, or on a bare bus whose RAM starts at RIVET_RAM_BASE). */
static inline void fuzz_bus_store(struct bus *bus, struct fuzz_in *in)
{
    uint64_t off = fuzz_take(in, 2);
    size_t len = (size_t)fuzz_take(in, 1);
    if (len > in->left)
        len = in->left;
    bus_dma_write(bus, RIVET_RAM_BASE + off, in->p, len);
    in->p += len, in->left -= len;
}

static inline void fuzz_ram_store(struct machine *m, struct fuzz_in *in) { fuzz_bus_store(&m->bus, in); }

/* The modern virtio-mmio bring-up of one queue, as a driver does it (reset,
 * ACKNOWLEDGE, DRIVER, features with VERSION_1, FEATURES_OK, the queue's
 * size and addresses, ready, DRIVER_OK), through wreg(ctx, register,
 * value). From the input: u8 queue, u8 size, u16 desc, u16 avail, u16 used
 * (offsets into RAM) and u32 features. */
static inline void fuzz_queue_bringup(void (*wreg)(void *ctx, unsigned reg, uint32_t v), void *ctx, struct fuzz_in *in)
{
    uint32_t queue = (uint32_t)fuzz_take(in, 1) % 4, size = (uint32_t)fuzz_take(in, 1);
    uint64_t desc = RIVET_RAM_BASE + fuzz_take(in, 2), avail = RIVET_RAM_BASE + fuzz_take(in, 2),
             used = RIVET_RAM_BASE + fuzz_take(in, 2);
    uint32_t features = (uint32_t)fuzz_take(in, 4);
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    wreg(ctx, VIRTIO_MMIO_STATUS, 0);
    wreg(ctx, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wreg(ctx, VIRTIO_MMIO_STATUS, status);
    wreg(ctx, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(ctx, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VIRTIO_F_VERSION_1 */
    wreg(ctx, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wreg(ctx, VIRTIO_MMIO_DRIVER_FEATURES, features);
    status |= VIRTIO_STATUS_FEATURES_OK;
    wreg(ctx, VIRTIO_MMIO_STATUS, status);
    wreg(ctx, VIRTIO_MMIO_QUEUE_SEL, queue);
    wreg(ctx, VIRTIO_MMIO_QUEUE_NUM, size);
    wreg(ctx, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    wreg(ctx, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    wreg(ctx, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wreg(ctx, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    wreg(ctx, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    wreg(ctx, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    wreg(ctx, VIRTIO_MMIO_QUEUE_READY, 1);
    wreg(ctx, VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
}

#endif
