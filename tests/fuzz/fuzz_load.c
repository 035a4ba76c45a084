/*
 * Fuzz target: the files a user hands rivet. Whatever the bytes, loading
 * must either succeed or fail with one line in err; never crash, overrun or
 * leak. The input's first byte picks the role its remaining bytes play:
 *   0  -bios none -kernel FILE (ELF or raw), then a short run
 *   1  -kernel FILE with the built-in SBI (ELF, Linux Image or raw)
 *   2  -bios FILE (firmware) with no kernel
 *   3  -dtb FILE, with a small raw kernel
 *   4  -initrd FILE, with a small raw kernel
 * A load that succeeds runs a few thousand instructions: a loader that
 * placed something wrongly may only show when the code runs.
 */
#include "fuzz_board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror("fuzz_load: writing the input file");
        exit(2);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char file[64], kernel[64];
    if (!file[0]) {
        snprintf(file, sizeof file, "/tmp/rivet-fuzz-load-%d", (int)getpid());
        snprintf(kernel, sizeof kernel, "/tmp/rivet-fuzz-kernel-%d", (int)getpid());
        static const uint8_t loop[] = { 0x6f, 0x00, 0x00, 0x00 }; /* j . */
        write_file(kernel, loop, sizeof loop);
    }
    if (size < 1)
        return 0;
    unsigned role = data[0] % 5;
    write_file(file, data + 1, size - 1);

    struct rivet_config cfg;
    rivet_config_default(&cfg);
    cfg.ram_size = 32u << 20; /* room for the initrd and device tree above a kernel */
    cfg.icount = true;
    char err[RIVET_ERR_LEN] = "";
    struct machine *m = rivet_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "fuzz_load: cannot make the board: %s\n", err);
        exit(2);
    }
    struct rivet_boot b = { .firmware = RIVET_FW_BUILTIN, .kernel = kernel };
    switch (role) {
    case 0: b.firmware = RIVET_FW_NONE, b.kernel = file; break;
    case 1: b.kernel = file; break;
    case 2: b.firmware = RIVET_FW_FILE, b.bios = file, b.kernel = NULL; break;
    case 3: b.dtb = file; break;
    default: b.initrd = file; break;
    }
    if (rivet_boot(m, &b, err, sizeof err)) {
        m->cfg.max_insns = 5000;
        rivet_run(m, err, sizeof err);
    } else if (!err[0] || strchr(err, '\n')) {
        fprintf(stderr, "fuzz_load: a refused file must give one line of error, got \"%s\"\n", err);
        abort();
    }
    rivet_destroy(m);
    return 0;
}
