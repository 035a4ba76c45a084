/*
 * virtio-blk (virtio 1.2 section 5.2). A request is
 *   readable:  struct virtio_blk_req header { le32 type; le32 reserved; le64 sector; }
 *              then the data for OUT
 *   writable:  the data for IN / GET_ID, then one status byte (the last
 *              writable byte)
 * DISCARD and WRITE_ZEROES carry their ranges in the readable bytes after
 * the header (virtio 1.2 5.2.6).
 * Data moves through a bounded bounce buffer with checked DMA, so neither a
 * huge guest length nor a code page in the target range is a problem.
 */
#include "devices/virtio_blk.h"

#include <stdlib.h>
#include <string.h>

#define BLK_HDR_BYTES 16
#define BLK_CHUNK     (64u * 1024)

struct virtio_blk {
    struct virtio_device vdev; /* first: virtio_device * <-> virtio_blk * */
    struct blockdev *bd;
    char serial[VIRTIO_BLK_ID_BYTES];
    uint8_t config[VIRTIO_BLK_CFG_BYTES];
    struct virtq_chain chain;
    uint8_t buf[BLK_CHUNK];
};

struct blk_req {
    uint32_t type;
    uint64_t sector;
    uint64_t data_len; /* bytes of data (without header / status byte) */
};

/* Checks [sector, sector + len) lies in the disk in whole sectors, and
 * gives its byte offset. */
static bool blk_range(const struct virtio_blk *b, const struct blk_req *r, uint64_t *offset)
{
    uint64_t sectors = blockdev_size(b->bd) / VIRTIO_BLK_SECTOR_SIZE;
    uint64_t nsec = r->data_len / VIRTIO_BLK_SECTOR_SIZE;
    if (r->data_len % VIRTIO_BLK_SECTOR_SIZE || r->sector > sectors || nsec > sectors - r->sector)
        return false;
    *offset = r->sector * VIRTIO_BLK_SECTOR_SIZE;
    return true;
}

/* IN: disk -> the writable data bytes. Returns the status; *done counts the
 * data bytes delivered. */
static uint8_t blk_read(struct virtio_blk *b, const struct blk_req *r, uint64_t *done)
{
    uint64_t offset;
    if (!blk_range(b, r, &offset))
        return VIRTIO_BLK_S_IOERR;
    for (uint64_t pos = 0; pos < r->data_len;) {
        size_t n = r->data_len - pos < BLK_CHUNK ? (size_t)(r->data_len - pos) : BLK_CHUNK;
        if (blockdev_read(b->bd, offset + pos, b->buf, n) != 0 || virtq_chain_write(&b->chain, pos, b->buf, n) != n)
            return VIRTIO_BLK_S_IOERR;
        pos += n;
        *done = pos;
    }
    return VIRTIO_BLK_S_OK;
}

/* OUT: the readable bytes after the header -> disk. */
static uint8_t blk_write(struct virtio_blk *b, const struct blk_req *r)
{
    uint64_t offset;
    if (blockdev_readonly(b->bd) || !blk_range(b, r, &offset))
        return VIRTIO_BLK_S_IOERR;
    for (uint64_t pos = 0; pos < r->data_len;) {
        size_t n = r->data_len - pos < BLK_CHUNK ? (size_t)(r->data_len - pos) : BLK_CHUNK;
        if (virtq_chain_read(&b->chain, BLK_HDR_BYTES + pos, b->buf, n) != n ||
            blockdev_write(b->bd, offset + pos, b->buf, n) != 0)
            return VIRTIO_BLK_S_IOERR;
        pos += n;
    }
    if (!b->config[VIRTIO_BLK_CFG_WRITEBACK] && blockdev_flush(b->bd) != 0)
        return VIRTIO_BLK_S_IOERR; /* writethrough: on the file before the request completes */
    return VIRTIO_BLK_S_OK;
}

