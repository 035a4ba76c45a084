/*
 * HTIF device: see htif.h for the protocol.
 */
#include "devices/htif.h"

#include <errno.h>
#include <string.h>

#define HTIF_WORD        8
#define HTIF_MAGIC_WORDS 8

static inline uint64_t htif_device(uint64_t v) { return v >> 56; }
static inline uint64_t htif_cmd(uint64_t v) { return (v >> 48) & 0xff; }
static inline uint64_t htif_payload(uint64_t v) { return v & 0xffffffffffffull; }

static bool is_ram_word(const struct bus *bus, uint64_t addr)
{
    return (addr & (HTIF_WORD - 1)) == 0 && bus_ram_ptr(bus, addr, HTIF_WORD) != NULL;
}

bool htif_init(struct htif *d, struct bus *bus, uint64_t tohost, bool has_fromhost, uint64_t fromhost,
               htif_exit_fn on_exit, void *opaque)
{
    memset(d, 0, sizeof *d);
    if (!is_ram_word(bus, tohost) || (has_fromhost && !is_ram_word(bus, fromhost)))
        return false;
    if (bus->watch && bus->watch != htif_watch)
        return false;
    d->bus = bus;
    d->tohost = tohost;
    d->fromhost = fromhost;
    d->has_fromhost = has_fromhost;
    d->out = stdout;
    d->err = stderr;
    d->on_exit = on_exit;
    d->exit_opaque = opaque;
    bus->watch = htif_watch;
    bus->watch_opaque = d;
    bus_watch_page(bus, tohost);
    return true;
}

static void htif_exit(struct htif *d, uint64_t code)
{
    if (d->on_exit)
        d->on_exit(d->exit_opaque, code);
}

/* A failed write to the guest's stdout: EPIPE means its reader is gone
 * (htif.h, out_closed). */
static void note_closed(struct htif *d, FILE *f)
{
    if (f == d->out && errno == EPIPE)
        d->out_closed = true;
}

/* write(fd, buf, len): copies the guest buffer out in bounded chunks. */
static int64_t sys_write(struct htif *d, uint64_t fd, uint64_t buf, uint64_t len)
{
    FILE *f = fd == 1 ? d->out : fd == 2 ? d->err : NULL;
    if (!f)
        return -EBADF;
    if (len > d->bus->ram_size || !bus_ram_ptr(d->bus, buf, len))
        return -EFAULT;
    uint8_t chunk[HTIF_WRITE_CHUNK];
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (!bus_dma_read(d->bus, buf + done, chunk, n))
            return -EFAULT;
        if (fwrite(chunk, 1, n, f) != n) {
            note_closed(d, f);
            return done ? (int64_t)done : -EIO;
        }
        done += n;
    }
    if (fflush(f) != 0)
        note_closed(d, f);
    return (int64_t)done;
}

/* Serves the syscall whose magic_mem block is at addr (riscv-pk's frontend
 * syscall proxy). A block outside RAM gets no answer at all: there is nowhere
 * to put one. */
static void htif_syscall(struct htif *d, uint64_t addr)
{
    uint64_t mm[HTIF_MAGIC_WORDS];
    if (!bus_dma_read(d->bus, addr, mm, sizeof mm))
        return;
    int64_t ret;
    switch (mm[0]) {
    case HTIF_SYS_WRITE: ret = sys_write(d, mm[1], mm[2], mm[3]); break;
    case HTIF_SYS_EXIT: htif_exit(d, mm[1]); return;
    default: ret = -ENOSYS; break;
    }
    uint8_t le[HTIF_WORD];
    store_le(le, HTIF_WORD, (uint64_t)ret);
    bus_dma_write(d->bus, addr, le, sizeof le);
}

static void write_word(struct htif *d, uint64_t addr, uint64_t v)
{
    uint8_t le[HTIF_WORD];
    store_le(le, HTIF_WORD, v);
    bus_dma_write(d->bus, addr, le, sizeof le);
}

/* Acknowledges a command: fromhost = device/cmd with payload 1, tohost = 0. */
static void htif_reply(struct htif *d, uint64_t dev, uint64_t cmd)
{
    write_word(d, d->tohost, 0);
    if (d->has_fromhost)
        write_word(d, d->fromhost, dev << 56 | cmd << 48 | 1);
}

static void htif_command(struct htif *d, uint64_t v)
{
    uint64_t dev = htif_device(v), cmd = htif_cmd(v), payload = htif_payload(v);
    if (dev == HTIF_DEV_SYSCALL && cmd == 0) {
        if (payload & 1) {
            htif_exit(d, payload >> 1);
            return;
        }
        htif_syscall(d, payload);
        htif_reply(d, dev, cmd);
    } else if (dev == HTIF_DEV_CONSOLE && cmd == HTIF_CMD_PUTCHAR) {
        if (fputc((int)(payload & 0xff), d->out) == EOF || ((payload & 0xff) == '\n' && fflush(d->out) != 0))
            note_closed(d, d->out);
        htif_reply(d, dev, cmd);
    } else {
        /* Unknown device or command: consume it so the guest is not stuck. */
        write_word(d, d->tohost, 0);
    }
}

void htif_watch(void *opaque, uint64_t paddr, unsigned size)
{
    struct htif *d = opaque;
    if (d->busy)
        return;
    /* Only a store touching the upper word of tohost completes a command. */
    uint64_t upper = d->tohost + HTIF_WORD / 2;
    if (paddr >= d->tohost + HTIF_WORD || paddr + size <= upper)
        return;
    const uint8_t *p = bus_ram_ptr(d->bus, d->tohost, HTIF_WORD);
    if (!p)
        return;
    uint64_t v = load_le(p, HTIF_WORD);
    if (v == 0)
        return;
    d->busy = true;
    htif_command(d, v);
    d->busy = false;
}
