/*
 * HTIF, the Berkeley host-target interface (as served by Spike): the guest
 * writes a command to the 64-bit word `tohost`, the host answers in `fromhost`.
 *
 *   tohost = device << 56 | cmd << 48 | payload (48 bits)
 *   device 0, cmd 0: payload & 1   -> exit with code payload >> 1 (0 = pass)
 *                    otherwise     -> payload is the address of a magic_mem
 *                                     block of 8 uint64 (syscall number, args);
 *                                     the result goes to magic_mem[0]
 *   device 1, cmd 1: print the character payload & 0xff
 *
 * Both words live in guest RAM (the ELF's `tohost`/`fromhost` symbols). The
 * device watches the tohost page through the bus watch hook, so it sees every
 * store there. A store that writes the upper word (an sd, or the second of two
 * sw, as RV32 code does) completes a command; a store to the low word alone
 * does not. Every guest address is checked through bus_dma_*.
 *
 * Contract: the device never touches harts. An exit request is reported
 * through the on_exit callback; the board stops its harts.
 */
#ifndef RIVET_HTIF_H
#define RIVET_HTIF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/bus.h"

#define HTIF_DEV_SYSCALL 0
#define HTIF_DEV_CONSOLE 1
#define HTIF_CMD_PUTCHAR 1

/* Proxied syscall numbers (RISC-V Linux numbering, as riscv-pk uses). */
#define HTIF_SYS_WRITE 64
#define HTIF_SYS_EXIT  93

/* Longest single write the proxy copies at once; longer writes are chunked. */
#define HTIF_WRITE_CHUNK 4096

typedef void (*htif_exit_fn)(void *opaque, uint64_t code);

struct htif {
    struct bus *bus;
    uint64_t tohost, fromhost;
    bool has_fromhost;
    FILE *out, *err; /* host streams for guest fd 1 and 2 */
    htif_exit_fn on_exit;
    void *exit_opaque;
    bool busy;       /* guards against re-entry from our own writes */
    bool out_closed; /* a write to `out` failed with EPIPE: its reader is gone (the board ends the run) */
};

/* Sets up the device and claims the bus watch hook. false when tohost (or
 * fromhost) is not an 8-byte aligned word in RAM, or the hook is taken. */
bool htif_init(struct htif *d, struct bus *bus, uint64_t tohost, bool has_fromhost, uint64_t fromhost,
               htif_exit_fn on_exit, void *opaque);

/* The bus watch callback (exposed for tests). */
void htif_watch(void *opaque, uint64_t paddr, unsigned size);

#endif
