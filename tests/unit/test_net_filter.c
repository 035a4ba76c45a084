/* The frame filter in front of libslirp (machine/host/net_filter.h): what
 * passes, what is dropped, and IPv4 reassembly with its bounds. Frames are
 * built here by hand; out() records what the filter hands on. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/host/net_filter.h"

#define SEC 1000000000ull

static struct {
    unsigned count;
    size_t len;
    uint8_t frame[NET_FILTER_FRAME_MAX];
} got;

static void out(void *opaque, const uint8_t *frame, size_t len)
{
    got.count++;
    got.len = len;
    memcpy(got.frame, frame, len);
}

static struct net_filter *f;
static uint8_t frame[2048];

static void setup(void)
{
    memset(&got, 0, sizeof got);
    f = net_filter_create(out, NULL);
    ck_assert_ptr_nonnull(f);
}

static void teardown(void) { net_filter_destroy(f); }

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

static struct net_filter_stats stats(void)
{
    struct net_filter_stats s;
    net_filter_stats(f, &s);
    return s;
}

/* An IPv4 frame carrying proto with payload[0, len) at fragment offset off
 * (bytes) and the MF flag; returns the frame length. */
static size_t ipv4(unsigned proto, uint16_t id, unsigned off, bool more, const uint8_t *payload, unsigned len)
{
    memset(frame, 0, 14 + 20);
    put16(frame + 12, 0x0800);
    uint8_t *ip = frame + 14;
    ip[0] = 0x45;
    put16(ip + 2, 20 + len);
    put16(ip + 4, id);
    put16(ip + 6, (more ? 0x2000 : 0) | off / 8);
    ip[8] = 64;
    ip[9] = (uint8_t)proto;
    ip[12] = 10, ip[15] = 15, ip[16] = 10, ip[19] = 2;
    put16(ip + 10, net_checksum(ip, 20));
    memcpy(ip + 20, payload, len);
    return 14 + 20 + len;
}

static uint8_t icmp[256];

static void make_icmp(unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        icmp[i] = (uint8_t)(i * 7 + 1);
    icmp[0] = 8;
}

/* Issue 16's frame: an IPv4 fragment at offset 0x800 with MF clear and no
 * fragment before it. It must never reach slirp. */
