/*
 * -d logging and the stuck-guest watch (contract in log.h).
 */
#include "machine/debug/log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/decode.h"
#include "machine/board/machine.h"
#include "machine/debug/regdump.h"
#include "machine/host/terminal.h"

/* clang-format off */
#define MAX_REPORTED 32
#define CSR_NUMBER(imm) ((unsigned)(imm) & 0xfff)
/* clang-format on */

/* The run of identical exceptions a hart is in (log.h). */
struct stuck_row {
    uint64_t cause, epc, tval, count;
};

/* A condition already reported (each is reported once). */
struct reported {
    uint64_t hart, cause, epc, tval;
};

struct machine_log {
    struct machine *m;
    unsigned items;
    FILE *f;
    int stuck;
    struct stuck_row rows[RIVET_MAX_HARTS];
    unsigned nreported;
    struct reported reported[MAX_REPORTED];
};

/* ---- encodings of extensions rivet does not implement ---- */

/* A small table of its own, apart from the instruction table (cpu/insn_table.h):
 * rows for what the decoder does not know, so a trap on one can be named.
 * The decoder is asked first, with every extension on: a row here never
 * hides an instruction rivet has. */
struct foreign_insn {
    uint32_t mask, match;
    uint8_t len;
    const char *name;
};

static const struct foreign_insn foreign[] = {
    /* first match wins */
    { 0x0000707fu, 0x00004007u, 4, "flq (Q)" },
    { 0x0000707fu, 0x00004027u, 4, "fsq (Q)" },
    { 0x0000707fu, 0x00001057u, 4, "a vector floating-point instruction (V)" },
    { 0x0000707fu, 0x00005057u, 4, "a vector floating-point instruction (V)" },
    { 0xfe007fffu, 0x22000073u, 4, "hfence.vvma (H)" },
    { 0xfe007fffu, 0x62000073u, 4, "hfence.gvma (H)" },
    { 0x0000707fu, 0x00004073u, 4, "a hypervisor load or store (H)" },
    { 0xf800607fu, 0x2800202fu, 4, "amocas (Zacas)" },
    { 0x0600007fu, 0x06000053u, 4, "a quad-precision instruction (Q)" },
};

const char *log_unimplemented_name(uint32_t bits, unsigned len)
{
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
        if (foreign[i].len == len && (bits & foreign[i].mask) == foreign[i].match)
            return foreign[i].name;
    return NULL;
}

/* ---- describing an instruction ---- */

static const char *const priv_name[4] = { "U", "S", "?", "M" };

/* A CPU model that has extension e, for the hint; NULL when none does. */
static const char *model_with(unsigned e)
{
    static const char *const names[] = { "rva22s64", "rva23s64", "max" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct isa_set s;
        if (isa_model(names[i], &s) && isa_has(&s, e))
            return names[i];
    }
    return NULL;
}

/* An instruction rivet has but this machine's -cpu leaves out: decoded
 * with every row on. false when rivet does not know it at all. */
static bool describe_disabled(uint32_t bits, char *buf, size_t size)
{
    struct decode_ctx all;
    struct insn in;
    decode_ctx_init(&all, NULL);
    decode(bits, &in, &all);
    if (in.id == INSN_ILLEGAL)
        return false;
    char text[96];
    insn_disasm(&in, 0, text, sizeof text);
    unsigned ext = insn_info(in.id)->need.a;
    const char *model = model_with(ext);
    snprintf(buf, size, "%s (%s), not enabled in this -cpu%s%s", text, isa_ext_name(ext), model ? "; try -cpu " : "",
             model ? model : "");
    return true;
}

/* What an illegal instruction is, for the unimp line and the stuck report.
 * Returns whether this machine lacks it (as opposed to the guest using
 * something it has in a way that is illegal). */
