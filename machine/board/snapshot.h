/*
 * Snapshots: the whole machine to a file (savevm) and back (loadvm,
 * -loadvm). rivet's savevm takes a file path, not a tag stored in a qcow2
 * image as QEMU's does.
 *
 * The file (format version SNAPSHOT_VERSION, all integers little-endian):
 *   header     64 bytes: "RIVETSNP", the format version, the rivet version
 *              that wrote it, the length of the sections that follow, where
 *              RAM starts, the file's size; a CRC32 of the header.
 *   sections   each: kind, instance, length, CRC32 of the data, the data
 *              (padded to 8 bytes). In order: the machine's description
 *              (the options a restoring machine must share: -m, -smp, the
 *              ISA, the firmware, each virtio-mmio slot's device, the
 *              framebuffer, HTIF; each disk's identity), one per hart
 *              (snapshot_hart.c: every architectural register, CSR,
 *              privilege, the WFI state; caches are not saved), one per
 *              board-row instance with a save hook (board.h), RAM's
 *              extent list, and the disks' state.
 *   RAM        page-aligned extents of the pages that are not all zero
 *              (zero pages are not stored; runs of non-zero pages separated
 *              by a few zero pages are stored as one extent, so that there
 *              are at most SNAPSHOT_MAX_EXTENTS mappings).
 *   disks      after RAM, each -snapshot disk's changed blocks as a stream
 *              (snapshot_disk.c; no size limit, all-zero blocks not
 *              stored), located and checksummed by its SNAP_DISK section.
 *
 * Contract
 * - Both run on the I/O thread with no hart running: they stop the world
 *   themselves (machine_stop_world; a no-op with one thread), between
 *   rounds of the run loop.
 * - machine_savevm writes PATH.tmp and renames it over PATH, so a machine
 *   mapping an older PATH keeps its pages (and a failed save leaves the old
 *   file). The machine runs on unchanged.
 * - machine_loadvm reads everything in the file as untrusted: it checks the
 *   header, every section's CRC and length, the description against this
 *   machine, every device's and hart's values (each restore hook's dry
 *   pass, snapstream.h), the RAM extents against the file's size, the disks'
 *   identities, and only then changes anything. On failure the machine is
 *   as it was and err holds one line naming what differs ("made with -smp 4,
 *   this machine has -smp 2"). RAM is mapped MAP_PRIVATE from the file
 *   (copy-on-write: a page costs memory only once the guest writes it, and
 *   machines restored from one file share the pages none wrote). The file
 *   must not be changed while such a machine runs (savevm never does: it
 *   renames a new file over it). The RAM's content has no checksum: checking
 *   it would read every page at restore. The code cache and every TLB are
 *   flushed; mtime and the RTC go on from their saved values.
 * - The network's connections are not saved: after loadvm the user
 *   network's helper is restarted and the card's link goes down and up
 *   (the guest sees a link reset).
 */
#ifndef RIVET_SNAPSHOT_H
#define RIVET_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAPSHOT_MAGIC       "RIVETSNP"
#define SNAPSHOT_VERSION     3u /* 3: the flash banks (pflash) have a section */
#define SNAPSHOT_HEADER      64u
#define SNAPSHOT_MAX_META    (64u << 20) /* the sections: far above any machine's */
#define SNAPSHOT_MAX_EXTENTS 16384u      /* RAM mappings (vm.max_map_count is 65530) */

struct machine;
struct snapshot_writer;
struct snapshot_reader;

bool machine_savevm(struct machine *m, const char *path, char *err, size_t errlen);
bool machine_loadvm(struct machine *m, const char *path, char *err, size_t errlen);
/* loadvm's checks alone: whether machine_loadvm would accept the file
 * (the fuzz target). Changes nothing. */
bool machine_snapshot_check(struct machine *m, const char *path, char *err, size_t errlen);
/* `info snapshots FILE`: what the file says about itself (version, the
 * description, RAM stored), one item a line, into out; false + err when it
 * is not a readable snapshot. */
bool snapshot_describe(const char *path, char *out, size_t outlen, char *err, size_t errlen);

/* snapshot_hart.c: hart i's architectural state. restore checks every
 * value that indexes anything or that the hart's invariants need; with
 * r->dry it changes nothing. */
void snapshot_hart_save(const struct machine *m, unsigned i, struct snapshot_writer *w);
bool snapshot_hart_restore(struct machine *m, unsigned i, struct snapshot_reader *r);

#endif
