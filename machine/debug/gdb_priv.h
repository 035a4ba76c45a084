/*
 * The gdb stub's internal state, shared by gdbstub.c (socket, framing, run
 * control) and gdb_cmds.c (the packet commands). The emulation thread, or
 * with hart threads the I/O thread with the world stopped; gdb_debug_stop
 * runs on the hart's thread (it writes only its own events[] slot and
 * stop_pending, atomically).
 */
#ifndef RIVET_GDB_PRIV_H
#define RIVET_GDB_PRIV_H

#include "machine/debug/gdbstub.h"
#include "machine/board/machine.h"

#define GDB_MAX_WATCHES 16

/* gdb's RISC-V register numbers (gdb/riscv-tdep.h), also our tdesc regnums. */
#define GDB_REG_PC   32
#define GDB_REG_F0   33
#define GDB_REG_CSR0 65   /* CSR n is GDB_REG_CSR0 + n */
#define GDB_REG_PRIV 4161 /* the virtual privilege register */

#define GDB_SIGINT  2 /* gdb's signal numbers in stop replies */
#define GDB_SIGTRAP 5

#define GDB_XML_SIZE 32768 /* the target description, generated once */

/* The value of a hex digit, or -1 (packets, checksums, operands). */
static inline int gdb_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum gdb_watch_type { GDB_WATCH_WRITE = 2, GDB_WATCH_READ = 3, GDB_WATCH_ACCESS = 4 };

struct gdb_watch {
    uint64_t addr, len;
    enum gdb_watch_type type;
};

/* What one hart does when gdb resumes the machine (vCont's actions). */
enum gdb_run { GDB_RUN_HOLD, GDB_RUN_CONT, GDB_RUN_STEP };

/* A stop: one that a hart hit and gdb has not heard of yet (events[]), or
 * the last one reported (last). */
struct gdb_event {
    bool valid;
    bool is_break;   /* a breakpoint: stands only while the hart is still at pc and it is set */
    unsigned signal; /* GDB_SIGTRAP or GDB_SIGINT */
    uint64_t pc;     /* the hart's pc when it stopped */
    char reason[48]; /* stop reply fields after thread: "swbreak:;", "watch:ADDR;", "" */
};

struct gdbstub {
    struct machine *m;
    int listen_fd, fd; /* -1 when absent */
    bool stopped;      /* all-stop: gdb holds every hart */
    bool wait_connect; /* -S and nobody connected yet */
    unsigned rounds;
    unsigned g_hart, c_hart; /* Hg / Hc selections, hart indices; a stop reply sets both */
    bool stop_pending;       /* atomic: a hart recorded an event: stop and report at the next round */
    struct gdb_event events[RIVET_MAX_HARTS];
    struct gdb_event last; /* the stop gdb heard of last ('?') */
    unsigned last_hart;
    enum gdb_run run[RIVET_MAX_HARTS]; /* the resume in progress */
    /* A hart that reported a breakpoint and has not run since steps over it
     * when resumed there (gdb does so itself; other clients may not). */
    bool at_reported[RIVET_MAX_HARTS];
    uint64_t reported_pc[RIVET_MAX_HARTS];

    struct hart_breaks breaks;
    unsigned nwatches;
    struct gdb_watch watches[GDB_MAX_WATCHES];

    struct gdb_rx rx;
    char reply[GDB_REPLY_SIZE];
    char frame[GDB_REPLY_SIZE + 8]; /* "$reply#cc" */
    size_t xml_len;                 /* 0 until the target description is built */
    char xml[GDB_XML_SIZE];
};

/* gdb_cmds.c */
/* Makes hart state follow the break/watch lists (hooks, breakpoint set,
 * mmu watch hooks, TLBs and jump caches). */
void gdb_sync_hooks(struct gdbstub *g);
/* "T05thread:N;..." for the last stop, into reply. */
void gdb_stop_reply(struct gdbstub *g, char *reply);
/* Hook installed in every hart (hart.h debug_stop). */
bool gdb_debug_stop(void *opaque, struct hart *h);

#endif
