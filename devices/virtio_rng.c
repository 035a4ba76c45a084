/*
 * virtio-rng (virtio 1.2 section 5.4): every writable buffer the driver
 * offers comes back filled with entropy from the board's source.
 */
#include "devices/virtio_rng.h"

#include <stdlib.h>

struct virtio_rng {
    struct virtio_device vdev; /* first: virtio_device * <-> virtio_rng * */
    virtio_rng_fill_fn fill;
    void *fill_opaque;
    struct virtq_chain chain;
    uint8_t buf[VIRTIO_RNG_MAX_BYTES];
};

static void rng_notify(struct virtio_device *d, struct virtqueue *q)
{
    struct virtio_rng *r = (struct virtio_rng *)d;
    while (virtq_pop(q, &r->chain)) {
        size_t n = r->chain.in_len < sizeof r->buf ? (size_t)r->chain.in_len : sizeof r->buf;
        if (n)
            r->fill(r->fill_opaque, r->buf, n);
        size_t written = virtq_chain_write(&r->chain, 0, r->buf, n);
        virtq_push(q, &r->chain, (uint32_t)written);
    }
}

struct virtio_device *virtio_rng_create(virtio_rng_fill_fn fill, void *opaque)
{
    struct virtio_rng *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->fill = fill;
    r->fill_opaque = opaque;
    struct virtio_device *d = &r->vdev;
    d->device_id = VIRTIO_ID_RNG;
    d->features = VIRTIO_F_BIT(VIRTIO_F_VERSION_1);
    d->num_queues = 1;
    d->queue_max = VIRTIO_RNG_QUEUE_MAX;
    d->notify = rng_notify;
    d->opaque = r;
    return d;
}

void virtio_rng_destroy(struct virtio_device *d) { free(d); }