static bool describe_illegal(const struct hart *h, uint32_t bits, char *buf, size_t size)
{
    struct insn in;
    unsigned len = insn_length(bits & 0xffff);
    if (len == 2)
        bits &= 0xffff;
    decode(bits, &in, &h->dec);
    if (in.id == INSN_ILLEGAL) {
        if (describe_disabled(bits, buf, size))
            return true;
        const char *name = log_unimplemented_name(bits, len);
        snprintf(buf, size, "%s%s", name ? name : "not an instruction rivet knows",
                 name ? ", which rivet does not implement" : "");
        return true;
    }
    char text[96];
    insn_disasm(&in, 0, text, sizeof text);
    const struct insn_info *r = insn_info(in.id);
    if (r && (r->format == FMT_CSR || r->format == FMT_CSRI)) {
        unsigned csr = CSR_NUMBER(in.imm);
        bool have = csr_implemented(csr);
        snprintf(buf, size, "%s: CSR 0x%03x %s", text, csr,
                 have ? "not accessible here (privilege, read-only, or disabled)" : "is not implemented by rivet");
        return !have;
    }
    if (r && (r->flags & (F_RD_FP | F_RS1_FP | F_RS2_FP)) && !hart_fp_enabled(h))
        snprintf(buf, size, "%s, with the FPU off (mstatus.FS = 0)", text);
    else
        snprintf(buf, size, "%s, illegal in %s-mode", text, priv_name[h->priv & 3]);
    return false;
}

/* ---- -d int, unimp, guest_errors ---- */

static const char *const exception_name[16] = {
    "misaligned_fetch", "fault_fetch",      "illegal_instruction", "breakpoint",      "misaligned_load",
    "fault_load",       "misaligned_store", "fault_store",         "user_ecall",      "supervisor_ecall",
    "hypervisor_ecall", "machine_ecall",    "exec_page_fault",     "load_page_fault", "reserved",
    "store_page_fault",
};
static const char *const interrupt_name[12] = {
    "u_software", "s_software", "vs_software", "m_software", "u_timer",     "s_timer",
    "vs_timer",   "m_timer",    "u_external",  "s_external", "vs_external", "m_external",
};

static void log_int(struct machine_log *l, const struct hart *h, uint64_t cause, uint64_t tval)
{
    bool async = (cause & CAUSE_INTERRUPT) != 0;
    uint64_t code = cause & ~CAUSE_INTERRUPT;
    const char *desc =
        async ? (code < 12 ? interrupt_name[code] : "(unknown)") : (code < 16 ? exception_name[code] : "(unknown)");
    fprintf(l->f,
            "riscv_cpu_do_interrupt: hart:%" PRIu64 ", async:%d, cause:%016" PRIx64 ", epc:0x%016" PRIx64
            ", tval:0x%016" PRIx64 ", desc=%s\n",
            h->mhartid, async, code, h->pc, tval, desc);
}

static void log_unimp(struct machine_log *l, const struct hart *h, uint64_t tval)
{
    char what[256];
    uint32_t bits = (uint32_t)tval;
    if (!describe_illegal(h, bits, what, sizeof what))
        return; /* rivet has it: the guest's error, not something unimplemented */
    struct insn in;
    decode(insn_length(bits & 0xffff) == 2 ? bits & 0xffff : bits, &in, &h->dec);
    const struct insn_info *r = in.id != INSN_ILLEGAL ? insn_info(in.id) : NULL;
    if (r && (r->format == FMT_CSR || r->format == FMT_CSRI))
        fprintf(l->f, "hart %" PRIu64 ": unimplemented CSR 0x%03x at 0x%016" PRIx64 ": %s\n", h->mhartid,
                CSR_NUMBER(in.imm), h->pc, what);
    else
        fprintf(l->f, "hart %" PRIu64 ": unimplemented instruction 0x%0*x at 0x%016" PRIx64 ": %s\n", h->mhartid,
                insn_length(bits & 0xffff) == 2 ? 4 : 8, insn_length(bits & 0xffff) == 2 ? bits & 0xffff : bits, h->pc,
                what);
}

static void on_refused(void *opaque, uint64_t paddr, unsigned size, bool write, const char *region, const char *reason)
{
    struct machine_log *l = opaque;
    fprintf(l->f, "Invalid %s at addr 0x%" PRIX64 ", size %u, region '%s', reason: %s\n", write ? "write" : "read",
            paddr, size, region ? region : "(none)", reason);
}

/* ---- stuck harts ---- */

/* One line of rivet's own on stderr, after the guest's console output. */
static void note(struct machine_log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct machine_log *l, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    terminal_flush(l->m->term);
    fflush(stdout);
    fprintf(stderr, "rivet: %s%s", line, isatty(STDERR_FILENO) ? "\r\n" : "\n");
}

/* Reports a condition once; with --stuck=exit, ends the run. */
static bool first_report(struct machine_log *l, const struct hart *h, uint64_t cause, uint64_t tval)
{
    for (unsigned i = 0; i < l->nreported; i++) {
        const struct reported *r = &l->reported[i];
        if (r->hart == h->mhartid && r->cause == cause && r->epc == h->pc && r->tval == tval)
            return false;
    }
    if (l->nreported == MAX_REPORTED)
        return false; /* so many distinct ones: the guest is beyond help, stop talking */
    l->reported[l->nreported++] = (struct reported){ h->mhartid, cause, h->pc, tval };
    return true;
}

