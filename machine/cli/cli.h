/*
 * Command-line parsing for the rivet program, kept apart from main() so tests
 * can call it. QEMU 7.2 spelling and meaning for the board flags (-machine/-M,
 * -bios, -kernel, -initrd, -append, -dtb, -m, -smp, -nographic, -serial,
 * -display, -no-reboot, -snapshot, -drive, -device, -global, -object,
 * -netdev, -nic, -net, -gdb, -s, -S, old QEMU's -s -p PORT, -icount, -rtc,
 * -h/-help, -version), rivet's own for
 * the rest; every flag may be written with one or two dashes, and a flag's
 * value either as the next argument or after '=' (--timeout=5). --trace takes
 * its file only as --trace=FILE. Anything rivet does not implement (a flag,
 * a sub-option, a value) is refused with a message naming it.
 *
 * The parser does no I/O: it fills the options or an error message (one line,
 * without the "rivet: " prefix), and the caller prints.
 */
#ifndef RIVET_CLI_H
#define RIVET_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/host/display.h"
#include "rivet.h"

#define CLI_MAX_DRIVES 16

/* One -drive, until -device and the slots are resolved. */
struct cli_drive {
    char *file, *id; /* malloc'd (cli_free) */
    bool readonly;
    bool virtio; /* if=virtio: a virtio-blk device of its own */
    bool pflash; /* if=pflash: a flash bank (cfg.pflash[unit]) */
    int unit;    /* unit=N, -1: the next free bank (if=pflash only) */
    bool attached;
};

struct cli_options {
    struct rivet_config cfg;          /* cfg.trace is left NULL: main opens trace_path */
    struct rivet_boot boot;           /* firmware, kernel (-kernel), initrd, append, dtb */
    const char *kernel;               /* = boot.kernel */
    bool trace;                       /* --trace given */
    const char *trace_path;           /* --trace=FILE; NULL = stderr */
    bool stats;                       /* --stats */
    char *dumpdtb;                    /* -machine virt,dumpdtb=FILE (malloc'd) */
    char *rng_file;                   /* cfg.rng_file's storage (malloc'd) */
    char *hostfwd[RIVET_MAX_HOSTFWD]; /* cfg.net_hostfwd's storage (malloc'd) */
    bool serial_given;
    unsigned ndrives;
    struct cli_drive drives[CLI_MAX_DRIVES];
    /* The window (machine/host/display.h); -fb sets cfg.fb_width/fb_height. */
    enum display_kind display; /* -display / -nographic; default DISPLAY_AUTO */
    const char *screenshot;    /* --screenshot-on-exit FILE */
    char gdb_spec[16];         /* cfg.gdb's storage for -s -p PORT */
    char *semihost_args;       /* cfg.semihosting_cmdline's storage (malloc'd) */
    const char *log_path;      /* -D FILE; NULL = stderr (main opens it) */
    const char *loadvm;        /* -loadvm FILE: restored after rivet_boot (rivet_loadvm) */
};

enum cli_result {
    CLI_RUN,      /* options filled: run the machine */
    CLI_HELP,     /* -h/--help: print cli_usage() to stdout, exit 0 */
    CLI_VERSION,  /* --version: print cli_version() to stdout, exit 0 */
    CLI_CPU_HELP, /* -cpu help: print isa_help() (cpu/isa.h) to stdout, exit 0 */
    CLI_ERROR,    /* err filled: exit RIVET_EXIT_USAGE */
    CLI_LOG_HELP, /* -d help: print cli_log_help() to stdout, exit 0 */
};

/* Fills o (which cli_free releases, whatever the result). */
enum cli_result cli_parse(int argc, char *const argv[], struct cli_options *o, char *err, size_t errlen);
void cli_free(struct cli_options *o);

/* Parses a QEMU -m size: a plain number is MiB; a K, M, G or T suffix (either
 * case) scales by 2^10, 2^20, 2^30 or 2^40. false when malformed or overflowing. */
bool cli_parse_size(const char *s, uint64_t *bytes);

/* The help: as in QEMU's, each option's line starts at column 0 with the
 * option, so scripts that grep QEMU's help find rivet's (xv6-riscv's
 * Makefile runs `$(QEMU) -help | grep -q '^-gdb'`). */
const char *cli_usage(void);
const char *cli_version(void);
/* The -d items, as -d help lists them. */
const char *cli_log_help(void);

#endif
