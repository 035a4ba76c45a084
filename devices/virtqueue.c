/*
 * Split virtqueues (virtio 1.2 section 2.7): popping validated descriptor
 * chains, pushing used elements, interrupt suppression.
 *
 * Ring layout, all little-endian:
 *   desc[num]  { le64 addr; le32 len; le16 flags; le16 next; }
 *   avail      { le16 flags; le16 idx; le16 ring[num]; le16 used_event; }
 *   used       { le16 flags; le16 idx; {le32 id; le32 len} ring[num]; le16 avail_event; }
 * Any failed DMA or inconsistent value is a driver bug the device cannot
 * recover from: virtq_error() sets NEEDS_RESET (section 2.1.2) and the
 * queue stops.
 */
#include "devices/virtio.h"

#include <string.h>

struct vdesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

void virtq_error(struct virtqueue *q)
{
    struct virtio_transport *t = q->transport;
    if (t && !t->broken && t->error)
        t->error(t);
    else if (t)
        t->broken = true;
}

void virtq_reset(struct virtqueue *q)
{
    q->ready = false;
    q->desc = q->avail = q->used = 0;
    q->last_avail = q->used_idx = q->signalled_used = 0;
    q->signalled_valid = false;
    q->event_idx = q->indirect = false;
    q->legacy_pfn = 0;
}

static bool rd16(struct virtqueue *q, uint64_t addr, uint16_t *v)
{
    uint8_t b[2];
    if (!bus_dma_read(q->bus, addr, b, 2))
        return false;
    *v = (uint16_t)load_le(b, 2);
    return true;
}

static bool wr16(struct virtqueue *q, uint64_t addr, uint16_t v)
{
    uint8_t b[2];
    store_le(b, 2, v);
    return bus_dma_write(q->bus, addr, b, 2);
}

static bool read_desc(struct virtqueue *q, uint64_t table, unsigned i, struct vdesc *d)
{
    uint8_t b[VIRTQ_DESC_SIZE];
    if (!bus_dma_read(q->bus, table + (uint64_t)i * VIRTQ_DESC_SIZE, b, sizeof(b)))
        return false;
    d->addr = load_le(b, 8);
    d->len = (uint32_t)load_le(b + 8, 4);
    d->flags = (uint16_t)load_le(b + 12, 2);
    d->next = (uint16_t)load_le(b + 14, 2);
    return true;
}

/* Appends one buffer. Writable buffers must follow readable ones (section
 * 2.7.4.2); every buffer must lie wholly in RAM. */
static bool add_seg(struct virtqueue *q, struct virtq_chain *c, const struct vdesc *d)
{
    bool writable = d->flags & VIRTQ_DESC_F_WRITE;
    if (!writable && c->nin)
        return false;
    if (c->nout + c->nin >= VIRTQ_CHAIN_MAX)
        return false;
    if (!bus_ram_ptr(q->bus, d->addr, d->len))
        return false;
    c->seg[c->nout + c->nin] = (struct virtq_seg){ d->addr, d->len };
    if (writable) {
        c->nin++;
        c->in_len += d->len;
    } else {
        c->nout++;
        c->out_len += d->len;
    }
    return true;
}

/* An indirect descriptor (section 2.7.5.3): a table of len/16 descriptors,
 * itself not indirect, not chained onwards. */
static bool check_indirect(const struct virtqueue *q, const struct vdesc *d, bool nested)
{
    return q->indirect && !nested && !(d->flags & VIRTQ_DESC_F_NEXT) && d->len && d->len % VIRTQ_DESC_SIZE == 0 &&
           d->len / VIRTQ_DESC_SIZE <= VIRTQ_CHAIN_MAX;
}

/* Walks the chain from `head`. A table of `size` entries visited more than
 * `size` times has a loop (or is longer than the queue, which the driver
 * must not do either). */
static bool walk_chain(struct virtqueue *q, struct virtq_chain *c, uint16_t head)
{
    uint64_t table = q->desc;
    unsigned size = q->num, i = head, seen = 0;
    bool nested = false;
    for (;;) {
        struct vdesc d;
        if (i >= size || ++seen > size || !read_desc(q, table, i, &d))
            return false;
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            if (!check_indirect(q, &d, nested))
                return false;
            table = d.addr;
            size = d.len / VIRTQ_DESC_SIZE;
            i = 0, seen = 0, nested = true;
            continue;
        }
        if (!add_seg(q, c, &d))
            return false;
        if (!(d.flags & VIRTQ_DESC_F_NEXT))
            return true;
        i = d.next;
    }
}

