/*
 * The board's display devices and the front-end input interface (see
 * display.h): framebuffer placement, the two virtio-input devices, the
 * device-tree nodes, and the poll that feeds input to the guest.
 */
#include "machine/host/display.h"

#include <linux/input-event-codes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "devices/framebuffer.h"
#include "devices/virtio_input.h"
#include "machine/board/boot.h"
#include "machine/board/fdt.h"
#include "machine/board/machine.h"

#define NS_PER_MS 1000000ull

struct display_board {
    struct framebuffer *fb;
    uint64_t fb_base, fb_size; /* the reserved RAM range */
    struct virtio_device *kbd, *tablet;
    unsigned kbd_slot, tablet_slot;
    atomic_bool power_pressed; /* set by a front end, any thread */
    bool power_sent;           /* emulation thread only */
    uint64_t power_deadline_ns;
};

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Below the 2 MiB-aligned slot at the end of RAM (capped at 3 GiB) where
 * boot.c puts the device tree (boot_dtb_addr; the tree is at most 1 MiB),
 * and in the upper half of RAM, clear of the kernel and the initrd. */
static bool place_fb(const struct machine *m, uint64_t bytes, uint64_t *base, uint64_t *size)
{
    uint64_t ram = m->bus.ram_base, end = ram + m->bus.ram_size;
    if (end > BOOT_FDT_LIMIT)
        end = BOOT_FDT_LIMIT;
    uint64_t top = end & ~(BOOT_FDT_ALIGN - 1);
    *size = (bytes + DISPLAY_FB_ALIGN - 1) & ~(DISPLAY_FB_ALIGN - 1);
    if (top < ram + BOOT_FDT_ALIGN + *size)
        return false;
    *base = (top - BOOT_FDT_ALIGN - *size) & ~(DISPLAY_FB_ALIGN - 1);
    return *base >= ram + (end - ram) / 2;
}

/* The highest virtio-mmio slot without a device, or -1. */
static int free_slot(const struct machine *m)
{
    for (int i = RIVET_VIRTIO_SLOTS - 1; i >= 0; i--)
        if (!m->vdevs[i])
            return i;
    return -1;
}

static bool add_input(struct machine *m, enum virtio_input_kind kind, struct virtio_device **dev, unsigned *slot,
                      char *err, size_t errlen)
{
    int s = free_slot(m);
    if (s < 0) {
        machine_err(err, errlen, "no free virtio-mmio slot for the %s (fewer -drive?)",
                    kind == VIRTIO_INPUT_KEYBOARD ? "keyboard" : "tablet");
        return false;
    }
    *dev = virtio_input_create(kind);
    if (!*dev) {
        machine_err(err, errlen, "out of memory creating the virtio-input devices");
        return false;
    }
    *slot = (unsigned)s;
    m->vdevs[s] = *dev;
    return true;
}

static bool create_fb(struct machine *m, struct display_board *d, char *err, size_t errlen)
{
    unsigned w = m->cfg.fb_width, h = m->cfg.fb_height;
    if (w < FB_MIN_SIDE || h < FB_MIN_SIDE || w > FB_MAX_SIDE || h > FB_MAX_SIDE) {
        machine_err(err, errlen, "framebuffer %ux%u: each side must be %d to %d pixels", w, h, FB_MIN_SIDE,
                    FB_MAX_SIDE);
        return false;
    }
    if (!place_fb(m, framebuffer_bytes(w, h), &d->fb_base, &d->fb_size)) {
        machine_err(err, errlen, "framebuffer %ux%u does not fit in the upper half of %llu MiB of RAM (more -m?)", w, h,
                    (unsigned long long)(m->bus.ram_size >> 20));
        return false;
    }
    d->fb = framebuffer_create(bus_ram_ptr(&m->bus, d->fb_base, d->fb_size), d->fb_base, w, h);
    if (!d->fb)
        machine_err(err, errlen, "out of memory creating the framebuffer");
    return d->fb != NULL;
}

bool display_board_create(struct machine *m, char *err, size_t errlen)
{
    if (!m->cfg.fb_width && !m->cfg.fb_height)
        return true;
    struct display_board *d = calloc(1, sizeof *d);
    if (!d) {
        machine_err(err, errlen, "out of memory creating the display");
        return false;
    }
    atomic_init(&d->power_pressed, false);
    m->display = d;
    return create_fb(m, d, err, errlen) && add_input(m, VIRTIO_INPUT_KEYBOARD, &d->kbd, &d->kbd_slot, err, errlen) &&
           add_input(m, VIRTIO_INPUT_TABLET, &d->tablet, &d->tablet_slot, err, errlen);
}

/* Before the transports go: the slots' devices are ours, not virtio-blk's. */
void display_board_destroy(struct machine *m)
{
    struct display_board *d = m->display;
    if (!d)
        return;
    if (d->kbd)
        m->vdevs[d->kbd_slot] = NULL;
    if (d->tablet)
        m->vdevs[d->tablet_slot] = NULL;
    virtio_input_destroy(d->kbd);
    virtio_input_destroy(d->tablet);
    framebuffer_destroy(d->fb);
    free(d);
    m->display = NULL;
}

