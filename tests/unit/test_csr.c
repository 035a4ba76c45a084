/*
 * CSR rules (cpu/csr.c and the Zicsr handlers in cpu/exec_sys.c): existence,
 * privilege, read-only numbers, WARL fields, counters and their gating, PMP
 * registers, Sstc.
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/hart.h"
#include "cpu/insn_table.h"
#include "rivet.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define RD_X0    32

static struct bus bus;
static struct hart *h;
static uint64_t fake_time;

static uint64_t read_fake_time(void *opaque) { return fake_time; }

static void setup(void)
{
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    h = calloc(1, sizeof *h);
    ck_assert_ptr_nonnull(h);
    hart_init(h, &bus, NULL, 0);
    fake_time = 0;
}

static void teardown(void)
{
    free(h);
    bus_destroy(&bus);
}

/* A hand-made CSR instruction: csrXX rd, csr, rs1/uimm. */
static struct insn csr_insn(insn_fn fn, unsigned csr, unsigned rd, unsigned rs1)
{
    struct insn in = { 0 };
    in.fn = fn;
    in.imm = (int32_t)csr;
    in.rd = (uint8_t)(rd == 0 ? RD_X0 : rd);
    in.rs1 = (uint8_t)rs1;
    in.len = 4;
    in.bits = (csr << 20) | (rs1 << 15) | (rd << 7) | OP_SYSTEM;
    return in;
}

static uint64_t rd_csr(unsigned csr)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(csr_read(h, csr, &v), 0);
    return v;
}

START_TEST(test_misa_exact)
{
    uint64_t want = (2ull << 62) | MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('F') | MISA_EXT('D') |
                    MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U');
    ck_assert_uint_eq(rd_csr(CSR_MISA), want);
    ck_assert_int_eq(csr_write(h, CSR_MISA, 0), 0); /* WARL: accepted, ignored */
    ck_assert_uint_eq(rd_csr(CSR_MISA), want);
}
END_TEST

/* CSRs of extensions the ISA leaves out do not exist; misa shows the
 * letters that are there. */
START_TEST(test_csrs_follow_the_isa)
{
    struct isa_set isa;
    uint64_t v;
    ck_assert(isa_parse_cpu("rv64,f=off,d=off,m=off,zicntr=off,sstc=off", &isa, NULL, 0));
    hart_set_isa(h, &isa);
    ck_assert_uint_eq(rd_csr(CSR_MISA),
                      (2ull << 62) | MISA_EXT('I') | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'));
    ck_assert_int_eq(csr_read(h, CSR_FFLAGS, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_FCSR, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_CYCLE, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_INSTRET, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_STIMECMP, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_MCYCLE, &v), 0); /* M-mode counters are not Zicntr's */
    ck_assert_int_eq(csr_write(h, CSR_MENVCFG, MENVCFG_STCE | MENVCFG_FIOM), 0);
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), MENVCFG_FIOM);
}
END_TEST

START_TEST(test_nonexistent_and_privilege)
{
    uint64_t v;
    ck_assert_int_eq(csr_read(h, 0x3a1, &v), CAUSE_ILLEGAL_INSTRUCTION); /* pmpcfg1: RV32 only */
    ck_assert_int_eq(csr_read(h, 0x744, &v), CAUSE_ILLEGAL_INSTRUCTION); /* mnstatus */
    ck_assert_int_eq(csr_read(h, 0x200, &v), CAUSE_ILLEGAL_INSTRUCTION); /* hypervisor space */
    ck_assert(!csr_exists(h, 0x7b0));                                    /* debug-mode dcsr */
    h->priv = PRV_S;
    ck_assert_int_eq(csr_read(h, CSR_MSTATUS, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_SSTATUS, &v), 0);
    h->priv = PRV_U;
    ck_assert_int_eq(csr_read(h, CSR_SSTATUS, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_write(h, CSR_SSCRATCH, 1), CAUSE_ILLEGAL_INSTRUCTION);
}
END_TEST

START_TEST(test_read_only_numbers)
{
    ck_assert_int_eq(csr_write(h, CSR_MVENDORID, 0), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_write(h, CSR_CYCLE, 0), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_write(h, CSR_MHARTID, 0), CAUSE_ILLEGAL_INSTRUCTION);

    /* csrrw x0, mvendorid, x0 writes the same value: still illegal, tval = bits. */
    struct insn in = csr_insn(exec_csrrw, CSR_MVENDORID, 0, 0);
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_uint_eq(h->exc_tval, in.bits);

    /* csrrs a0, mvendorid, x0 only reads: fine. */
    h->x[10] = 55;
    in = csr_insn(exec_csrrs, CSR_MVENDORID, 10, 0);
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->x[10], 0);

    /* rivet's ids (include/rivet.h): marchid and mimpid are not 0. */
    uint64_t v;
    ck_assert_int_eq(csr_read(h, CSR_MARCHID, &v), 0);
    ck_assert_uint_eq(v, RIVET_MARCHID);
    ck_assert_uint_ne(v, 0);
    ck_assert_int_eq(csr_read(h, CSR_MIMPID, &v), 0);
    ck_assert_uint_eq(v, RIVET_MIMPID);
    ck_assert_uint_ne(v, 0);
    ck_assert_int_eq(csr_write(h, CSR_MARCHID, 0), CAUSE_ILLEGAL_INSTRUCTION);

    /* csrrsi with uimm 0 on a nonexistent CSR still traps; rd untouched. */
    h->x[11] = 77;
    in = csr_insn(exec_csrrsi, 0x7c5, 11, 0);
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->x[11], 77);
}
END_TEST