static void stuck_end(struct machine_log *l)
{
    if (l->stuck != RIVET_STUCK_EXIT)
        return;
    machine_request_exit_kind(l->m, MACHINE_EXIT_STUCK, 1);
}

/* The 32-bit (or 16-bit) instruction at va as the hart fetches it. */
static bool fetch_insn(struct hart *h, uint64_t va, struct insn *in)
{
    uint64_t pa, tval;
    uint8_t *host;
    if (mmu_fetch_slow(&h->mmu, va, &pa, &host, &tval) != 0 || !host)
        return false;
    uint32_t bits = (uint32_t)load_le(host, 2);
    if (insn_length(bits) == 4) {
        if ((va & (PAGE_SIZE - 1)) > PAGE_SIZE - 4)
            return false;
        bits = (uint32_t)load_le(host, 4);
    }
    decode(bits, in, &h->dec);
    return true;
}

/* The call that jumped to `target` and left its return address in ra: the
 * jal or jalr (also c.jalr) just before ra, when it lands there. Nothing on
 * the hot path records jumps, so this is all rivet can know. */
static bool find_caller(struct hart *h, uint64_t target, uint64_t *from)
{
    uint64_t ra = h->x[1];
    for (unsigned back = 2; back <= 4; back += 2) {
        struct insn in;
        if (!fetch_insn(h, ra - back, &in) || in.len != back || in.rd != 1)
            continue;
        uint64_t at = ra - back, to;
        if (in.id == INSN_jal)
            to = at + (uint64_t)(int64_t)in.imm;
        else if (in.id == INSN_jalr && in.rs1 != 1)
            to = (h->x[in.rs1] + (uint64_t)(int64_t)in.imm) & ~1ull;
        else
            continue;
        if (to == target) {
            *from = at;
            return true;
        }
    }
    return false;
}

/* A fetch access fault where nothing is: neither RAM nor the boot ROM. */
static bool fetch_outside_memory(struct hart *h)
{
    uint64_t pa, tval;
    if (mmu_translate(&h->mmu, h->pc, ACC_FETCH, 2, &pa, &tval) != 0)
        return false; /* PMP or the page table said no: not a jump into nothing */
    const struct mmio_region *r = bus_find_region(h->mmu.bus, pa);
    return !bus_is_ram(h->mmu.bus, pa) && !(r && r->fetch);
}

static void report_jump(struct machine_log *l, struct hart *h, uint64_t tval)
{
    uint64_t from;
    if (!first_report(l, h, CAUSE_FETCH_ACCESS, tval))
        return;
    if (find_caller(h, h->pc, &from))
        note(l, "hart %" PRIu64 " jumped to 0x%" PRIx64 " from 0x%" PRIx64 ", where there is no memory", h->mhartid,
             h->pc, from);
    else
        note(l, "hart %" PRIu64 " jumped to 0x%" PRIx64 ", where there is no memory (ra = 0x%" PRIx64 ")", h->mhartid,
             h->pc, h->x[1]);
    stuck_end(l);
}

static void report_loop(struct machine_log *l, struct hart *h, uint64_t cause, uint64_t tval)
{
    if (!first_report(l, h, cause, tval))
        return;
    bool to_s = h->priv <= PRV_S && ((h->medeleg >> cause) & 1);
    uint64_t vector = (to_s ? h->stvec : h->mtvec) & ~3ull;
    char what[200], self[96] = "";
    if (h->pc == vector)
        snprintf(self, sizeof self, " (its %s-mode trap handler starts there and traps again)", to_s ? "S" : "M");
    if (cause == CAUSE_ILLEGAL_INSTRUCTION) {
        uint32_t bits = (uint32_t)tval;
        describe_illegal(h, bits, what, sizeof what);
        bool c = insn_length(bits & 0xffff) == 2;
        note(l, "hart %" PRIu64 " traps %u times on 0x%0*x at 0x%" PRIx64 "%s: %s", h->mhartid, STUCK_REPEATS,
             c ? 4 : 8, c ? bits & 0xffff : bits, h->pc, self, what);
    } else {
        note(l, "hart %" PRIu64 " traps %u times at 0x%" PRIx64 "%s: %s, tval 0x%" PRIx64, h->mhartid, STUCK_REPEATS,
             h->pc, self, cause < 16 ? exception_name[cause] : "exception", tval);
    }
    stuck_end(l);
}

