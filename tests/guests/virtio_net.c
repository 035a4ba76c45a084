/*
 * virtio-net from the guest's side, on -nic user (slirp: gateway 10.0.2.2,
 * MAC 52:55:0a:00:02:02; the guest is 10.0.2.15, MAC 52:54:00:12:34:56).
 * Brings the card up with no feature but VERSION_1, posts receive
 * buffers, then:
 *   1. sends the frame of issue 16: a lone IPv4 fragment with offset 0x800
 *      and MF clear, which crashed libslirp (and rivet with it);
 *   2. asks for 10.0.2.2 by ARP and must get the answer (the network is
 *      alive after that frame);
 *   3. pings 10.0.2.2 with an echo request cut into two IPv4 fragments and
 *      must get the echo reply (rivet reassembles, slirp answers);
 *   4. pings with three fragments of which two overlap: no reply may come
 *      (RFC 5722: the whole datagram is dropped);
 *   5. pings once more in one frame: the reply comes.
 * Built with -DARP_LOOP instead it loops for ever: an ARP request, then
 * "arp ok" or "arp none" on the console, every 100 ms (the helper restart
 * test kills the network's helper process under it).
 */
#include "virtio.h"

/* virtio_net_hdr: 12 bytes with VERSION_1 (num_buffers included), 10 on
 * the legacy transport without MRG_RXBUF (virtio 1.2 5.1.6.1). */
/* clang-format off */
#define HDR       (dev.version == 2 ? 12u : 10u)
#define BUF_SIZE  2048
#define RX_QUEUE  0
#define TX_QUEUE  1
#define ETH_HLEN  14
#define MS        (TIMEBASE_HZ / 1000)
/* clang-format on */

static struct vq_mem rxq, txq;
static struct vblk dev;
static uint8_t rxbuf[VQ_SIZE][BUF_SIZE] __attribute__((aligned(16)));
static uint8_t txbuf[BUF_SIZE] __attribute__((aligned(16)));
static uint16_t rx_seen, tx_seen, tx_avail;

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t gw_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t guest_ip[4] = { 10, 0, 2, 15 }, gw_ip[4] = { 10, 0, 2, 2 };

/* Issue 16's frame, from the Ethernet header on. */
static const char crash_hex[] = "52550a00020252540012345608004500002812340001401150800a00020f0a00020200000000000000"
                                "00000000000000000000000000000000";

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    puts_uart("unexpected mcause ");
    puthex(cause);
    putc_uart('\n');
    guest_exit(99);
}

