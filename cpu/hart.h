/*
 * One RISC-V hart: architectural state, CSRs and the run loop.
 *
 * Contract
 * - Instruction handlers (exec_*) return an exec_status. A handler that takes
 *   an exception calls hart_raise() and returns its value; only the run loop
 *   enters the trap (hart_take_trap in trap.c), with pc set to the faulting
 *   instruction.
 * - Blocks run by threaded dispatch (cpu/dispatch.h): the decoder's handlers
 *   are thr_<name>, which go on to the next instruction themselves.
 * - While a block runs, h->pc holds the virtual address of the block's first
 *   instruction; the pc of instruction `in` is h->pc + in->off (insn_pc()).
 *   A handler that changes control flow sets h->pc to the target and returns
 *   EXEC_JUMP.
 * - x[32] is a write sink: the decoder turns rd = x0 into 32 so handlers write
 *   x[rd] unconditionally and x[0] stays zero.
 * - Interrupt lines: devices call hart_set_pending/hart_clear_pending (atomic,
 *   any thread); the run loop looks at mip & mie between blocks.
 * - Everything else is touched only on the hart's own thread, except what
 *   machine.h's "Threads" lists (yield, the wake and request words, the
 *   jump-cache generation, a WRS waiter's wait flags, a stopped hart's
 *   state before SBI HSM starts it).
 */
#ifndef RIVET_HART_H
#define RIVET_HART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/insn_table.h"
#include "cpu/isa.h"
#include "mmu/mmu.h"
#include "rivet/encoding.h"

struct hart;
struct insn;
struct code_cache;

enum exec_status {
    EXEC_NEXT = 0, /* go on with the next instruction of the block */
    EXEC_JUMP,     /* h->pc holds the next pc; the block ends after this instruction */
    EXEC_STOP,     /* the block ends after this instruction; pc = next sequential */
    EXEC_TRAP,     /* exception raised (h->exc_cause, h->exc_tval); instruction not retired */
    EXEC_END,      /* block-end marker (not an instruction): pc = h->pc + in->off */
    EXEC_LINKED,   /* a chained jump returned (dispatch.h): pc and instret are up to date */
};

typedef int (*insn_fn)(struct hart *h, const struct insn *in);

/* A pre-decoded instruction. Fields are filled by decode.c from the table. */
struct insn {
    insn_fn fn;
    int32_t imm; /* sign-extended immediate; CSR number for CSR ops; shamt for shifts */
    uint8_t rd;  /* integer rd with x0 mapped to 32; FP rd as is */
    uint8_t rs1, rs2, rs3;
    uint8_t rm;    /* rounding mode (funct3) for FP; aq/rl bits for AMOs */
    uint8_t len;   /* 2 or 4 */
    int16_t off;   /* pc of this instruction minus the block's start pc (negative
                        * after a followed backward jal, cache.c) */
    uint32_t bits; /* encoding as fetched (16 bits for compressed) */
    uint16_t id;   /* row of the instruction table (enum insn_id) */
    uint8_t idx;   /* instructions the block retires before this one (the
                        * followed j's it left out included, cache.c) */
    uint8_t pos;   /* index of this instruction in the block's array */
    uint8_t tidx;  /* conditional branches: array index of the target in the
                        * same block, or TIDX_NONE (cache.c, dispatch.h) */
    uint8_t tret;  /* ... and the target's idx */
};
#define TIDX_NONE 0xff

/* Services the board hands the hart. All optional (NULL = absent). */
struct hart_env {
    void *opaque;
    uint64_t (*read_time)(void *opaque); /* mtime, in timebase ticks */
    /* Built-in firmware: serves an ecall from S-mode in the emulator instead
     * of trapping to M. Returns true when it handled the call (it then sets
     * a0/a1 and h->pc itself); false lets the trap happen. */
    bool (*sbi_ecall)(void *opaque, struct hart *h);
    /* Semihosting (machine/board/semihosting.h): called for an uncompressed
     * ebreak between `slli x0,x0,0x1f` and `srai x0,x0,7` in the same page
     * (the RISC-V semihosting sequence), with the ebreak's address in pc
     * (h->pc is the running block's start). Returns SEMIHOST_NONE (the ebreak traps
     * as usual), SEMIHOST_DONE (served: a0 is set, the hart goes on after
     * the ebreak) or SEMIHOST_AGAIN (not served yet: the ebreak runs again
     * later; the hook has yielded the hart). */
    int (*semihost)(void *opaque, struct hart *h, uint64_t pc);
    /* Called for every trap the hart takes (exceptions and interrupts, not
     * ecalls the built-in firmware serves), before delegation, with h->pc
     * at the trapping instruction: -d int and unimp (machine/debug/log.h). A slow
     * path only; NULL when nothing is logged. */
    void (*trap_hook)(void *opaque, struct hart *h, uint64_t cause, uint64_t tval);
};
enum { SEMIHOST_NONE, SEMIHOST_DONE, SEMIHOST_AGAIN };