/* DISCARD / WRITE_ZEROES: each range reads as zeros afterwards (a hole in
 * the image where the host can punch one). Section 5.2.6.2: reserved flag
 * bits, and UNMAP on a discard, are UNSUPP; a range outside the disk or
 * beyond the advertised maxima is IOERR. */
static uint8_t blk_discard_zeroes(struct virtio_blk *b, uint32_t type)
{
    const struct virtq_chain *c = &b->chain;
    uint64_t bytes = c->out_len - BLK_HDR_BYTES, nseg = bytes / VIRTIO_BLK_DWZ_BYTES;
    if (blockdev_readonly(b->bd) || bytes % VIRTIO_BLK_DWZ_BYTES || nseg == 0 || nseg > VIRTIO_BLK_DWZ_MAX_SEG)
        return VIRTIO_BLK_S_IOERR;
    for (uint64_t i = 0; i < nseg; i++) {
        uint8_t seg[VIRTIO_BLK_DWZ_BYTES];
        if (virtq_chain_read(c, BLK_HDR_BYTES + i * VIRTIO_BLK_DWZ_BYTES, seg, sizeof seg) != sizeof seg)
            return VIRTIO_BLK_S_IOERR;
        uint32_t num = (uint32_t)load_le(seg + 8, 4), flags = (uint32_t)load_le(seg + 12, 4);
        struct blk_req r = { .sector = load_le(seg, 8), .data_len = (uint64_t)num * VIRTIO_BLK_SECTOR_SIZE };
        uint64_t offset;
        if ((flags & ~VIRTIO_BLK_DWZ_F_UNMAP) || (type == VIRTIO_BLK_T_DISCARD && flags))
            return VIRTIO_BLK_S_UNSUPP;
        if (num > VIRTIO_BLK_DWZ_MAX_SECTORS || !blk_range(b, &r, &offset) ||
            blockdev_zero(b->bd, offset, r.data_len) != 0)
            return VIRTIO_BLK_S_IOERR;
    }
    return VIRTIO_BLK_S_OK;
}

/* GET_ID: up to 20 bytes of serial, NUL-padded, no terminator required
 * (section 5.2.6). */
static uint8_t blk_get_id(struct virtio_blk *b, const struct blk_req *r, uint64_t *done)
{
    size_t n = r->data_len < VIRTIO_BLK_ID_BYTES ? (size_t)r->data_len : VIRTIO_BLK_ID_BYTES;
    if (virtq_chain_write(&b->chain, 0, b->serial, n) != n)
        return VIRTIO_BLK_S_IOERR;
    *done = n;
    return VIRTIO_BLK_S_OK;
}

static uint8_t blk_execute(struct virtio_blk *b, struct blk_req *r, uint64_t *done)
{
    const struct virtq_chain *c = &b->chain;
    switch (r->type) {
    case VIRTIO_BLK_T_IN: r->data_len = c->in_len - 1; return blk_read(b, r, done);
    case VIRTIO_BLK_T_OUT: r->data_len = c->out_len - BLK_HDR_BYTES; return blk_write(b, r);
    case VIRTIO_BLK_T_FLUSH: return blockdev_flush(b->bd) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
    case VIRTIO_BLK_T_GET_ID: r->data_len = c->in_len - 1; return blk_get_id(b, r, done);
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES: return blk_discard_zeroes(b, r->type);
    default: return VIRTIO_BLK_S_UNSUPP;
    }
}

/* One popped chain: parse, execute, write the status byte, complete it. */
static void blk_request(struct virtio_blk *b, struct virtqueue *q)
{
    const struct virtq_chain *c = &b->chain;
    if (c->in_len == 0) {
        virtq_error(q); /* nowhere to put a status: the driver is broken */
        return;
    }
    uint8_t hdr[BLK_HDR_BYTES];
    uint64_t done = 0;
    uint8_t status = VIRTIO_BLK_S_IOERR;
    if (virtq_chain_read(c, 0, hdr, sizeof(hdr)) == sizeof(hdr)) {
        struct blk_req r = { .type = (uint32_t)load_le(hdr, 4), .sector = load_le(hdr + 8, 8) };
        status = blk_execute(b, &r, &done);
    }
    virtq_chain_write(c, c->in_len - 1, &status, 1);
    uint64_t written = done + 1;
    virtq_push(q, c, written > UINT32_MAX ? UINT32_MAX : (uint32_t)written);
}