/* A CSR instruction ends its block only when what follows may depend on it
 * beyond the registers instructions read anyway: satp and PMP writes, and
 * any write while an interrupt is pending and enabled in mie. */
START_TEST(test_csr_block_end)
{
    struct insn in = csr_insn(exec_csrrwi, CSR_MSCRATCH, 0, 1);
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
    h->x[5] = 0;
    in = csr_insn(exec_csrrw, CSR_SATP, 0, 5);
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    in = csr_insn(exec_csrrw, CSR_PMPADDR0 + 3, 0, 5);
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    hart_set_pending(h, MIP_MTIP);
    in = csr_insn(exec_csrrwi, CSR_MSCRATCH, 0, 2); /* pending, not enabled */
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
    h->x[6] = MIP_MTIP;
    in = csr_insn(exec_csrrs, CSR_MIE, 0, 6); /* now enabled: the loop must look */
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    in = csr_insn(exec_csrrs, CSR_MSCRATCH, 10, 0); /* a read alone never ends it */
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
}
END_TEST

START_TEST(test_csr_instructions)
{
    struct insn in = csr_insn(exec_csrrwi, CSR_MSCRATCH, 0, 3);
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
    in = csr_insn(exec_csrrci, CSR_MSCRATCH, 11, 1);
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
    ck_assert_uint_eq(h->x[11], 3);
    in = csr_insn(exec_csrrsi, CSR_MSCRATCH, 12, 4);
    in.fn(h, &in);
    ck_assert_uint_eq(h->x[12], 2);
    h->x[5] = 0xbad1dea;
    in = csr_insn(exec_csrrw, CSR_MSCRATCH, 5, 5); /* rd == rs1: old value out, new in */
    in.fn(h, &in);
    ck_assert_uint_eq(h->x[5], 6);
    h->x[6] = 0x1dea;
    in = csr_insn(exec_csrrc, CSR_MSCRATCH, 7, 6);
    in.fn(h, &in);
    ck_assert_uint_eq(h->x[7], 0xbad1dea);
    ck_assert_uint_eq(rd_csr(CSR_MSCRATCH), 0xbad0000);
}
END_TEST