static uint64_t now(void) { return mmio_r64(CLINT_MTIME); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint16_t csum(const uint8_t *p, unsigned len)
{
    uint32_t s = 0;
    for (unsigned i = 0; i + 1 < len; i += 2)
        s += get16(p + i);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void post_rx(unsigned i)
{
    rxq.desc[i] = (struct vq_desc){ (uint64_t)(uintptr_t)rxbuf[i], BUF_SIZE, VRING_DESC_F_WRITE, 0 };
    rxq.avail.ring[rxq.avail.idx % VQ_SIZE] = (uint16_t)i;
    fence();
    rxq.avail.idx++;
    fence();
}

/* Sends txbuf[0, HDR + len) and waits for the card to take it. */
static void send_frame(unsigned len)
{
    for (unsigned i = 0; i < HDR; i++)
        txbuf[i] = 0;
    txq.desc[0] = (struct vq_desc){ (uint64_t)(uintptr_t)txbuf, HDR + len, 0, 0 };
    txq.avail.ring[tx_avail % VQ_SIZE] = 0;
    fence();
    txq.avail.idx = ++tx_avail;
    fence();
    vreg_w(&dev, VIRTIO_QUEUE_NOTIFY, TX_QUEUE);
    uint64_t end = now() + 1000 * MS;
    while (*(volatile uint16_t *)&txq.used.idx == tx_seen)
        CHECK(20, now() < end);
    tx_seen++;
}

/* The next received frame (Ethernet header on) within ms milliseconds, or
 * NULL; its buffer goes back to the card on the next call. */
static const uint8_t *recv_frame(uint64_t ms, unsigned *len)
{
    static int held = -1;
    if (held >= 0) {
        post_rx((unsigned)held);
        vreg_w(&dev, VIRTIO_QUEUE_NOTIFY, RX_QUEUE);
        held = -1;
    }
    uint64_t end = now() + ms * MS;
    while (*(volatile uint16_t *)&rxq.used.idx == rx_seen)
        if (now() > end)
            return NULL;
    fence();
    struct vq_used_elem e = rxq.used.ring[rx_seen % VQ_SIZE];
    rx_seen++;
    CHECK(21, e.id < VQ_SIZE && e.len >= HDR + ETH_HLEN && e.len <= BUF_SIZE);
    held = (int)e.id;
    *len = e.len - HDR;
    return rxbuf[e.id] + HDR;
}

static uint8_t *eth(uint16_t type, const uint8_t *dst)
{
    uint8_t *f = txbuf + HDR;
    memcpy(f, dst, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, type);
    return f + ETH_HLEN;
}

static void send_arp_request(void)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t *a = eth(0x0806, bcast);
    put16(a, 1), put16(a + 2, 0x0800), a[4] = 6, a[5] = 4, put16(a + 6, 1);
    memcpy(a + 8, guest_mac, 6), memcpy(a + 14, guest_ip, 4);
    memset(a + 18, 0, 6), memcpy(a + 24, gw_ip, 4);
    send_frame(ETH_HLEN + 28);
}

/* An ARP reply from the gateway within ms, other frames skipped. */
static int arp_answered(uint64_t ms)
{
    unsigned len;
    const uint8_t *f;
    while ((f = recv_frame(ms, &len)) != NULL)
        if (len >= ETH_HLEN + 28 && get16(f + 12) == 0x0806 && get16(f + 20) == 2 && memcmp(f + 22, gw_mac, 6) == 0 &&
            memcmp(f + 28, gw_ip, 4) == 0)
            return 1;
    return 0;
}

/* An IPv4 fragment of an ICMP message to the gateway: data[0, len) at byte
 * offset off of the datagram's payload. */
static void send_fragment(uint16_t id, const uint8_t *data, unsigned off, unsigned len, int more)
{
    uint8_t *ip = eth(0x0800, gw_mac);
    memset(ip, 0, 20);
    ip[0] = 0x45, put16(ip + 2, (uint16_t)(20 + len)), put16(ip + 4, id);
    put16(ip + 6, (uint16_t)((more ? 0x2000 : 0) | off / 8));
    ip[8] = 64, ip[9] = 1;
    memcpy(ip + 12, guest_ip, 4), memcpy(ip + 16, gw_ip, 4);
    put16(ip + 10, csum(ip, 20));
    memcpy(ip + 20, data, len);
    send_frame(ETH_HLEN + 20 + len);
}

/* An echo request of 8 + 56 bytes with this id (the sequence number too). */
static void make_echo(uint8_t *icmp, uint16_t id)
{
    memset(icmp, 0, 64);
    icmp[0] = 8;
    put16(icmp + 4, id), put16(icmp + 6, id);
    for (unsigned i = 8; i < 64; i++)
        icmp[i] = (uint8_t)(i * 3 + id);
    put16(icmp + 2, csum(icmp, 64));
}

/* The echo reply to `id` within ms, with the request's 56 bytes of data. */
static int echo_answered(uint16_t id, uint64_t ms)
{
    unsigned len;
    const uint8_t *f;
    while ((f = recv_frame(ms, &len)) != NULL) {
        const uint8_t *ip = f + ETH_HLEN, *icmp = ip + 20;
        if (len < ETH_HLEN + 20 + 64 || get16(f + 12) != 0x0800 || ip[9] != 1 || icmp[0] != 0 || get16(icmp + 4) != id)
            continue;
        for (unsigned i = 8; i < 64; i++)
            CHECK(22, icmp[i] == (uint8_t)(i * 3 + id));
        return 1;
    }
    return 0;
}

static void bring_up(void)
{
    static struct vq_mem *const queues[2] = { &rxq, &txq };
    CHECK(1, virtio_find(&dev, VIRTIO_ID_NET) >= 0);
    CHECK(2, virtio_init_queues(&dev, queues, 2) == 0);
    for (unsigned i = 0; i < VQ_SIZE; i++)
        post_rx(i);
    vreg_w(&dev, VIRTIO_QUEUE_NOTIFY, RX_QUEUE);
}

#ifdef ARP_LOOP
static void arp_loop(void)
{
    for (;;) {
        send_arp_request();
        puts_uart(arp_answered(300) ? "arp ok\n" : "arp none\n");
        uint64_t end = now() + 100 * MS;
        while (now() < end)
            ;
    }
}
#endif

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    bring_up();
#ifdef ARP_LOOP
    arp_loop();
#endif
#ifndef NO_RIVET_ONLY /* -DNO_RIVET_ONLY: the steps QEMU 7.2 passes too (it crashes on 1, trims overlaps in 4) */
    unsigned n = 0;
    for (const char *h = crash_hex; h[0] && h[1]; h += 2, n++) {
        int hi = h[0] <= '9' ? h[0] - '0' : h[0] - 'a' + 10, lo = h[1] <= '9' ? h[1] - '0' : h[1] - 'a' + 10;
        txbuf[HDR + n] = (uint8_t)(hi << 4 | lo);
    }
    puts_uart("sending the issue 16 frame\n");
    send_frame(n);
    puts_uart("issue 16 frame sent\n");
#endif
    send_arp_request();
    CHECK(3, arp_answered(2000));
    puts_uart("arp ok\n");
    uint8_t icmp[64];
    make_echo(icmp, 0x101);
    send_fragment(0x4242, icmp, 0, 32, 1);
    send_fragment(0x4242, icmp + 32, 32, 32, 0);
    CHECK(4, echo_answered(0x101, 2000));
    puts_uart("fragments ok\n");
#ifndef NO_RIVET_ONLY
    make_echo(icmp, 0x102);
    send_fragment(0x4343, icmp, 0, 24, 1);
    send_fragment(0x4343, icmp + 16, 16, 24, 1); /* overlaps bytes 16..23 */
    send_fragment(0x4343, icmp + 40, 40, 24, 0);
    CHECK(5, !echo_answered(0x102, 500));
    puts_uart("overlap dropped\n");
#endif
    make_echo(icmp, 0x103);
    send_fragment(0x4444, icmp, 0, 64, 0);
    CHECK(6, echo_answered(0x103, 2000));
    puts_uart("virtio-net ok\n");
    guest_exit(0);
    return 0;
}
