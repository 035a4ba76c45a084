/*
 * Raw image backend: pread/pwrite on a file or block device, an fcntl lock
 * against a second user, and for -snapshot an overlay on disk.
 *
 * The overlay is an unnamed temporary file the size of the disk, written
 * only where the guest wrote (so sparse), and a bitmap of the 4 KiB blocks
 * it holds; a block enters it on its first write (read from the image,
 * then modified), so reads see the guest's writes and the image is never
 * written. The guest can fill the host's disk at most by the disk's size,
 * and never its memory: the bitmap is fixed at open.
 */
#define _GNU_SOURCE
#include "devices/blockdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rivet/errfmt.h"

#define OVL_BLOCK BLOCKDEV_OVERLAY_BLOCK

struct blockdev {
    int fd;
    bool readonly, snapshot;
    uint64_t size;
    char *path; /* for messages */
    /* -snapshot: block b of the guest's writes lives at b * OVL_BLOCK in
     * an unlinked temporary file (sparse), ovl_map says which blocks. */
    int ovl_fd;
    uint8_t *ovl_map; /* one bit per block; calloc'd, so untouched pages cost nothing */
    bool ovl_noted;   /* a failed overlay write was reported */
    void (*note)(void *opaque, const char *line);
    void *note_opaque;
};

static void set_err(char *err, size_t errlen, const char *path, const char *what)
{
    err_format(err, errlen, "%s: %s", path, what);
}

/* A whole-file lock: an open-file-description lock when the kernel has one,
 * so two opens inside one process conflict as well. */
