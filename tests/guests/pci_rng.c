/*
 * The PCIe host bridge from a bare-metal guest's side (issue 25), as a
 * firmware or kernel meets it: walk bus 0 through ECAM (absent devices
 * read all-ones), size and program the virtio-rng-pci function's 64-bit
 * BAR4, enable memory decoding, find the virtio capabilities, bring the
 * device up through the common config and drive a request to completion,
 * its INTA arriving through the PLIC on the swizzled source
 * (32 + (slot + pin - 1) % 4), with the ISR read clearing it. Then
 * COMMAND's Interrupt Disable: a completion raises no interrupt while
 * STATUS still shows it, and clearing the bit delivers it.
 * The host puts the rng at addr=SLOT (the command line, CMakeLists.txt).
 */
#include "virtio.h"

#define ECAM       0x30000000UL
#define BAR_BASE   0x40100000UL /* in the 32-bit window */
#define CTX_M0     0
#define CFG(d, r)  (ECAM + ((uintptr_t)(d) << 15) + (r))
#define PCI_CMD    0x04
#define PCI_STAT   0x06
#define CMD_MEM    0x2
#define CMD_MASTER 0x4
#define CMD_INTXD  0x400
#define STAT_INTX  0x8

static struct vq_mem vq;
static uint8_t buf[64] __attribute__((aligned(16)));
static volatile unsigned irqs, last_src, isr_seen, status_intx;
static uintptr_t common, notify, isr;
static unsigned notify_mult, dev, want_src;

static uint16_t cfg_r16(unsigned d, unsigned r) { return *(volatile uint16_t *)CFG(d, r); }
static void cfg_w16(unsigned d, unsigned r, uint16_t v) { *(volatile uint16_t *)CFG(d, r) = v; }

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_MEI)) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    uint32_t src = mmio_r32(PLIC_CLAIM(CTX_M0));
    last_src = src;
    status_intx = cfg_r16(dev, PCI_STAT) & STAT_INTX;
    isr_seen = mmio_r8(isr); /* reading it clears it: the line drops */
    irqs++;
    if (src)
        mmio_w32(PLIC_CLAIM(CTX_M0), src);
}

/* Walks bus 0: the bridge at 00:00.0, the rng somewhere; absent slots
 * read all-ones. Returns the rng's device number, or 0. */
static unsigned walk(void)
{
    unsigned found = 0, present = 0;
    for (unsigned d = 0; d < 32; d++) {
        uint32_t id = mmio_r32(CFG(d, 0));
        if (id == 0xffffffffu)
            continue;
        present++;
        puts_uart("pci 00:");
        putdec(d);
        puts_uart(".0 ");
        puthex(id);
        putc_uart('\n');
        if (id == 0x10441af4u)
            found = d;
    }
    CHECK(10, mmio_r32(CFG(0, 0)) == 0x00081b36u);
    CHECK(11, present == 2);
    CHECK(12, mmio_r32(CFG(1, 0) | (1u << 12)) == 0xffffffffu); /* function 1 */
    return found;
}

/* BAR4/5: all-ones, read the mask, 16 KiB, then BAR_BASE; memory on. */
static void program_bar(void)
{
    mmio_w32(CFG(dev, 0x20), 0xffffffffu);
    mmio_w32(CFG(dev, 0x24), 0xffffffffu);
    uint32_t lo = mmio_r32(CFG(dev, 0x20)), hi = mmio_r32(CFG(dev, 0x24));
    CHECK(20, (lo & 0xf) == 0xc); /* 64-bit, prefetchable memory */
    uint64_t mask = ((uint64_t)hi << 32) | (lo & ~0xfu);
    CHECK(21, ~mask + 1 == 0x4000);
    CHECK(22, mmio_r32(CFG(dev, 0x10)) == 0); /* no BAR0 */
    mmio_w32(CFG(dev, 0x20), (uint32_t)BAR_BASE);
    mmio_w32(CFG(dev, 0x24), 0);
    cfg_w16(dev, PCI_CMD, CMD_MEM | CMD_MASTER);
    CHECK(23, cfg_r16(dev, PCI_CMD) == (CMD_MEM | CMD_MASTER));
}

/* The vendor capabilities (virtio 1.2 4.1.4): common, notify, ISR. */
static void find_caps(void)
{
    CHECK(30, cfg_r16(dev, PCI_STAT) & 0x10);
    for (unsigned at = mmio_r8(CFG(dev, 0x34)), n = 0; at && n < 16; at = mmio_r8(CFG(dev, at + 1)), n++) {
        if (mmio_r8(CFG(dev, at)) != 0x09)
            continue;
        unsigned type = mmio_r8(CFG(dev, at + 3)), bar = mmio_r8(CFG(dev, at + 4));
        uintptr_t where = BAR_BASE + mmio_r32(CFG(dev, at + 8));
        if (type == 5 || bar != 4)
            continue;
        if (type == 1)
            common = where;
        else if (type == 3)
            isr = where;
        else if (type == 2) {
            notify = where;
            notify_mult = mmio_r32(CFG(dev, at + 16));
        }
    }
    CHECK(31, common && notify && isr);
}

static void w64_halves(uintptr_t a, uint64_t v)
{
    mmio_w32(a, (uint32_t)v);
    mmio_w32(a + 4, (uint32_t)(v >> 32));
}

