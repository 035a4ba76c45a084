/* virtio-input over the modern virtio-mmio transport: a hand-made driver
 * queries the config space as Linux's virtio_input does, gives the eventq
 * buffers, and checks the events that arrive, the packet framing and the
 * bounded host-side queue. */
#include <check.h>
#include <linux/input-event-codes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "devices/virtio_input.h"
#include "devices/virtio_mmio.h"

#define RAM_BASE UINT64_C(0x80000000)
#define RAM_SIZE (1u << 20)
#define QDESC    (RAM_BASE + 0x1000)
#define QAVAIL   (RAM_BASE + 0x2000)
#define QUSED    (RAM_BASE + 0x3000)
#define BUFS     (RAM_BASE + 0x8000)
#define QSIZE    16

struct fix {
    struct bus bus;
    struct virtio_device *dev;
    struct virtio_mmio *t;
    bool level;
    uint16_t avail_idx, used_seen;
};
static struct fix F;

static void irq_cb(void *ctrl, unsigned src, bool level) { ((struct fix *)ctrl)->level = level; }
static uint8_t *ram(uint64_t pa) { return bus_ram_ptr(&F.bus, pa, 1); }
static void put(uint64_t pa, unsigned size, uint64_t v) { store_le(ram(pa), size, v); }
static uint64_t get(uint64_t pa, unsigned size) { return load_le(ram(pa), size); }

static uint32_t rreg(uint64_t off)
{
    uint64_t v = 0;
    ck_assert_int_eq(virtio_mmio_read(F.t, off, 4, &v), BUS_OK);
    return (uint32_t)v;
}
static void wreg(uint64_t off, uint32_t v) { ck_assert_int_eq(virtio_mmio_write(F.t, off, 4, v), BUS_OK); }
static uint8_t rcfg(unsigned off)
{
    uint64_t v = 0;
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + off, 1, &v), BUS_OK);
    return (uint8_t)v;
}

/* Section 5.8.5: write select and subsel, read size. */
static unsigned query(uint8_t select, uint8_t subsel)
{
    ck_assert_int_eq(virtio_mmio_write(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_INPUT_CFG_SELECT, 1, select), BUS_OK);
    ck_assert_int_eq(virtio_mmio_write(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_INPUT_CFG_SUBSEL, 1, subsel), BUS_OK);
    return rcfg(VIRTIO_INPUT_CFG_SIZE);
}
static bool cfg_bit(unsigned n) { return (rcfg(VIRTIO_INPUT_CFG_DATA + n / 8) >> (n % 8)) & 1; }

static void driver_init(void)
{
    uint32_t base = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
    wreg(VIRTIO_MMIO_STATUS, 0);
    wreg(VIRTIO_MMIO_STATUS, base);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wreg(VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wreg(VIRTIO_MMIO_STATUS, base | VIRTIO_STATUS_FEATURES_OK);
    ck_assert(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
    wreg(VIRTIO_MMIO_QUEUE_SEL, VIRTIO_INPUT_EVENTQ);
    wreg(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)QDESC);
    wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)QAVAIL);
    wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)QUSED);
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    wreg(VIRTIO_MMIO_STATUS, base | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* Gives the device n 8-byte event buffers and kicks the eventq. */
static void give_buffers(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned slot = F.avail_idx % QSIZE;
        uint64_t d = QDESC + 16u * slot;
        put(d, 8, BUFS + 8u * slot), put(d + 8, 4, 8), put(d + 12, 2, VIRTQ_DESC_F_WRITE), put(d + 14, 2, 0);
        put(QAVAIL + 4 + 2u * slot, 2, slot);
        put(QAVAIL + 2, 2, ++F.avail_idx);
    }
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_INPUT_EVENTQ);
}

