/*
 * Spike's signature dump (--signature FILE, +signature=FILE): the bytes
 * between the kernel ELF's begin_signature and end_signature, written at the
 * end of the run. Format, as Spike's HTIF writes it: one line per
 * `granularity` bytes (Spike's default 16), the line's bytes as two lowercase
 * hex digits each from its highest address down to its lowest, the last
 * line padded with zero bytes at the high end; lines end in '\n'.
 */
#include <stdio.h>

#include "machine/board/loader.h"
#include "machine/board/machine.h"

#define SPIKE_GRANULARITY 16

bool machine_signature_setup(struct machine *m, const struct load_info *kernel, char *err, size_t errlen)
{
    const char *path = m->cfg.signature;
    if (!path)
        return true;
    if (!kernel->is_elf || !kernel->has_sig_begin || !kernel->has_sig_end) {
        machine_err(err, errlen, "--signature %s: the kernel has no begin_signature and end_signature symbols", path);
        return false;
    }
    uint64_t lo = kernel->sig_begin, hi = kernel->sig_end;
    if (hi < lo || !bus_ram_ptr(&m->bus, lo, hi - lo)) {
        machine_err(err, errlen, "--signature %s: [begin_signature 0x%llx, end_signature 0x%llx) is not a range of RAM",
                    path, (unsigned long long)lo, (unsigned long long)hi);
        return false;
    }
    m->sig_begin = lo;
    m->sig_end = hi;
    m->has_signature = true;
    return true;
}

bool rivet_write_signature(struct machine *m, FILE *f, char *err, size_t errlen)
{
    if (!m->has_signature) {
        machine_err(err, errlen, "--signature %s: the run ended before the kernel was loaded", m->cfg.signature);
        return false;
    }
    uint64_t len = m->sig_end - m->sig_begin;
    unsigned g = m->cfg.signature_granularity ? m->cfg.signature_granularity : SPIKE_GRANULARITY;
    const uint8_t *p = bus_ram_ptr(&m->bus, m->sig_begin, len); /* checked at boot; RAM stays */
    for (uint64_t i = 0; p && i < len; i += g) {
        for (uint64_t j = g; j > 0; j--)
            fprintf(f, "%02x", i + j <= len ? p[i + j - 1] : 0);
        fputc('\n', f);
    }
    if (fflush(f) != 0 || ferror(f)) {
        machine_err(err, errlen, "--signature %s: write error", m->cfg.signature);
        return false;
    }
    return true;
}
