/*
 * The frame filter and IPv4 reassembler in front of the user network
 * (contract in net_filter.h). Every length is checked against the bytes
 * actually present before it is used; fragments go into a bounded table.
 */
#include "machine/host/net_filter.h"

#include <stdlib.h>
#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ARP_LEN        28 /* Ethernet/IPv4 ARP (RFC 826) */
#define IPV4_HLEN_MIN  20
#define IPV6_HLEN      40
#define IP_RF          0x8000 /* IPv4 flags: reserved, more fragments */
#define IP_MF          0x2000
#define IP_OFFMASK     0x1fff
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ICMPV6   58
#define FRAG_UNITS     (NET_IP_MAX / 8 + 1) /* 8-byte units of a datagram's payload */
#define FRAG_HEAD_ROOM (NET_ETH_HLEN + 60)  /* Ethernet + the longest IPv4 header, before the payload */

/* One datagram being reassembled. */
struct frag_slot {
    bool used;
    bool dead; /* overlapping or inconsistent: dropped, its later fragments too */
    uint8_t proto;
    uint16_t id;
    uint32_t src, dst;
    uint64_t deadline_ns;
    bool have_first, have_last;
    uint32_t end;                      /* payload length, once the last fragment came */
    uint32_t high;                     /* the furthest payload byte received so far, + 1 */
    uint32_t received;                 /* payload bytes received (never overlapping, so complete at end) */
    uint32_t hlen;                     /* the first fragment's IP header length */
    uint8_t *buf;                      /* FRAG_HEAD_ROOM + NET_IP_MAX bytes: headers, then the payload */
    uint8_t units[FRAG_UNITS / 8 + 1]; /* which 8-byte units of the payload are here */
};

struct net_filter {
    net_filter_out_fn out;
    void *opaque;
    struct net_filter_stats stats;
    struct frag_slot slots[NET_FRAG_SLOTS];
};

static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | be16(p + 2); }
static void put_be16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