/* The next used event; false when the device has used no more buffers. */
static bool next_event(struct virtio_input_event *e)
{
    if ((uint16_t)get(QUSED + 2, 2) == F.used_seen)
        return false;
    unsigned slot = F.used_seen % QSIZE;
    uint32_t id = (uint32_t)get(QUSED + 4 + 8u * slot, 4);
    ck_assert_uint_eq(get(QUSED + 8 + 8u * slot, 4), 8);
    uint64_t b = BUFS + 8u * id;
    e->type = (uint16_t)get(b, 2), e->code = (uint16_t)get(b + 2, 2), e->value = (int32_t)get(b + 4, 4);
    F.used_seen++;
    return true;
}

static void expect_event(uint16_t type, uint16_t code, int32_t value)
{
    struct virtio_input_event e;
    ck_assert(next_event(&e));
    ck_assert_uint_eq(e.type, type);
    ck_assert_uint_eq(e.code, code);
    ck_assert_int_eq(e.value, value);
}

static void attach(enum virtio_input_kind kind)
{
    memset(&F, 0, sizeof F);
    ck_assert(bus_init(&F.bus, RAM_BASE, RAM_SIZE));
    F.dev = virtio_input_create(kind);
    ck_assert_ptr_nonnull(F.dev);
    F.t = virtio_mmio_create(&F.bus, (struct irq_line){ irq_cb, &F, 1 }, F.dev, false);
    ck_assert_ptr_nonnull(F.t);
    driver_init();
}

static void detach(void)
{
    virtio_mmio_destroy(F.t);
    virtio_input_destroy(F.dev);
    bus_destroy(&F.bus);
}

/* ID_NAME's answer is want, and ID_DEVIDS's has its 8 bytes. */
static void check_name(const char *want)
{
    unsigned n = query(VIRTIO_INPUT_CFG_ID_NAME, 0);
    char name[32] = { 0 };
    ck_assert_uint_eq(n, strlen(want));
    for (unsigned i = 0; i < n && i < sizeof name - 1; i++)
        name[i] = (char)rcfg(VIRTIO_INPUT_CFG_DATA + i);
    ck_assert_str_eq(name, want);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_ID_DEVIDS, 0), 8);
}

START_TEST(keyboard_identity)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    ck_assert_uint_eq(rreg(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_INPUT);
    check_name("rivet virtio keyboard");
    ck_assert_uint_eq(rcfg(VIRTIO_INPUT_CFG_DATA), VIRTIO_INPUT_BUS_VIRTUAL);
    ck_assert_uint_eq(rcfg(VIRTIO_INPUT_CFG_DATA + 4), VIRTIO_INPUT_PRODUCT_KBD);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_PROP_BITS, 0), 0);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_UNSET, 0), 0);
    ck_assert_uint_eq(query(0x7f, 0), 0); /* unknown select: size 0 */
    detach();
}
END_TEST

START_TEST(keyboard_bits)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_KEY), KEY_RIGHTMETA / 8);
    ck_assert(cfg_bit(KEY_A) && cfg_bit(KEY_ESC) && cfg_bit(KEY_KPENTER) && cfg_bit(KEY_F24));
    ck_assert(cfg_bit(KEY_POWER) && cfg_bit(KEY_LEFTMETA) && cfg_bit(KEY_102ND));
    ck_assert(!cfg_bit(KEY_RESERVED));
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_LED), 0);
    ck_assert(cfg_bit(LED_CAPSL) && cfg_bit(LED_NUML));
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_REP), 0);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_EV_BITS, EV_ABS), 0);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_EV_BITS, EV_REL), 0);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_ABS_INFO, ABS_X), 0);
    detach();
}
END_TEST

START_TEST(tablet_bits_and_abs_info)
{
    attach(VIRTIO_INPUT_TABLET);
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_KEY), 0);
    ck_assert(cfg_bit(BTN_LEFT) && cfg_bit(BTN_RIGHT) && cfg_bit(BTN_MIDDLE) && !cfg_bit(KEY_A));
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_REL), 0);
    ck_assert(cfg_bit(REL_WHEEL));
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_ABS), 0);
    ck_assert(cfg_bit(ABS_X) && cfg_bit(ABS_Y));
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_EV_BITS, EV_REP), 0);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_ABS_INFO, ABS_Y), 20);
    uint64_t v;
    ck_assert_int_eq(virtio_mmio_read(F.t, VIRTIO_MMIO_CONFIG + VIRTIO_INPUT_CFG_DATA + 4, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, VIRTIO_INPUT_ABS_MAX); /* max; min at +0 is 0 */
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_ABS_INFO, ABS_PRESSURE), 0);
    ck_assert_uint_eq(rcfg(VIRTIO_INPUT_CFG_DATA + 4), 0); /* cleared with the answer */
    detach();
}
END_TEST

