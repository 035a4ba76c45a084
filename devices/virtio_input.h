/*
 * virtio-input (virtio 1.2 section 5.8): a keyboard or an absolute pointer
 * (tablet: three buttons, vertical wheel), as Linux's virtio_input driver
 * expects them.
 *
 * Contract
 * - Queue 0 (eventq) carries device -> driver events, one struct
 *   virtio_input_event (le16 type, le16 code, le32 value) per buffer; queue 1
 *   (statusq) carries driver -> device events (keyboard LEDs), which are
 *   accepted and ignored.
 * - The config space answers the select/subsel queries of section 5.8.4:
 *   ID_NAME, ID_SERIAL, ID_DEVIDS, PROP_BITS, EV_BITS (per event type, EV_REP
 *   for the keyboard so the guest repeats keys itself) and ABS_INFO.
 * - Events reach the device in packets: virtio_input_send() appends the
 *   packet's events and an EV_SYN/SYN_REPORT, or drops the whole packet when
 *   the host-side buffer (VIRTIO_INPUT_PENDING_MAX events) has no room, so
 *   the guest never sees half a packet.
 * - Threading: virtio_input_send() may be called from any thread (it takes
 *   the device's mutex). Everything else, virtio_input_deliver() included,
 *   runs on the emulation thread; deliver costs one atomic load when nothing
 *   is pending, so it may run between every round of the run loop.
 * - While the driver has no ready eventq (not loaded yet, or reset), pending
 *   events are dropped at delivery: stale input must not arrive later.
 */
#ifndef RIVET_VIRTIO_INPUT_H
#define RIVET_VIRTIO_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio.h"

/* Config space (section 5.8.4): u8 select, u8 subsel, u8 size, u8 reserved[5], u8 u[128]. */
/* clang-format off */
#define VIRTIO_INPUT_CFG_UNSET      0x00
#define VIRTIO_INPUT_CFG_ID_NAME    0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL  0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS  0x03
#define VIRTIO_INPUT_CFG_PROP_BITS  0x10
#define VIRTIO_INPUT_CFG_EV_BITS    0x11
#define VIRTIO_INPUT_CFG_ABS_INFO   0x12
/* clang-format on */

#define VIRTIO_INPUT_CFG_SELECT     0
#define VIRTIO_INPUT_CFG_SUBSEL     1
#define VIRTIO_INPUT_CFG_SIZE       2
#define VIRTIO_INPUT_CFG_DATA       8
#define VIRTIO_INPUT_CFG_DATA_BYTES 128
#define VIRTIO_INPUT_CFG_BYTES      (VIRTIO_INPUT_CFG_DATA + VIRTIO_INPUT_CFG_DATA_BYTES)

/* clang-format off */
#define VIRTIO_INPUT_EVENT_BYTES    8
#define VIRTIO_INPUT_QUEUE_MAX      64
#define VIRTIO_INPUT_EVENTQ         0
#define VIRTIO_INPUT_STATUSQ        1
#define VIRTIO_INPUT_PENDING_MAX    256   /* events buffered on the host side */
/* clang-format on */

/* The tablet's absolute axes run 0..VIRTIO_INPUT_ABS_MAX over the screen. */
#define VIRTIO_INPUT_ABS_MAX 32767

/* ID_DEVIDS: bus type BUS_VIRTUAL, QEMU's vendor id, a product per kind. */
#define VIRTIO_INPUT_BUS_VIRTUAL    0x06
#define VIRTIO_INPUT_VENDOR         0x0627
#define VIRTIO_INPUT_PRODUCT_KBD    1
#define VIRTIO_INPUT_PRODUCT_MOUSE  2
#define VIRTIO_INPUT_PRODUCT_TABLET 3

/* The mouse (virtio-mouse-pci): buttons, relative X and Y, the wheel. */
enum virtio_input_kind { VIRTIO_INPUT_KEYBOARD, VIRTIO_INPUT_TABLET, VIRTIO_INPUT_MOUSE, VIRTIO_INPUT_KINDS };

/* Linux evdev event: an EV_ type, a KEY_, BTN_, REL_ or ABS_ code, a value. */
struct virtio_input_event {
    uint16_t type, code;
    int32_t value;
};

/* NULL when out of memory. */
struct virtio_device *virtio_input_create(enum virtio_input_kind kind);
void virtio_input_destroy(struct virtio_device *d); /* NULL is accepted */

/* Any thread: queues ev[0..n) plus SYN_REPORT as one packet; false when the
 * packet was dropped (no room, or n too large). */
bool virtio_input_send(struct virtio_device *d, const struct virtio_input_event *ev, unsigned n);

/* Emulation thread: moves pending events into the guest's eventq buffers,
 * as many as it has; the rest stays pending. */
void virtio_input_deliver(struct virtio_device *d);

/* Events waiting on the host side, and packets dropped so far (for tests). */
unsigned virtio_input_pending(struct virtio_device *d);
uint64_t virtio_input_dropped(struct virtio_device *d);

/* True when the keyboard offers evdev key `code` (EV_BITS of EV_KEY). */
bool virtio_input_has_key(struct virtio_device *d, unsigned code);

#endif