START_TEST(test_mstatus_warl)
{
    ck_assert_int_eq(csr_write(h, CSR_MSTATUS, MSTATUS_MPP & (1ull << MSTATUS_MPP_SHIFT)), 0); /* MPP = S */
    uint64_t s = rd_csr(CSR_MSTATUS);
    ck_assert_uint_eq((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
    ck_assert_uint_eq((s & MSTATUS_UXL) >> 32, 2);
    ck_assert_uint_eq((s & MSTATUS_SXL) >> 34, 2);

    /* MPP = 2 is reserved: the old mode stays. UXL/SXL/XS/VS/xBE cannot be set. */
    csr_write(h, CSR_MSTATUS,
              (2ull << MSTATUS_MPP_SHIFT) | MSTATUS_XS | MSTATUS_VS | MSTATUS_UBE | MSTATUS_SBE | MSTATUS_MBE |
                  MSTATUS_UXL);
    s = rd_csr(CSR_MSTATUS);
    ck_assert_uint_eq((s & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
    ck_assert_uint_eq(s & (MSTATUS_XS | MSTATUS_VS | MSTATUS_UBE | MSTATUS_SBE | MSTATUS_MBE), 0);
    ck_assert_uint_eq((s & MSTATUS_UXL) >> 32, 2);

    /* SD follows FS == Dirty. */
    csr_write(h, CSR_MSTATUS, MSTATUS_FS);
    ck_assert(rd_csr(CSR_MSTATUS) & MSTATUS_SD);
    ck_assert(rd_csr(CSR_MSTATUS) >> 63);
    csr_write(h, CSR_MSTATUS, (uint64_t)FS_CLEAN << MSTATUS_FS_SHIFT);
    ck_assert_uint_eq(rd_csr(CSR_MSTATUS) & MSTATUS_SD, 0);
}
END_TEST

START_TEST(test_sstatus_view)
{
    csr_write(h, CSR_MSTATUS, MSTATUS_MIE | MSTATUS_TVM);
    h->priv = PRV_S;
    uint64_t s = rd_csr(CSR_SSTATUS);
    ck_assert_uint_eq(s & (MSTATUS_MIE | MSTATUS_TVM | MSTATUS_SXL), 0);
    ck_assert_uint_eq((s & MSTATUS_UXL) >> 32, 2);
    ck_assert_int_eq(csr_write(h, CSR_SSTATUS, MSTATUS_SIE | MSTATUS_SPP | MSTATUS_SUM), 0);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_SIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MIE | MSTATUS_TVM),
                      MSTATUS_SIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MIE | MSTATUS_TVM);
    ck_assert(h->mmu.sum);
}
END_TEST

START_TEST(test_deleg_and_tvec_and_epc)
{
    csr_write(h, CSR_MEDELEG, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_MEDELEG), 0xb3ff); /* 0-9, 12, 13, 15; bit 11 stays 0 */
    csr_write(h, CSR_MIDELEG, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_MIDELEG), MIP_SSIP | MIP_STIP | MIP_SEIP);

    csr_write(h, CSR_MTVEC, RAM_BASE + 0x101);
    ck_assert_uint_eq(rd_csr(CSR_MTVEC), RAM_BASE + 0x101);
    csr_write(h, CSR_MTVEC, RAM_BASE + 0x202); /* mode 2 reserved: keep vectored */
    ck_assert_uint_eq(rd_csr(CSR_MTVEC), RAM_BASE + 0x201);
    csr_write(h, CSR_STVEC, RAM_BASE + 0x303);
    ck_assert_uint_eq(rd_csr(CSR_STVEC), RAM_BASE + 0x300);

    csr_write(h, CSR_MEPC, 0x1235);
    ck_assert_uint_eq(rd_csr(CSR_MEPC), 0x1234);
    csr_write(h, CSR_SEPC, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_SEPC), ~1ull);
    csr_write(h, CSR_MCOUNTEREN, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_MCOUNTEREN), 0xffffffffull);
    csr_write(h, CSR_MENVCFG, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), MENVCFG_FIOM | MENVCFG_STCE); /* rv64: no ADUE, as before -cpu */
    csr_write(h, CSR_SENVCFG, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_SENVCFG), MENVCFG_FIOM);
    csr_write(h, CSR_TSELECT, 1ull << 63);
    ck_assert_uint_eq(rd_csr(CSR_TSELECT), 0);
}
END_TEST

START_TEST(test_interrupt_registers)
{
    csr_write(h, CSR_MIP, ~0ull); /* only SSIP, STIP, SEIP are writable */
    ck_assert_uint_eq(rd_csr(CSR_MIP), MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_write(h, CSR_MIP, 0);
    csr_write(h, CSR_MIE, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_MIE), 0xaaa);
    csr_write(h, CSR_MIE, 0);

    h->priv = PRV_S;
    csr_write(h, CSR_SIE, MIP_SSIP); /* nothing delegated: ignored */
    ck_assert_uint_eq(rd_csr(CSR_SIE), 0);
    ck_assert_uint_eq(h->mie, 0);
    h->mideleg = MIP_SSIP | MIP_STIP;
    csr_write(h, CSR_SIE, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_SIE), MIP_SSIP | MIP_STIP);
    ck_assert_uint_eq(h->mie, MIP_SSIP | MIP_STIP);
    csr_write(h, CSR_SIP, ~0ull); /* only SSIP is writable through sip */
    ck_assert_uint_eq(rd_csr(CSR_SIP), MIP_SSIP);
    hart_set_pending(h, MIP_MTIP | MIP_STIP);
    ck_assert_uint_eq(rd_csr(CSR_SIP), MIP_SSIP | MIP_STIP); /* MTIP not delegated: hidden */
}
END_TEST

