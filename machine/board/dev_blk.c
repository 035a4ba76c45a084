/*
 * Board file of virtio-blk (board.h, board_virtio_types): one device per
 * configured drive (cfg.drives), in the drive's slot, on a blockdev that
 * opens the image file (locks, read-only, -snapshot: devices/blockdev.h).
 */
#include "devices/blockdev.h"
#include "devices/virtio_blk.h"
#include "machine/board/board_devs.h"
#include "machine/board/machine.h"

bool bd_blk_create(struct machine *m, char *err, size_t errlen)
{
    for (unsigned i = 0; i < m->cfg.ndrives; i++) {
        const struct rivet_drive *d = &m->cfg.drives[i];
        struct blockdev *bd = blockdev_open(d->path, d->readonly, m->cfg.snapshot, err, errlen);
        if (!bd)
            return false;
        m->disks[d->slot] = bd;
        blockdev_set_note(bd, board_device_note, m);
        m->vdevs[d->slot] = virtio_blk_create(bd, NULL);
        if (!m->vdevs[d->slot]) {
            machine_err(err, errlen, "out of memory creating the disk for %s", d->path);
            return false;
        }
    }
    return true;
}

/* The model does not own its blockdev: it goes first. */
void bd_blk_destroy(struct machine *m)
{
    for (unsigned i = 0; i < m->cfg.ndrives; i++) {
        unsigned s = m->cfg.drives[i].slot;
        virtio_blk_destroy(m->vdevs[s]);
        m->vdevs[s] = NULL;
        blockdev_close(m->disks[s]);
        m->disks[s] = NULL;
    }
}