/* CONFIG_WCE: the driver switches the cache mode through the writeback
 * byte; the rest of the configuration is read-only. */
static void blk_config_write(struct virtio_device *d, uint32_t offset, unsigned size, uint64_t value)
{
    struct virtio_blk *b = (struct virtio_blk *)d;
    for (unsigned i = 0; i < size && i < 8; i++)
        if (offset + i == VIRTIO_BLK_CFG_WRITEBACK)
            b->config[VIRTIO_BLK_CFG_WRITEBACK] = (uint8_t)((value >> (8 * i)) & 1);
}

static void blk_reset(struct virtio_device *d) { ((struct virtio_blk *)d)->config[VIRTIO_BLK_CFG_WRITEBACK] = 1; }

static void blk_notify(struct virtio_device *d, struct virtqueue *q)
{
    struct virtio_blk *b = (struct virtio_blk *)d;
    while (virtq_pop(q, &b->chain))
        blk_request(b, q);
}

struct virtio_device *virtio_blk_create(struct blockdev *bd, const char *serial)
{
    struct virtio_blk *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->bd = bd;
    if (serial) {
        size_t n = strlen(serial);
        memcpy(b->serial, serial, n < sizeof(b->serial) ? n : sizeof(b->serial));
    }
    store_le(b->config + VIRTIO_BLK_CFG_CAPACITY, 8, blockdev_size(bd) / VIRTIO_BLK_SECTOR_SIZE);
    store_le(b->config + VIRTIO_BLK_CFG_SEG_MAX, 4, VIRTIO_BLK_SEG_MAX);
    store_le(b->config + VIRTIO_BLK_CFG_BLK_SIZE, 4, VIRTIO_BLK_SECTOR_SIZE);
    b->config[VIRTIO_BLK_CFG_WRITEBACK] = 1;
    store_le(b->config + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 4, VIRTIO_BLK_DWZ_MAX_SECTORS);
    store_le(b->config + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 4, VIRTIO_BLK_DWZ_MAX_SEG);
    store_le(b->config + VIRTIO_BLK_CFG_DISCARD_ALIGN, 4, 4096 / VIRTIO_BLK_SECTOR_SIZE);
    store_le(b->config + VIRTIO_BLK_CFG_MAX_WZ_SECTORS, 4, VIRTIO_BLK_DWZ_MAX_SECTORS);
    store_le(b->config + VIRTIO_BLK_CFG_MAX_WZ_SEG, 4, VIRTIO_BLK_DWZ_MAX_SEG);
    b->config[VIRTIO_BLK_CFG_WZ_MAY_UNMAP] = 1;
    uint64_t features = VIRTIO_F_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_F_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                        VIRTIO_F_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_F_BIT(VIRTIO_BLK_F_TOPOLOGY) |
                        VIRTIO_F_BIT(VIRTIO_BLK_F_CONFIG_WCE) | VIRTIO_F_BIT(VIRTIO_F_VERSION_1);
    if (blockdev_readonly(bd))
        features |= VIRTIO_F_BIT(VIRTIO_BLK_F_RO);
    else
        features |= VIRTIO_F_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_F_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
    b->vdev = (struct virtio_device){
        /* clang-format off */
        .device_id = VIRTIO_ID_BLOCK, .features = features,
        .num_queues = 1, .queue_max = VIRTIO_BLK_QUEUE_MAX,
        .config_size = VIRTIO_BLK_CFG_BYTES, .config = b->config,
        .notify = blk_notify, .config_write = blk_config_write, .reset = blk_reset, .opaque = b,
        /* clang-format on */
    };
    return &b->vdev;
}

void virtio_blk_destroy(struct virtio_device *d) { free(d); }