/* Per-hart block lookup by virtual pc (run.c). An entry is valid while its
 * gen equals jcache_key(): the hart's jc_gen, which every translation change,
 * every invalidation of a page's blocks and every recycling of the block
 * arena advance (hart_jcache_flush), with the privilege it was made at in the
 * low two bits; so its block is always valid. No entry holds a block that
 * would run an instruction at a breakpoint (run.c). A trap or xRET thus finds the other mode's entries still there:
 * fetch translation depends on the privilege, satp and PMP only, and
 * changes to the last two flush. */
#define JCACHE_ENTRIES 4096
struct jcache_entry {
    uint64_t vpc, gen;
    struct block *b;
};

/* A set of breakpoint addresses (virtual), shared by the harts of a machine.
 * Changed only while no hart runs (the debugger's all-stop); whoever changes
 * it then calls hart_set_breaks() on every hart. */
#define HART_MAX_BREAKS 64
struct hart_breaks {
    uint64_t pages[4]; /* bit (vpn & 255): a breakpoint may lie in such a page */
    unsigned n;
    uint64_t addr[HART_MAX_BREAKS];
};

/*
 * Zihpm and Sscofpmf (cpu/pmu.c). Counters are computed, never counted:
 * the hart keeps how many instructions retired in each privilege mode, in
 * stretches that end at every privilege change (hart_set_priv), and counter
 * N reads offset[N] + the instructions retired in the modes it counts.
 * `deadline` is the earliest instret at which a counter armed for overflow
 * may wrap; the run loop ends chains there and calls pmu_sync (UINT64_MAX:
 * nothing armed).
 */
#define PMU_FIRST 3  /* mhpmcounter3 */
#define PMU_LAST  31 /* mhpmcounter31 */
struct hart_pmu {
    uint64_t mode_ret[4]; /* instructions retired in each privilege before `since` */
    uint64_t since;       /* instret at which the stretch in `mode` began */
    uint8_t mode;         /* the privilege of the current stretch */
    uint64_t deadline;    /* instret at which pmu_sync must look (see above) */
    uint64_t event[32];   /* mhpmevent3..31 as read */
    uint64_t offset[32];  /* counter = offset + events counted */
    uint64_t wrap[32];    /* events counted at which the counter wraps (UINT64_MAX: not armed) */
};

/* How translated code (cpu/jit.h) left or called out, for --stats. Counted
 * by the translations on the hart's own thread (plain increments), read
 * only while the hart does not run. */
struct hart_jit_stats {
    uint64_t helper_calls; /* exec_ semantics called (rows not inlined, slow paths) */
    uint64_t jc_hit;       /* exits but jalr's on through the inline jump-cache probe */
    uint64_t jc_miss;      /* exits but jalr's whose probe missed: back to the run loop */
    uint64_t ind_hit;      /* jalr's on through their own inline probe */
    uint64_t ind_miss;     /* jalr's whose probe missed */
    uint64_t limit;        /* exits at the chain's end: slice end, interrupt, stop request */
    uint64_t trap;         /* a helper trapped */
    uint64_t end;          /* a helper ended the block (CSR write, fence.i, ecall, wfi...) */
    uint64_t jump;         /* a helper jumped (xRET...): chained as the interpreter does */
};

