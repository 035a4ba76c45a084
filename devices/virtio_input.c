/*
 * virtio-input keyboard and tablet (see virtio_input.h; virtio 1.2 section
 * 5.8). Event and code numbers are Linux's evdev ABI, which is what the
 * device speaks (section 5.8.6.2: "the same as in the Linux input layer").
 */
#include "devices/virtio_input.h"

#include <linux/input-event-codes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define KBD_KEYS       256 /* the keyboard offers every key code 1..255 */
#define ABSINFO_FIELDS 5   /* min, max, fuzz, flat, res (le32 each) */

struct virtio_input {
    struct virtio_device vdev; /* first: virtio_device * <-> virtio_input * */
    enum virtio_input_kind kind;
    uint8_t config[VIRTIO_INPUT_CFG_BYTES];
    struct virtqueue *eventq; /* seen at the driver's first notify */
    struct virtq_chain chain;

    /* Host-side event ring, filled by any thread under lock. `count` is also
     * read without the lock so an idle deliver costs one atomic load. */
    pthread_mutex_t lock;
    struct virtio_input_event ring[VIRTIO_INPUT_PENDING_MAX];
    unsigned head;
    atomic_uint count;
    atomic_uint_fast64_t dropped;
};

static struct virtio_input *from_dev(struct virtio_device *d) { return (struct virtio_input *)d; }

static void set_bit(uint8_t *bits, unsigned n) { bits[n / 8] |= (uint8_t)(1u << (n % 8)); }

/* A bitmap query's answer: the bytes up to the last nonzero one. */
static unsigned bitmap_size(const uint8_t *bits, unsigned bytes)
{
    while (bytes && !bits[bytes - 1])
        bytes--;
    return bytes;
}

static unsigned kbd_ev_bits(unsigned type, uint8_t *u)
{
    switch (type) {
    case EV_KEY:
        for (unsigned k = 1; k < KBD_KEYS; k++)
            set_bit(u, k);
        break;
    case EV_LED:
        set_bit(u, LED_NUML);
        set_bit(u, LED_CAPSL);
        set_bit(u, LED_SCROLLL);
        break;
    case EV_REP:
        u[0] = 1; /* any nonzero size: the driver then sets EV_REP */
        break;
    }
    return bitmap_size(u, VIRTIO_INPUT_CFG_DATA_BYTES);
}

/* The tablet and the mouse: three buttons and the wheel; the tablet's X
 * and Y are absolute, the mouse's relative. */
static unsigned pointer_ev_bits(bool mouse, unsigned type, uint8_t *u)
{
    switch (type) {
    case EV_KEY:
        set_bit(u, BTN_LEFT);
        set_bit(u, BTN_RIGHT);
        set_bit(u, BTN_MIDDLE);
        break;
    case EV_REL:
        set_bit(u, REL_WHEEL);
        if (mouse) {
            set_bit(u, REL_X);
            set_bit(u, REL_Y);
        }
        break;
    case EV_ABS:
        if (!mouse) {
            set_bit(u, ABS_X);
            set_bit(u, ABS_Y);
        }
        break;
    }
    return bitmap_size(u, VIRTIO_INPUT_CFG_DATA_BYTES);
}

static unsigned abs_info(const struct virtio_input *in, unsigned axis, uint8_t *u)
{
    if (in->kind != VIRTIO_INPUT_TABLET || (axis != ABS_X && axis != ABS_Y))
        return 0;
    const uint32_t info[ABSINFO_FIELDS] = { 0, VIRTIO_INPUT_ABS_MAX, 0, 0, 0 };
    for (unsigned i = 0; i < ABSINFO_FIELDS; i++)
        store_le(u + 4 * i, 4, info[i]);
    return 4 * ABSINFO_FIELDS;
}

static unsigned copy_str(uint8_t *u, const char *s)
{
    size_t n = strlen(s);
    if (n > VIRTIO_INPUT_CFG_DATA_BYTES)
        n = VIRTIO_INPUT_CFG_DATA_BYTES;
    memcpy(u, s, n); /* not NUL-terminated: size says how long (5.8.5) */
    return (unsigned)n;
}