void *display_board_dtb(const struct machine *m, void *blob, char *err, size_t errlen)
{
    const struct display_board *d = m->display;
    if (!d || !d->fb)
        return blob;
    const struct dtb_framebuffer fb = {
        d->fb_base, d->fb_size, framebuffer_width(d->fb), framebuffer_height(d->fb), framebuffer_stride(d->fb),
    };
    size_t size;
    void *out = dtb_add_framebuffer(blob, &fb, &size, err, errlen);
    free(blob);
    return out;
}

/* The power button: press and release KEY_POWER once, then give the guest
 * DISPLAY_POWEROFF_GRACE_MS to power off before ending the run. */
static void power_button(struct machine *m, struct display_board *d)
{
    if (!d->power_sent) {
        const struct virtio_input_event press[] = { { EV_KEY, KEY_POWER, 1 } };
        const struct virtio_input_event release[] = { { EV_KEY, KEY_POWER, 0 } };
        virtio_input_send(d->kbd, press, 1);
        virtio_input_send(d->kbd, release, 1);
        d->power_sent = true;
        d->power_deadline_ns = now_ns() + DISPLAY_POWEROFF_GRACE_MS * NS_PER_MS;
    } else if (now_ns() >= d->power_deadline_ns) {
        machine_request_exit(m, 0);
    }
}

void display_board_poll(struct machine *m)
{
    struct display_board *d = m->display;
    if (!d)
        return;
    if (atomic_load_explicit(&d->power_pressed, memory_order_relaxed))
        power_button(m, d);
    virtio_input_deliver(d->kbd);
    virtio_input_deliver(d->tablet);
}

struct framebuffer *display_framebuffer(struct machine *m) { return m->display ? m->display->fb : NULL; }

bool display_key(struct machine *m, unsigned evdev_code, bool down)
{
    struct display_board *d = m->display;
    if (!d || !virtio_input_has_key(d->kbd, evdev_code))
        return false;
    const struct virtio_input_event ev = { EV_KEY, (uint16_t)evdev_code, down };
    return virtio_input_send(d->kbd, &ev, 1);
}

/* Pixel (x, y) to the tablet's 0..VIRTIO_INPUT_ABS_MAX axes, clamped. */
static int32_t to_abs(unsigned v, unsigned side)
{
    if (side < 2)
        return 0;
    uint64_t a = (uint64_t)(v < side ? v : side - 1) * VIRTIO_INPUT_ABS_MAX / (side - 1);
    return (int32_t)a;
}

bool display_pointer(struct machine *m, unsigned x, unsigned y)
{
    struct display_board *d = m->display;
    if (!d)
        return false;
    const struct virtio_input_event ev[2] = {
        { EV_ABS, ABS_X, to_abs(x, framebuffer_width(d->fb)) },
        { EV_ABS, ABS_Y, to_abs(y, framebuffer_height(d->fb)) },
    };
    return virtio_input_send(d->tablet, ev, 2);
}

bool display_button(struct machine *m, unsigned evdev_button, bool down)
{
    struct display_board *d = m->display;
    if (!d || (evdev_button != BTN_LEFT && evdev_button != BTN_RIGHT && evdev_button != BTN_MIDDLE))
        return false;
    const struct virtio_input_event ev = { EV_KEY, (uint16_t)evdev_button, down };
    return virtio_input_send(d->tablet, &ev, 1);
}

bool display_wheel(struct machine *m, int clicks)
{
    struct display_board *d = m->display;
    if (!d || clicks == 0)
        return false;
    const struct virtio_input_event ev = { EV_REL, REL_WHEEL, clicks };
    return virtio_input_send(d->tablet, &ev, 1);
}

void display_power_button(struct machine *m)
{
    if (m->display)
        atomic_store(&m->display->power_pressed, true);
}

enum display_kind display_setup(enum display_kind asked, bool auto_ok, bool screenshot, struct rivet_config *cfg,
                                const char **note)
{
    enum display_kind kind = asked;
    bool have_display = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
    *note = NULL;
    if (kind == DISPLAY_AUTO) {
        kind = have_display && auto_ok ? DISPLAY_SDL : DISPLAY_NONE;
        if (!have_display && auto_ok)
            *note = "no DISPLAY or WAYLAND_DISPLAY: running without a window (-display none)";
    } else if (kind == DISPLAY_SDL && !have_display) {
        *note = "-display sdl: no display to open (neither DISPLAY nor WAYLAND_DISPLAY is set)";
    }
    if ((kind == DISPLAY_SDL || screenshot) && !cfg->fb_width && !cfg->fb_height) {
        cfg->fb_width = FB_DEFAULT_WIDTH;
        cfg->fb_height = FB_DEFAULT_HEIGHT;
    }
    return kind;
}
