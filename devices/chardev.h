/*
 * A host character backend: the interface between a serial device model and
 * whatever carries its bytes on the host (the terminal, a file, a test's
 * buffer). Device models only see this, so they are testable without a tty.
 *
 * Contract
 * - write() takes guest output; it may block briefly but must not fail loudly
 *   (a backend that cannot write drops the bytes).
 * - read() is non-blocking: it copies up to len bytes of input that is
 *   available now and returns how many (0 = none now, or no more input ever).
 *   It is called very often (every board round), so a backend must make it
 *   cheap, e.g. by rate-limiting its system calls.
 * - drained() tells the backend that the device's receiver emptied and has
 *   room: input waiting on the host side can come now. Optional. It is
 *   called with the device's lock held, on whichever thread ran the guest's
 *   access, so it must be cheap and must not call back into the device
 *   (the board's console wakes its I/O thread, which then polls the UART).
 * - Either of write and read may be NULL: output is dropped / there is no input.
 * - Threading: write and read on one thread at a time (the board's console
 *   wrapper serialises them); drained as above.
 */
#ifndef RIVET_CHARDEV_H
#define RIVET_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

struct chardev {
    void (*write)(void *opaque, const uint8_t *buf, size_t len); /* guest output */
    /* Non-blocking guest input: the bytes available now (0 = none). */
    size_t (*read)(void *opaque, uint8_t *buf, size_t len);
    void *opaque;
    void (*drained)(void *opaque); /* the receiver has room again (may be NULL) */
};

static inline void chardev_write(const struct chardev *c, const uint8_t *buf, size_t len)
{
    if (c && c->write && len)
        c->write(c->opaque, buf, len);
}

static inline size_t chardev_read(const struct chardev *c, uint8_t *buf, size_t len)
{
    if (!c || !c->read || !len)
        return 0;
    size_t n = c->read(c->opaque, buf, len);
    return n > len ? len : n;
}

static inline void chardev_drained(const struct chardev *c)
{
    if (c && c->drained)
        c->drained(c->opaque);
}

#endif
