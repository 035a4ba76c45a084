/* The framebuffer's per-scanline dirty tracking, and the board's display
 * devices: placement in RAM, the virtio-input slots, guest stores seen by
 * the viewer, queued input, and the window decision. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/framebuffer.h"
#include "devices/virtio_mmio.h"
#include "machine/board/boot.h"
#include "machine/host/display.h"
#include "machine/board/machine.h"

#define W 64
#define H 32

static uint8_t *vram;
static struct framebuffer *fb;

static void setup(void)
{
    vram = calloc(1, framebuffer_bytes(W, H));
    ck_assert_ptr_nonnull(vram);
    fb = framebuffer_create(vram, 0x80000000, W, H);
    ck_assert_ptr_nonnull(fb);
}

static void teardown(void)
{
    framebuffer_destroy(fb);
    free(vram);
}

static void poke(unsigned x, unsigned y, uint32_t pixel)
{
    store_le(vram + (size_t)y * framebuffer_stride(fb) + 4u * x, 4, pixel);
}

START_TEST(geometry)
{
    ck_assert_uint_eq(framebuffer_width(fb), W);
    ck_assert_uint_eq(framebuffer_height(fb), H);
    ck_assert_uint_eq(framebuffer_stride(fb), W * FB_BYTES_PER_PIXEL);
    ck_assert_uint_eq(framebuffer_bytes(1024, 768), 1024u * 768 * 4);
    ck_assert_ptr_null(framebuffer_create(vram, 0, FB_MIN_SIDE - 1, H));
    ck_assert_ptr_null(framebuffer_create(vram, 0, W, FB_MAX_SIDE + 1));
    ck_assert_ptr_null(framebuffer_create(NULL, 0, W, H));
}
END_TEST

START_TEST(clean_screen_reports_nothing)
{
    unsigned first = 99, end = 99;
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 0);
    ck_assert_uint_eq(first, 99); /* untouched when nothing changed */
}
END_TEST

START_TEST(one_changed_line)
{
    unsigned first, end;
    poke(W - 1, 5, 0x00ffffff); /* the last pixel of the line counts too */
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 1);
    ck_assert_uint_eq(first, 5);
    ck_assert_uint_eq(end, 6);
    ck_assert_uint_eq(load_le(framebuffer_shadow(fb) + 5 * framebuffer_stride(fb) + 4 * (W - 1), 4), 0x00ffffff);
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 0); /* reported once */
}
END_TEST

START_TEST(band_spans_changed_lines)
{
    unsigned first, end;
    poke(0, 3, 0x123456);
    poke(7, 20, 0x654321);
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 2);
    ck_assert_uint_eq(first, 3);
    ck_assert_uint_eq(end, 21);
    poke(7, 20, 0x654321); /* the same value again is no change */
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 0);
    poke(7, 20, 0); /* back to black is a change */
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 1);
    ck_assert_uint_eq(first, 20);
}
END_TEST

START_TEST(invalidate_reports_all)
{
    unsigned first, end;
    framebuffer_invalidate(fb);
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), H);
    ck_assert_uint_eq(first, 0);
    ck_assert_uint_eq(end, H);
    ck_assert_uint_eq(framebuffer_refresh(fb, &first, &end), 0);
}
END_TEST

