/*
 * Simple framebuffer with per-scanline dirty tracking (see framebuffer.h).
 */
#include "devices/framebuffer.h"

#include <stdlib.h>
#include <string.h>

struct framebuffer {
    const uint8_t *vram; /* guest RAM, written by the guest at any time */
    uint64_t paddr;
    unsigned width, height, stride;
    uint8_t *shadow; /* what the viewer last saw */
    bool invalid;    /* report every line at the next refresh */
};

uint64_t framebuffer_bytes(unsigned width, unsigned height) { return (uint64_t)width * FB_BYTES_PER_PIXEL * height; }

static bool side_ok(unsigned n) { return n >= FB_MIN_SIDE && n <= FB_MAX_SIDE; }

struct framebuffer *framebuffer_create(const uint8_t *vram, uint64_t paddr, unsigned width, unsigned height)
{
    if (!vram || !side_ok(width) || !side_ok(height))
        return NULL;
    struct framebuffer *fb = calloc(1, sizeof *fb);
    if (!fb)
        return NULL;
    fb->shadow = malloc(framebuffer_bytes(width, height));
    if (!fb->shadow) {
        free(fb);
        return NULL;
    }
    fb->vram = vram;
    fb->paddr = paddr;
    fb->width = width;
    fb->height = height;
    fb->stride = width * FB_BYTES_PER_PIXEL;
    memcpy(fb->shadow, vram, framebuffer_bytes(width, height));
    return fb;
}

void framebuffer_destroy(struct framebuffer *fb)
{
    if (!fb)
        return;
    free(fb->shadow);
    free(fb);
}

unsigned framebuffer_width(const struct framebuffer *fb) { return fb->width; }
unsigned framebuffer_height(const struct framebuffer *fb) { return fb->height; }
unsigned framebuffer_stride(const struct framebuffer *fb) { return fb->stride; }
uint64_t framebuffer_paddr(const struct framebuffer *fb) { return fb->paddr; }
const uint8_t *framebuffer_shadow(const struct framebuffer *fb) { return fb->shadow; }

void framebuffer_invalidate(struct framebuffer *fb) { fb->invalid = true; }

unsigned framebuffer_refresh(struct framebuffer *fb, unsigned *first, unsigned *end)
{
    unsigned changed = 0, lo = 0, hi = 0;
    for (unsigned y = 0; y < fb->height; y++) {
        const uint8_t *src = fb->vram + (size_t)y * fb->stride;
        uint8_t *dst = fb->shadow + (size_t)y * fb->stride;
        if (!fb->invalid && memcmp(src, dst, fb->stride) == 0)
            continue;
        memcpy(dst, src, fb->stride);
        if (!changed)
            lo = y;
        hi = y + 1;
        changed++;
    }
    fb->invalid = false;
    if (changed) {
        *first = lo;
        *end = hi;
    }
    return changed;
}