START_TEST(test_fp_csrs)
{
    uint64_t v;
    ck_assert_int_eq(csr_read(h, CSR_FFLAGS, &v), CAUSE_ILLEGAL_INSTRUCTION); /* FS = Off at reset */
    ck_assert_int_eq(csr_write(h, CSR_FCSR, 0), CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(h, CSR_MSTATUS, (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT);
    ck_assert_int_eq(csr_write(h, CSR_FCSR, 0xff), 0);
    ck_assert_uint_eq(rd_csr(CSR_FFLAGS), 0x1f);
    ck_assert_uint_eq(rd_csr(CSR_FRM), 7);
    ck_assert_uint_eq((h->mstatus & MSTATUS_FS) >> MSTATUS_FS_SHIFT, FS_DIRTY);
    ck_assert(rd_csr(CSR_MSTATUS) & MSTATUS_SD);
    csr_write(h, CSR_FRM, 1);
    ck_assert_uint_eq(rd_csr(CSR_FCSR), 0x3f);
}
END_TEST

START_TEST(test_counter_gating)
{
    uint64_t v;
    h->priv = PRV_S;
    ck_assert_int_eq(csr_read(h, CSR_CYCLE, &v), CAUSE_ILLEGAL_INSTRUCTION);
    h->mcounteren = 1u << 0;
    ck_assert_int_eq(csr_read(h, CSR_CYCLE, &v), 0);
    ck_assert_int_eq(csr_read(h, CSR_TIME, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_INSTRET, &v), CAUSE_ILLEGAL_INSTRUCTION);
    h->mcounteren = 0x7;
    ck_assert_int_eq(csr_read(h, CSR_TIME, &v), 0);
    h->priv = PRV_U;
    ck_assert_int_eq(csr_read(h, CSR_INSTRET, &v), CAUSE_ILLEGAL_INSTRUCTION);
    h->scounteren = 1u << 2;
    ck_assert_int_eq(csr_read(h, CSR_INSTRET, &v), 0);
    ck_assert_int_eq(csr_read(h, CSR_CYCLE, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_HPMCOUNTER3, &v), CAUSE_ILLEGAL_INSTRUCTION);
    h->priv = PRV_M;
    ck_assert_uint_eq(rd_csr(CSR_HPMCOUNTER3), 0);
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3 + 5), 0);
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3, 7), 0);
    ck_assert_uint_eq(rd_csr(CSR_MHPMEVENT3), 0);
}
END_TEST

START_TEST(test_counters_and_inhibit)
{
    h->instret = 1000;
    ck_assert_uint_eq(rd_csr(CSR_INSTRET), 1000);
    ck_assert_uint_eq(rd_csr(CSR_CYCLE), 1000);

    /* csrwi minstret, 0 then the next instruction reads 0 (increment suppressed). */
    struct insn in = csr_insn(exec_csrrwi, CSR_MINSTRET, 0, 0);
    ck_assert_int_eq(in.fn(h, &in), EXEC_NEXT);
    h->instret += 1; /* the run loop retires the csrrwi */
    ck_assert_uint_eq(rd_csr(CSR_MINSTRET), 0);
    h->instret += 10;
    ck_assert_uint_eq(rd_csr(CSR_INSTRET), 10);

    /* The same at index 3 of a block: three earlier instructions not yet counted. */
    in = csr_insn(exec_csrrwi, CSR_MCYCLE, 0, 5);
    in.idx = 3;
    in.fn(h, &in);
    h->instret += 4;
    ck_assert_uint_eq(rd_csr(CSR_MCYCLE), 5);

    csr_write(h, CSR_MCOUNTINHIBIT, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_MCOUNTINHIBIT), 0x5); /* CY and IR; bit 1 is zero */
    uint64_t frozen = rd_csr(CSR_MINSTRET);
    h->instret += 100;
    ck_assert_uint_eq(rd_csr(CSR_MINSTRET), frozen);
    ck_assert_uint_eq(rd_csr(CSR_MCYCLE), 5);
    csr_write(h, CSR_MCOUNTINHIBIT, 0);
    h->instret += 1;
    ck_assert_uint_eq(rd_csr(CSR_MINSTRET), frozen);
    h->instret += 2;
    ck_assert_uint_eq(rd_csr(CSR_MINSTRET), frozen + 2);
}
END_TEST

