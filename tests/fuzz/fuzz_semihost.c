/*
 * Fuzz target: semihosting calls with any operation and any parameter
 * block (machine/board/semihosting.h). Every pointer, length, handle, mode and
 * path a guest can pass reaches the host here; none may crash it, leak, or
 * touch a file outside the root.
 *
 * An input is an options byte, then a script:
 *   SOP_RAM   u16 offset, u8 length, bytes: stored at RAM + offset
 *   SOP_CALL  u8 operation, u8 kind, u64 value: a call with a0 = operation and
 *             a1 = RAM + (value mod RAM size) when kind is even (a pointer
 *             into RAM), value itself when odd (any address, a reason code)
 * Options: bit 0 the O_NOFOLLOW walk instead of openat2 (semihost_force_walk);
 * bit 1 the hart in U-mode with userspace=on.
 * The root is a directory made once per process (in.txt, sub/, a symlink
 * out, a FIFO), removed with whatever the inputs created in it at exit.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <sys/stat.h>

#include "fuzz_board.h"
#include "machine/board/semihosting.h"

enum { SOP_RAM, SOP_CALL, SOP_COUNT };
#define MAX_OPS 128

static char root_dir[64];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_root(void) { nftw(root_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS); }

static const char *root(void)
{
    if (root_dir[0])
        return root_dir;
    snprintf(root_dir, sizeof root_dir, "/tmp/rivet-fuzz-sh-XXXXXX");
    if (!mkdtemp(root_dir)) {
        perror("fuzz: mkdtemp");
        exit(2);
    }
    char p[128];
    snprintf(p, sizeof p, "%s/in.txt", root_dir);
    FILE *f = fopen(p, "w");
    if (!f) {
        perror("fuzz: making the root");
        exit(2);
    }
    fputs("hello world\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/sub", root_dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/link_out", root_dir);
    if (symlink("/etc/passwd", p) != 0)
        perror("fuzz: symlink");
    snprintf(p, sizeof p, "%s/fifo", root_dir);
    mkfifo(p, 0644);
    atexit(remove_root);
    return root_dir;
}

static struct machine *board(unsigned opts)
{
    struct rivet_config cfg;
    rivet_config_default(&cfg);
    cfg.ram_size = FUZZ_RAM_SIZE;
    cfg.serial = RIVET_SERIAL_NONE;
    cfg.icount = true;
    cfg.semihosting = true;
    cfg.semihosting_user = (opts & 2) != 0;
    cfg.semihosting_root = root();
    cfg.semihosting_cmdline = "prog arg";
    struct machine *m = fuzz_boot(&cfg);
    semihost_force_walk(m->semihost, opts & 1);
    if (opts & 2)
        m->harts[0].priv = PRV_U;
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct machine *m = board((unsigned)fuzz_take(&in, 1));
    struct hart *h = &m->harts[0];
    for (unsigned op = 0; in.left && op < MAX_OPS; op++) {
        if (fuzz_take(&in, 1) % SOP_COUNT == SOP_RAM) {
            fuzz_ram_store(m, &in);
            continue;
        }
        uint64_t call = fuzz_take(&in, 1), kind = fuzz_take(&in, 1), value = fuzz_take(&in, 8);
        h->x[10] = call;
        h->x[11] = kind & 1 ? value : RIVET_RAM_BASE + value % FUZZ_RAM_SIZE;
        semihost_call(m->semihost, h, RIVET_RAM_BASE);
    }
    rivet_destroy(m);
    return 0;
}
