/*
 * The board row of the two CFI flash banks (devices/pflash.h) at
 * 0x20000000 and 0x22000000, and their one node /flash@20000000 at the
 * root, as QEMU 7.2's virt board has them: the banks and the node are
 * there with or without -drive if=pflash (a bank without an image reads
 * zeros). An image must be exactly PFLASH_BANK_SIZE bytes, as QEMU
 * requires ("device requires 33554432 bytes"): a shorter one is refused
 * too rather than padded, so that the file always holds the whole bank.
 */
#include "devices/blockdev.h"
#include "devices/pflash.h"
#include "machine/board/board_devs.h"
#include "machine/board/fdt_node.h"
#include "machine/board/machine.h"

static bool open_bank(struct machine *m, unsigned i, char *err, size_t errlen)
{
    const char *path = m->cfg.pflash[i];
    struct blockdev *b = NULL;
    if (path) {
        char why[RIVET_ERR_LEN];
        b = blockdev_open(path, m->cfg.pflash_readonly[i], m->cfg.snapshot, why, sizeof why);
        if (!b) {
            machine_err(err, errlen, "-drive if=pflash,unit=%u: %s", i, why);
            return false;
        }
        if (blockdev_size(b) != PFLASH_BANK_SIZE) {
            machine_err(err, errlen,
                        "-drive if=pflash,unit=%u: %s: the image is %llu bytes, a flash bank needs exactly %u", i, path,
                        (unsigned long long)blockdev_size(b), PFLASH_BANK_SIZE);
            blockdev_close(b);
            return false;
        }
        blockdev_set_note(b, board_device_note, m);
    }
    char why[256];
    m->pflash[i] = pflash_create(b, why, sizeof why);
    if (!m->pflash[i]) {
        machine_err(err, errlen, "-drive if=pflash,unit=%u: %s", i, why);
        return false;
    }
    pflash_set_note(m->pflash[i], board_device_note, m);
    return true;
}

bool bd_pflash_create(struct machine *m, char *err, size_t errlen)
{
    for (unsigned i = 0; i < RIVET_PFLASH_BANKS; i++)
        if (!open_bank(m, i, err, errlen))
            return false;
    return true;
}

void bd_pflash_destroy(struct machine *m)
{
    for (unsigned i = 0; i < RIVET_PFLASH_BANKS; i++) {
        pflash_destroy(m->pflash[i]);
        m->pflash[i] = NULL;
    }
}

void bd_pflash_reset(struct machine *m)
{
    for (unsigned i = 0; i < RIVET_PFLASH_BANKS; i++) {
        pthread_mutex_lock(pflash_lock(m->pflash[i]));
        pflash_reset(m->pflash[i]);
        pthread_mutex_unlock(pflash_lock(m->pflash[i]));
    }
}

struct mmio_region bd_pflash_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return pflash_region(m->pflash[i], i ? "pflash1" : "pflash0", base, size);
}

bool bd_pflash_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    pthread_mutex_lock(pflash_lock(m->pflash[i]));
    pflash_save(m->pflash[i], w);
    pthread_mutex_unlock(pflash_lock(m->pflash[i]));
    return true;
}

bool bd_pflash_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    pthread_mutex_lock(pflash_lock(m->pflash[i]));
    bool ok = pflash_restore(m->pflash[i], r);
    pthread_mutex_unlock(pflash_lock(m->pflash[i]));
    return ok;
}

/* One node for both banks (instance 0 writes it): reg lists each bank,
 * bank-width 4 (the 32-bit bus), as QEMU's. */
void bd_pflash_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    if (i)
        return;
    uint32_t reg[4 * RIVET_PFLASH_BANKS];
    for (unsigned b = 0; b < RIVET_PFLASH_BANKS; b++) {
        uint64_t base = board_base(row, b);
        reg[4 * b] = (uint32_t)(base >> 32);
        reg[4 * b + 1] = (uint32_t)base;
        reg[4 * b + 2] = (uint32_t)(row->map.size >> 32);
        reg[4 * b + 3] = (uint32_t)row->map.size;
    }
    dt_begin_at(d, row->map.name, row->map.base);
    dt_cells(d, "reg", reg, 4 * RIVET_PFLASH_BANKS);
    dt_str(d, "compatible", "cfi-flash");
    dt_u32(d, "bank-width", 4);
    dt_end(d);
}
