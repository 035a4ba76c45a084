/*
 * QEMU's firmware configuration device, MMIO form (compatible
 * "qemu,fw-cfg-mmio"; QEMU's docs/specs/fw_cfg.txt), as on QEMU's virt
 * board: a selector picks an item (a blob of bytes with a 16-bit key), and
 * the guest reads the item's bytes in order, through the data register or
 * by DMA. Registers (offsets from the base; the region is 0x18 bytes):
 *   0x00 data      1, 2, 4 or 8 bytes: the next bytes of the selected item,
 *                  in memory order (byte 0 of the access is the first byte
 *                  read); past the item's end, zeros. Writes are ignored (as
 *                  QEMU since 2.4).
 *   0x08 selector  2 bytes, big-endian, write only: selects an item and
 *                  rewinds it. Bit 14 (the old write flag) is ignored; keys
 *                  with bit 15 (architecture items) select nothing.
 *   0x10 DMA       8 bytes big-endian (or two 4-byte halves, high first):
 *                  the guest-physical address of a struct FWCfgDmaAccess
 *                  { be32 control; be32 length; be64 address; }. Writing
 *                  the low half (or all 8 bytes) runs the request at once.
 *                  Reads give the signature "QEMU CFG".
 * A DMA request (control bits: 0x01 ERROR, 0x02 READ, 0x04 SKIP, 0x08
 * SELECT with the key in bits 31..16, 0x10 WRITE): SELECT first, then READ
 * copies `length` bytes of the item to `address` (zeros past its end), SKIP
 * moves on by `length`, WRITE fails (every item is read-only). Afterwards
 * control is 0, or ERROR when a guest address was not RAM or the request
 * was refused. Every guest address goes through bus_dma_*; a descriptor
 * that is not in RAM is ignored.
 *
 * Items the board adds (fw_cfg_add, fw_cfg_add_file) are copied. Files
 * get keys from FW_CFG_FILE_FIRST in name order, and the file directory
 * (FW_CFG_FILE_DIR: be32 count, then per file be32 size, be16 key, be16 0,
 * char name[56]) is rebuilt on every change. Fixed items: SIGNATURE "QEMU",
 * ID (traditional interface and DMA), FILE_DIR.
 *
 * Threading: the callbacks run under the region's lock (the board's
 * m->locks.fw_cfg); fw_cfg_add* and reset with no hart running.
 */
#ifndef RIVET_FW_CFG_H
#define RIVET_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/bus.h"

/* clang-format off */
#define FW_CFG_SIGNATURE   0x00
#define FW_CFG_ID          0x01
#define FW_CFG_UUID        0x02
#define FW_CFG_RAM_SIZE    0x03
#define FW_CFG_NOGRAPHIC   0x04
#define FW_CFG_NB_CPUS     0x05
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_MENU   0x0e
#define FW_CFG_MAX_CPUS    0x0f
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_FILE_DIR    0x19
#define FW_CFG_FILE_FIRST  0x20
#define FW_CFG_ITEMS       0x40   /* keys below this; files: 0x20 of them */

#define FW_CFG_REG_DATA    0x00
#define FW_CFG_REG_SEL     0x08
#define FW_CFG_REG_DMA     0x10
#define FW_CFG_MMIO_SIZE   0x18

#define FW_CFG_ID_TRAD     0x01
#define FW_CFG_ID_DMA      0x02

#define FW_CFG_DMA_ERROR   0x01
#define FW_CFG_DMA_READ    0x02
#define FW_CFG_DMA_SKIP    0x04
#define FW_CFG_DMA_SELECT  0x08
#define FW_CFG_DMA_WRITE   0x10
#define FW_CFG_DMA_BYTES   16

#define FW_CFG_FILE_NAME   56     /* name bytes in a directory entry, NUL included */
#define FW_CFG_DIR_ENTRY   64
#define FW_CFG_DMA_SIG     UINT64_C(0x51454d5520434647) /* "QEMU CFG", big-endian */
/* clang-format on */

struct fw_cfg;

/* DMA reads and writes guest memory on bus. NULL when out of memory. */
struct fw_cfg *fw_cfg_create(struct bus *bus);
void fw_cfg_destroy(struct fw_cfg *f); /* NULL is accepted */
/* Item `key` (< FW_CFG_FILE_FIRST, not SIGNATURE/ID/FILE_DIR) gets a copy
 * of data. false: a bad key or out of memory. */
bool fw_cfg_add(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
/* File `name` (shorter than FW_CFG_FILE_NAME) gets a copy of data,
 * replacing a file of that name. false: a bad name, too many files, or out
 * of memory. */
bool fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);
/* The selector back to SIGNATURE, the DMA address cleared (a machine reset). */
void fw_cfg_reset(struct fw_cfg *f);
struct mmio_region fw_cfg_region(struct fw_cfg *f, uint64_t base, uint64_t size);
/* The registers' direct access, as the bus calls them (tests, fuzzing). */
bus_status fw_cfg_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
bus_status fw_cfg_write(void *opaque, uint64_t offset, unsigned size, uint64_t value);

/* Snapshots (include/rivet/snapstream.h): the selector, the read position
 * and the DMA address's high half; the items are the board's. */
struct snapshot_writer;
struct snapshot_reader;
void fw_cfg_save(const struct fw_cfg *f, struct snapshot_writer *w);
bool fw_cfg_restore(struct fw_cfg *f, struct snapshot_reader *r);

#endif