/* virtio-mouse-pci's model: relative X/Y and the wheel, no absolute axes. */
START_TEST(mouse_identity_and_bits)
{
    attach(VIRTIO_INPUT_MOUSE);
    check_name("rivet virtio mouse");
    ck_assert_uint_eq(rcfg(VIRTIO_INPUT_CFG_DATA + 4), VIRTIO_INPUT_PRODUCT_MOUSE);
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_KEY), 0);
    ck_assert(cfg_bit(BTN_LEFT) && cfg_bit(BTN_RIGHT) && cfg_bit(BTN_MIDDLE) && !cfg_bit(KEY_A));
    ck_assert_uint_gt(query(VIRTIO_INPUT_CFG_EV_BITS, EV_REL), 0);
    ck_assert(cfg_bit(REL_X) && cfg_bit(REL_Y) && cfg_bit(REL_WHEEL));
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_EV_BITS, EV_ABS), 0);
    ck_assert_uint_eq(query(VIRTIO_INPUT_CFG_ABS_INFO, ABS_X), 0);
    detach();
}
END_TEST

START_TEST(events_arrive_in_order_with_syn)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    give_buffers(8);
    const struct virtio_input_event down = { EV_KEY, KEY_A, 1 }, up = { EV_KEY, KEY_A, 0 };
    ck_assert(virtio_input_send(F.dev, &down, 1));
    ck_assert(virtio_input_send(F.dev, &up, 1));
    ck_assert_uint_eq(virtio_input_pending(F.dev), 4);
    ck_assert(!F.level); /* nothing reaches the guest before the emulation thread delivers */
    virtio_input_deliver(F.dev);
    ck_assert(F.level);
    ck_assert_uint_eq(virtio_input_pending(F.dev), 0);
    expect_event(EV_KEY, KEY_A, 1);
    expect_event(EV_SYN, SYN_REPORT, 0);
    expect_event(EV_KEY, KEY_A, 0);
    expect_event(EV_SYN, SYN_REPORT, 0);
    struct virtio_input_event e;
    ck_assert(!next_event(&e));
    detach();
}
END_TEST

START_TEST(waits_for_buffers)
{
    attach(VIRTIO_INPUT_TABLET);
    give_buffers(1);
    const struct virtio_input_event ev[2] = { { EV_ABS, ABS_X, 100 }, { EV_ABS, ABS_Y, 200 } };
    ck_assert(virtio_input_send(F.dev, ev, 2));
    virtio_input_deliver(F.dev);
    ck_assert_uint_eq(virtio_input_pending(F.dev), 2); /* one buffer: one event out */
    expect_event(EV_ABS, ABS_X, 100);
    give_buffers(4); /* the kick delivers the rest */
    ck_assert_uint_eq(virtio_input_pending(F.dev), 0);
    expect_event(EV_ABS, ABS_Y, 200);
    expect_event(EV_SYN, SYN_REPORT, 0);
    detach();
}
END_TEST

START_TEST(full_queue_drops_whole_packets)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    const struct virtio_input_event key = { EV_KEY, KEY_B, 1 };
    unsigned sent = 0;
    while (virtio_input_send(F.dev, &key, 1))
        sent++;
    ck_assert_uint_eq(sent, VIRTIO_INPUT_PENDING_MAX / 2);
    ck_assert_uint_eq(virtio_input_pending(F.dev), VIRTIO_INPUT_PENDING_MAX);
    ck_assert_uint_eq(virtio_input_dropped(F.dev), 1);
    struct virtio_input_event big[VIRTIO_INPUT_PENDING_MAX];
    for (unsigned i = 0; i < VIRTIO_INPUT_PENDING_MAX; i++)
        big[i] = key;
    ck_assert(!virtio_input_send(F.dev, big, VIRTIO_INPUT_PENDING_MAX)); /* can never fit */
    detach();
}
END_TEST

