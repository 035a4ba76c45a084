/*
 * One bank of CFI parallel flash as QEMU's virt board has two of at
 * 0x20000000 (QEMU's cfi.pflash01): 32 MiB on a 32-bit bus made of two
 * interleaved x16 chips, each answering the Intel/Sharp command set
 * (CFI primary command set 0x0001), uniform 256 KiB erase blocks (128 KiB
 * per chip), a 4 KiB write buffer (2 KiB per chip). This is what EDK2's and U-Boot's flash drivers and Linux's
 * physmap-of + cfi_cmdset_0001 expect on that board.
 *
 * Commands (the low byte of any write is the command; the driver writes
 * it to both chips, e.g. 0x00ff00ff, and the second chip's copy is not
 * checked):
 *   0xff read array   reads give the contents (a plain copy from memory)
 *   0x70 read status  reads give the status register in each chip's lane
 *   0x50 clear status the error bits cleared, back to read array
 *   0x90 read ID      every word reads 0: manufacturer, device and each
 *                     block's lock status (unlocked), as QEMU 7.2's virt
 *                     board answers (it sets no ID codes)
 *   0x98 CFI query    word i: the CFI table (JESD68.01), 0 past it
 *   0x10, 0x40        program: the next write's bytes are stored
 *   0x20 + 0xd0       erase the 256 KiB block the confirm addresses (0xff)
 *   0xe8 + N + data + 0xd0
 *                     write to buffer: N + 1 words of 4 bytes (the count's
 *                     low 16 bits), data writes of any size inside one
 *                     4 KiB-aligned window, stored at the confirm
 *   0x60 + 0x01/0xd0/0x2f  block lock bits: accepted, no effect
 *   0xb0, 0xd0        suspend/resume: no effect (operations complete at once)
 * A word is 4 bytes: CFI, ID and status reads show the byte in the low
 * half of each 16-bit lane (0x00510051 for 'Q'), as two x16 chips would;
 * a read narrower than 4 bytes shows those lanes' bytes (QEMU 7.2 repeats
 * the byte in every byte of a narrow read: drivers read whole words).
 * Programs store the written bytes as QEMU's model does (not AND-ed with
 * the old contents as a real cell would). Any other command, or a bad
 * sequence, sets the status's error bits (0x30) and enters status mode.
 * Status after any operation: 0x80 (ready); a read-only bank answers a
 * program with 0x92 and an erase with 0xa2 (error + block locked, which
 * Linux reports as a locked block); a failed write to the file sets 0x90
 * or 0xa0 and goes to the note callback.
 *
 * Persistence: a program or erase writes its bytes through to the backing
 * blockdev when it completes (pwrite: the file holds them at once, rivet
 * being killed loses nothing); the guest has no flush for flash, and
 * pflash_destroy flushes the blockdev (fdatasync). Under -snapshot the
 * blockdev's overlay takes them and the image is untouched.
 *
 * Contract
 * - pflash_create takes ownership of the blockdev (NULL: no file, the
 *   bank reads zeros and keeps programs in memory only, as QEMU's does
 *   without -drive if=pflash). Its size must be PFLASH_BANK_SIZE.
 * - Threading: the region's lock (pflash_region sets it) serialises the
 *   guest's accesses; the caller takes pflash_lock around reset, save and
 *   restore. Instruction fetches read the contents directly
 *   (region.fetch), whatever the mode: guests do not run from a bank
 *   they are programming.
 */
#ifndef RIVET_PFLASH_H
#define RIVET_PFLASH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/bus.h"

#define PFLASH_BANK_SIZE  (32u << 20)
#define PFLASH_BLOCK_SIZE (256u << 10)
#define PFLASH_WB_SIZE    4096u

struct pflash;
struct blockdev;
struct snapshot_writer;
struct snapshot_reader;

/* NULL + err on failure (out of memory, a read error). */
struct pflash *pflash_create(struct blockdev *b, char *err, size_t errlen);
void pflash_destroy(struct pflash *f); /* NULL is accepted */
void pflash_set_note(struct pflash *f, void (*note)(void *opaque, const char *line), void *opaque);
pthread_mutex_t *pflash_lock(struct pflash *f);
struct mmio_region pflash_region(struct pflash *f, const char *name, uint64_t base, uint64_t size);
/* Power-on state: read array, status ready; the contents stay. */
void pflash_reset(struct pflash *f);
/* The command state, and the contents when the bank has no file or a
 * -snapshot overlay; else a CRC32 of the contents, which restore requires
 * to match (the file changed since: refused, as writable disks are). */
void pflash_save(const struct pflash *f, struct snapshot_writer *w);
bool pflash_restore(struct pflash *f, struct snapshot_reader *r);

#endif
