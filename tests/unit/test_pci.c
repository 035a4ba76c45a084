/* The PCIe host bridge and virtio-pci (devices/pci.h, virtio_pci.h):
 * config-space semantics through ECAM (absent functions, read-only fields,
 * BAR sizing masks, COMMAND), BAR decoding in the windows, the capability
 * list, a virtio-rng request driven to completion through BAR4, and INTx
 * (swizzle, Interrupt Disable, Status, wire-OR, ISR read-to-clear). */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "devices/virtio_pci.h"
#include "devices/virtio_rng.h"
#include "rivet/snapstream.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (1u << 20)
#define MMIO_WIN UINT64_C(0x40000000)
#define BAR_AT   UINT64_C(0x40010000)
#define QDESC    (RAM_BASE + 0x1000)
#define QAVAIL   (RAM_BASE + 0x2000)
#define QUSED    (RAM_BASE + 0x3000)
#define BUF      (RAM_BASE + 0x10000)
#define QSIZE    8

struct fix {
    struct bus bus;
    struct pci_host *h;
    struct virtio_device *rng[2];
    struct virtio_pci *t[2];
    pthread_mutex_t lock[3];
    struct mmio_region win;
    bool level[4];
    uint8_t next;
};
static struct fix F;

static void line_cb(void *ctrl, unsigned src, bool level) { F.level[src] = level; }
static size_t fill(void *opaque, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = F.next++;
    return n;
}

static uint64_t ecam(unsigned dev, unsigned reg) { return ((uint64_t)dev << 15) | reg; }
static uint32_t cr(unsigned dev, unsigned reg, unsigned size)
{
    uint64_t v = 0;
    ck_assert_int_eq(pci_ecam_read(F.h, ecam(dev, reg), size, &v), BUS_OK);
    return (uint32_t)v;
}
static void cw(unsigned dev, unsigned reg, unsigned size, uint32_t v)
{
    ck_assert_int_eq(pci_ecam_write(F.h, ecam(dev, reg), size, v), BUS_OK);
}
static uint64_t br(uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    ck_assert_int_eq(pci_window_read(F.win.opaque, addr - MMIO_WIN, size, &v), BUS_OK);
    return v;
}
static void bw(uint64_t addr, unsigned size, uint64_t v)
{
    ck_assert_int_eq(pci_window_write(F.win.opaque, addr - MMIO_WIN, size, v), BUS_OK);
}
static uint8_t *ram(uint64_t pa) { return bus_ram_ptr(&F.bus, pa, 1); }
static void put(uint64_t pa, unsigned size, uint64_t v) { store_le(ram(pa), size, v); }
static uint64_t get(uint64_t pa, unsigned size) { return load_le(ram(pa), size); }

static void setup(void)
{
    memset(&F, 0, sizeof F);
    ck_assert(bus_init(&F.bus, RAM_BASE, RAM_SIZE));
    struct irq_line lines[4];
    for (unsigned i = 0; i < 4; i++)
        lines[i] = (struct irq_line){ line_cb, &F, i };
    for (unsigned i = 0; i < 3; i++)
        pthread_mutex_init(&F.lock[i], NULL);
    F.h = pci_host_create(lines, &F.lock[0]);
    ck_assert_ptr_nonnull(F.h);
    static const unsigned devno[2] = { 1, 5 }; /* both on line 1 after the swizzle */
    for (unsigned i = 0; i < 2; i++) {
        F.rng[i] = virtio_rng_create(fill, &F);
        F.t[i] = virtio_pci_create(&F.bus, F.rng[i]);
        ck_assert(pci_host_attach(F.h, devno[i], virtio_pci_function(F.t[i]), &F.lock[1 + i]));
    }
    F.win = pci_host_window_region(F.h, PCI_WIN_MMIO, MMIO_WIN, 0x40000000);
}

static void teardown(void)
{
    for (unsigned i = 0; i < 2; i++) {
        virtio_pci_destroy(F.t[i]);
        virtio_rng_destroy(F.rng[i]);
    }
    pci_host_destroy(F.h);
    for (unsigned i = 0; i < 3; i++)
        pthread_mutex_destroy(&F.lock[i]);
    bus_destroy(&F.bus);
}

/* BAR4 of device dev at addr, memory decoding on. */
static void map_bar(unsigned dev, uint64_t addr)
{
    cw(dev, PCI_BAR0 + 16, 4, (uint32_t)addr);
    cw(dev, PCI_BAR0 + 20, 4, (uint32_t)(addr >> 32));
    cw(dev, PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_MASTER);
}