static void watch(struct machine_log *l, struct hart *h, uint64_t cause, uint64_t tval)
{
    if (cause & CAUSE_INTERRUPT)
        return;
    struct stuck_row *row = &l->rows[h - l->m->harts];
    if (cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL || cause == CAUSE_MACHINE_ECALL) {
        row->count = 0;
        return;
    }
    /* Reports share the list of what was said and the console with the
     * other harts' threads (machine.h, "Threads"); rows are per hart. */
    if (cause == CAUSE_FETCH_ACCESS && fetch_outside_memory(h)) {
        pthread_mutex_lock(&l->m->locks.console);
        report_jump(l, h, tval);
        pthread_mutex_unlock(&l->m->locks.console);
    }
    if (row->count && row->cause == cause && row->epc == h->pc && row->tval == tval) {
        if (++row->count == STUCK_REPEATS) {
            pthread_mutex_lock(&l->m->locks.console);
            report_loop(l, h, cause, tval);
            pthread_mutex_unlock(&l->m->locks.console);
        }
        return;
    }
    *row = (struct stuck_row){ cause, h->pc, tval, 1 };
}

static void on_trap(void *opaque, struct hart *h, uint64_t cause, uint64_t tval)
{
    struct machine *m = opaque;
    struct machine_log *l = m->log;
    if (l->items & RIVET_LOG_INT)
        log_int(l, h, cause, tval);
    if ((l->items & RIVET_LOG_UNIMP) && cause == CAUSE_ILLEGAL_INSTRUCTION)
        log_unimp(l, h, tval);
    if (l->stuck != RIVET_STUCK_OFF)
        watch(l, h, cause, tval);
}

/* ---- cpu_reset ---- */

static void emit_line(void *f, const char *text) { fputs(text, f); }

static void dump_hart(FILE *f, const struct hart *h)
{
    /* clang-format off */
    const struct { const char *name; uint64_t v; } csrs[] = {
        { "pc", h->pc }, { "mhartid", h->mhartid }, { "mstatus", h->mstatus }, { "mip", hart_pending(h) },
        { "mie", h->mie }, { "mideleg", h->mideleg }, { "medeleg", h->medeleg }, { "mtvec", h->mtvec },
        { "stvec", h->stvec }, { "mepc", h->mepc }, { "sepc", h->sepc }, { "mcause", h->mcause },
        { "scause", h->scause }, { "mtval", h->mtval }, { "stval", h->stval }, { "mscratch", h->mscratch },
        { "sscratch", h->sscratch }, { "satp", h->mmu.satp },
        /* clang-format on */
    };
    fprintf(f, "CPU Reset (CPU %" PRIu64 ")\n priv     %s\n", h->mhartid, priv_name[h->priv & 3]);
    for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++)
        fprintf(f, " %-8s %016" PRIx64 "\n", csrs[i].name, csrs[i].v);
    regdump_gprs(h, true, emit_line, f);
}

void machine_log_reset(struct machine *m)
{
    if (!m->log || !(m->log->items & RIVET_LOG_CPU_RESET))
        return;
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        dump_hart(m->log->f, &m->harts[i]);
}

/* ---- creation ---- */

bool machine_log_create(struct machine *m, char *err, size_t errlen)
{
    unsigned items = m->cfg.log_items & ~RIVET_LOG_TRACE;
    if (!items && m->cfg.stuck == RIVET_STUCK_OFF)
        return true;
    struct machine_log *l = calloc(1, sizeof *l);
    if (!l) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    l->m = m;
    l->items = items;
    l->f = m->cfg.log_file ? m->cfg.log_file : stderr;
    l->stuck = m->cfg.stuck;
    m->log = l;
    bool traps = (items & (RIVET_LOG_INT | RIVET_LOG_UNIMP)) || l->stuck != RIVET_STUCK_OFF;
    for (unsigned i = 0; i < m->cfg.nharts && traps; i++)
        m->harts[i].env.trap_hook = on_trap;
    if (items & RIVET_LOG_GUEST_ERRORS) {
        m->bus.refused = on_refused;
        m->bus.refused_opaque = l;
    }
    return true;
}

void machine_log_destroy(struct machine *m)
{
    if (!m->log)
        return;
    fflush(m->log->f);
    free(m->log);
    m->log = NULL;
}
