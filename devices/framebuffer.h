/*
 * A simple framebuffer: width x height pixels of x8r8g8b8 (32 bits, little
 * endian: bytes B, G, R, unused) in a range of guest RAM, as Linux's
 * simple-framebuffer binding describes it. The guest draws with ordinary
 * stores; the device adds nothing to the store path.
 *
 * Dirty tracking: framebuffer_refresh() compares guest memory with a shadow
 * copy one scanline at a time and copies the lines that changed, so a viewer
 * redraws only those lines and an idle screen costs one memcmp per line.
 *
 * Contract
 * - The model does not own the memory: `vram` points into guest RAM (the
 *   bus's allocation) and must outlive the framebuffer.
 * - Threading: refresh, shadow and the size getters belong to one viewer
 *   thread at a time (the display thread while it runs, then whoever stops
 *   it). refresh only reads guest RAM, with no lock: a line the guest is
 *   writing at that moment may be copied half old, half new, and is copied
 *   again at the next refresh since it differs from the shadow. The
 *   emulation thread never waits for the viewer.
 */
#ifndef RIVET_FRAMEBUFFER_H
#define RIVET_FRAMEBUFFER_H

#include <stdbool.h>
#include <stdint.h>

#define FB_BYTES_PER_PIXEL 4
#define FB_FORMAT          "x8r8g8b8" /* the simple-framebuffer format string */
#define FB_DEFAULT_WIDTH   1024
#define FB_DEFAULT_HEIGHT  768
#define FB_MIN_SIDE        16
#define FB_MAX_SIDE        8192

struct framebuffer;

/* Bytes of guest memory a width x height framebuffer uses (stride * height). */
uint64_t framebuffer_bytes(unsigned width, unsigned height);

/* NULL when a side is outside [FB_MIN_SIDE, FB_MAX_SIDE] or out of memory.
 * The shadow starts equal to vram, so the first refresh reports nothing
 * until the guest draws; framebuffer_invalidate() forces a full redraw. */
struct framebuffer *framebuffer_create(const uint8_t *vram, uint64_t paddr, unsigned width, unsigned height);
void framebuffer_destroy(struct framebuffer *fb); /* NULL is accepted */

unsigned framebuffer_width(const struct framebuffer *fb);
unsigned framebuffer_height(const struct framebuffer *fb);
unsigned framebuffer_stride(const struct framebuffer *fb); /* bytes per line */
uint64_t framebuffer_paddr(const struct framebuffer *fb);

/* Copies every changed line into the shadow. Returns how many lines changed
 * and, when some did, the band [*first, *end) that holds them all. */
unsigned framebuffer_refresh(struct framebuffer *fb, unsigned *first, unsigned *end);

/* Marks every line changed for the next refresh (e.g. a new window). */
void framebuffer_invalidate(struct framebuffer *fb);

/* The shadow: height lines of stride bytes, as of the last refresh. */
const uint8_t *framebuffer_shadow(const struct framebuffer *fb);

#endif
