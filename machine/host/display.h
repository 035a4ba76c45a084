/*
 * The desktop: the board's display devices (a simple framebuffer in
 * reserved guest RAM, a virtio-input keyboard and tablet) and the interface
 * a front end (display_sdl.c, or a test) uses to show and drive them.
 *
 * Board side (display.c, part of rivet_core, no SDL)
 * - With cfg.fb_width/fb_height nonzero, rivet_create calls
 *   display_board_create: the framebuffer takes fb bytes of RAM (2 MiB
 *   aligned) just below the 2 MiB the device tree is placed in at the end
 *   of RAM; the keyboard and then the tablet take the highest free
 *   virtio-mmio slots, so Linux (which probes the slots highest first, after
 *   the disks) numbers them /dev/input/event0 and event1.
 * - display_board_dtb adds the framebuffer to the generated device tree: a
 *   simple-framebuffer node and a no-map /reserved-memory range.
 * - display_board_poll runs on the emulation thread between rounds of the
 *   run loop: it moves queued input into the guest and carries out a power
 *   button press. With nothing to do it costs three atomic loads.
 *
 * Front-end side
 * - display_framebuffer, display_key, display_pointer, display_button,
 *   display_wheel and display_power_button may be called from any thread
 *   while the machine exists; input is queued and delivered by the poll.
 *   The framebuffer's viewer rules are in devices/framebuffer.h.
 * - The power button presses KEY_POWER on the keyboard, as a power button
 *   does on a machine without ACPI; a guest that has not powered off
 *   DISPLAY_POWEROFF_GRACE_MS later is stopped (rivet_run returns 0).
 *
 * The SDL front end and the PNG writer (display_sdl.c, screenshot.c) are
 * built into a separate library linked only into the rivet program, so the
 * core and the unit tests need neither SDL nor libpng.
 */
#ifndef RIVET_DISPLAY_H
#define RIVET_DISPLAY_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#define DISPLAY_MACHINE_NAME      "virt"
#define DISPLAY_POWEROFF_GRACE_MS 3000
#define DISPLAY_FB_ALIGN          0x200000ull /* 2 MiB: the reserved range's alignment */

struct machine;
struct framebuffer;

/* --- board side (machine.c, boot.c) --- */
bool display_board_create(struct machine *m, char *err, size_t errlen); /* no-op without fb */
void display_board_destroy(struct machine *m);
void display_board_poll(struct machine *m);
/* boot.c, on the generated tree: blob itself without a framebuffer, else a
 * new tree with the framebuffer nodes (blob freed); NULL and err on failure
 * (blob freed). */
void *display_board_dtb(const struct machine *m, void *blob, char *err, size_t errlen);

/* --- front-end side, any thread --- */
struct framebuffer *display_framebuffer(struct machine *m); /* NULL: no display devices */
/* false when there is no such device or the input was dropped (queue full). */
bool display_key(struct machine *m, unsigned evdev_code, bool down);
bool display_pointer(struct machine *m, unsigned x, unsigned y);          /* framebuffer pixels */
bool display_button(struct machine *m, unsigned evdev_button, bool down); /* BTN_LEFT/RIGHT/MIDDLE */
bool display_wheel(struct machine *m, int clicks);                        /* positive: away from the user */
void display_power_button(struct machine *m);

/* --- the rivet program's front end (rivet_display library) --- */
enum display_kind {
    DISPLAY_AUTO, /* a window when DISPLAY or WAYLAND_DISPLAY is set */
    DISPLAY_NONE, /* -display none, -nographic */
    DISPLAY_SDL,  /* -display sdl: a window, or fail */
};

/* The rivet program's choice: DISPLAY_SDL or DISPLAY_NONE. AUTO gives a
 * window when DISPLAY or WAYLAND_DISPLAY is set and auto_ok (false for a
 * bare M-mode program, -bios none, and for dumpdtb: tests, not desktops).
 * *note is NULL or one line for stderr: with DISPLAY_SDL returned it is an
 * error (asked for a window, no display: exit RIVET_EXIT_USAGE), with
 * DISPLAY_NONE a remark (AUTO found no display). When a window or a
 * screenshot needs a framebuffer and -fb gave none, cfg gets the default
 * FB_DEFAULT_WIDTH x FB_DEFAULT_HEIGHT. */
struct rivet_config;
enum display_kind display_setup(enum display_kind asked, bool auto_ok, bool screenshot, struct rivet_config *cfg,
                                const char **note);

struct display_sdl;

/* Opens the window on a thread of its own and returns once it shows (NULL
 * and err filled when it cannot: no display, SDL failure). The thread
 * redraws changed lines at up to 60 Hz and feeds keys and the pointer to
 * the guest; Ctrl-Alt-G releases the grab, Ctrl-Alt-S writes a screenshot,
 * closing the window presses the power button. */
struct display_sdl *display_sdl_open(struct machine *m, char *err, size_t errlen);
/* Stops the thread and closes the window. NULL is accepted. */
void display_sdl_close(struct display_sdl *d);

/* The framebuffer as an RGB PNG (libpng). Call with no display thread
 * running (before open or after close), or from the display thread. */
bool screenshot_write_png(struct framebuffer *fb, const char *path, char *err, size_t errlen);
/* --screenshot-on-exit: refreshes the framebuffer and writes it to f, the
 * file the front end opened (hostfile.h) before the run, so a bad path is
 * a start-up error; f is closed, `path` names it in messages (no display
 * thread may be running). false and err filled on failure or no
 * framebuffer. */
bool screenshot_on_exit(struct machine *m, FILE *f, const char *path, char *err, size_t errlen);

#endif
