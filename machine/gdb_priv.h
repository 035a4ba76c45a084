/*
 * The gdb stub's internal state, shared by gdbstub.c (socket, framing, run
 * control) and gdb_cmds.c (the packet commands). Emulation thread only.
 */
#ifndef RIVET_GDB_PRIV_H
#define RIVET_GDB_PRIV_H

#include "machine/gdbstub.h"
#include "machine/machine.h"

#define GDB_MAX_BREAKS 64
#define GDB_MAX_WATCHES 16

/* gdb's RISC-V register numbers (gdb/riscv-tdep.h), also our tdesc regnums. */
#define GDB_REG_PC 32
#define GDB_REG_F0 33
#define GDB_REG_CSR0 65   /* CSR n is GDB_REG_CSR0 + n */
#define GDB_REG_PRIV 4161 /* the virtual privilege register */

#define GDB_SIGINT 2  /* gdb's signal numbers in stop replies */
#define GDB_SIGTRAP 5

enum gdb_watch_type { GDB_WATCH_WRITE = 2, GDB_WATCH_READ = 3, GDB_WATCH_ACCESS = 4 };

struct gdb_watch {
    uint64_t addr, len;
    #define GDB_SIGINT 2  /* gdb's signal numbers in stop replies */
#define GDB_SIGTRAP 5

enum gdb_watch_type type;
};

struct gdbstub {
    struct machine *m;
    int listen_fd, fd;       /* -1 when absent */
    bool stopped;            /* gdb holds the machine */
    bool wait_connect;       /* -S and nobody connected yet */
    unsigned rounds;
    unsigned g_hart, c_hart; /* Hg / Hc selections, hart indices */
    unsigned step_hart;
    bool stop_pending;       /* a hart stopped in debug_stop: report it */
    unsigned stop_hart;
    unsigned stop_signal;    /* GDB_SIGTRAP or GDB_SIGINT */
    char stop_reason[64];    /* stop reply fields after thread: ("swbreak:;", "watch:ADDR;") */

    unsigned nbreaks;
    uint64_t breaks[GDB_MAX_BREAKS];
    unsigned nwatches;
    struct gdb_watch watches[GDB_MAX_WATCHES];
    bool skip_valid[RIVET_MAX_HARTS]; /* step over the breakpoint we resume from */
    uint64_t skip_pc[RIVET_MAX_HARTS];

    struct gdb_rx rx;
    char reply[GDB_REPLY_SIZE];
};

/* gdb_cmds.c */
/* Makes hart state follow the break/watch lists (debug flags, mmu hooks, TLBs). */
void gdb_sync_hooks(struct gdbstub *g);
/* "T05thread:N;..." for the recorded stop, into reply. */
void gdb_stop_reply(struct gdbstub *g, char *reply);
/* Hook installed in every hart while debugging (hart.h debug_stop). */
bool gdb_debug_stop(void *opaque, struct hart *h);

#endif
