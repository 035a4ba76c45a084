/*
 * virtio-net, the network card (virtio 1.2 section 5.1), without offloads.
 *
 * Contract
 * - Offers MAC (the address given at creation) and STATUS (link up); no
 *   checksum or segmentation offload, no mergeable buffers, no control
 *   queue: every frame is a plain Ethernet frame of at most
 *   VIRTIO_NET_MAX_FRAME bytes, after a 12-byte virtio_net_hdr (the
 *   VERSION_1 layout, num_buffers = 1; on a legacy transport, without
 *   VERSION_1, the 10-byte header without num_buffers) that the device
 *   writes zeroed and ignores when reading.
 * - Queue 0 receives, queue 1 transmits, QueueNumMax 256 each.
 * - Transmit: on a notify of queue 1 every available chain's readable bytes
 *   after the header go to the backend's send() (a chain shorter than the
 *   header, or longer than a frame, is dropped and returned with 0 bytes).
 * - Receive: the backend calls virtio_net_receive() with a frame. It goes
 *   into the next receive chain at once, or waits in a bounded backlog
 *   (VIRTIO_NET_BACKLOG frames; beyond it frames are dropped, as a full
 *   card does) until the driver offers buffers (a notify of queue 0). A
 *   chain too short for header and frame is returned with 0 bytes and the
 *   frame dropped.
 * - A NULL send drops transmitted frames (a card with no cable).
 * - Threading: emulation thread only; the backend calls in on it.
 */
#ifndef RIVET_VIRTIO_NET_H
#define RIVET_VIRTIO_NET_H

#include "devices/virtio.h"

/* clang-format off */
#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_STATUS     16
#define VIRTIO_NET_S_LINK_UP    1

#define VIRTIO_NET_HDR_BYTES    12
#define VIRTIO_NET_MAX_FRAME    1518  /* Ethernet with one VLAN tag, no FCS */
#define VIRTIO_NET_QUEUE_MAX    256
#define VIRTIO_NET_BACKLOG      64

/* Config space (struct virtio_net_config): mac[6], le16 status. */
#define VIRTIO_NET_CFG_MAC      0
#define VIRTIO_NET_CFG_STATUS   6
#define VIRTIO_NET_CFG_BYTES    8
/* clang-format on */

typedef void (*virtio_net_send_fn)(void *opaque, const uint8_t *frame, size_t len);

struct virtio_device *virtio_net_create(const uint8_t mac[6], virtio_net_send_fn send, void *opaque);
void virtio_net_destroy(struct virtio_device *d); /* NULL is accepted */

/* A frame from the network for the guest; false when it was dropped (too
 * long, or the backlog is full). */
bool virtio_net_receive(struct virtio_device *d, const uint8_t *frame, size_t len);

/* The link status the driver reads (STATUS, VIRTIO_NET_S_LINK_UP), with a
 * configuration-change interrupt when the driver runs (the backend gave
 * up: net.h). */
void virtio_net_set_link(struct virtio_device *d, bool up);

#endif