struct hart {
    /* Hot: touched by nearly every instruction. */
    uint64_t x[33];
    uint64_t pc;
    const struct insn *stop_insn; /* the instruction that ended the running block (dispatch.h) */
    struct mmu mmu;
    uint64_t f[32]; /* FP registers; singles are NaN-boxed */
    uint8_t frm;    /* fcsr.frm */
    uint8_t fflags; /* fcsr.fflags */
    uint8_t priv;   /* current privilege, PRV_* */

    /* Warm: checked once per block. */
    uint64_t mip; /* pending interrupts; atomic access only */
    uint64_t mie;
    uint64_t instret; /* instructions retired (raw count) */
    bool wfi;         /* sleeping in WFI until an interrupt is pending */
    bool halted;      /* stopped (SBI HSM): runs nothing until started */
    bool yield;       /* set by the board (any thread, hart_yield): hart_run returns at the next block boundary */

    /* Trap in flight, set by hart_raise(). */
    uint64_t exc_cause, exc_tval;

    /* LR/SC reservation (physical address). */
    uint64_t resv_addr;
    bool resv_valid;

    /* Machine-level CSRs. */
    uint64_t mstatus;
    uint64_t misa;
    uint64_t medeleg, mideleg;
    uint64_t mtvec, mepc, mcause, mtval, mscratch;
    uint64_t mcounteren, mcountinhibit, menvcfg;
    uint64_t mcycle_offset, minstret_offset; /* counter = raw + offset */
    uint64_t mhartid;
    /* Supervisor-level CSRs (sstatus, sie, sip are views of the M ones). */
    uint64_t stvec, sepc, scause, stval, sscratch, scounteren, senvcfg;
    uint64_t stimecmp;

    struct hart_env env;
    struct code_cache *cache; /* shared decoded-block cache */
    FILE *trace;              /* non-NULL: one line per retired instruction */
    struct hart *next;        /* list of the machine's harts (code cache flushes) */

    /* Debugger (machine/debug/gdbstub.c), cold; see "Breakpoints and watchpoints"
     * in run.c. `breaks` (NULL: none) is the machine's breakpoint set: no
     * block holding one of its addresses enters the jump cache, and such
     * blocks run one instruction at a time, each checked. debug_stop is
     * called on the hart's thread at a breakpoint, before the instruction
     * at h->pc, and after an instruction whose access hit a watchpoint
     * (mmu.watch_hit set); true = stop: the hook has yielded the hart
     * (hart_yield). While debug_hold is set hart_run runs nothing: the
     * debugger holds the hart (it sets the flag while the hart is not
     * running). */
    const struct hart_breaks *breaks;
    bool debug_hold;
    bool (*debug_stop)(void *opaque, struct hart *h);
    void *debug_opaque;

    uint64_t chain_end;   /* chained blocks may start while instret is below this (dispatch.h);
                          * zeroed by any thread to end the chain (hart_end_chain) */
    uint64_t link_end;    /* the same for linked translations (cpu/jit.h), 0 while
                          * breakpoints are set; zeroed with chain_end */
    uint64_t jc_gen;      /* a multiple of 4: the low bits of a key are the privilege */
    uint64_t jc_pages[4]; /* bit (vpn & 255): the jump cache may hold pcs of such a page */
    struct hart_jit_stats jit_stats;
    struct jcache_entry jcache[JCACHE_ENTRIES];

    /* Cold, last so that the hot fields keep their places: the machine's ISA
     * (cpu/isa.h), copied from the cache by hart_init, and the decoder
     * context of one-instruction blocks (run.c) made from it. */
    struct isa_set isa;
    struct decode_ctx dec;

    /* Zawrs (cpu/resv.h): what the last LR read, and the wait of WRS. wrs
     * means something only while wfi is set: the hart sleeps until its
     * reservation set is written, an interrupt is pending or, for WRS.STO,
     * time reaches wrs_deadline (mtime ticks). */
    uint64_t resv_value;
    uint32_t resv_stamp; /* the stripe's SC stamp at the LR (cpu/exec_int.c) */
    uint8_t resv_size;
    bool wrs;
    uint64_t wrs_deadline;

    uint64_t mstateen[4]; /* Smstateen (csr.c) */

    struct hart_pmu pmu; /* Zihpm, Sscofpmf (cpu/pmu.c) */