static bool queue_live(const struct virtqueue *q) { return q->ready && !(q->transport && q->transport->broken); }

/* Split queue sizes are powers of 2 (section 2.7), so the free-running 16-bit
 * indices map onto ring slots consistently across wrap-around. */
static bool size_valid(const struct virtqueue *q)
{
    return q->num && q->num <= VIRTQ_MAX_SIZE && !(q->num & (q->num - 1));
}

bool virtq_pop(struct virtqueue *q, struct virtq_chain *c)
{
    if (!queue_live(q))
        return false;
    uint16_t avail_idx, head;
    if (!size_valid(q) || !rd16(q, q->avail + 2, &avail_idx))
        goto bad;
    uint16_t pending = (uint16_t)(avail_idx - q->last_avail);
    if (pending > q->num)
        goto bad; /* the driver cannot have more than num outstanding */
    if (pending == 0)
        return false;
    if (!rd16(q, q->avail + 4 + 2u * (q->last_avail % q->num), &head))
        goto bad;
    c->bus = q->bus;
    c->head = head;
    c->nout = c->nin = 0;
    c->out_len = c->in_len = 0;
    if (!walk_chain(q, c, head))
        goto bad;
    q->last_avail++;
    /* avail_event: ask for a kick once the driver adds past what we took
     * (section 2.7.10). */
    if (q->event_idx && !wr16(q, q->used + 4 + (uint64_t)VIRTQ_USED_ELEM_SIZE * q->num, q->last_avail))
        goto bad;
    return true;
bad:
    virtq_error(q);
    return false;
}

/* Whether the driver wants an interrupt for this used-ring update (section
 * 2.7.10: vring_need_event with the driver's used_event). */
static bool want_interrupt(struct virtqueue *q)
{
    if (!q->event_idx) {
        uint16_t flags;
        return !rd16(q, q->avail, &flags) || !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    uint16_t old = q->signalled_used, now = q->used_idx, event;
    bool valid = q->signalled_valid;
    q->signalled_valid = true;
    q->signalled_used = now;
    if (!valid || !rd16(q, q->avail + 4 + 2u * q->num, &event))
        return true;
    return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

void virtq_push(struct virtqueue *q, const struct virtq_chain *c, uint32_t written)
{
    if (!queue_live(q) || !size_valid(q))
        return;
    uint8_t elem[VIRTQ_USED_ELEM_SIZE];
    store_le(elem, 4, c->head);
    store_le(elem + 4, 4, written);
    uint64_t slot = q->used + 4 + (uint64_t)VIRTQ_USED_ELEM_SIZE * (q->used_idx % q->num);
    if (!bus_dma_write(q->bus, slot, elem, sizeof(elem)) || !wr16(q, q->used + 2, (uint16_t)(q->used_idx + 1))) {
        virtq_error(q);
        return;
    }
    q->used_idx++;
    if (want_interrupt(q) && q->transport && q->transport->interrupt)
        q->transport->interrupt(q->transport, VIRTIO_ISR_USED_BUFFER);
}

/* Copies between `buf` and the segments [first, first+n) starting `off`
 * bytes into them. */
static size_t chain_copy(const struct virtq_chain *c, unsigned first, unsigned n, uint64_t off, uint8_t *rbuf,
                         const uint8_t *wbuf, size_t len)
{
    size_t done = 0;
    for (unsigned i = first; i < first + n && done < len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        uint64_t room = s->len - off;
        size_t k = len - done < room ? len - done : (size_t)room;
        bool ok = rbuf ? bus_dma_read(c->bus, s->addr + off, rbuf + done, k)
                       : bus_dma_write(c->bus, s->addr + off, wbuf + done, k);
        if (!ok)
            break;
        done += k;
        off = 0;
    }
    return done;
}

size_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst, size_t len)
{
    return chain_copy(c, 0, c->nout, off, dst, NULL, len);
}

size_t virtq_chain_write(const struct virtq_chain *c, uint64_t off, const void *src, size_t len)
{
    return chain_copy(c, c->nout, c->nin, off, NULL, src, len);
}