uint16_t net_checksum(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += be16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

struct net_filter *net_filter_create(net_filter_out_fn out, void *opaque)
{
    struct net_filter *f = calloc(1, sizeof *f);
    if (f) {
        f->out = out;
        f->opaque = opaque;
    }
    return f;
}

void net_filter_destroy(struct net_filter *f)
{
    if (!f)
        return;
    for (unsigned i = 0; i < NET_FRAG_SLOTS; i++)
        free(f->slots[i].buf);
    free(f);
}

void net_filter_stats(const struct net_filter *f, struct net_filter_stats *s) { *s = f->stats; }

/* The transport header at the start of an IP payload of len bytes, as far
 * as slirp will read it: 1 = fine, 0 = malformed, -1 = a protocol it does
 * not carry. */
static int transport_ok(unsigned proto, bool v6, const uint8_t *q, size_t len)
{
    if (proto == PROTO_TCP)
        return len >= 20 && (size_t)(q[12] >> 4) * 4 >= 20 && (size_t)(q[12] >> 4) * 4 <= len;
    if (proto == PROTO_UDP)
        return len >= 8 && be16(q + 4) >= 8 && be16(q + 4) <= len;
    if (proto == (v6 ? PROTO_ICMPV6 : PROTO_ICMP))
        return len >= 8;
    return -1;
}

/* Hands on a checked frame, or counts why it was dropped. */
static void verdict(struct net_filter *f, int ok, const uint8_t *frame, size_t len, uint64_t *counter)
{
    if (ok > 0) {
        (*counter)++;
        f->out(f->opaque, frame, len);
    } else if (ok < 0) {
        f->stats.unsupported++;
    } else {
        f->stats.malformed++;
    }
}

static void arp_input(struct net_filter *f, const uint8_t *frame, size_t len)
{
    const uint8_t *a = frame + NET_ETH_HLEN;
    bool ok = len >= NET_ETH_HLEN + ARP_LEN && be16(a) == 1 && be16(a + 2) == ETHERTYPE_IPV4 && a[4] == 6 && a[5] == 4;
    verdict(f, ok, frame, len, &f->stats.passed);
}

static void ipv6_input(struct net_filter *f, const uint8_t *frame, size_t len)
{
    const uint8_t *ip = frame + NET_ETH_HLEN;
    size_t room = len - NET_ETH_HLEN;
    if (room < IPV6_HLEN || ip[0] >> 4 != 6 || be16(ip + 4) > room - IPV6_HLEN) {
        f->stats.malformed++;
        return;
    }
    size_t plen = be16(ip + 4);
    int ok = transport_ok(ip[6], true, ip + IPV6_HLEN, plen);
    verdict(f, ok, frame, NET_ETH_HLEN + IPV6_HLEN + plen, &f->stats.passed);
}

static bool unit_seen(const struct frag_slot *s, uint32_t u) { return s->units[u / 8] >> (u % 8) & 1; }

/* The slot for this datagram: its own, a free one, or the one closest to
 * its timeout, given up to make room. Expired slots are freed first. */
static struct frag_slot *frag_slot(struct net_filter *f, uint32_t src, uint32_t dst, uint16_t id, uint8_t proto,
                                   uint64_t now_ns)
{
    struct frag_slot *free_slot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < NET_FRAG_SLOTS; i++) {
        struct frag_slot *s = &f->slots[i];
        if (s->used && s->deadline_ns <= now_ns) {
            if (!s->dead)
                f->stats.frag_dropped++; /* timed out unfinished (a dead one was counted already) */
            s->used = false;
        }
        if (s->used && s->src == src && s->dst == dst && s->id == id && s->proto == proto)
            return s;
        if (!s->used && !free_slot)
            free_slot = s;
        if (s->used && (!oldest || s->deadline_ns < oldest->deadline_ns))
            oldest = s;
    }
    struct frag_slot *s = free_slot ? free_slot : oldest;
    if (!free_slot && !s->dead)
        f->stats.frag_dropped++;
    if (!s->buf && !(s->buf = malloc(FRAG_HEAD_ROOM + NET_IP_MAX)))
        return NULL;
    uint8_t *buf = s->buf;
    memset(s, 0, sizeof *s);
    /* clang-format off */
    *s = (struct frag_slot){ .used = true, .proto = proto, .id = id, .src = src, .dst = dst,
                             .deadline_ns = now_ns + NET_FRAG_TIMEOUT_NS, .buf = buf };
    /* clang-format on */
    return s;
}

/* Gives the datagram up: dropped now, later fragments too until timeout. */
static void frag_kill(struct net_filter *f, struct frag_slot *s)
{
    if (!s->dead)
        f->stats.frag_dropped++;
    s->dead = true;
}

/* The whole datagram: the first fragment's headers with the total length,
 * no fragment fields and a fresh checksum, right before the payload. */
static void frag_complete(struct net_filter *f, struct frag_slot *s)
{
    uint32_t total = s->hlen + s->end;
    s->used = false;
    if (total > NET_IP_MAX) {
        f->stats.frag_dropped++;
        return;
    }
    uint8_t *frame = s->buf + FRAG_HEAD_ROOM - NET_ETH_HLEN - s->hlen;
    uint8_t *ip = frame + NET_ETH_HLEN;
    put_be16(ip + 2, total);
    put_be16(ip + 6, 0);
    put_be16(ip + 10, 0);
    put_be16(ip + 10, net_checksum(ip, s->hlen));
    int ok = transport_ok(s->proto, false, ip + s->hlen, s->end);
    verdict(f, ok, frame, NET_ETH_HLEN + total, &f->stats.reassembled);
}

/* Records bytes [off, off + len) of the datagram; false on an overlap. */
static bool frag_store(struct frag_slot *s, uint32_t off, const uint8_t *data, uint32_t len)
{
    uint32_t first = off / 8, last = (off + len - 1) / 8;
    for (uint32_t u = first; u <= last; u++)
        if (unit_seen(s, u))
            return false;
    for (uint32_t u = first; u <= last; u++)
        s->units[u / 8] |= (uint8_t)(1u << (u % 8));
    memcpy(s->buf + FRAG_HEAD_ROOM + off, data, len);
    s->received += len;
    return true;
}