START_TEST(test_satp)
{
    uint64_t sv39 = ((uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT) | 0x80123;
    ck_assert_int_eq(csr_write(h, CSR_SATP, sv39), 0);
    ck_assert_uint_eq(rd_csr(CSR_SATP), sv39);
    csr_write(h, CSR_SATP, 1ull << SATP_MODE_SHIFT); /* unsupported mode: no effect */
    ck_assert_uint_eq(rd_csr(CSR_SATP), sv39);
    csr_write(h, CSR_SATP, (15ull << SATP_MODE_SHIFT) | 5);
    ck_assert_uint_eq(rd_csr(CSR_SATP), sv39);
    csr_write(h, CSR_SATP, ((uint64_t)SATP_MODE_SV57 << SATP_MODE_SHIFT) | 7);
    ck_assert_uint_eq(h->mmu.satp >> SATP_MODE_SHIFT, SATP_MODE_SV57);

    uint64_t v;
    h->priv = PRV_S;
    ck_assert_int_eq(csr_read(h, CSR_SATP, &v), 0);
    h->mstatus |= MSTATUS_TVM;
    ck_assert_int_eq(csr_read(h, CSR_SATP, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_write(h, CSR_SATP, 0), CAUSE_ILLEGAL_INSTRUCTION);
}
END_TEST

START_TEST(test_pmp)
{
    /* Entry 0: W without R is reserved and becomes R=W=0. */
    csr_write(h, CSR_PMPCFG0, PMP_W | PMP_X | PMP_A_NAPOT);
    ck_assert_uint_eq(rd_csr(CSR_PMPCFG0) & 0xff, PMP_X | PMP_A_NAPOT);
    csr_write(h, CSR_PMPADDR0, ~0ull);
    ck_assert_uint_eq(rd_csr(CSR_PMPADDR0), (1ull << 54) - 1);

    /* Entry 2 locked TOR: entry 2 and pmpaddr1 are frozen. */
    csr_write(h, CSR_PMPADDR0 + 1, 0x1000);
    csr_write(h, CSR_PMPADDR0 + 2, 0x2000);
    csr_write(h, CSR_PMPCFG0, (uint64_t)(PMP_L | PMP_A_TOR | PMP_R) << 16);
    ck_assert_uint_eq(h->mmu.pmpcfg[2], PMP_L | PMP_A_TOR | PMP_R);
    csr_write(h, CSR_PMPCFG0, 0);
    ck_assert_uint_eq(h->mmu.pmpcfg[2], PMP_L | PMP_A_TOR | PMP_R);
    ck_assert_uint_eq(h->mmu.pmpcfg[0], 0);
    csr_write(h, CSR_PMPADDR0 + 2, 0x3000);
    csr_write(h, CSR_PMPADDR0 + 1, 0x3000);
    csr_write(h, CSR_PMPADDR0 + 0, 0x3000);
    ck_assert_uint_eq(rd_csr(CSR_PMPADDR0 + 2), 0x2000);
    ck_assert_uint_eq(rd_csr(CSR_PMPADDR0 + 1), 0x1000);
    ck_assert_uint_eq(rd_csr(CSR_PMPADDR0 + 0), 0x3000);

    /* Entries 8-15 live in pmpcfg2; pmpcfg4.. and pmpaddr16.. read zero. */
    csr_write(h, CSR_PMPCFG2, (uint64_t)(PMP_R | PMP_A_NA4) << 56);
    ck_assert_uint_eq(h->mmu.pmpcfg[15], PMP_R | PMP_A_NA4);
    ck_assert_int_eq(csr_write(h, CSR_PMPCFG0 + 4, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_PMPCFG0 + 4), 0);
    ck_assert_int_eq(csr_write(h, CSR_PMPADDR0 + 20, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_PMPADDR0 + 20), 0);
    h->priv = PRV_S;
    uint64_t v;
    ck_assert_int_eq(csr_read(h, CSR_PMPCFG0, &v), CAUSE_ILLEGAL_INSTRUCTION);
}
END_TEST

START_TEST(test_sstc)
{
    uint64_t v;
    h->env.read_time = read_fake_time;
    fake_time = 50;
    h->priv = PRV_S;
    ck_assert_int_eq(csr_read(h, CSR_STIMECMP, &v), CAUSE_ILLEGAL_INSTRUCTION);
    h->menvcfg = MENVCFG_STCE;
    ck_assert_int_eq(csr_read(h, CSR_STIMECMP, &v), CAUSE_ILLEGAL_INSTRUCTION); /* TM clear */
    h->mcounteren = 1u << 1;
    ck_assert_int_eq(csr_write(h, CSR_STIMECMP, 100), 0);
    ck_assert_uint_eq(hart_pending(h) & MIP_STIP, 0);
    fake_time = 100;
    hart_update_timer_irqs(h);
    ck_assert_uint_eq(hart_pending(h) & MIP_STIP, MIP_STIP);
    ck_assert_int_eq(csr_write(h, CSR_STIMECMP, ~0ull), 0);
    ck_assert_uint_eq(hart_pending(h) & MIP_STIP, 0);
    ck_assert_uint_eq(rd_csr(CSR_TIME), 100);

    h->priv = PRV_M;
    csr_write(h, CSR_MIP, MIP_STIP); /* driven by stimecmp: not writable */
    ck_assert_uint_eq(rd_csr(CSR_MIP) & MIP_STIP, 0);
    h->priv = PRV_U;
    ck_assert_int_eq(csr_read(h, CSR_STIMECMP, &v), CAUSE_ILLEGAL_INSTRUCTION);
}
END_TEST

/* Smstateen/Ssstateen: mstateen0 keeps SE0 and ENVCFG, mstateen1-3 their
 * SE bit; below M, sstateenN needs mstateenN.SE and senvcfg needs
 * mstateen0.ENVCFG; sstateen0-3 have no state to hide and read 0. */
START_TEST(test_stateen)
{
    struct isa_set isa;
    uint64_t v;
    ck_assert_int_eq(csr_read(h, CSR_MSTATEEN0, &v), CAUSE_ILLEGAL_INSTRUCTION); /* rv64 has none */
    ck_assert_int_eq(csr_read(h, CSR_SSTATEEN0, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert(isa_parse_cpu("rv64,ssstateen=on", &isa, NULL, 0));
    hart_set_isa(h, &isa);
    ck_assert_uint_eq(rd_csr(CSR_MSTATEEN0), 0);
    ck_assert_int_eq(csr_write(h, CSR_MSTATEEN0, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_MSTATEEN0), MSTATEEN_SE | MSTATEEN_ENVCFG);
    ck_assert_int_eq(csr_write(h, CSR_MSTATEEN0 + 2, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_MSTATEEN0 + 2), MSTATEEN_SE);
    ck_assert_int_eq(csr_write(h, CSR_MSTATEEN0, 0), 0);

    h->priv = PRV_S;
    ck_assert_int_eq(csr_read(h, CSR_SSTATEEN0, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_SSTATEEN0 + 1, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_read(h, CSR_SENVCFG, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_write(h, CSR_SSTATEEN0 + 2, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_SSTATEEN0 + 2), 0);
    ck_assert_int_eq(csr_read(h, CSR_MSTATEEN0, &v), CAUSE_ILLEGAL_INSTRUCTION);

    h->priv = PRV_M;
    ck_assert_int_eq(csr_write(h, CSR_MSTATEEN0, MSTATEEN_SE | MSTATEEN_ENVCFG), 0);
    h->priv = PRV_S;
    ck_assert_uint_eq(rd_csr(CSR_SSTATEEN0), 0);
    ck_assert_int_eq(csr_write(h, CSR_SENVCFG, MENVCFG_FIOM), 0);
    ck_assert_uint_eq(rd_csr(CSR_SENVCFG), MENVCFG_FIOM);
    h->priv = PRV_U;
    ck_assert_int_eq(csr_read(h, CSR_SSTATEEN0, &v), CAUSE_ILLEGAL_INSTRUCTION);
}
END_TEST

/* menvcfg's fields follow the ISA: PBMTE with Svpbmt, ADUE with Svadu
 * (reset 1 without Svade, 0 with it), PMM with Smnpm and senvcfg's PMM
 * with Ssnpm, whose reserved 01 keeps the old value. */
START_TEST(test_envcfg_fields)
{
    struct isa_set isa;
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), 0); /* rv64: neither Svade nor Svadu */
    ck_assert(isa_parse_cpu("rv64,svadu=on", &isa, NULL, 0));
    hart_set_isa(h, &isa);
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), MENVCFG_ADUE); /* Svadu alone */
    ck_assert(isa_parse_cpu("rv64,svade=on,svadu=on,svpbmt=on,smnpm=on,ssnpm=on", &isa, NULL, 0));
    hart_set_isa(h, &isa);
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), 0);
    ck_assert_int_eq(csr_write(h, CSR_MENVCFG, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), MENVCFG_FIOM | MENVCFG_STCE | MENVCFG_ADUE | MENVCFG_PBMTE | MENVCFG_PMM);
    ck_assert_int_eq(csr_write(h, CSR_MENVCFG, (uint64_t)PMM_RESERVED << MENVCFG_PMM_SHIFT), 0);
    ck_assert_uint_eq(rd_csr(CSR_MENVCFG), MENVCFG_PMM); /* PMM kept */
    ck_assert_int_eq(csr_write(h, CSR_SENVCFG, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_SENVCFG), MENVCFG_FIOM | MENVCFG_PMM);
    ck_assert_int_eq(csr_write(h, CSR_SENVCFG, (uint64_t)PMM_LEN7 << MENVCFG_PMM_SHIFT), 0);
    ck_assert_uint_eq(rd_csr(CSR_SENVCFG), (uint64_t)PMM_LEN7 << MENVCFG_PMM_SHIFT);
}
END_TEST