static struct machine *make_machine(unsigned w, unsigned h)
{
    struct rivet_config cfg;
    char err[RIVET_ERR_LEN];
    rivet_config_default(&cfg);
    cfg.fb_width = w;
    cfg.fb_height = h;
    struct machine *m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

static uint32_t slot_device_id(struct machine *m, unsigned slot)
{
    uint64_t v = 0;
    ck_assert_int_eq(virtio_mmio_read(m->virtio[slot], VIRTIO_MMIO_DEVICE_ID, 4, &v), BUS_OK);
    return (uint32_t)v;
}

START_TEST(board_places_devices)
{
    struct machine *m = make_machine(800, 600);
    struct framebuffer *f = display_framebuffer(m);
    ck_assert_ptr_nonnull(f);
    uint64_t base = framebuffer_paddr(f), end = RIVET_RAM_BASE + m->cfg.ram_size;
    ck_assert_uint_eq(base % DISPLAY_FB_ALIGN, 0);
    ck_assert_uint_ge(base, RIVET_RAM_BASE + m->cfg.ram_size / 2);
    /* clear of the 2 MiB the device tree goes in at the end of RAM */
    ck_assert_uint_le(base + framebuffer_bytes(800, 600), (end & ~(BOOT_FDT_ALIGN - 1)) - BOOT_FDT_ALIGN);
    ck_assert_uint_eq(slot_device_id(m, RIVET_VIRTIO_SLOTS - 1), VIRTIO_ID_INPUT); /* keyboard */
    ck_assert_uint_eq(slot_device_id(m, RIVET_VIRTIO_SLOTS - 2), VIRTIO_ID_INPUT); /* tablet */
    ck_assert_uint_eq(slot_device_id(m, 0), 0);
    /* A guest store reaches the viewer through the dirty tracking. */
    unsigned first, end_line;
    ck_assert_uint_eq(framebuffer_refresh(f, &first, &end_line), 0);
    ck_assert_int_eq(bus_write(&m->bus, base + 10 * framebuffer_stride(f) + 8, 4, 0xff00ff), BUS_OK);
    ck_assert_uint_eq(framebuffer_refresh(f, &first, &end_line), 1);
    ck_assert_uint_eq(first, 10);
    rivet_destroy(m);
}
END_TEST

START_TEST(board_without_display)
{
    struct machine *m = make_machine(0, 0);
    ck_assert_ptr_null(display_framebuffer(m));
    ck_assert(!display_key(m, 30, true));
    ck_assert(!display_pointer(m, 1, 1));
    ck_assert_uint_eq(slot_device_id(m, RIVET_VIRTIO_SLOTS - 1), 0);
    rivet_destroy(m);
}
END_TEST

START_TEST(board_refuses_too_little_ram)
{
    struct rivet_config cfg;
    char err[RIVET_ERR_LEN];
    rivet_config_default(&cfg);
    cfg.ram_size = 8u << 20;
    cfg.fb_width = 4096;
    cfg.fb_height = 4096; /* 64 MiB of pixels in 8 MiB of RAM */
    ck_assert_ptr_null(rivet_create(&cfg, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "framebuffer 4096x4096"));
}
END_TEST

START_TEST(input_is_queued)
{
    struct machine *m = make_machine(640, 480);
    ck_assert(display_key(m, 30, true));
    ck_assert(!display_key(m, 0, true));        /* KEY_RESERVED is no key */
    ck_assert(display_pointer(m, 5000, 5000));  /* clamped to the screen */
    ck_assert(display_button(m, 0x110, true));  /* BTN_LEFT */
    ck_assert(!display_button(m, 0x120, true)); /* not a tablet button */
    ck_assert(display_wheel(m, -1));
    ck_assert(!display_wheel(m, 0));
    display_board_poll(m); /* no driver yet: dropped, no crash */
    rivet_destroy(m);
}
END_TEST

START_TEST(window_decision)
{
    struct rivet_config cfg;
    const char *note;
    rivet_config_default(&cfg);
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    ck_assert_int_eq(display_setup(DISPLAY_AUTO, true, false, &cfg, &note), DISPLAY_NONE);
    ck_assert_ptr_nonnull(note);
    ck_assert_uint_eq(cfg.fb_width, 0);
    ck_assert_int_eq(display_setup(DISPLAY_AUTO, false, false, &cfg, &note), DISPLAY_NONE);
    ck_assert_ptr_null(note); /* -bios none: no remark */
    ck_assert_int_eq(display_setup(DISPLAY_SDL, true, false, &cfg, &note), DISPLAY_SDL);
    ck_assert_ptr_nonnull(note); /* an error: asked for a window, no display */
    setenv("DISPLAY", ":99", 1);
    cfg.fb_width = cfg.fb_height = 0;
    ck_assert_int_eq(display_setup(DISPLAY_AUTO, true, false, &cfg, &note), DISPLAY_SDL);
    ck_assert_ptr_null(note);
    ck_assert_uint_eq(cfg.fb_width, FB_DEFAULT_WIDTH);
    ck_assert_uint_eq(cfg.fb_height, FB_DEFAULT_HEIGHT);
    cfg.fb_width = cfg.fb_height = 0;
    ck_assert_int_eq(display_setup(DISPLAY_NONE, true, true, &cfg, &note), DISPLAY_NONE);
    ck_assert_uint_eq(cfg.fb_width, FB_DEFAULT_WIDTH); /* a screenshot needs a framebuffer */
    cfg.fb_width = 320, cfg.fb_height = 200;
    ck_assert_int_eq(display_setup(DISPLAY_AUTO, true, false, &cfg, &note), DISPLAY_SDL);
    ck_assert_uint_eq(cfg.fb_width, 320); /* -fb wins */
    unsetenv("DISPLAY");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("framebuffer");
    TCase *tc = tcase_create("dirty");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, geometry);
    tcase_add_test(tc, clean_screen_reports_nothing);
    tcase_add_test(tc, one_changed_line);
    tcase_add_test(tc, band_spans_changed_lines);
    tcase_add_test(tc, invalidate_reports_all);
    suite_add_tcase(s, tc);
    TCase *board = tcase_create("board");
    tcase_add_test(board, board_places_devices);
    tcase_add_test(board, board_without_display);
    tcase_add_test(board, board_refuses_too_little_ram);
    tcase_add_test(board, input_is_queued);
    tcase_add_test(board, window_decision);
    suite_add_tcase(s, board);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