/* One IPv4 fragment (header checked by ipv4_input): hlen header bytes,
 * len payload bytes at byte offset off. */
static void frag_input(struct net_filter *f, const uint8_t *frame, uint32_t hlen, uint32_t off, uint32_t len, bool more,
                       uint64_t now_ns)
{
    const uint8_t *ip = frame + NET_ETH_HLEN;
    f->stats.fragments++;
    if (ip[9] != PROTO_TCP && ip[9] != PROTO_UDP && ip[9] != PROTO_ICMP) {
        f->stats.unsupported++; /* not worth a slot: it would be dropped whole */
        return;
    }
    /* RFC 791: every fragment but the last carries a multiple of 8 bytes;
     * none is empty; the payload ends inside a datagram. */
    if (len == 0 || (more && len % 8) || off + len > NET_IP_MAX - IPV4_HLEN_MIN) {
        f->stats.malformed++;
        return;
    }
    struct frag_slot *s = frag_slot(f, be32(ip + 12), be32(ip + 16), (uint16_t)be16(ip + 4), ip[9], now_ns);
    if (!s || s->dead) {
        f->stats.frag_dropped += !s; /* no memory for a slot */
        return;
    }
    uint32_t stop = off + len;
    /* The last fragment fixes the length; nothing may lie beyond it. */
    bool bad_end = (!more && s->have_last) || (!more && stop < s->high) || (s->have_last && stop > s->end);
    if (bad_end || !frag_store(s, off, ip + hlen, len)) {
        frag_kill(f, s);
        return;
    }
    if (stop > s->high)
        s->high = stop;
    if (!more) {
        s->have_last = true;
        s->end = stop;
    }
    if (off == 0) {
        s->have_first = true;
        s->hlen = hlen;
        memcpy(s->buf + FRAG_HEAD_ROOM - NET_ETH_HLEN - hlen, frame, NET_ETH_HLEN + hlen);
    }
    if (s->have_first && s->have_last && s->received == s->end)
        frag_complete(f, s);
}

static void ipv4_input(struct net_filter *f, const uint8_t *frame, size_t len, uint64_t now_ns)
{
    const uint8_t *ip = frame + NET_ETH_HLEN;
    size_t room = len - NET_ETH_HLEN;
    if (room < IPV4_HLEN_MIN || ip[0] >> 4 != 4) {
        f->stats.malformed++;
        return;
    }
    uint32_t hlen = (ip[0] & 15) * 4u, total = be16(ip + 2), frag = be16(ip + 6);
    if (hlen < IPV4_HLEN_MIN || total < hlen || total > room || net_checksum(ip, hlen) != 0 || (frag & IP_RF)) {
        f->stats.malformed++;
        return;
    }
    uint32_t off = (frag & IP_OFFMASK) * 8u;
    if (off || (frag & IP_MF)) {
        frag_input(f, frame, hlen, off, total - hlen, (frag & IP_MF) != 0, now_ns);
        return;
    }
    verdict(f, transport_ok(ip[9], false, ip + hlen, total - hlen), frame, NET_ETH_HLEN + total, &f->stats.passed);
}

void net_filter_input(struct net_filter *f, const uint8_t *frame, size_t len, uint64_t now_ns)
{
    if (len < NET_ETH_HLEN) {
        f->stats.malformed++;
        return;
    }
    switch (be16(frame + 12)) {
    case ETHERTYPE_ARP: arp_input(f, frame, len); break;
    case ETHERTYPE_IPV4: ipv4_input(f, frame, len, now_ns); break;
    case ETHERTYPE_IPV6: ipv6_input(f, frame, len); break;
    default: f->stats.unsupported++; break;
    }
}