/* Without Zihpm (the rv64 model) the HPM counters and events are
 * read-only 0, and Sscofpmf's CSR and interrupt bit are absent. */
START_TEST(test_hpm_absent)
{
    uint64_t v;
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3, 2), 0);
    ck_assert_int_eq(csr_write(h, CSR_MHPMCOUNTER3, 5), 0);
    h->instret += 10;
    ck_assert_uint_eq(rd_csr(CSR_MHPMEVENT3), 0);
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3), 0);
    ck_assert_int_eq(csr_write(h, CSR_MCOUNTINHIBIT, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_MCOUNTINHIBIT), 5);
    ck_assert_int_eq(csr_read(h, CSR_SCOUNTOVF, &v), CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_int_eq(csr_write(h, CSR_MIE, MIP_LCOFIP), 0);
    ck_assert_int_eq(csr_write(h, CSR_MIDELEG, MIP_LCOFIP), 0);
    ck_assert_uint_eq(rd_csr(CSR_MIE) | rd_csr(CSR_MIDELEG), 0);
    ck_assert_uint_eq(h->pmu.deadline, UINT64_MAX);
}
END_TEST

/* Zihpm counters are computed from the instructions retired in each mode
 * (cpu/pmu.c): the writing instruction is not counted, SINH leaves S out,
 * mcountinhibit freezes, an unknown event counts nothing. */