START_TEST(issue16_frame_is_held_then_dropped)
{
    static const uint8_t issue[] = {
        0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28,
        0x12, 0x34, 0x00, 0x01, 0x40, 0x11, 0x50, 0x80, 0x0a, 0x00, 0x02, 0x0f, 0x0a, 0x00, 0x02, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    net_filter_input(f, issue, sizeof issue, 0);
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(stats().fragments, 1);
    /* Its datagram never completes; after the timeout its slot is given up. */
    make_icmp(8);
    net_filter_input(f, frame, ipv4(1, 7, 0, true, icmp, 8), NET_FRAG_TIMEOUT_NS + 1);
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(stats().frag_dropped, 1);
}
END_TEST

START_TEST(whole_datagrams_pass)
{
    make_icmp(64);
    net_filter_input(f, frame, ipv4(1, 1, 0, false, icmp, 64), 0);
    ck_assert_uint_eq(got.count, 1);
    ck_assert_uint_eq(got.len, 14 + 20 + 64);
    /* Ethernet padding after the datagram is cut off. */
    size_t n = ipv4(1, 2, 0, false, icmp, 8);
    memset(frame + n, 0xee, 10);
    net_filter_input(f, frame, n + 10, 0);
    ck_assert_uint_eq(got.count, 2);
    ck_assert_uint_eq(got.len, n);
    /* ARP request. */
    memset(frame, 0, 64);
    put16(frame + 12, 0x0806);
    put16(frame + 14, 1), put16(frame + 16, 0x0800), frame[18] = 6, frame[19] = 4, put16(frame + 20, 1);
    net_filter_input(f, frame, 14 + 28, 0);
    ck_assert_uint_eq(got.count, 3);
    ck_assert_uint_eq(stats().passed, 3);
}
END_TEST

START_TEST(malformed_dropped)
{
    make_icmp(64);
    size_t n = ipv4(1, 1, 0, false, icmp, 64);
    net_filter_input(f, frame, 13, 0);      /* no Ethernet header */
    net_filter_input(f, frame, 14 + 19, 0); /* IPv4 header cut */
    net_filter_input(f, frame, n - 1, 0);   /* total length beyond the frame */
    frame[14 + 10] ^= 1;                    /* bad checksum */
    net_filter_input(f, frame, n, 0);
    ipv4(1, 1, 0, false, icmp, 64);
    frame[14] = 0x44; /* header length 16 */
    put16(frame + 14 + 10, 0), put16(frame + 14 + 10, net_checksum(frame + 14, 16));
    net_filter_input(f, frame, n, 0);
    net_filter_input(f, frame, ipv4(6, 1, 0, false, icmp, 19), 0); /* TCP shorter than its header */
    icmp[12] = 0xf0;                                               /* data offset 60 in 40 bytes */
    net_filter_input(f, frame, ipv4(6, 1, 0, false, icmp, 40), 0);
    make_icmp(16);
    put16(icmp + 4, 17); /* UDP length beyond the datagram */
    net_filter_input(f, frame, ipv4(17, 1, 0, false, icmp, 16), 0);
    n = ipv4(1, 1, 0, false, icmp, 16);
    frame[14 + 6] |= 0x80; /* reserved flag */
    put16(frame + 14 + 10, 0), put16(frame + 14 + 10, net_checksum(frame + 14, 20));
    net_filter_input(f, frame, n, 0);
    memset(frame, 0, 64); /* ARP for another protocol */
    put16(frame + 12, 0x0806), put16(frame + 14, 1), put16(frame + 16, 0x86dd), frame[18] = 6, frame[19] = 4;
    net_filter_input(f, frame, 14 + 28, 0);
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(stats().malformed, 10);
    put16(frame + 12, 0x8100); /* VLAN: not carried */
    net_filter_input(f, frame, 64, 0);
    net_filter_input(f, frame, ipv4(47, 1, 0, false, icmp, 16), 0); /* GRE */
    ck_assert_uint_eq(stats().unsupported, 2);
    ck_assert_uint_eq(got.count, 0);
}
END_TEST

/* Two fragments in either order give one datagram: offset 0, MF clear,
 * the total length and a valid checksum, the payload in order. */
START_TEST(fragments_reassembled)
{
    make_icmp(200);
    for (int order = 0; order < 2; order++) {
        got.count = 0;
        uint16_t id = (uint16_t)(100 + order);
        if (order == 0)
            net_filter_input(f, frame, ipv4(1, id, 0, true, icmp, 96), 0);
        net_filter_input(f, frame, ipv4(1, id, 96, false, icmp + 96, 104), 0);
        if (order == 1)
            net_filter_input(f, frame, ipv4(1, id, 0, true, icmp, 96), 0);
        ck_assert_uint_eq(got.count, 1);
        ck_assert_uint_eq(got.len, 14 + 20 + 200);
        const uint8_t *ip = got.frame + 14;
        ck_assert_uint_eq((unsigned)(ip[2] << 8 | ip[3]), 220);
        ck_assert_uint_eq((unsigned)(ip[6] << 8 | ip[7]), 0);
        ck_assert_uint_eq(net_checksum(ip, 20), 0);
        ck_assert_mem_eq(ip + 20, icmp, 200);
    }
    ck_assert_uint_eq(stats().reassembled, 2);
}
END_TEST

/* RFC 5722: an overlap drops the whole datagram and its later fragments. */
START_TEST(overlap_drops_datagram)
{
    make_icmp(200);
    net_filter_input(f, frame, ipv4(1, 9, 0, true, icmp, 96), 0);
    net_filter_input(f, frame, ipv4(1, 9, 88, true, icmp + 88, 16), 0); /* overlaps 88..95 */
    net_filter_input(f, frame, ipv4(1, 9, 96, false, icmp + 96, 104), 0);
    net_filter_input(f, frame, ipv4(1, 9, 0, true, icmp, 96), 0);
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(stats().frag_dropped, 1);
    /* The same fragment twice is an overlap too. */
    net_filter_input(f, frame, ipv4(1, 10, 0, true, icmp, 8), 0);
    net_filter_input(f, frame, ipv4(1, 10, 0, true, icmp, 8), 0);
    net_filter_input(f, frame, ipv4(1, 10, 8, false, icmp + 8, 8), 0);
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(stats().frag_dropped, 2);
}
END_TEST

/* Lengths: a middle fragment not a multiple of 8, data beyond the last
 * fragment, two different ends, or a datagram over 65535 bytes. */
START_TEST(inconsistent_lengths)
{
    make_icmp(200);
    net_filter_input(f, frame, ipv4(1, 20, 0, true, icmp, 12), 0);
    ck_assert_uint_eq(stats().malformed, 1);
    net_filter_input(f, frame, ipv4(1, 21, 16, false, icmp, 8), 0);
    net_filter_input(f, frame, ipv4(1, 21, 32, true, icmp, 8), 0); /* beyond the end at 24 */
    net_filter_input(f, frame, ipv4(1, 22, 40, false, icmp, 8), 0);
    net_filter_input(f, frame, ipv4(1, 22, 16, false, icmp, 8), 0); /* a second, different end */
    net_filter_input(f, frame, ipv4(1, 23, 64, true, icmp, 8), 0);
    net_filter_input(f, frame, ipv4(1, 23, 16, false, icmp, 8), 0);    /* ends before data already seen */
    net_filter_input(f, frame, ipv4(1, 24, 65512, false, icmp, 8), 0); /* past 65535 */
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(stats().frag_dropped, 3);
    ck_assert_uint_eq(stats().malformed, 2);
}
END_TEST

/* At most NET_FRAG_SLOTS datagrams wait: one more gives up the oldest. */
START_TEST(slots_are_bounded)
{
    make_icmp(16);
    for (unsigned i = 0; i <= NET_FRAG_SLOTS; i++)
        net_filter_input(f, frame, ipv4(1, (uint16_t)(300 + i), 0, true, icmp, 8), i);
    ck_assert_uint_eq(stats().frag_dropped, 1);
    net_filter_input(f, frame, ipv4(1, 301, 8, false, icmp + 8, 8), 100); /* this one still waited */
    ck_assert_uint_eq(got.count, 1);
    ck_assert_uint_eq(got.len, 14 + 20 + 16);
    net_filter_input(f, frame, ipv4(1, 300, 8, false, icmp + 8, 8), 100); /* its first half was given up */
    ck_assert_uint_eq(got.count, 1);
}
END_TEST

START_TEST(ipv6_checked)
{
    memset(frame, 0, 128);
    put16(frame + 12, 0x86dd);
    uint8_t *ip = frame + 14;
    ip[0] = 0x60;
    put16(ip + 4, 8);
    ip[6] = 58; /* ICMPv6 */
    net_filter_input(f, frame, 14 + 40 + 8, 0);
    ck_assert_uint_eq(got.count, 1);
    net_filter_input(f, frame, 14 + 40 + 7, 0); /* payload length beyond the frame */
    ip[6] = 44;                                 /* a fragment header: not carried */
    net_filter_input(f, frame, 14 + 40 + 8, 0);
    ck_assert_uint_eq(got.count, 1);
    ck_assert_uint_eq(stats().malformed, 1);
    ck_assert_uint_eq(stats().unsupported, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_filter");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, issue16_frame_is_held_then_dropped);
    tcase_add_test(tc, whole_datagrams_pass);
    tcase_add_test(tc, malformed_dropped);
    tcase_add_test(tc, fragments_reassembled);
    tcase_add_test(tc, overlap_drops_datagram);
    tcase_add_test(tc, inconsistent_lengths);
    tcase_add_test(tc, slots_are_bounded);
    tcase_add_test(tc, ipv6_checked);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
