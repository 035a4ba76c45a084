/*
 * rivet: the public library interface. The `rivet` program is a thin front
 * end over these few calls; unit tests and other programs may use them too.
 *
 * Usage
 *     struct rivet_config cfg;
 *     rivet_config_default(&cfg);
 *     cfg.ram_size = 256 << 20;
 *     char err[RIVET_ERR_LEN];
 *     struct machine *m = rivet_create(&cfg, err, sizeof err);
 *     if (!m || !rivet_load(m, "prog.elf", err, sizeof err)) ... print err ...
 *     int status = rivet_run(m, err, sizeof err);   (err: why the run ended, or "")
 *     rivet_destroy(m);
 *
 * Contract
 * - Errors are returned, never printed: a failing call fills `err` with one
 *   line (no trailing newline) that names the problem and the file, without
 *   the "rivet: " prefix. The library never exits the process.
 * - The guest's own console output (HTIF) goes to the host's stdout/stderr.
 * - No global state: any number of machines may exist in one process; each is
 *   used by one thread at a time. rivet_request_stop() is the exception: it is
 *   async-signal-safe and may be called from a signal handler or other thread.
 */
#ifndef RIVET_H
#define RIVET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RIVET_VERSION "0.1.0"
#define RIVET_ERR_LEN 512

/* Process exit statuses (documented in `rivet --help`). A guest verdict is
 * its exit code's low 8 bits, except that a nonzero code whose low 8 bits are
 * zero becomes 1, so a failing guest never looks like a pass. */
enum rivet_exit {
    RIVET_EXIT_PASS = 0,
    RIVET_EXIT_LIMIT = 124,    /* --timeout or --max-insns reached */
    RIVET_EXIT_USAGE = 125,    /* bad flag, bad file */
    RIVET_EXIT_INTERNAL = 126, /* host failure (out of memory, ...) */
    RIVET_EXIT_SIGNAL = 128,   /* + signal number: stopped by rivet_request_stop */
};

#define RIVET_RAM_BASE 0x80000000ull
#define RIVET_MAX_HARTS 8
#define RIVET_TIMEBASE_HZ 10000000ull /* mtime frequency: 10 MHz */

struct rivet_config {
    uint64_t ram_size;  /* bytes, a multiple of 4 KiB */
    unsigned nharts;    /* 1..RIVET_MAX_HARTS */
    FILE *trace;        /* non-NULL: one line per retired instruction; not closed by rivet */
    double timeout;     /* wall-clock seconds; 0 = no limit */
    uint64_t max_insns; /* instructions retired over all harts; 0 = no limit */
};

struct machine;

/* 128 MiB, one hart, no trace, no limits. */
void rivet_config_default(struct rivet_config *cfg);

/* NULL on failure (err filled). */
struct machine *rivet_create(const struct rivet_config *cfg, char *err, size_t errlen);

/* Loads an ELF (PT_LOAD segments at their physical addresses) or, when the
 * file has no ELF magic, a raw image at RIVET_RAM_BASE; resets every hart to
 * the entry point in M-mode with a0 = hart id, a1 = device tree (0 for now).
 * An ELF defining `tohost` gets an HTIF device there. */
bool rivet_load(struct machine *m, const char *path, char *err, size_t errlen);

/* Runs until the guest exits (returns its verdict, see enum rivet_exit), a
 * limit is reached (RIVET_EXIT_LIMIT), or a stop is requested. When the run
 * did not end by the guest's verdict, err says why ("time limit of 5 s
 * reached"); otherwise err is "". Harts all waiting in WFI with nothing that
 * could wake them sleep until the time limit (a timer device comes later). */
int rivet_run(struct machine *m, char *err, size_t errlen);

/* Async-signal-safe: makes rivet_run return RIVET_EXIT_SIGNAL + signo soon. */
void rivet_request_stop(struct machine *m, int signo);

void rivet_destroy(struct machine *m);

/* Maps a guest exit code to a process exit status (see enum rivet_exit). */
int rivet_guest_status(uint64_t code);

#endif
