/*
 * virtio-rng (virtio 1.2 section 5.4): every writable buffer the driver
 * offers comes back with entropy from the board's source; when the source
 * has nothing, the buffer waits (see virtio_rng.h).
 */
#include "devices/virtio_rng.h"

#include <stdlib.h>

struct virtio_rng {
    struct virtio_device vdev; /* first: virtio_device * <-> virtio_rng * */
    virtio_rng_fill_fn fill;
    void *fill_opaque;
    struct virtq_chain chain;
    bool pending; /* chain was popped but the source had nothing for it */
    uint8_t buf[VIRTIO_RNG_MAX_BYTES];
};

/* Answers the popped chain; false (the chain kept) when the source gave
 * nothing. A chain with nothing writable is answered with 0 bytes. */
static bool serve(struct virtio_rng *r, struct virtqueue *q)
{
    size_t n = r->chain.in_len < sizeof r->buf ? (size_t)r->chain.in_len : sizeof r->buf;
    size_t got = n ? r->fill(r->fill_opaque, r->buf, n) : 0;
    if (n && !got)
        return false;
    if (got > n)
        got = n;
    size_t written = virtq_chain_write(&r->chain, 0, r->buf, got);
    virtq_push(q, &r->chain, (uint32_t)written);
    return true;
}

static void rng_notify(struct virtio_device *d, struct virtqueue *q)
{
    struct virtio_rng *r = (struct virtio_rng *)d;
    if (r->pending && !serve(r, q))
        return;
    r->pending = false;
    while (virtq_pop(q, &r->chain))
        if (!serve(r, q)) {
            r->pending = true;
            return;
        }
}

/* A reset takes back every buffer, the held one too. */
static void rng_reset(struct virtio_device *d) { ((struct virtio_rng *)d)->pending = false; }

/* A request waiting for the source: in a snapshot it is still in the ring. */
static unsigned rng_held(const struct virtio_device *d, unsigned q) { return ((const struct virtio_rng *)d)->pending; }

struct virtio_device *virtio_rng_create(virtio_rng_fill_fn fill, void *opaque)
{
    struct virtio_rng *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->fill = fill;
    r->fill_opaque = opaque;
    r->vdev = (struct virtio_device){ .device_id = VIRTIO_ID_RNG,
                                      .features = VIRTIO_F_BIT(VIRTIO_F_VERSION_1),
                                      .num_queues = 1,
                                      .queue_max = VIRTIO_RNG_QUEUE_MAX,
                                      .notify = rng_notify,
                                      .reset = rng_reset,
                                      .held = rng_held,
                                      .opaque = r };
    return &r->vdev;
}

void virtio_rng_destroy(struct virtio_device *d) { free(d); }
