/*
 * A raw disk image backend for block device models (virtio-blk).
 *
 * Contract
 * - blockdev_open() opens a regular file or a host block device:
 *     readonly:  O_RDONLY; blockdev_write() fails with -EROFS.
 *     snapshot:  (QEMU -snapshot) the file is opened read-only and never
 *                modified; guest writes go to an overlay of 4 KiB blocks in
 *                an unnamed temporary file (O_TMPFILE, or unlinked at once)
 *                in $TMPDIR, else /var/tmp, else /tmp: block b at offset
 *                b * 4 KiB, so the file is sparse and holds only what the
 *                guest wrote; it is gone at close (or when rivet dies).
 *                Host memory: one bit per block of the disk (a 4 GiB disk:
 *                128 KiB, allocated zeroed so untouched parts cost
 *                nothing), never per written block. When the overlay
 *                cannot be written (disk full, a file size limit) the write
 *                fails (-errno: virtio-blk answers VIRTIO_BLK_S_IOERR) and
 *                the first such failure goes to the note callback.
 *     neither:   O_RDWR.
 *   A writer takes an fcntl write lock on the whole file (open file
 *   description lock, F_OFD_SETLK, falling back to F_SETLK), so a second
 *   writer or reader fails: err = "<path>: image is in use by another process
 *   (locked)". readonly/snapshot take a read lock, so a writer elsewhere is
 *   refused, as QEMU does.
 *   On failure: NULL and a one-line message naming the file in err.
 * - Offsets and lengths are in bytes; a range not wholly inside the disk is
 *   refused with -EINVAL before any I/O. 0 or -errno.
 * - Threading: one backend is used by one thread at a time.
 */
#ifndef RIVET_BLOCKDEV_H
#define RIVET_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blockdev;

struct blockdev *blockdev_open(const char *path, bool readonly, bool snapshot, char *err, size_t errlen);
/* Where a problem that does not stop the disk goes (one line, no "rivet: "
 * prefix): the overlay's first failed write. NULL (the default): nowhere. */
void blockdev_set_note(struct blockdev *b, void (*note)(void *opaque, const char *line), void *opaque);
uint64_t blockdev_size(const struct blockdev *b); /* bytes */
bool blockdev_readonly(const struct blockdev *b); /* true for readonly, false for snapshot */
int blockdev_read(struct blockdev *b, uint64_t offset, void *buf, size_t len);
int blockdev_write(struct blockdev *b, uint64_t offset, const void *buf, size_t len);
int blockdev_flush(struct blockdev *b); /* fdatasync; no-op for snapshot/readonly */
/* [offset, offset + len) reads as zeros afterwards and, where the host
 * allows, takes no space: a hole punched in the image (fallocate), else
 * zeros written. Under snapshot the overlay gets the zeros (whole blocks
 * as holes in its file); the image is never touched. -EROFS when readonly. */
int blockdev_zero(struct blockdev *b, uint64_t offset, uint64_t len);
void blockdev_close(struct blockdev *b); /* NULL is accepted */

/* For snapshots (machine/board/snapshot_disk.c). */
bool blockdev_snapshot(const struct blockdev *b); /* opened with snapshot */
/* The first block (BLOCKDEV_OVERLAY_BLOCK bytes; the last may be shorter)
 * at or after `from` the overlay holds, or UINT64_MAX (also without
 * snapshot). blockdev_read gives its bytes. */
#define BLOCKDEV_OVERLAY_BLOCK 4096u
uint64_t blockdev_overlay_next(const struct blockdev *b, uint64_t from);
/* Drops every block of the overlay: the disk reads as the image again.
 * -EINVAL without snapshot. */
int blockdev_overlay_reset(struct blockdev *b);
/* The image's modification time in ns since 1970 (a read-only image's
 * identity); 0 or -errno. */
int blockdev_mtime(const struct blockdev *b, uint64_t *ns);

#endif
