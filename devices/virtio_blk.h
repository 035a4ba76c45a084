/*
 * virtio-blk (virtio 1.2 section 5.2) over a struct blockdev.
 *
 * Contract
 * - Offers FLUSH, SEG_MAX (128), BLK_SIZE (512), TOPOLOGY (512-byte
 *   physical blocks, as QEMU's default), CONFIG_WCE (writeback = 1; a driver
 *   that writes 0 gets every OUT flushed to the file before it completes),
 *   and for a writable backend DISCARD and WRITE_ZEROES (up to
 *   VIRTIO_BLK_DWZ_MAX_SEG ranges of VIRTIO_BLK_DWZ_MAX_SECTORS each; both
 *   punch holes in the image, so fstrim keeps a sparse image small:
 *   blockdev_zero), or RO for a read-only one; one request queue of
 *   QueueNumMax 256.
 * - Requests (IN, OUT, FLUSH, GET_ID, DISCARD, WRITE_ZEROES; others UNSUPP)
 *   are served synchronously
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

/* clang-format off */
#define VIRTIO_BLK_F_SIZE_MAX  1
#define VIRTIO_BLK_F_SEG_MAX   2
#define VIRTIO_BLK_F_RO        5
#define VIRTIO_BLK_F_BLK_SIZE  6
#define VIRTIO_BLK_F_FLUSH     9
#define VIRTIO_BLK_F_TOPOLOGY  10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_DISCARD   13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN        0
#define VIRTIO_BLK_T_OUT       1
#define VIRTIO_BLK_T_FLUSH     4
#define VIRTIO_BLK_T_GET_ID    8
#define VIRTIO_BLK_T_DISCARD   11
/* clang-format on */
#define VIRTIO_BLK_T_WRITE_ZEROES 13

/* DISCARD / WRITE_ZEROES: after the header, ranges of
 * struct virtio_blk_discard_write_zeroes { le64 sector; le32 num_sectors; le32 flags; } */
#define VIRTIO_BLK_DWZ_BYTES       16
#define VIRTIO_BLK_DWZ_F_UNMAP     1u
#define VIRTIO_BLK_DWZ_MAX_SECTORS (1u << 16) /* 32 MiB per range */
#define VIRTIO_BLK_DWZ_MAX_SEG     32

/* clang-format off */
#define VIRTIO_BLK_S_OK        0
#define VIRTIO_BLK_S_IOERR     1
#define VIRTIO_BLK_S_UNSUPP    2
/* clang-format on */

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_ID_BYTES    20
#define VIRTIO_BLK_SEG_MAX     128
#define VIRTIO_BLK_QUEUE_MAX   256

/* Config space offsets (struct virtio_blk_config). */
#define VIRTIO_BLK_CFG_CAPACITY            0 /* le64, 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX            8
#define VIRTIO_BLK_CFG_SEG_MAX             12
#define VIRTIO_BLK_CFG_BLK_SIZE            20
#define VIRTIO_BLK_CFG_TOPOLOGY            24 /* u8 physical_block_exp, u8 alignment_offset, le16 min_io, le32 opt_io */
#define VIRTIO_BLK_CFG_WRITEBACK           32 /* u8: 1 writeback, 0 writethrough (CONFIG_WCE) */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 36
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG     40
#define VIRTIO_BLK_CFG_DISCARD_ALIGN       44 /* sectors */
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS      48
#define VIRTIO_BLK_CFG_MAX_WZ_SEG          52
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP        56
#define VIRTIO_BLK_CFG_BYTES               60

struct virtio_device *virtio_blk_create(struct blockdev *bd, const char *serial);
void virtio_blk_destroy(struct virtio_device *d); /* NULL is accepted */

#endif