/* Section 5.8.5: after the driver writes select and subsel, size and u
 * describe the answer; size 0 when there is none. */
static void answer_query(struct virtio_input *in)
{
    uint8_t sel = in->config[VIRTIO_INPUT_CFG_SELECT], sub = in->config[VIRTIO_INPUT_CFG_SUBSEL];
    uint8_t *u = in->config + VIRTIO_INPUT_CFG_DATA;
    /* clang-format off */
    static const char *const names[VIRTIO_INPUT_KINDS] = { "rivet virtio keyboard", "rivet virtio tablet",
                                                           "rivet virtio mouse" };
    static const char *const serials[VIRTIO_INPUT_KINDS] = { "rivet-kbd-0", "rivet-tablet-0", "rivet-mouse-0" };
    static const uint16_t products[VIRTIO_INPUT_KINDS] = { VIRTIO_INPUT_PRODUCT_KBD, VIRTIO_INPUT_PRODUCT_TABLET,
                                                           VIRTIO_INPUT_PRODUCT_MOUSE };
    /* clang-format on */
    bool kbd = in->kind == VIRTIO_INPUT_KEYBOARD;
    unsigned size = 0;
    memset(u, 0, VIRTIO_INPUT_CFG_DATA_BYTES);
    switch (sel) {
    case VIRTIO_INPUT_CFG_ID_NAME: size = sub ? 0 : copy_str(u, names[in->kind]); break;
    case VIRTIO_INPUT_CFG_ID_SERIAL: size = sub ? 0 : copy_str(u, serials[in->kind]); break;
    case VIRTIO_INPUT_CFG_ID_DEVIDS:
        if (sub)
            break;
        store_le(u, 2, VIRTIO_INPUT_BUS_VIRTUAL);
        store_le(u + 2, 2, VIRTIO_INPUT_VENDOR);
        store_le(u + 4, 2, products[in->kind]);
        store_le(u + 6, 2, 1);
        size = 8;
        break;
    case VIRTIO_INPUT_CFG_EV_BITS:
        size = kbd ? kbd_ev_bits(sub, u) : pointer_ev_bits(in->kind == VIRTIO_INPUT_MOUSE, sub, u);
        break;
    case VIRTIO_INPUT_CFG_ABS_INFO: size = abs_info(in, sub, u); break;
    default: /* UNSET, PROP_BITS (no properties), unknown selects */ break;
    }
    in->config[VIRTIO_INPUT_CFG_SIZE] = (uint8_t)size;
}

/* Only select and subsel are writable (section 5.8.4). */
static void input_config_write(struct virtio_device *d, uint32_t offset, unsigned size, uint64_t value)
{
    struct virtio_input *in = from_dev(d);
    bool touched = false;
    for (unsigned i = 0; i < size; i++) {
        uint32_t off = offset + i;
        if (off == VIRTIO_INPUT_CFG_SELECT || off == VIRTIO_INPUT_CFG_SUBSEL) {
            in->config[off] = (uint8_t)(value >> (8 * i));
            touched = true;
        }
    }
    if (touched)
        answer_query(in);
}

/* statusq buffers (LED state) are consumed and returned unread. */
static void drain_statusq(struct virtio_input *in, struct virtqueue *q)
{
    while (virtq_pop(q, &in->chain))
        virtq_push(q, &in->chain, 0);
}

static void input_notify(struct virtio_device *d, struct virtqueue *q)
{
    struct virtio_input *in = from_dev(d);
    if (q->index == VIRTIO_INPUT_STATUSQ) {
        drain_statusq(in, q);
        return;
    }
    in->eventq = q; /* the driver just gave us buffers: deliver into them */
    virtio_input_deliver(d);
}

static void input_reset(struct virtio_device *d)
{
    struct virtio_input *in = from_dev(d);
    in->eventq = NULL;
    memset(in->config, 0, sizeof in->config);
}

