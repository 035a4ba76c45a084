/*
 * Raw image backend: pread/pwrite on a file or block device, an fcntl lock
 * against a second user, and for -snapshot a sparse in-memory overlay.
 *
 * The overlay is an open-addressing hash table from 4 KiB block number to a
 * malloc'd copy of the block; a block enters it on its first write (read from
 * the image, then modified), so reads see the guest's writes and the image
 * is never written.
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

#define OVL_BLOCK 4096u
#define OVL_EMPTY UINT64_MAX

struct overlay_slot {
    uint64_t block;    /* OVL_EMPTY when free */
    uint8_t *data;
};

struct blockdev {
    int fd;
    bool readonly, snapshot;
    uint64_t size;
    struct overlay_slot *slots;   /* snapshot only */
    size_t nslots, used;          /* nslots is a power of 2 */
};

static void set_err(char *err, size_t errlen, const char *path, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", path, what);
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
        set_err(err, errlen, path, errno == EISDIR ? "not a regular file or block device"
                                                   : strerror(errno));
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
    if (!b) {
        set_err(err, errlen, path, strerror(ENOMEM));
        close(fd);
        return NULL;
    }
    b->fd = fd;
    b->readonly = readonly;
    b->snapshot = snapshot;
    b->size = size;
    return b;
}

uint64_t blockdev_size(const struct blockdev *b) { return b->size; }
bool blockdev_readonly(const struct blockdev *b) { return b->readonly; }

static bool range_ok(const struct blockdev *b, uint64_t offset, size_t len)
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

static size_t ovl_hash(uint64_t block, size_t nslots)
{
    return (size_t)((block * UINT64_C(0x9e3779b97f4a7c15)) >> 17) & (nslots - 1);
}

static struct overlay_slot *ovl_find(const struct blockdev *b, uint64_t block)
{
    if (!b->nslots)
        return NULL;
    for (size_t i = ovl_hash(block, b->nslots);; i = (i + 1) & (b->nslots - 1)) {
        if (b->slots[i].block == block)
            return &b->slots[i];
        if (b->slots[i].block == OVL_EMPTY)
            return NULL;
    }
}

static void ovl_place(struct overlay_slot *slots, size_t nslots, uint64_t block, uint8_t *data)
{
    size_t i = ovl_hash(block, nslots);
    while (slots[i].block != OVL_EMPTY)
        i = (i + 1) & (nslots - 1);
    slots[i].block = block;
    slots[i].data = data;
}

/* Keeps the table at most half full. */
static int ovl_grow(struct blockdev *b)
{
    size_t n = b->nslots ? b->nslots * 2 : 64;
    struct overlay_slot *s = malloc(n * sizeof(*s));
    if (!s)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        s[i].block = OVL_EMPTY;
    for (size_t i = 0; i < b->nslots; i++)
        if (b->slots[i].block != OVL_EMPTY)
            ovl_place(s, n, b->slots[i].block, b->slots[i].data);
    free(b->slots);
    b->slots = s;
    b->nslots = n;
    return 0;
}

/* The overlay copy of `block`, made from the image on first use. */
static int ovl_get(struct blockdev *b, uint64_t block, uint8_t **data)
{
    struct overlay_slot *s = ovl_find(b, block);
    if (s) {
        *data = s->data;
        return 0;
    }
    if ((b->used + 1) * 2 > b->nslots && ovl_grow(b) != 0)
        return -ENOMEM;
    uint8_t *d = calloc(1, OVL_BLOCK);
    if (!d)
        return -ENOMEM;
    uint64_t start = block * OVL_BLOCK;
    uint64_t n = b->size - start < OVL_BLOCK ? b->size - start : OVL_BLOCK;
    int rc = file_read(b->fd, start, d, (size_t)n);
    if (rc) {
        free(d);
        return rc;
    }
    ovl_place(b->slots, b->nslots, block, d);
    b->used++;
    *data = d;
    return 0;
}

/* Walks [offset, offset+len) one overlay block at a time. */
static int ovl_rw(struct blockdev *b, uint64_t offset, uint8_t *rbuf, const uint8_t *wbuf, size_t len)
{
    while (len) {
        uint64_t block = offset / OVL_BLOCK;
        size_t in = (size_t)(offset % OVL_BLOCK);
        size_t n = OVL_BLOCK - in < len ? OVL_BLOCK - in : len;
        int rc = 0;
        if (rbuf) {
            struct overlay_slot *s = ovl_find(b, block);
            if (s)
                memcpy(rbuf, s->data + in, n);
            else
                rc = file_read(b->fd, offset, rbuf, n);
            rbuf += n;
        } else {
            uint8_t *d;
            rc = ovl_get(b, block, &d);
            if (!rc)
                memcpy(d + in, wbuf, n);
            wbuf += n;
        }
        if (rc)
            return rc;
        offset += n, len -= n;
    }
    return 0;
}

int blockdev_read(struct blockdev *b, uint64_t offset, void *buf, size_t len)
{
    if (!range_ok(b, offset, len))
        return -EINVAL;
    if (b->snapshot && b->used)
        return ovl_rw(b, offset, buf, NULL, len);
    return file_read(b->fd, offset, buf, len);
}

int blockdev_write(struct blockdev *b, uint64_t offset, const void *buf, size_t len)
{
    if (b->readonly)
        return -EROFS;
    if (!range_ok(b, offset, len))
        return -EINVAL;
    if (b->snapshot)
        return ovl_rw(b, offset, NULL, buf, len);
    return file_write(b->fd, offset, buf, len);
}

int blockdev_flush(struct blockdev *b)
{
    if (b->snapshot || b->readonly)
        return 0;
    return fdatasync(b->fd) == 0 ? 0 : -errno;
}

void blockdev_close(struct blockdev *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nslots; i++)
        if (b->slots[i].block != OVL_EMPTY)
            free(b->slots[i].data);
    free(b->slots);
    close(b->fd);
    free(b);
}
