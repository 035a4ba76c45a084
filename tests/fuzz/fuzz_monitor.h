/*
 * The monitor fuzz targets' driver (fuzz_qmp.c, fuzz_hmp.c): a board with
 * nothing loaded, a monitor with no sockets, and the input fed to one of
 * its channels as a client would send it (machine/debug/monitor.h: client
 * input is untrusted). Replies go to a sink that checks they are text the
 * protocol allows.
 *
 * An input is an options byte, then the client's bytes:
 *   bit 0     two harts (cpu 1 exists)
 *   bit 1     QMP: capabilities already negotiated
 *   bits 4-7  chunk size - 1: the bytes arrive in pieces of 1 to 16 (a
 *             line or an object split across reads); 0xf0 and above: whole
 */
#ifndef RIVET_FUZZ_MONITOR_H
#define RIVET_FUZZ_MONITOR_H

#include "fuzz_board.h"
#include "machine/debug/monitor_priv.h"

struct fuzz_sink {
    size_t bytes;
};

static void fuzz_monitor_sink(void *opaque, const char *s, size_t n)
{
    struct fuzz_sink *k = opaque;
    for (size_t i = 0; i < n; i++) /* every byte is read: ASan sees a reply built from freed or unset memory */
        k->bytes += (unsigned char)s[i] != 0;
}

static inline int fuzz_monitor(const uint8_t *data, size_t size, enum mon_proto proto)
{
    if (size < 1)
        return 0;
    uint8_t opts = data[0];
    struct rivet_config cfg;
    rivet_config_default(&cfg);
    cfg.ram_size = FUZZ_RAM_SIZE;
    cfg.nharts = (opts & 1) ? 2 : 1;
    cfg.serial = RIVET_SERIAL_NONE;
    cfg.icount = true;
    struct machine *m = fuzz_boot(&cfg);
    struct monitor *mon = monitor_new(m);
    struct fuzz_sink sink = { 0 };
    struct mon_chan *c = mon ? mon_attach_sink(mon, proto, fuzz_monitor_sink, &sink) : NULL;
    if (!c) {
        fprintf(stderr, "fuzz: cannot make the monitor\n");
        exit(2);
    }
    c->caps = proto == MON_QMP && (opts & 2);
    size_t chunk = opts >= 0xf0 ? size : (size_t)(opts >> 4) + 1;
    for (size_t i = 1; i < size && !mon->quit; i += chunk)
        mon_chan_input(c, data + i, size - i < chunk ? size - i : chunk);
    monitor_free(mon);
    rivet_destroy(m);
    return 0;
}

#endif
