/*
 * virtio-rng, the entropy device (virtio 1.2 section 5.4).
 *
 * Contract
 * - Device id 4, no feature bits, no config space, one request queue of
 *   QueueNumMax 64. For every chain the driver makes available the device
 *   fills the chain's device-writable bytes (at most VIRTIO_RNG_MAX_BYTES of
 *   them: the spec lets a device use less than the whole buffer, and a guest
 *   length is never a host-side cost) and returns the count in the used
 *   ring; device-readable bytes are ignored. A chain with nothing writable
 *   is returned with 0 bytes.
 * - Where the bytes come from is the board's choice: `fill` (host entropy,
 *   a file, or a seeded stream for repeatable runs) returns how many of the
 *   n bytes it could give now. The spec says a used buffer MUST hold one or
 *   more random bytes (5.4.6.1), so when the source gives none (a file at
 *   its end) the chain is kept, not answered, and the device asks again at
 *   the driver's next notify; the driver's request simply waits, as with
 *   QEMU's rng-random at the end of its file. Nothing else ever stands in
 *   for the source. `fill` is called on the emulation thread.
 * - Threading: emulation thread only.
 */
#ifndef RIVET_VIRTIO_RNG_H
#define RIVET_VIRTIO_RNG_H

#include "devices/virtio.h"

#define VIRTIO_RNG_QUEUE_MAX 64
#define VIRTIO_RNG_MAX_BYTES 4096 /* most bytes given for one request */

typedef size_t (*virtio_rng_fill_fn)(void *opaque, uint8_t *buf, size_t n);

struct virtio_device *virtio_rng_create(virtio_rng_fill_fn fill, void *opaque);
void virtio_rng_destroy(struct virtio_device *d); /* NULL is accepted */

#endif