START_TEST(test_hpm_counting)
{
    struct isa_set isa;
    ck_assert(isa_parse_cpu("rv64,sscofpmf=on", &isa, NULL, 0));
    hart_set_isa(h, &isa);
    ck_assert(isa_has(&h->isa, EXT_ZIHPM)); /* implied */
    h->instret = 100;
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3 + 2, 2 | MHPMEVENT_SINH), 0); /* counter 5 */
    ck_assert_int_eq(csr_write(h, CSR_MHPMCOUNTER3 + 2, 1000), 0);
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3, 0x10019), 0); /* counter 3: nothing */
    h->instret = 111;                                           /* the write, then 10 in M */
    hart_set_priv(h, PRV_S, h->instret);
    h->instret = 118; /* 7 in S */
    hart_set_priv(h, PRV_M, h->instret);
    h->instret = 121; /* 3 in M */
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3 + 2), 1013);
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3), 0);
    ck_assert_int_eq(csr_write(h, CSR_MCOUNTINHIBIT, 1u << 5), 0);
    ck_assert_uint_eq(rd_csr(CSR_MCOUNTINHIBIT), 1u << 5);
    h->instret = 200;
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3 + 2), 1013);
    ck_assert_int_eq(csr_write(h, CSR_MCOUNTINHIBIT, 0), 0);
    h->instret = 211; /* the write, then 10 */
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3 + 2), 1023);
    /* VSINH and VUINH are read-only 0 without H */
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_MHPMEVENT3),
                      MHPMEVENT_OF | MHPMEVENT_MINH | MHPMEVENT_SINH | MHPMEVENT_UINH | MHPMEVENT_SEL);
}
END_TEST

/* Sscofpmf: the deadline is the earliest instret a counter may wrap at;
 * pmu_poll there sets OF and LCOFIP when it did, and only then; scountovf
 * shows OF to S through mcounteren; LCOFI can be delegated. */
