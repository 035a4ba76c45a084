/*
 * -d logging (contract in log.h).
 */
#include "machine/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "machine/machine.h"

#define CSR_NUMBER(imm) ((unsigned)(imm) & 0xfff)

struct machine_log {
    struct machine *m;
    unsigned items;
    FILE *f;
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

static const struct foreign_insn foreign[] = { /* first match wins: flq/fsq before the vector rows */
    { 0x0000707fu, 0x00004007u, 4, "flq (Q)" },
    { 0x0000707fu, 0x00004027u, 4, "fsq (Q)" },
    { 0x0000707fu, 0x00007057u, 4, "vsetvli/vsetivli/vsetvl (V)" },
    { 0x0000007fu, 0x00000057u, 4, "a vector instruction (V)" },
    { 0x0000607fu, 0x00000007u, 4, "a vector load (V)" },
    { 0x0000407fu, 0x00004007u, 4, "a vector load (V)" },
    { 0x0000607fu, 0x00000027u, 4, "a vector store (V)" },
    { 0x0000407fu, 0x00004027u, 4, "a vector store (V)" },
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
    snprintf(buf, size, "%s (%s), not enabled in this -cpu%s%s", text, isa_ext_name(ext),
             model ? "; try -cpu " : "", model ? model : "");
    return true;
}

/* What an illegal instruction is, for the unimp line.
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
    "misaligned_fetch", "fault_fetch", "illegal_instruction", "breakpoint", "misaligned_load", "fault_load",
    "misaligned_store", "fault_store", "user_ecall", "supervisor_ecall", "hypervisor_ecall", "machine_ecall",
    "exec_page_fault", "load_page_fault", "reserved", "store_page_fault",
};
static const char *const interrupt_name[12] = {
    "u_software", "s_software", "vs_software", "m_software", "u_timer", "s_timer",
    "vs_timer", "m_timer", "u_external", "s_external", "vs_external", "m_external",
};

static void log_int(struct machine_log *l, const struct hart *h, uint64_t cause, uint64_t tval)
{
    bool async = (cause & CAUSE_INTERRUPT) != 0;
    uint64_t code = cause & ~CAUSE_INTERRUPT;
    const char *desc = async ? (code < 12 ? interrupt_name[code] : "(unknown)")
                             : (code < 16 ? exception_name[code] : "(unknown)");
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
                insn_length(bits & 0xffff) == 2 ? 4 : 8, insn_length(bits & 0xffff) == 2 ? bits & 0xffff : bits,
                h->pc, what);
}

static void on_refused(void *opaque, uint64_t paddr, unsigned size, bool write, const char *region,
                       const char *reason)
{
    struct machine_log *l = opaque;
    fprintf(l->f, "Invalid %s at addr 0x%" PRIX64 ", size %u, region '%s', reason: %s\n", write ? "write" : "read",
            paddr, size, region ? region : "(none)", reason);
}

static void on_trap(void *opaque, struct hart *h, uint64_t cause, uint64_t tval)
{
    struct machine *m = opaque;
    struct machine_log *l = m->log;
    if (l->items & RIVET_LOG_INT)
        log_int(l, h, cause, tval);
    if ((l->items & RIVET_LOG_UNIMP) && cause == CAUSE_ILLEGAL_INSTRUCTION)
        log_unimp(l, h, tval);
}

/* ---- cpu_reset ---- */

static void dump_hart(FILE *f, const struct hart *h)
{
    const struct { const char *name; uint64_t v; } csrs[] = {
        { "pc", h->pc }, { "mhartid", h->mhartid }, { "mstatus", h->mstatus }, { "mip", hart_pending(h) },
        { "mie", h->mie }, { "mideleg", h->mideleg }, { "medeleg", h->medeleg }, { "mtvec", h->mtvec },
        { "stvec", h->stvec }, { "mepc", h->mepc }, { "sepc", h->sepc }, { "mcause", h->mcause },
        { "scause", h->scause }, { "mtval", h->mtval }, { "stval", h->stval }, { "mscratch", h->mscratch },
        { "sscratch", h->sscratch }, { "satp", h->mmu.satp },
    };
    fprintf(f, "CPU Reset (CPU %" PRIu64 ")\n priv     %s\n", h->mhartid, priv_name[h->priv & 3]);
    for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++)
        fprintf(f, " %-8s %016" PRIx64 "\n", csrs[i].name, csrs[i].v);
    for (int r = 0; r < 32; r++) {
        char name[16];
        snprintf(name, sizeof name, "x%d/%s", r, reg_abi_name[r]);
        fprintf(f, " %-8s %016" PRIx64 "%s", name, h->x[r], r % 4 == 3 ? "\n" : "");
    }
    for (int r = 0; r < 32; r++) {
        char name[16];
        snprintf(name, sizeof name, "f%d/%s", r, freg_abi_name[r]);
        fprintf(f, " %-8s %016" PRIx64 "%s", name, h->f[r], r % 4 == 3 ? "\n" : "");
    }
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
    if (!items)
        return true;
    struct machine_log *l = calloc(1, sizeof *l);
    if (!l) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    l->m = m;
    l->items = items;
    l->f = m->cfg.log_file ? m->cfg.log_file : stderr;
    m->log = l;
    for (unsigned i = 0; i < m->cfg.nharts && (items & (RIVET_LOG_INT | RIVET_LOG_UNIMP)); i++)
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
