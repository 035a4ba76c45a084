/*
 * The guest's frames on their way to the user network: a filter between
 * virtio-net and libslirp (issue 16). libslirp parses whatever it is given
 * with code from 1990s BSD, and one guest frame (a lone IPv4 fragment with
 * a non-zero offset) crashed it; rivet therefore hands it only frames it
 * has checked itself, and never a fragment.
 *
 * What passes (everything else is dropped and counted, never logged):
 * - ARP for IPv4 over Ethernet (hardware type 1, protocol 0x0800, address
 *   lengths 6 and 4), at least 28 bytes after the Ethernet header.
 * - IPv4: version 4, header length 20..60 bytes within the total length,
 *   the total length within the frame (Ethernet padding is cut off), a
 *   valid header checksum, the reserved flag clear, and a TCP (20 bytes or
 *   more, data offset inside the datagram), UDP (8 or more, its length
 *   field inside the datagram) or ICMP (8 or more) payload.
 * - IPv6 with the same TCP / UDP / ICMPv6 checks on the payload right
 *   after the fixed header (no extension headers, so no IPv6 fragments:
 *   slirp carries none of those).
 * - IPv4 fragments are reassembled here and only a whole datagram (offset
 *   0, MF clear, checksum recomputed) goes on, passing the checks above.
 *   Bounded: NET_FRAG_SLOTS datagrams at a time (the oldest is dropped to
 *   make room), each at most 65535 bytes, each dropped NET_FRAG_TIMEOUT_NS
 *   after its first fragment. RFC 791's rules (fragments other than the
 *   last carry a multiple of 8 bytes; the last fixes the length) and RFC
 *   5722's: a fragment that overlaps data already received, or
 *   contradicts the datagram's length, drops the whole datagram, and
 *   every later fragment of it until its timeout.
 *
 * Memory: the filter itself, plus up to NET_FRAG_SLOTS buffers of 64 KiB
 * allocated when first needed and kept until net_filter_destroy.
 * Threading: one thread at a time (the emulation thread, or a fuzz target).
 */
#ifndef RIVET_NET_FILTER_H
#define RIVET_NET_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_FRAG_SLOTS       8
#define NET_FRAG_TIMEOUT_NS  (30ull * 1000000000ull) /* Linux's ipfrag_time; RFC 791 asks 15 s at least */
#define NET_ETH_HLEN         14
#define NET_IP_MAX           65535                       /* an IPv4 datagram, header included */
#define NET_FILTER_FRAME_MAX (NET_ETH_HLEN + NET_IP_MAX) /* the longest frame out() may get */

struct net_filter_stats {
    uint64_t passed;       /* frames handed on as they came */
    uint64_t malformed;    /* dropped: lengths, header fields or checksum wrong */
    uint64_t unsupported;  /* dropped: a protocol the user network does not carry */
    uint64_t fragments;    /* IPv4 fragments taken in */
    uint64_t reassembled;  /* datagrams rebuilt from fragments and handed on */
    uint64_t frag_dropped; /* datagrams given up: overlap, bad length, timeout, no room */
};

typedef void (*net_filter_out_fn)(void *opaque, const uint8_t *frame, size_t len);

struct net_filter;

/* NULL when out of memory. out() gets every frame that passes. */
struct net_filter *net_filter_create(net_filter_out_fn out, void *opaque);
void net_filter_destroy(struct net_filter *f); /* NULL is accepted */

/* A frame from the guest (from its Ethernet header on) at now_ns, a
 * monotonic clock in nanoseconds: checked, then handed to out() (itself or
 * the datagram it completes) or dropped. */
void net_filter_input(struct net_filter *f, const uint8_t *frame, size_t len, uint64_t now_ns);

void net_filter_stats(const struct net_filter *f, struct net_filter_stats *s);

/* The Internet checksum (RFC 1071) of len bytes: 0 for a valid header. */
uint16_t net_checksum(const uint8_t *p, size_t len);

#endif