    /* Threads (machine/board/machine.h, "Threads"): with one host thread per
     * hart, the hart's thread sleeps on wake_seq (a futex word) while
     * `sleeping` is set; any thread that changes what it waits for
     * (hart_set_pending, a request) calls hart_kick. req holds HART_REQ_*
     * bits posted by other threads; req_seq/req_ack count the requests that
     * want an answer (machine.h). All atomic. */
    uint32_t wake_seq;
    uint32_t sleeping;
    uint32_t req;
    uint32_t req_seq, req_ack;
    /* SBI HSM hart_start of this (stopped) hart: the starter wins
     * start_claim (0 -> 1, atomic), writes start_pc/start_arg, then posts
     * HART_REQ_START; the hart's own thread sets its registers from them,
     * clears `halted`, then start_claim. Its state is written by its own
     * thread only (machine_hart_start, machine.h). */
    uint32_t start_claim;
    uint64_t start_pc, start_arg;

    /* V (cpu/vector.h): the vector CSRs and the 32 registers, register r
     * at v[r * vlenb] (a register group is contiguous), elements in host
     * (little-endian) order. vlenb is VLEN / 8 of the machine's ISA. */
    struct {
        uint64_t vl, vtype, vstart;
        uint8_t vxrm, vxsat;
        uint16_t vlenb;
        _Alignas(64) uint8_t v[32 * (ISA_VLEN_MAX / 8)];
    } vec;
};

/* Requests to a hart's thread (h->req), served between slices. */
#define HART_REQ_TLB   1u /* flush the TLB and jump cache (remote sfence.vma) */
#define HART_REQ_START 2u /* leave the HSM stopped state at start_pc (machine_hart_start) */

static inline uint64_t jcache_key(const struct hart *h)
{
    return __atomic_load_n(&h->jc_gen, __ATOMIC_RELAXED) | h->priv;
}
/* Drops every jump-cache entry of the hart: on its own thread. */
static inline void hart_jcache_flush(struct hart *h)
{
    __atomic_fetch_add(&h->jc_gen, 4, __ATOMIC_RELAXED); /* another thread may bump it too */
    for (unsigned i = 0; i < 4; i++)
        h->jc_pages[i] = 0;
}
/* The same from any thread (the code cache's invalidation): jc_pages, the
 * owner's, stay as they are (a bit too many is only a longer page flush). */
static inline void hart_jcache_invalidate(struct hart *h) { __atomic_fetch_add(&h->jc_gen, 4, __ATOMIC_SEQ_CST); }

static inline struct jcache_entry *jcache_slot(struct hart *h, uint64_t pc)
{
    return &h->jcache[(pc >> 1) & (JCACHE_ENTRIES - 1)];
}

void hart_init(struct hart *h, struct bus *bus, struct code_cache *cache, uint64_t hartid);
/* Gives a hart made without a code cache (unit tests) another ISA; a
 * machine's harts keep the one of their cache (cpu/cache.h). */
void hart_set_isa(struct hart *h, const struct isa_set *isa);
void hart_reset(struct hart *h, uint64_t pc);
/* A machine's power-on reset of a hart already in use (a reboot): every
 * register, CSR, the TLB, the jump cache, WFI/halted/reservation state as
 * hart_init leaves them, keeping what the board and the debugger attached
 * (env, trace, next, breakpoints, debug_hold and hooks, the watchpoint
 * hook). instret (the raw count, which the machine's -icount clock and
 * --max-insns follow) goes on, while mcycle, minstret and the hpm counters
 * read 0 again. The hart's own thread or with it stopped; interrupt lines
 * (mip) read low: the devices' resets drive them again. */
void hart_power_on(struct hart *h);

static inline uint64_t insn_pc(const struct hart *h, const struct insn *in)
{
    return h->pc + (uint64_t)(int64_t)in->off;
}
/* The address a load or store accesses: rs1 + the sign-extended offset. */
static inline uint64_t insn_va(const struct hart *h, const struct insn *in)
{
    return h->x[in->rs1] + (uint64_t)(int64_t)in->imm;
}

static inline int hart_raise(struct hart *h, uint64_t cause, uint64_t tval)
{
    h->exc_cause = cause;
    h->exc_tval = tval;
    return EXEC_TRAP;
}

