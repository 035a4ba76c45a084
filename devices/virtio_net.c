/*
 * virtio-net (virtio 1.2 section 5.1): frames between the driver's queues
 * and a backend, with a small backlog for frames that arrive while the
 * driver has no receive buffer posted.
 */
#include "devices/virtio_net.h"

#include <stdlib.h>
#include <string.h>

#define Q_RX 0
#define Q_TX 1

struct frame {
    uint16_t len;
    uint8_t data[VIRTIO_NET_MAX_FRAME];
};

struct virtio_net {
    struct virtio_device vdev; /* first: virtio_device * <-> virtio_net * */
    virtio_net_send_fn send;
    void *send_opaque;
    struct virtqueue *rxq; /* the transport's queue 0, once the driver kicked it */
    uint8_t config[VIRTIO_NET_CFG_BYTES];
    /* One chain per direction: a transmitted frame may bring slirp's answer
     * (a receive) before its own chain is returned. */
    struct virtq_chain rx_chain, tx_chain;
    unsigned backlog_head, backlog_len;
    struct frame backlog[VIRTIO_NET_BACKLOG];
    uint8_t rx_buf[VIRTIO_NET_HDR_BYTES + VIRTIO_NET_MAX_FRAME];
    uint8_t tx_buf[VIRTIO_NET_MAX_FRAME];
};

/* The header's length on queue q: 12 bytes with VERSION_1, 10 (no
 * num_buffers, as MRG_RXBUF is not offered) on a legacy transport (virtio
 * 1.2 5.1.6, "Legacy Interface: Device Operation"). */
static size_t hdr_len(const struct virtqueue *q)
{
    return q->version_1 ? VIRTIO_NET_HDR_BYTES : VIRTIO_NET_HDR_BYTES - 2;
}

/* The header the device writes: no flags, no GSO, num_buffers 1. */
static void rx_header(uint8_t *hdr)
{
    memset(hdr, 0, VIRTIO_NET_HDR_BYTES);
    store_le(hdr + 10, 2, 1);
}

/* Puts one frame into the next receive chain; false when the driver has
 * posted none (the frame is then still the caller's). */
static bool deliver(struct virtio_net *n, const uint8_t *frame, size_t len)
{
    if (!n->rxq || !virtq_pop(n->rxq, &n->rx_chain))
        return false;
    uint32_t written = 0;
    size_t hdr = hdr_len(n->rxq);
    if (n->rx_chain.in_len >= hdr + len) {
        rx_header(n->rx_buf);
        memcpy(n->rx_buf + hdr, frame, len);
        written = (uint32_t)virtq_chain_write(&n->rx_chain, 0, n->rx_buf, hdr + len);
    }
    virtq_push(n->rxq, &n->rx_chain, written);
    return true;
}

static void drain_backlog(struct virtio_net *n)
{
    while (n->backlog_len) {
        struct frame *f = &n->backlog[n->backlog_head];
        if (!deliver(n, f->data, f->len))
            return;
        n->backlog_head = (n->backlog_head + 1) % VIRTIO_NET_BACKLOG;
        n->backlog_len--;
    }
}

bool virtio_net_receive(struct virtio_device *d, const uint8_t *frame, size_t len)
{
    struct virtio_net *n = (struct virtio_net *)d;
    if (len > VIRTIO_NET_MAX_FRAME)
        return false;
    drain_backlog(n); /* older frames first */
    if (!n->backlog_len && deliver(n, frame, len))
        return true;
    if (n->backlog_len == VIRTIO_NET_BACKLOG)
        return false;
    struct frame *f = &n->backlog[(n->backlog_head + n->backlog_len) % VIRTIO_NET_BACKLOG];
    f->len = (uint16_t)len;
    memcpy(f->data, frame, len);
    n->backlog_len++;
    return true;
}

void virtio_net_set_link(struct virtio_device *d, bool up)
{
    struct virtio_net *n = (struct virtio_net *)d;
    store_le(n->config + VIRTIO_NET_CFG_STATUS, 2, up ? VIRTIO_NET_S_LINK_UP : 0);
    /* A driver that runs has kicked its receive queue: tell it through
     * that queue's transport. */
    if (n->rxq && n->rxq->transport && n->rxq->transport->interrupt)
        n->rxq->transport->interrupt(n->rxq->transport, VIRTIO_ISR_CONFIG_CHANGE);
}

static void transmit(struct virtio_net *n, struct virtqueue *q)
{
    while (virtq_pop(q, &n->tx_chain)) {
        uint64_t total = n->tx_chain.out_len;
        size_t hdr = hdr_len(q);
        if (total > hdr && total - hdr <= VIRTIO_NET_MAX_FRAME) {
            size_t len = (size_t)(total - hdr);
            if (virtq_chain_read(&n->tx_chain, hdr, n->tx_buf, len) == len && n->send)
                n->send(n->send_opaque, n->tx_buf, len);
        }
        virtq_push(q, &n->tx_chain, 0);
    }
}

static void net_notify(struct virtio_device *d, struct virtqueue *q)
{
    struct virtio_net *n = (struct virtio_net *)d;
    if (q->index == Q_RX) {
        n->rxq = q;
        drain_backlog(n);
    } else if (q->index == Q_TX) {
        transmit(n, q);
    }
}

/* A device reset forgets the queues (the transport resets them) and the
 * frames waiting for them. */
static void net_reset(struct virtio_device *d)
{
    struct virtio_net *n = (struct virtio_net *)d;
    n->rxq = NULL;
    n->backlog_head = n->backlog_len = 0;
}

struct virtio_device *virtio_net_create(const uint8_t mac[6], virtio_net_send_fn send, void *opaque)
{
    struct virtio_net *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->send = send;
    n->send_opaque = opaque;
    memcpy(n->config + VIRTIO_NET_CFG_MAC, mac, 6);
    store_le(n->config + VIRTIO_NET_CFG_STATUS, 2, VIRTIO_NET_S_LINK_UP);
    n->vdev = (struct virtio_device){
        .device_id = VIRTIO_ID_NET,
        .features =
            VIRTIO_F_BIT(VIRTIO_NET_F_MAC) | VIRTIO_F_BIT(VIRTIO_NET_F_STATUS) | VIRTIO_F_BIT(VIRTIO_F_VERSION_1),
        .num_queues = 2,
        .queue_max = VIRTIO_NET_QUEUE_MAX,
        .config_size = VIRTIO_NET_CFG_BYTES,
        .config = n->config,
        .notify = net_notify,
        .reset = net_reset,
        .opaque = n,
    };
    return &n->vdev;
}

void virtio_net_destroy(struct virtio_device *d) { free(d); }