START_TEST(test_hpm_overflow)
{
    struct isa_set isa;
    uint64_t v;
    ck_assert(isa_parse_cpu("rva23s64", &isa, NULL, 0));
    hart_set_isa(h, &isa);
    h->instret = 50;
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3 + 3, 2), 0); /* counter 6 */
    ck_assert_int_eq(csr_write(h, CSR_MHPMCOUNTER3 + 3, (uint64_t)-5), 0);
    ck_assert_uint_eq(h->pmu.deadline, 56); /* the write retires at 51, 5 more wrap */
    h->instret = 55;
    pmu_poll(h);
    ck_assert_uint_eq(hart_pending(h) & MIP_LCOFIP, 0);
    ck_assert_uint_eq(rd_csr(CSR_SCOUNTOVF), 0);
    h->instret = 56;
    pmu_poll(h);
    ck_assert_uint_eq(hart_pending(h) & MIP_LCOFIP, MIP_LCOFIP);
    ck_assert_uint_eq(rd_csr(CSR_MHPMEVENT3 + 3), MHPMEVENT_OF | 2);
    ck_assert_uint_eq(rd_csr(CSR_MHPMCOUNTER3 + 3), 0);
    ck_assert_uint_eq(rd_csr(CSR_SCOUNTOVF), 1u << 6);
    ck_assert_uint_eq(h->pmu.deadline, UINT64_MAX); /* OF set: not armed */
    h->priv = PRV_S;
    ck_assert_uint_eq(rd_csr(CSR_SCOUNTOVF), 0); /* mcounteren hides it */
    h->mcounteren = 1u << 6;
    ck_assert_uint_eq(rd_csr(CSR_SCOUNTOVF), 1u << 6);
    h->priv = PRV_U;
    ck_assert_int_eq(csr_read(h, CSR_SCOUNTOVF, &v), CAUSE_ILLEGAL_INSTRUCTION);
    h->priv = PRV_M;

    /* Mode filtering: events in an inhibited mode move the deadline on. */
    ck_assert_int_eq(csr_write(h, CSR_MHPMEVENT3 + 3, 2 | MHPMEVENT_UINH), 0);
    ck_assert_int_eq(csr_write(h, CSR_MHPMCOUNTER3 + 3, (uint64_t)-2), 0);
    ck_assert_uint_eq(h->pmu.deadline, 59);
    h->instret = 57;
    hart_set_priv(h, PRV_U, h->instret);
    h->instret = 70;
    pmu_poll(h);
    ck_assert_uint_eq(h->pmu.event[6] & MHPMEVENT_OF, 0);
    ck_assert_uint_eq(h->pmu.deadline, 72);
    hart_set_priv(h, PRV_M, h->instret);

    /* LCOFI: mideleg, mie, sip and sie have bit 13 */
    ck_assert_int_eq(csr_write(h, CSR_MIDELEG, ~0ull), 0);
    ck_assert_uint_eq(rd_csr(CSR_MIDELEG), MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_LCOFIP);
    ck_assert_int_eq(csr_write(h, CSR_SIE, MIP_LCOFIP), 0);
    ck_assert_uint_eq(rd_csr(CSR_MIE), MIP_LCOFIP);
    ck_assert_int_eq(csr_write(h, CSR_SIP, 0), 0);
    ck_assert_uint_eq(rd_csr(CSR_MIP) & MIP_LCOFIP, 0);
}
END_TEST

static Suite *csr_suite(void)
{
    Suite *s = suite_create("csr");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_misa_exact);
    tcase_add_test(tc, test_csrs_follow_the_isa);
    tcase_add_test(tc, test_nonexistent_and_privilege);
    tcase_add_test(tc, test_read_only_numbers);
    tcase_add_test(tc, test_csr_instructions);
    tcase_add_test(tc, test_csr_block_end);
    tcase_add_test(tc, test_mstatus_warl);
    tcase_add_test(tc, test_sstatus_view);
    tcase_add_test(tc, test_deleg_and_tvec_and_epc);
    tcase_add_test(tc, test_interrupt_registers);
    tcase_add_test(tc, test_fp_csrs);
    tcase_add_test(tc, test_counter_gating);
    tcase_add_test(tc, test_counters_and_inhibit);
    tcase_add_test(tc, test_satp);
    tcase_add_test(tc, test_pmp);
    tcase_add_test(tc, test_sstc);
    tcase_add_test(tc, test_stateen);
    tcase_add_test(tc, test_envcfg_fields);
    tcase_add_test(tc, test_hpm_absent);
    tcase_add_test(tc, test_hpm_counting);
    tcase_add_test(tc, test_hpm_overflow);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