START_TEST(no_driver_drops_stale_events)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    wreg(VIRTIO_MMIO_STATUS, 0); /* reset: no ready eventq */
    const struct virtio_input_event key = { EV_KEY, KEY_C, 1 };
    ck_assert(virtio_input_send(F.dev, &key, 1));
    virtio_input_deliver(F.dev);
    ck_assert_uint_eq(virtio_input_pending(F.dev), 0);
    driver_init();
    F.avail_idx = F.used_seen = 0;
    give_buffers(4);
    struct virtio_input_event e;
    ck_assert(!next_event(&e)); /* the old key press never arrives */
    detach();
}
END_TEST

START_TEST(statusq_buffers_are_returned)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    wreg(VIRTIO_MMIO_QUEUE_SEL, VIRTIO_INPUT_STATUSQ);
    wreg(VIRTIO_MMIO_QUEUE_NUM, 4);
    wreg(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(QDESC + 0x4000));
    wreg(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(QAVAIL + 0x4000));
    wreg(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(QUSED + 0x4000));
    wreg(VIRTIO_MMIO_QUEUE_READY, 1);
    uint64_t d = QDESC + 0x4000;
    put(d, 8, BUFS + 0x800), put(d + 8, 4, 8), put(d + 12, 2, 0), put(d + 14, 2, 0);
    put(BUFS + 0x800, 2, EV_LED), put(BUFS + 0x802, 2, LED_CAPSL), put(BUFS + 0x804, 4, 1);
    put(QAVAIL + 0x4000 + 4, 2, 0);
    put(QAVAIL + 0x4000 + 2, 2, 1);
    wreg(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_INPUT_STATUSQ);
    ck_assert_uint_eq(get(QUSED + 0x4000 + 2, 2), 1);
    ck_assert(!(rreg(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
    detach();
}
END_TEST

struct sender {
    struct virtio_device *dev;
    unsigned ok;
    atomic_bool done;
};

static void *send_many(void *arg)
{
    struct sender *s = arg;
    const struct virtio_input_event key = { EV_KEY, KEY_D, 1 };
    for (unsigned i = 0; i < 1000; i++)
        s->ok += virtio_input_send(s->dev, &key, 1);
    atomic_store(&s->done, true);
    return NULL;
}

/* Another thread sends while this one delivers: every accepted packet
 * arrives whole (KEY_D then SYN), none is lost or torn. */
START_TEST(send_from_another_thread)
{
    attach(VIRTIO_INPUT_KEYBOARD);
    struct sender s = { F.dev, 0, false };
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, send_many, &s), 0);
    unsigned got = 0, expect_syn = 0;
    bool done = false;
    while (!done || virtio_input_pending(F.dev)) {
        done = atomic_load(&s.done);
        give_buffers(QSIZE / 2);
        struct virtio_input_event e;
        while (next_event(&e)) {
            ck_assert_uint_eq(e.type, expect_syn ? EV_SYN : EV_KEY);
            got += !expect_syn;
            expect_syn ^= 1;
        }
        F.avail_idx = F.used_seen; /* every given buffer came back */
    }
    pthread_join(th, NULL);
    ck_assert_uint_eq(got, s.ok);
    ck_assert_uint_eq(s.ok + virtio_input_dropped(F.dev), 1000);
    detach();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("virtio_input");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, keyboard_identity);
    tcase_add_test(tc, keyboard_bits);
    tcase_add_test(tc, tablet_bits_and_abs_info);
    tcase_add_test(tc, mouse_identity_and_bits);
    tcase_add_test(tc, events_arrive_in_order_with_syn);
    tcase_add_test(tc, waits_for_buffers);
    tcase_add_test(tc, full_queue_drops_whole_packets);
    tcase_add_test(tc, no_driver_drops_stale_events);
    tcase_add_test(tc, statusq_buffers_are_returned);
    tcase_add_test(tc, send_from_another_thread);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
