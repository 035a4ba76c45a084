/*
 * Screenshots: the framebuffer's shadow as an 8-bit RGB PNG through libpng
 * (see display.h). Part of the rivet_display library, not of the core.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/framebuffer.h"
#include "machine/host/display.h"
#include "machine/board/machine.h"

/* x8r8g8b8 little-endian (bytes B, G, R, X) to R, G, B. */
static void to_rgb(uint8_t *dst, const uint8_t *src, unsigned width)
{
    for (unsigned x = 0; x < width; x++) {
        dst[3 * x] = src[FB_BYTES_PER_PIXEL * x + 2];
        dst[3 * x + 1] = src[FB_BYTES_PER_PIXEL * x + 1];
        dst[3 * x + 2] = src[FB_BYTES_PER_PIXEL * x];
    }
}

/* libpng reports errors by longjmp; everything this touches after setjmp
 * was set before it, so no local needs to be volatile. */
static bool encode(FILE *f, png_structp png, png_infop info, const struct framebuffer *fb, uint8_t *row)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    unsigned w = framebuffer_width(fb), h = framebuffer_height(fb), stride = framebuffer_stride(fb);
    const uint8_t *pixels = framebuffer_shadow(fb);
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (unsigned y = 0; y < h; y++) {
        to_rgb(row, pixels + (size_t)y * stride, w);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    return true;
}

/* Writes the PNG to f and closes it. */
static bool write_png(struct framebuffer *fb, FILE *f, const char *path, char *err, size_t errlen)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)framebuffer_width(fb) * 3);
    bool ok = png && info && row && encode(f, png, info, fb, row);
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    if (fclose(f) != 0)
        ok = false;
    if (!ok)
        machine_err(err, errlen, "screenshot %s: write error", path);
    return ok;
}

bool screenshot_write_png(struct framebuffer *fb, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        machine_err(err, errlen, "screenshot: cannot create '%s': %s", path, strerror(errno));
        return false;
    }
    return write_png(fb, f, path, err, errlen);
}

bool screenshot_on_exit(struct machine *m, FILE *f, const char *path, char *err, size_t errlen)
{
    struct framebuffer *fb = display_framebuffer(m);
    unsigned first, end;
    if (!fb) {
        fclose(f);
        machine_err(err, errlen, "--screenshot-on-exit: the machine has no framebuffer");
        return false;
    }
    framebuffer_refresh(fb, &first, &end);
    return write_png(fb, f, path, err, errlen);
}