START_TEST(absent_functions_read_all_ones)
{
    ck_assert_uint_eq(cr(2, 0, 4), 0xffffffffu);
    ck_assert_uint_eq(cr(2, 0, 2), 0xffff);
    ck_assert_uint_eq(cr(31, 0x3d, 1), 0xff);
    ck_assert_uint_eq(pci_ecam_read(F.h, (1u << 20) | ecam(1, 0), 4, &(uint64_t){ 0 }), BUS_OK);
    uint64_t v = 0;
    pci_ecam_read(F.h, (1u << 20) | ecam(1, 0), 4, &v); /* bus 1 */
    ck_assert_uint_eq(v, 0xffffffffu);
    pci_ecam_read(F.h, ecam(1, 0) | (3u << 12), 4, &v); /* function 3 */
    ck_assert_uint_eq(v, 0xffffffffu);
    cw(2, PCI_COMMAND, 2, 0xffff); /* dropped */
    ck_assert_uint_eq(cr(2, PCI_COMMAND, 2), 0xffff);
    /* a present function's extended config space reads 0 */
    ck_assert_uint_eq(cr(1, 0x100, 4), 0);
}
END_TEST

START_TEST(ids_and_read_only_fields)
{
    ck_assert_uint_eq(cr(0, 0, 4), 0x00081b36u); /* the bridge: QEMU's gpex */
    ck_assert_uint_eq(cr(0, PCI_REVISION, 4) >> 8, 0x060000);
    ck_assert_uint_eq(cr(1, 0, 4), 0x10441af4u); /* virtio-rng: 0x1040 + 4 */
    ck_assert_uint_eq(cr(1, PCI_REVISION, 1), 1);
    ck_assert_uint_eq(cr(1, PCI_SUBSYS_VENDOR, 2), 0x1af4);
    ck_assert_uint_eq(cr(1, PCI_HEADER_TYPE, 1), 0);
    ck_assert_uint_eq(cr(1, PCI_STATUS, 2) & PCI_STATUS_CAPS, PCI_STATUS_CAPS);
    ck_assert_uint_eq(cr(1, PCI_INTERRUPT_PIN, 1), 1);
    ck_assert_uint_eq(cr(1, 2, 1), 0x44); /* a byte of the device id */
    cw(1, 0, 4, 0);
    cw(1, PCI_REVISION, 4, 0);
    cw(1, PCI_INTERRUPT_PIN, 1, 3);
    cw(1, PCI_CAP_PTR, 1, 0);
    ck_assert_uint_eq(cr(1, 0, 4), 0x10441af4u);
    ck_assert_uint_eq(cr(1, PCI_REVISION, 4) >> 8, 0x00ff00);
    ck_assert_uint_eq(cr(1, PCI_INTERRUPT_PIN, 1), 1);
    ck_assert_uint_eq(cr(1, PCI_CAP_PTR, 1), 0x40);
    cw(1, PCI_COMMAND, 2, 0xffff); /* only IO, MEM, MASTER and INTx disable stick */
    ck_assert_uint_eq(cr(1, PCI_COMMAND, 2), 0x0407);
    cw(1, PCI_INTERRUPT_LINE, 1, 0x21);
    ck_assert_uint_eq(cr(1, PCI_INTERRUPT_LINE, 1), 0x21);
}
END_TEST

START_TEST(bar_sizing_masks)
{
    for (unsigned b = 0; b < 6; b++)
        cw(1, PCI_BAR0 + 4 * b, 4, 0xffffffffu);
    for (unsigned b = 0; b < 4; b++)
        ck_assert_uint_eq(cr(1, PCI_BAR0 + 4 * b, 4), 0); /* no BAR there */
    /* 16 KiB, 64-bit, prefetchable; the upper half all writable */
    ck_assert_uint_eq(cr(1, PCI_BAR0 + 16, 4), 0xffffc00cu);
    ck_assert_uint_eq(cr(1, PCI_BAR0 + 20, 4), 0xffffffffu);
    cw(1, PCI_BAR0 + 16, 4, 0x12345678);
    ck_assert_uint_eq(cr(1, PCI_BAR0 + 16, 4), 0x1234400cu);
    /* the bridge has no BARs */
    cw(0, PCI_BAR0, 4, 0xffffffffu);
    ck_assert_uint_eq(cr(0, PCI_BAR0, 4), 0);
}
END_TEST