static int lock_file(int fd, bool write)
{
    struct flock fl = { .l_type = write ? F_WRLCK : F_RDLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
        return 0;
    if (errno != EINVAL)
        return -errno;
    return fcntl(fd, F_SETLK, &fl) == 0 ? 0 : -errno;
}

static int image_size(int fd, const struct stat *st, uint64_t *size)
{
    if (S_ISREG(st->st_mode)) {
        *size = (uint64_t)st->st_size;
        return 0;
    }
    uint64_t bytes = 0;
    if (ioctl(fd, BLKGETSIZE64, &bytes) != 0)
        return -errno;
    *size = bytes;
    return 0;
}

/* Opens the file without blocking on a FIFO, then checks its kind. */
static int open_image(const char *path, bool rdonly, char *err, size_t errlen)
{
    int fd = open(path, (rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        set_err(err, errlen, path, errno == EISDIR ? "not a regular file or block device" : strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
        set_err(err, errlen, path, "not a regular file or block device");
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

/* $TMPDIR, else /var/tmp (on disk, unlike a tmpfs /tmp), else /tmp. */
static const char *tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    if (d && *d)
        return d;
    return access("/var/tmp", W_OK | X_OK) == 0 ? "/var/tmp" : "/tmp";
}

/* An unnamed file there: O_TMPFILE, or a named one unlinked at once on a
 * file system without it. */
static int tmp_file(const char *dir)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    size_t n = strlen(dir) + sizeof "/rivet-snapshot-XXXXXX";
    char *name = malloc(n);
    if (!name)
        return -1;
    snprintf(name, n, "%s/rivet-snapshot-XXXXXX", dir);
    fd = mkostemp(name, O_CLOEXEC);
    if (fd >= 0)
        unlink(name);
    free(name);
    return fd;
}

/* -snapshot: the overlay file and its block map (one bit per block). */
static bool ovl_open(struct blockdev *b, char *err, size_t errlen)
{
    const char *dir = tmp_dir();
    b->ovl_fd = tmp_file(dir);
    if (b->ovl_fd < 0) {
        err_format(err, errlen, "-snapshot: cannot create a temporary file in %s for %s: %s", dir, b->path,
                   strerror(errno));
        return false;
    }
    uint64_t blocks = b->size / OVL_BLOCK + 1;
    b->ovl_map = calloc(1, (size_t)(blocks / 8 + 1));
    if (!b->ovl_map) {
        set_err(err, errlen, b->path, "out of memory for the -snapshot block map");
        return false;
    }
    return true;
}

struct blockdev *blockdev_open(const char *path, bool readonly, bool snapshot, char *err, size_t errlen)
{
    bool rdonly = readonly || snapshot;
    int fd = open_image(path, rdonly, err, errlen);
    if (fd < 0)
        return NULL;
    int rc = lock_file(fd, !rdonly);
    if (rc == -EAGAIN || rc == -EACCES) {
        set_err(err, errlen, path, "image is in use by another process (locked)");
        close(fd);
        return NULL;
    }
    struct stat st;
    uint64_t size = 0;
    if (fstat(fd, &st) != 0 || (rc = image_size(fd, &st, &size)) != 0) {
        set_err(err, errlen, path, strerror(rc ? -rc : errno));
        close(fd);
        return NULL;
    }
    struct blockdev *b = calloc(1, sizeof(*b));
    if (!b || !(b->path = strdup(path))) {
        set_err(err, errlen, path, strerror(ENOMEM));
        free(b);
        close(fd);
        return NULL;
    }
    b->fd = fd;
    b->ovl_fd = -1;
    b->readonly = readonly;
    b->snapshot = snapshot;
    b->size = size;
    if (snapshot && !ovl_open(b, err, errlen)) {
        blockdev_close(b);
        return NULL;
    }
    return b;
}

void blockdev_set_note(struct blockdev *b, void (*note)(void *opaque, const char *line), void *opaque)
{
    b->note = note;
    b->note_opaque = opaque;
}

uint64_t blockdev_size(const struct blockdev *b) { return b->size; }
bool blockdev_readonly(const struct blockdev *b) { return b->readonly; }

static bool range_ok(const struct blockdev *b, uint64_t offset, uint64_t len)
{
    return offset <= b->size && len <= b->size - offset;
}

/* pread until done; bytes past the file's end (a file shrunk under us) read
 * as zeros. */
static int file_read(int fd, uint64_t offset, uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pread(fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0) {
            memset(buf, 0, len);
            return 0;
        }
        buf += n, offset += (uint64_t)n, len -= (size_t)n;
    }
    return 0;
}

static int file_write(int fd, uint64_t offset, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = pwrite(fd, buf, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        buf += n, offset += (uint64_t)n, len -= (size_t)n;
    }
    return 0;
}

static bool ovl_has(const struct blockdev *b, uint64_t block) { return b->ovl_map[block / 8] >> (block % 8) & 1; }

/* The overlay's file could not be written (disk full, a file size limit):
 * the guest's write fails (virtio-blk answers VIRTIO_BLK_S_IOERR) and the
 * first such failure is reported. */
static int ovl_failed(struct blockdev *b, int rc)
{
    if (!b->ovl_noted && b->note) {
        char line[512];
        err_format(line, sizeof line,
                   "-snapshot: %s: cannot write the temporary overlay: %s; "
                   "the guest's disk writes fail while this lasts",
                   b->path, strerror(-rc));
        b->note(b->note_opaque, line);
    }
    b->ovl_noted = true;
    return rc;
}

/* Writes [in, in + n) of `block` into the overlay; a block written for the
 * first time is first copied from the image, so it is whole there. */
static int ovl_write_block(struct blockdev *b, uint64_t block, size_t in, const uint8_t *data, size_t n)
{
    uint64_t start = block * OVL_BLOCK;
    uint64_t span = b->size - start < OVL_BLOCK ? b->size - start : OVL_BLOCK;
    int rc;
    if (!ovl_has(b, block) && (in != 0 || n != span)) {
        uint8_t tmp[OVL_BLOCK];
        if ((rc = file_read(b->fd, start, tmp, (size_t)span)) != 0)
            return rc;
        memcpy(tmp + in, data, n);
        rc = file_write(b->ovl_fd, start, tmp, (size_t)span);
    } else {
        rc = file_write(b->ovl_fd, start + in, data, n);
    }
    if (rc)
        return ovl_failed(b, rc);
    b->ovl_map[block / 8] |= (uint8_t)(1u << (block % 8));
    return 0;
}

static int ovl_write(struct blockdev *b, uint64_t offset, const uint8_t *buf, size_t len)
{
    while (len) {
        uint64_t block = offset / OVL_BLOCK;
        size_t in = (size_t)(offset % OVL_BLOCK);
        size_t n = OVL_BLOCK - in < len ? OVL_BLOCK - in : len;
        int rc = ovl_write_block(b, block, in, buf, n);
        if (rc)
            return rc;
        buf += n, offset += n, len -= n;
    }
    return 0;
}

/* Reads runs of blocks from wherever they live: the overlay or the image. */
static int ovl_read(struct blockdev *b, uint64_t offset, uint8_t *buf, size_t len)
{
    while (len) {
        bool from_ovl = ovl_has(b, offset / OVL_BLOCK);
        size_t n = 0;
        while (n < len && ovl_has(b, (offset + n) / OVL_BLOCK) == from_ovl) {
            size_t in = (size_t)((offset + n) % OVL_BLOCK);
            n += OVL_BLOCK - in < len - n ? OVL_BLOCK - in : len - n;
        }
        int rc = file_read(from_ovl ? b->ovl_fd : b->fd, offset, buf, n);
        if (rc)
            return rc;
        buf += n, offset += n, len -= n;
    }
    return 0;
}

int blockdev_read(struct blockdev *b, uint64_t offset, void *buf, size_t len)
{
    if (!range_ok(b, offset, len))
        return -EINVAL;
    if (b->snapshot)
        return ovl_read(b, offset, buf, len);
    return file_read(b->fd, offset, buf, len);
}

int blockdev_write(struct blockdev *b, uint64_t offset, const void *buf, size_t len)
{
    if (b->readonly)
        return -EROFS;
    if (!range_ok(b, offset, len))
        return -EINVAL;
    if (b->snapshot)
        return ovl_write(b, offset, buf, len);
    return file_write(b->fd, offset, buf, len);
}

static const uint8_t zero_block[OVL_BLOCK];

/* Zeros through write(), a block at a time: where holes cannot be punched. */
static int zero_by_writing(struct blockdev *b, uint64_t offset, uint64_t len)
{
    while (len) {
        size_t n = len < OVL_BLOCK ? (size_t)len : OVL_BLOCK;
        int rc = b->snapshot ? ovl_write(b, offset, zero_block, n) : file_write(b->fd, offset, zero_block, n);
        if (rc)
            return rc;
        offset += n, len -= n;
    }
    return 0;
}

static bool punch(int fd, uint64_t offset, uint64_t len)
{
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len) == 0;
}

/* Under snapshot: a whole block becomes a hole in the overlay (a hole reads
 * as zeros) and counts as the overlay's; a partial one gets zeros written. */
static int ovl_zero(struct blockdev *b, uint64_t offset, uint64_t len)
{
    while (len) {
        uint64_t block = offset / OVL_BLOCK, start = block * OVL_BLOCK;
        size_t in = (size_t)(offset % OVL_BLOCK);
        size_t n = OVL_BLOCK - in < len ? OVL_BLOCK - in : (size_t)len;
        uint64_t span = b->size - start < OVL_BLOCK ? b->size - start : OVL_BLOCK;
        if (in == 0 && n == span && punch(b->ovl_fd, start, OVL_BLOCK)) {
            b->ovl_map[block / 8] |= (uint8_t)(1u << (block % 8));
        } else {
            int rc = ovl_write_block(b, block, in, zero_block, n);
            if (rc)
                return rc;
        }
        offset += n, len -= n;
    }
    return 0;
}

int blockdev_zero(struct blockdev *b, uint64_t offset, uint64_t len)
{
    if (b->readonly)
        return -EROFS;
    if (!range_ok(b, offset, len))
        return -EINVAL;
    if (b->snapshot)
        return ovl_zero(b, offset, len);
    if (len == 0 || punch(b->fd, offset, len))
        return 0;
    if (errno != EOPNOTSUPP && errno != ENOSYS)
        return -errno;
    return zero_by_writing(b, offset, len);
}

int blockdev_flush(struct blockdev *b)
{
    if (b->snapshot || b->readonly)
        return 0;
    return fdatasync(b->fd) == 0 ? 0 : -errno;
}

bool blockdev_snapshot(const struct blockdev *b) { return b->snapshot; }

uint64_t blockdev_overlay_next(const struct blockdev *b, uint64_t from)
{
    uint64_t blocks = (b->size + OVL_BLOCK - 1) / OVL_BLOCK;
    for (uint64_t k = from; b->snapshot && k < blocks; k++) {
        if (!b->ovl_map[k / 8] && k % 8 == 0) { /* a byte of untouched blocks at once */
            k += 7;
            continue;
        }
        if (ovl_has(b, k))
            return k;
    }
    return UINT64_MAX;
}

int blockdev_overlay_reset(struct blockdev *b)
{
    if (!b->snapshot)
        return -EINVAL;
    if (ftruncate(b->ovl_fd, 0) != 0)
        return -errno;
    memset(b->ovl_map, 0, (size_t)((b->size / OVL_BLOCK + 1) / 8 + 1));
    return 0;
}

int blockdev_mtime(const struct blockdev *b, uint64_t *ns)
{
    struct stat st;
    if (fstat(b->fd, &st) != 0)
        return -errno;
    *ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
    return 0;
}

void blockdev_close(struct blockdev *b)
{
    if (!b)
        return;
    if (b->ovl_fd >= 0)
        close(b->ovl_fd); /* unlinked: its blocks go back to the file system now */
    free(b->ovl_map);
    free(b->path);
    close(b->fd);
    free(b);
}