/* Illegal instruction with tval = the instruction bits (priv. spec 3.1.16). */
static inline int hart_illegal(struct hart *h, const struct insn *in)
{
    return hart_raise(h, CAUSE_ILLEGAL_INSTRUCTION, in->bits);
}

/* Ends the running chain of blocks at its next jump (dispatch.h), so that the
 * run loop looks at interrupts and yield requests. Any thread. */
static inline void hart_end_chain(struct hart *h)
{
    __atomic_store_n(&h->chain_end, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&h->link_end, 0, __ATOMIC_RELAXED);
}

/* WFI/WRS wait flags: another thread may end a WRS wait (cpu/resv.c),
 * so they are read and written atomically (relaxed: a plain mov). */
/* Stopped by SBI HSM: another hart's thread starts it (sbi_glue.c). */
static inline bool hart_halted(const struct hart *h) { return __atomic_load_n(&h->halted, __ATOMIC_ACQUIRE); }
static inline bool hart_wfi(const struct hart *h) { return __atomic_load_n(&h->wfi, __ATOMIC_RELAXED); }
static inline bool hart_wrs(const struct hart *h) { return __atomic_load_n(&h->wrs, __ATOMIC_RELAXED); }
static inline void hart_set_wfi(struct hart *h, bool on) { __atomic_store_n(&h->wfi, on, __ATOMIC_RELAXED); }
static inline void hart_set_wrs(struct hart *h, bool on) { __atomic_store_n(&h->wrs, on, __ATOMIC_RELAXED); }

/* hart.c: wakes the hart's thread from its sleep (machine.h, "Threads").
 * Any thread; a no-op for a hart whose thread does not sleep. */
void hart_wake(struct hart *h);
/* Ends the hart's chain and wakes its thread if it sleeps: after changing
 * anything it waits for (seq_cst, so a sleeper that set `sleeping` before
 * this sees the change, or is woken). Any thread. */
static inline void hart_kick(struct hart *h)
{
    hart_end_chain(h);
    if (__atomic_load_n(&h->sleeping, __ATOMIC_SEQ_CST))
        hart_wake(h);
}

/* Asks hart_run to return at the next block boundary. Any thread. */
static inline void hart_yield(struct hart *h)
{
    __atomic_store_n(&h->yield, true, __ATOMIC_SEQ_CST);
    hart_kick(h);
}

/* Interrupt lines (any thread). Clearing wakes the thread too: a lowered
 * timer line means a new deadline to sleep until (machine.h). */
static inline void hart_set_pending(struct hart *h, uint64_t bits)
{
    __atomic_fetch_or(&h->mip, bits, __ATOMIC_SEQ_CST);
    hart_kick(h);
}
static inline void hart_clear_pending(struct hart *h, uint64_t bits)
{
    __atomic_fetch_and(&h->mip, ~bits, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&h->sleeping, __ATOMIC_SEQ_CST))
        hart_wake(h);
}
static inline uint64_t hart_pending(const struct hart *h) { return __atomic_load_n(&h->mip, __ATOMIC_SEQ_CST); }

/* trap.c */
/* Enters the trap for (cause, tval) at pc = h->pc, applying delegation. */
void hart_take_trap(struct hart *h, uint64_t cause, uint64_t tval);
/* If an enabled interrupt is pending, takes it and returns true. */
bool hart_check_interrupts(struct hart *h);
/* Recomputes the mmu context (priv, ls_priv, sum, mxr, satp, the pointer
 * masking length) after a change to priv, mstatus or satp, flushing the
 * TLB when it changed. */
void hart_update_mmu(struct hart *h);
/* Recomputes the page-table rules and pointer masking from the ISA and
 * menvcfg/senvcfg (mmu.h: MMU_WALK_*, pmlen) after a write to either,
 * flushing the TLB when they changed. */
void hart_update_walk(struct hart *h);

/* Called by the run loop between slices and after CSR writes that matter:
 * recomputes time-derived state (Sstc: STIP from stimecmp vs time when
 * menvcfg.STCE is set; the end of a WRS.STO wait, cpu/resv.h). */
void hart_update_timer_irqs(struct hart *h);