START_TEST(bar_decodes_only_while_enabled)
{
    cw(1, PCI_BAR0 + 16, 4, (uint32_t)BAR_AT);
    cw(1, PCI_BAR0 + 20, 4, 0);
    ck_assert_uint_eq(br(BAR_AT + VPCI_NUM_QUEUES, 2), 0xffff); /* MEM off: master abort */
    cw(1, PCI_COMMAND, 2, PCI_CMD_MEM);
    ck_assert_uint_eq(br(BAR_AT + VPCI_NUM_QUEUES, 2), 1);
    ck_assert_uint_eq(br(BAR_AT + VIRTIO_PCI_BAR_SIZE, 4), 0xffffffffu); /* past its end */
    cw(1, PCI_BAR0 + 16, 4, (uint32_t)BAR_AT + 0x10000);                 /* moved */
    ck_assert_uint_eq(br(BAR_AT + VPCI_NUM_QUEUES, 2), 0xffff);
    ck_assert_uint_eq(br(BAR_AT + 0x10000 + VPCI_NUM_QUEUES, 2), 1);
    pci_function_reset(virtio_pci_function(F.t[0]));
    ck_assert_uint_eq(cr(1, PCI_BAR0 + 16, 4), 0xc);
    ck_assert_uint_eq(cr(1, PCI_COMMAND, 2), 0);
}
END_TEST

/* The vendor capabilities a driver walks to find the structures. */
START_TEST(capability_list)
{
    unsigned seen = 0, at = cr(1, PCI_CAP_PTR, 1), n = 0;
    for (; at && n < 16; at = cr(1, at + 1, 1), n++) {
        ck_assert_uint_eq(cr(1, at, 1), 0x09);
        unsigned type = cr(1, at + 3, 1);
        seen |= 1u << type;
        if (type == VIRTIO_PCI_CAP_PCI_CFG)
            continue;
        ck_assert_uint_eq(cr(1, at + 4, 1), VIRTIO_PCI_BAR);
        static const uint32_t off[] = { 0, VIRTIO_PCI_COMMON, VIRTIO_PCI_NOTIFY, VIRTIO_PCI_ISR, VIRTIO_PCI_DEVICE };
        ck_assert_uint_eq(cr(1, at + 8, 4), off[type]);
        if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
            ck_assert_uint_eq(cr(1, at + 16, 4), VIRTIO_PCI_NOTIFY_MULT);
    }
    ck_assert_uint_eq(n, 4); /* rng has no device config: no type 4 */
    ck_assert_uint_eq(seen, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5));
}
END_TEST

