/*
 * Fuzz target: one CFI flash bank (devices/pflash.h) through its MMIO
 * callbacks, as a guest drives it (any command, any data, any size at any
 * aligned offset), plus its snapshot state: saved and restored, and
 * restored from bytes the input makes up (every value untrusted).
 *
 * An input: a first byte of options (bit 0: the bank on a read-only image,
 * bit 1: on an image under -snapshot; neither: no image), then operations
 * (first byte modulo FOP_COUNT, little-endian fields; an input that ends
 * early reads zeros):
 *   FOP_STORE    u32 offset, u8 size, u64 value: a store (offset modulo the
 *                bank, aligned down to the size)
 *   FOP_LOAD     u32 offset, u8 size: a load
 *   FOP_RESET    the bank's reset
 *   FOP_SAVE     save, then restore what was saved (must be accepted)
 *   FOP_RESTORE  u16 length, bytes: a restore from those bytes (dry pass,
 *                then the real one when the dry pass accepts)
 * The image is never written (read-only or -snapshot). Failing is
 * crashing: ASan, UBSan, a leak, a hang, or FOP_SAVE's restore refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/blockdev.h"
#include "devices/pflash.h"
#include "fuzz_board.h"
#include "rivet/snapstream.h"

enum { FOP_STORE, FOP_LOAD, FOP_RESET, FOP_SAVE, FOP_RESTORE, FOP_COUNT };

#define P_MAX_OPS 512

static char image_path[64];

static void remove_image(void) { unlink(image_path); }

/* A sparse 32 MiB image, made once per process. */
static const char *image(void)
{
    if (image_path[0])
        return image_path;
    snprintf(image_path, sizeof image_path, "/tmp/rivet-fuzz-pflash-XXXXXX");
    int fd = mkstemp(image_path);
    if (fd < 0 || ftruncate(fd, PFLASH_BANK_SIZE) != 0 || pwrite(fd, "RIVET", 5, 0) != 5) {
        perror("fuzz: the pflash image");
        exit(2);
    }
    close(fd);
    atexit(remove_image);
    return image_path;
}

static struct pflash *make_bank(unsigned opts)
{
    char err[RIVET_ERR_LEN];
    struct blockdev *b = NULL;
    if (opts & 3) {
        b = blockdev_open(image(), opts & 1, (opts & 1) == 0, err, sizeof err);
        if (!b) {
            fprintf(stderr, "fuzz: %s\n", err);
            exit(2);
        }
    }
    struct pflash *f = pflash_create(b, err, sizeof err);
    if (!f) {
        fprintf(stderr, "fuzz: %s\n", err);
        exit(2);
    }
    return f;
}

static void save_restore(struct pflash *f)
{
    struct snapshot_writer w = { 0 };
    pflash_save(f, &w);
    for (int dry = 1; dry >= 0 && !w.failed; dry--) {
        struct snapshot_reader r = { .p = w.buf, .len = w.len, .dry = dry };
        if (!pflash_restore(f, &r)) {
            fprintf(stderr, "fuzz: pflash refused its own state: %s\n", r.why);
            abort();
        }
    }
    snap_writer_free(&w);
}

static void restore_bytes(struct pflash *f, struct fuzz_in *in)
{
    size_t n = fuzz_take(in, 2);
    n = n < in->left ? n : in->left;
    struct snapshot_reader r = { .p = in->p, .len = n, .dry = true };
    if (pflash_restore(f, &r)) {
        r = (struct snapshot_reader){ .p = in->p, .len = n };
        pflash_restore(f, &r);
    }
    in->p += n;
    in->left -= n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct pflash *f = make_bank((unsigned)fuzz_take(&in, 1));
    struct mmio_region reg = pflash_region(f, "pflash0", 0, PFLASH_BANK_SIZE);
    for (unsigned i = 0; i < P_MAX_OPS && in.left; i++) {
        unsigned op = (unsigned)fuzz_take(&in, 1) % FOP_COUNT;
        uint64_t off = fuzz_take(&in, 4) % PFLASH_BANK_SIZE, v = 0;
        unsigned sz = op <= FOP_LOAD ? 1u << (fuzz_take(&in, 1) & 3) : 1;
        off &= ~(uint64_t)(sz - 1);
        switch (op) {
        case FOP_STORE: reg.write(reg.opaque, off, sz, fuzz_take(&in, 8)); break;
        case FOP_LOAD: reg.read(reg.opaque, off, sz, &v); break;
        case FOP_RESET: pflash_reset(f); break;
        case FOP_SAVE: save_restore(f); break;
        default: restore_bytes(f, &in); break;
        }
    }
    pflash_destroy(f);
    return 0;
}