/* csr.c: returns 0 or an exception cause (illegal instruction). */
int csr_read(struct hart *h, unsigned csr, uint64_t *value);
int csr_write(struct hart *h, unsigned csr, uint64_t value);
/* Privilege/existence check only, for csrrs/csrrc with rs1 = x0 (no write). */
bool csr_exists(const struct hart *h, unsigned csr);
/* Whether rivet has CSR `csr` at all, whatever the privilege (-d unimp). */
bool csr_implemented(unsigned csr);
/* Counter values as the guest sees them. */
uint64_t hart_time(const struct hart *h);

/* Sets the privilege; `retired` is the instret at the change: the
 * instructions before it retired in the old mode (Zihpm's mode filters). */
static inline void hart_set_priv(struct hart *h, unsigned priv, uint64_t retired)
{
    struct hart_pmu *p = &h->pmu;
    p->mode_ret[p->mode] += retired - p->since;
    p->since = retired;
    p->mode = (uint8_t)priv;
    h->priv = (uint8_t)priv;
}

/* pmu.c. `now` is the instret csr.c sees (every instruction before the
 * current one). Counter N is 3..31. */
/* Marks the counters that wrapped by `now` (OF, LCOFIP) and computes the
 * next deadline. */
void pmu_sync(struct hart *h, uint64_t now);
/* The run loop's check, between blocks: an overflow interrupt comes at the
 * first block boundary at or after the instruction that overflowed. */
static inline void pmu_poll(struct hart *h)
{
    if (__builtin_expect(h->instret >= h->pmu.deadline, 0))
        pmu_sync(h, h->instret);
}
uint64_t pmu_counter_read(struct hart *h, unsigned n, uint64_t now);
void pmu_counter_write(struct hart *h, unsigned n, uint64_t value, uint64_t now);
uint64_t pmu_event_read(struct hart *h, unsigned n, uint64_t now);
void pmu_event_write(struct hart *h, unsigned n, uint64_t value, uint64_t now);
/* Sets mcountinhibit (bits 3..31 go to the counters here). */
void pmu_set_inhibit(struct hart *h, uint64_t inhibit, uint64_t now);
/* scountovf: the OF bits, those mcounteren hides from S cleared. */
uint64_t pmu_overflows(struct hart *h, uint64_t now);
void pmu_reset(struct hart *h);

/* FP state helpers (fpu.c). FS=Off makes FP instructions illegal. */
static inline bool hart_fp_enabled(const struct hart *h) { return (h->mstatus & MSTATUS_FS) != 0; }
static inline void hart_fp_dirty(struct hart *h) { h->mstatus |= MSTATUS_FS | MSTATUS_SD; }

/* run.c: drops every cached translation of this hart (software TLB and any
 * virtual-pc block lookup). For satp writes, sfence.vma and context changes. */
void hart_flush_tlb(struct hart *h);
/* run.c: drops the cached translations of va's page (SFENCE.VMA rs1 = va). */
void hart_flush_page(struct hart *h, uint64_t va);

/* run.c: runs until at least `budget` instructions retired or the hart
 * stops (WFI with nothing pending). Returns the number retired. */
uint64_t hart_run(struct hart *h, uint64_t budget);
/* Executes exactly one instruction, or takes a pending interrupt instead (--trace). */
void hart_step(struct hart *h);
/* The debugger's single step (QEMU's default: interrupts and timers off):
 * the instruction at h->pc alone, no interrupt taken; nothing while the hart
 * sleeps in WFI. Watched accesses are done and noted (mmu.watch_hit). */
void hart_step_insn(struct hart *h);

/* Breakpoint sets (run.c). Insert returns false when the set is full (an
 * address already in it is fine); removing an absent address does nothing. */
bool hart_breaks_has(const struct hart_breaks *b, uint64_t va);
bool hart_breaks_insert(struct hart_breaks *b, uint64_t va);
void hart_breaks_remove(struct hart_breaks *b, uint64_t va);
/* Gives the hart its breakpoint set (NULL: none) after the set changed:
 * drops the jump cache, so no block holding a breakpoint stays reachable
 * by chaining, and ends the running chain. */
void hart_set_breaks(struct hart *h, const struct hart_breaks *b);

#endif