/* Brings the rng's queue up through BAR4 and offers one 16-byte buffer. */
static void drive_request(uint64_t bar)
{
    bw(bar + VPCI_STATUS, 1, 0);
    bw(bar + VPCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    bw(bar + VPCI_GFSELECT, 4, 1);
    bw(bar + VPCI_GF, 4, 1); /* VERSION_1 */
    bw(bar + VPCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    ck_assert_uint_eq(br(bar + VPCI_STATUS, 1) & VIRTIO_STATUS_FEATURES_OK, VIRTIO_STATUS_FEATURES_OK);
    bw(bar + VPCI_Q_SELECT, 2, 0);
    ck_assert_uint_eq(br(bar + VPCI_Q_ENABLE, 2), 0);
    bw(bar + VPCI_Q_SIZE, 2, QSIZE);
    bw(bar + VPCI_Q_DESC, 4, (uint32_t)QDESC); /* 64-bit fields as two halves, as Linux */
    bw(bar + VPCI_Q_DESC + 4, 4, 0);
    bw(bar + VPCI_Q_DRIVER, 8, QAVAIL);
    bw(bar + VPCI_Q_DEVICE, 4, (uint32_t)QUSED);
    bw(bar + VPCI_Q_ENABLE, 2, 1);
    ck_assert_uint_eq(br(bar + VPCI_Q_DESC, 8), QDESC);
    bw(bar + VPCI_STATUS, 1, 0x0f);
    put(QDESC, 8, BUF), put(QDESC + 8, 4, 16), put(QDESC + 12, 2, VIRTQ_DESC_F_WRITE);
    put(QAVAIL + 4, 2, 0), put(QAVAIL + 2, 2, 1);
    unsigned off = (unsigned)br(bar + VPCI_Q_NOTIFY_OFF, 2);
    bw(bar + VIRTIO_PCI_NOTIFY + off * VIRTIO_PCI_NOTIFY_MULT, 2, 0);
}

START_TEST(rng_request_and_intx)
{
    map_bar(1, BAR_AT);
    drive_request(BAR_AT);
    ck_assert_uint_eq(get(QUSED + 2, 2), 1);
    ck_assert_uint_eq(get(QUSED + 8, 4), 16);
    for (unsigned i = 0; i < 16; i++)
        ck_assert_uint_eq(get(BUF + i, 1), i);
    /* device 1, INTA: line 1; STATUS shows it */
    ck_assert(F.level[1] && !F.level[0] && !F.level[2] && !F.level[3]);
    ck_assert_uint_eq(cr(1, PCI_STATUS, 2) & PCI_STATUS_INTX, PCI_STATUS_INTX);
    cw(1, PCI_COMMAND, 2, PCI_CMD_MEM | PCI_CMD_INTX_DIS);
    ck_assert(!F.level[1]);
    ck_assert_uint_eq(cr(1, PCI_STATUS, 2) & PCI_STATUS_INTX, PCI_STATUS_INTX);
    cw(1, PCI_COMMAND, 2, PCI_CMD_MEM);
    ck_assert(F.level[1]);
    /* reading the ISR clears it and the line */
    ck_assert_uint_eq(br(BAR_AT + VIRTIO_PCI_ISR, 1), VIRTIO_ISR_USED_BUFFER);
    ck_assert(!F.level[1]);
    ck_assert_uint_eq(cr(1, PCI_STATUS, 2) & PCI_STATUS_INTX, 0);
    ck_assert_uint_eq(br(BAR_AT + VIRTIO_PCI_ISR, 1), 0);
}
END_TEST

/* Devices 1 and 5 share line 1: it stays up while either asserts. */
START_TEST(intx_lines_are_wire_ored)
{
    map_bar(1, BAR_AT);
    map_bar(5, BAR_AT + 0x10000);
    drive_request(BAR_AT);
    drive_request(BAR_AT + 0x10000);
    ck_assert(F.level[1]);
    br(BAR_AT + VIRTIO_PCI_ISR, 1);
    ck_assert(F.level[1]);
    br(BAR_AT + 0x10000 + VIRTIO_PCI_ISR, 1);
    ck_assert(!F.level[1]);
}
END_TEST

/* Section 4.1.4.9: BAR4 through the PCI cfg access capability. */
START_TEST(pci_cfg_access_capability)
{
    unsigned cap = VIRTIO_PCI_CAP_PCI_CFG_AT;
    ck_assert_uint_eq(cr(1, cap + 3, 1), VIRTIO_PCI_CAP_PCI_CFG);
    cw(1, cap + 4, 1, VIRTIO_PCI_BAR);
    cw(1, cap + 8, 4, VPCI_NUM_QUEUES);
    cw(1, cap + 12, 4, 2);
    ck_assert_uint_eq(cr(1, cap + 16, 4), 1);
    cw(1, cap + 8, 4, VPCI_STATUS);
    cw(1, cap + 12, 4, 1);
    cw(1, cap + 16, 4, VIRTIO_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(cr(1, cap + 16, 1), VIRTIO_STATUS_ACKNOWLEDGE);
    cw(1, cap + 12, 4, 3);                                            /* a length the device does not answer */
    ck_assert_uint_eq(cr(1, cap + 16, 4), VIRTIO_STATUS_ACKNOWLEDGE); /* the last data written */
}
END_TEST

/* save, then restore into a fresh function: the same BAR, status and queue. */
START_TEST(snapshot_round_trip)
{
    map_bar(1, BAR_AT);
    drive_request(BAR_AT);
    struct snapshot_writer w = { 0 };
    virtio_pci_save(F.t[0], &w);
    ck_assert(!w.failed);
    virtio_pci_reset(F.t[0]);
    ck_assert_uint_eq(cr(1, PCI_COMMAND, 2), 0);
    struct snapshot_reader r = { .p = w.buf, .len = w.len, .dry = true };
    ck_assert(virtio_pci_restore(F.t[0], &r));
    ck_assert_uint_eq(cr(1, PCI_COMMAND, 2), 0); /* dry: nothing changed */
    r = (struct snapshot_reader){ .p = w.buf, .len = w.len };
    ck_assert(virtio_pci_restore(F.t[0], &r));
    ck_assert_uint_eq(cr(1, PCI_COMMAND, 2), PCI_CMD_MEM | PCI_CMD_MASTER);
    ck_assert_uint_eq(br(BAR_AT + VPCI_STATUS, 1), 0x0f);
    ck_assert_uint_eq(br(BAR_AT + VPCI_Q_DESC, 8), QDESC);
    ck_assert(F.level[1]); /* the interrupt it had pending */
    /* a corrupted id byte is refused */
    w.buf[0] ^= 1;
    r = (struct snapshot_reader){ .p = w.buf, .len = w.len, .dry = true };
    ck_assert(!virtio_pci_restore(F.t[0], &r));
    snap_writer_free(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pci");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, absent_functions_read_all_ones);
    tcase_add_test(tc, ids_and_read_only_fields);
    tcase_add_test(tc, bar_sizing_masks);
    tcase_add_test(tc, bar_decodes_only_while_enabled);
    tcase_add_test(tc, capability_list);
    tcase_add_test(tc, rng_request_and_intx);
    tcase_add_test(tc, intx_lines_are_wire_ored);
    tcase_add_test(tc, pci_cfg_access_capability);
    tcase_add_test(tc, snapshot_round_trip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
