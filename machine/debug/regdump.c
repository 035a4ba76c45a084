/* Register lines for the monitor and the log (regdump.h). */
#include "machine/debug/regdump.h"

#include <inttypes.h>
#include <stdio.h>

#include "cpu/decode.h"
#include "cpu/hart.h"

/* One register file: 8 lines of 4 "name value" cells. */
static void dump_file(const uint64_t *regs, char kind, const char *const *abi, void (*emit)(void *, const char *),
                      void *ctx)
{
    for (unsigned row = 0; row < 8; row++) {
        char line[160];
        size_t len = 0;
        for (unsigned i = row * 4; i < row * 4 + 4; i++) {
            char name[16];
            snprintf(name, sizeof name, "%c%u/%s", kind, i, abi[i]);
            len += (size_t)snprintf(line + len, sizeof line - len, " %-8s %016" PRIx64, name, regs[i]);
        }
        snprintf(line + len, sizeof line - len, "\n");
        emit(ctx, line);
    }
}

void regdump_gprs(const struct hart *h, bool fp, void (*emit)(void *ctx, const char *text), void *ctx)
{
    dump_file(h->x, 'x', reg_abi_name, emit, ctx);
    if (fp)
        dump_file(h->f, 'f', freg_abi_name, emit, ctx);
}
