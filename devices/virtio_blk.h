/*
 * virtio-blk (virtio 1.2 section 5.2) over a struct blockdev.
 *
 * Contract
 * - Offers FLUSH, SEG_MAX (128), BLK_SIZE (512) and RO for a read-only
 *   backend; one request queue of QueueNumMax 256.
 * - Requests (IN, OUT, FLUSH, GET_ID; others UNSUPP) are served synchronously
 *   inside notify, moving data in bounded chunks through checked DMA. A
 *   request outside the disk, misaligned, or malformed answers
 *   VIRTIO_BLK_S_IOERR; a chain with no room for the status byte puts the
 *   device in NEEDS_RESET.
 * - The model does not own bd: close it after virtio_blk_destroy().
 * - Threading: emulation thread only.
 */
#ifndef RIVET_VIRTIO_BLK_H
#define RIVET_VIRTIO_BLK_H

#include "devices/blockdev.h"
#include "devices/virtio.h"

#define VIRTIO_BLK_F_SIZE_MAX  1
#define VIRTIO_BLK_F_SEG_MAX   2
#define VIRTIO_BLK_F_RO        5
#define VIRTIO_BLK_F_BLK_SIZE  6
#define VIRTIO_BLK_F_FLUSH     9

#define VIRTIO_BLK_T_IN        0
#define VIRTIO_BLK_T_OUT       1
#define VIRTIO_BLK_T_FLUSH     4
#define VIRTIO_BLK_T_GET_ID    8

#define VIRTIO_BLK_S_OK        0
#define VIRTIO_BLK_S_IOERR     1
#define VIRTIO_BLK_S_UNSUPP    2

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_ID_BYTES    20
#define VIRTIO_BLK_SEG_MAX     128
#define VIRTIO_BLK_QUEUE_MAX   256

/* Config space offsets (struct virtio_blk_config). */
#define VIRTIO_BLK_CFG_CAPACITY 0   /* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8
#define VIRTIO_BLK_CFG_SEG_MAX  12
#define VIRTIO_BLK_CFG_BLK_SIZE 20
#define VIRTIO_BLK_CFG_BYTES    60

struct virtio_device *virtio_blk_create(struct blockdev *bd, const char *serial);
void virtio_blk_destroy(struct virtio_device *d);   /* NULL is accepted */

#endif