static void bring_up(void)
{
    mmio_w8(common + 0x14, 0);
    CHECK(40, mmio_r8(common + 0x14) == 0);
    mmio_w8(common + 0x14, VS_ACKNOWLEDGE | VS_DRIVER);
    mmio_w32(common + 0x00, 1);
    CHECK(41, mmio_r32(common + 0x04) & 1); /* VERSION_1 offered */
    mmio_w32(common + 0x08, 1);
    mmio_w32(common + 0x0c, 1);
    mmio_w8(common + 0x14, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK);
    CHECK(42, mmio_r8(common + 0x14) & VS_FEATURES_OK);
    CHECK(43, *(volatile uint16_t *)(common + 0x12) == 1); /* num_queues */
    *(volatile uint16_t *)(common + 0x16) = 0;
    CHECK(44, *(volatile uint16_t *)(common + 0x18) >= VQ_SIZE);
    *(volatile uint16_t *)(common + 0x18) = VQ_SIZE;
    w64_halves(common + 0x20, (uintptr_t)&vq.desc);
    w64_halves(common + 0x28, (uintptr_t)&vq.avail);
    w64_halves(common + 0x30, (uintptr_t)&vq.used);
    *(volatile uint16_t *)(common + 0x1c) = 1;
    mmio_w8(common + 0x14, VS_ACKNOWLEDGE | VS_DRIVER | VS_FEATURES_OK | VS_DRIVER_OK);
}

/* Offers buf[off, off + 16) and waits for the used ring (about 1 s). */
static int request(unsigned off)
{
    uint16_t i = vq.avail.idx;
    vq.desc[i % VQ_SIZE] = (struct vq_desc){ (uintptr_t)(buf + off), 16, VRING_DESC_F_WRITE, 0 };
    vq.avail.ring[i % VQ_SIZE] = i % VQ_SIZE;
    fence();
    vq.avail.idx = i + 1;
    fence();
    unsigned qoff = *(volatile uint16_t *)(common + 0x1e);
    *(volatile uint16_t *)(notify + qoff * notify_mult) = 0;
    uint64_t end = mmio_r64(CLINT_MTIME) + TIMEBASE_HZ;
    while (*(volatile uint16_t *)&vq.used.idx != (uint16_t)(i + 1))
        if (mmio_r64(CLINT_MTIME) > end)
            return 0;
    fence();
    return 1;
}

/* Waits (wfi, MIE off around the check) for the interrupt count to reach n. */
static int wait_irq(unsigned n)
{
    uint64_t end = mmio_r64(CLINT_MTIME) + TIMEBASE_HZ;
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    while (irqs < n && mmio_r64(CLINT_MTIME) <= end) {
        wfi();
        CSR_SET(mstatus, MSTATUS_MIE);
        CSR_CLEAR(mstatus, MSTATUS_MIE);
    }
    CSR_SET(mstatus, MSTATUS_MIE);
    return irqs >= n;
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    dev = walk();
    CHECK(1, dev == SLOT);
    CHECK(2, mmio_r8(CFG(dev, 0x3d)) == 1); /* INTA */
    want_src = 32 + (dev + 1 - 1) % 4;
    *(volatile uint8_t *)CFG(dev, 0x3c) = (uint8_t)want_src; /* Interrupt Line, as firmware writes it */
    CHECK(3, mmio_r8(CFG(dev, 0x3c)) == want_src);
    program_bar();
    find_caps();
    bring_up();
    mmio_w32(PLIC_PRIORITY(want_src), 1);
    mmio_w32(PLIC_ENABLE(CTX_M0, want_src), 1u << (want_src % 32));
    mmio_w32(PLIC_THRESHOLD(CTX_M0), 0);
    CSR_SET(mie, 1UL << IRQ_MEI);
    CSR_SET(mstatus, MSTATUS_MIE);

    CHECK(50, request(0));
    CHECK(51, vq.used.ring[0].len == 16);
    CHECK(52, wait_irq(1));
    CHECK(53, last_src == want_src && status_intx && (isr_seen & 1));
    CHECK(54, !(cfg_r16(dev, PCI_STAT) & STAT_INTX)); /* the ISR read cleared it */
    unsigned zero = 0;
    for (unsigned i = 0; i < 16; i++)
        zero += buf[i] == 0;
    CHECK(55, zero < 4);

    /* Interrupt Disable: the completion shows in STATUS, not on the line. */
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    cfg_w16(dev, PCI_CMD, CMD_MEM | CMD_MASTER | CMD_INTXD);
    CHECK(60, request(16));
    CHECK(61, cfg_r16(dev, PCI_STAT) & STAT_INTX);
    CHECK(62, !(mmio_r32(PLIC_PENDING(want_src)) & (1u << (want_src % 32))));
    CHECK(63, irqs == 1);
    cfg_w16(dev, PCI_CMD, CMD_MEM | CMD_MASTER);
    CHECK(64, wait_irq(2));
    CHECK(65, last_src == want_src && (isr_seen & 1));

    /* Memory decoding off: BAR4 reads all-ones (no device answers). */
    cfg_w16(dev, PCI_CMD, 0);
    CHECK(70, mmio_r32(common) == 0xffffffffu);
    puts_uart("pci ok, rng at 00:");
    putdec(dev);
    puts_uart(".0, INTA on PLIC source ");
    putdec(want_src);
    putc_uart('\n');
    guest_exit(0);
    return 0;
}