struct virtio_device *virtio_input_create(enum virtio_input_kind kind)
{
    struct virtio_input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    if (pthread_mutex_init(&in->lock, NULL) != 0) {
        free(in);
        return NULL;
    }
    in->kind = kind;
    atomic_init(&in->count, 0);
    atomic_init(&in->dropped, 0);
    in->vdev = (struct virtio_device){
        .device_id = VIRTIO_ID_INPUT,
        .modern_only = true,
        .features = VIRTIO_F_BIT(VIRTIO_F_VERSION_1), /* Linux's driver requires it */
        /* clang-format off */
        .num_queues = 2, .queue_max = VIRTIO_INPUT_QUEUE_MAX,
        .config_size = VIRTIO_INPUT_CFG_BYTES, .config = in->config,
        .config_write = input_config_write, .notify = input_notify, .reset = input_reset, .opaque = in,
        /* clang-format on */
    };
    return &in->vdev;
}

void virtio_input_destroy(struct virtio_device *d)
{
    if (!d)
        return;
    struct virtio_input *in = from_dev(d);
    pthread_mutex_destroy(&in->lock);
    free(in);
}

bool virtio_input_send(struct virtio_device *d, const struct virtio_input_event *ev, unsigned n)
{
    struct virtio_input *in = from_dev(d);
    bool ok = false;
    pthread_mutex_lock(&in->lock);
    unsigned count = atomic_load(&in->count);
    if (n < VIRTIO_INPUT_PENDING_MAX && VIRTIO_INPUT_PENDING_MAX - count >= n + 1) {
        for (unsigned i = 0; i <= n; i++) {
            struct virtio_input_event syn = { EV_SYN, SYN_REPORT, 0 };
            in->ring[(in->head + count + i) % VIRTIO_INPUT_PENDING_MAX] = i < n ? ev[i] : syn;
        }
        atomic_store(&in->count, count + n + 1);
        ok = true;
    } else {
        atomic_fetch_add(&in->dropped, 1);
    }
    pthread_mutex_unlock(&in->lock);
    return ok;
}

static bool eventq_usable(const struct virtio_input *in)
{
    return in->eventq && in->eventq->ready && !in->eventq->transport->broken;
}

/* One event into one popped buffer (section 5.8.6.2). */
static void put_event(struct virtio_input *in, const struct virtio_input_event *e)
{
    uint8_t b[VIRTIO_INPUT_EVENT_BYTES];
    store_le(b, 2, e->type);
    store_le(b + 2, 2, e->code);
    store_le(b + 4, 4, (uint32_t)e->value);
    size_t n = virtq_chain_write(&in->chain, 0, b, sizeof b);
    virtq_push(in->eventq, &in->chain, (uint32_t)n);
}

void virtio_input_deliver(struct virtio_device *d)
{
    struct virtio_input *in = from_dev(d);
    if (atomic_load_explicit(&in->count, memory_order_acquire) == 0)
        return;
    pthread_mutex_lock(&in->lock);
    unsigned count = atomic_load(&in->count);
    if (!eventq_usable(in)) {
        in->head = (in->head + count) % VIRTIO_INPUT_PENDING_MAX;
        count = 0;
    }
    while (count && virtq_pop(in->eventq, &in->chain)) {
        put_event(in, &in->ring[in->head]);
        in->head = (in->head + 1) % VIRTIO_INPUT_PENDING_MAX;
        count--;
    }
    atomic_store(&in->count, count);
    pthread_mutex_unlock(&in->lock);
}

unsigned virtio_input_pending(struct virtio_device *d) { return atomic_load(&from_dev(d)->count); }

uint64_t virtio_input_dropped(struct virtio_device *d) { return atomic_load(&from_dev(d)->dropped); }

bool virtio_input_has_key(struct virtio_device *d, unsigned code)
{
    return from_dev(d)->kind == VIRTIO_INPUT_KEYBOARD && code > 0 && code < KBD_KEYS;
}
