/*
 * Traps, delegation, interrupts and the privileged instructions
 * (cpu/trap.c, cpu/exec_sys.c).
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/hart.h"
#include "cpu/insn_table.h"

#define RAM_BASE   0x80000000ull
#define RAM_SIZE   (1ull << 20)
#define MTVEC_BASE (RAM_BASE + 0x1000)
#define STVEC_BASE (RAM_BASE + 0x2000)
#define SPP_SHIFT  8

static struct bus bus;
static struct hart *h;

static void setup(void)
{
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    h = calloc(1, sizeof *h);
    ck_assert_ptr_nonnull(h);
    hart_init(h, &bus, NULL, 0);
    h->mtvec = MTVEC_BASE;
    h->stvec = STVEC_BASE;
}

static void teardown(void)
{
    free(h);
    bus_destroy(&bus);
}

static struct insn sys_insn(insn_fn fn, uint32_t bits)
{
    struct insn in = { 0 };
    in.fn = fn;
    in.bits = bits;
    in.len = 4;
    in.rd = 32;
    return in;
}

static unsigned mpp(void) { return (unsigned)((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT); }
static void set_mpp(unsigned p) { h->mstatus = (h->mstatus & ~MSTATUS_MPP) | ((uint64_t)p << MSTATUS_MPP_SHIFT); }

START_TEST(test_reset_state)
{
    ck_assert_uint_eq(h->priv, PRV_M);
    ck_assert_uint_eq(h->pc, 0);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_MIE | MSTATUS_MPRV), 0);
    ck_assert_int_eq(h->mmu.priv, PRV_M);
    ck_assert_int_eq(h->mmu.ls_priv, PRV_M);
    hart_reset(h, RAM_BASE);
    ck_assert_uint_eq(h->pc, RAM_BASE);
}
END_TEST

START_TEST(test_delegated_exception_goes_to_s)
{
    h->medeleg = 1ull << CAUSE_LOAD_PAGE_FAULT;
    h->priv = PRV_U;
    h->mstatus |= MSTATUS_SIE;
    h->pc = 0x4000;
    hart_take_trap(h, CAUSE_LOAD_PAGE_FAULT, 0xdead000);
    ck_assert_uint_eq(h->priv, PRV_S);
    ck_assert_uint_eq(h->pc, STVEC_BASE);
    ck_assert_uint_eq(h->sepc, 0x4000);
    ck_assert_uint_eq(h->scause, CAUSE_LOAD_PAGE_FAULT);
    ck_assert_uint_eq(h->stval, 0xdead000);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP), MSTATUS_SPIE);
    ck_assert_int_eq(h->mmu.priv, PRV_S);

    /* From S the SPP bit records S. */
    hart_take_trap(h, CAUSE_LOAD_PAGE_FAULT, 1);
    ck_assert_uint_eq((h->mstatus & MSTATUS_SPP) >> SPP_SHIFT, 1);
    ck_assert_uint_eq(h->mstatus & MSTATUS_SPIE, 0); /* SIE was 0 */
}
END_TEST

START_TEST(test_undelegated_and_m_mode_exceptions_go_to_m)
{
    h->priv = PRV_S;
    h->pc = 0x5000;
    h->mstatus |= MSTATUS_MIE;
    hart_take_trap(h, CAUSE_ILLEGAL_INSTRUCTION, 0x13);
    ck_assert_uint_eq(h->priv, PRV_M);
    ck_assert_uint_eq(h->pc, MTVEC_BASE);
    ck_assert_uint_eq(h->mepc, 0x5000);
    ck_assert_uint_eq(h->mcause, CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_uint_eq(h->mtval, 0x13);
    ck_assert_uint_eq(mpp(), PRV_S);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MPIE);

    /* Delegation never moves a trap from M down to S. */
    h->medeleg = 1ull << CAUSE_BREAKPOINT;
    hart_take_trap(h, CAUSE_BREAKPOINT, 0);
    ck_assert_uint_eq(h->priv, PRV_M);
    ck_assert_uint_eq(h->mcause, CAUSE_BREAKPOINT);
    ck_assert_uint_eq(mpp(), PRV_M);
}
END_TEST

START_TEST(test_vectored_tvec)
{
    h->mtvec = MTVEC_BASE | 1;
    h->pc = 0x100;
    hart_take_trap(h, CAUSE_MACHINE_ECALL, 0); /* exceptions use BASE */
    ck_assert_uint_eq(h->pc, MTVEC_BASE);
    h->priv = PRV_U;
    hart_set_pending(h, MIP_MTIP);
    h->mie = MIP_MTIP;
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(h->pc, MTVEC_BASE + 4 * IRQ_M_TIMER);
    ck_assert_uint_eq(h->mcause, CAUSE_INTERRUPT | IRQ_M_TIMER);
    ck_assert_uint_eq(h->mtval, 0);

    h->stvec = STVEC_BASE | 1;
    h->mideleg = MIP_SSIP;
    h->priv = PRV_U;
    hart_clear_pending(h, MIP_MTIP);
    hart_set_pending(h, MIP_SSIP);
    h->mie = MIP_SSIP;
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(h->priv, PRV_S);
    ck_assert_uint_eq(h->pc, STVEC_BASE + 4 * IRQ_S_SOFT);
    ck_assert_uint_eq(h->scause, CAUSE_INTERRUPT | IRQ_S_SOFT);
}
END_TEST

START_TEST(test_interrupt_priority)
{
    h->priv = PRV_U;
    h->mie = 0xaaa;
    hart_set_pending(h, MIP_STIP | MIP_SSIP | MIP_SEIP | MIP_MTIP | MIP_MSIP | MIP_MEIP);
    static const unsigned order[] = { IRQ_M_EXT, IRQ_M_SOFT, IRQ_M_TIMER, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER };
    for (unsigned i = 0; i < 6; i++) {
        h->priv = PRV_U;
        ck_assert(hart_check_interrupts(h));
        ck_assert_uint_eq(h->mcause, CAUSE_INTERRUPT | order[i]);
        hart_clear_pending(h, 1ull << order[i]);
    }
    h->priv = PRV_U;
    ck_assert(!hart_check_interrupts(h));
}
END_TEST

START_TEST(test_m_target_before_s_target)
{
    /* SEI delegated to S, STI kept in M: the M-destined one goes first. */
    h->priv = PRV_U;
    h->mideleg = MIP_SEIP;
    h->mie = MIP_SEIP | MIP_STIP;
    hart_set_pending(h, MIP_SEIP | MIP_STIP);
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(h->priv, PRV_M);
    ck_assert_uint_eq(h->mcause, CAUSE_INTERRUPT | IRQ_S_TIMER);
}
END_TEST

START_TEST(test_interrupt_enables)
{
    /* An M interrupt is not taken in M with MIE = 0, but is below M. */
    hart_set_pending(h, MIP_MSIP);
    h->mie = MIP_MSIP;
    ck_assert(!hart_check_interrupts(h));
    h->mstatus |= MSTATUS_MIE;
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(h->mstatus & MSTATUS_MIE, 0);
    h->priv = PRV_S;
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(mpp(), PRV_S);

    /* mie gates everything. */
    h->priv = PRV_U;
    h->mie = 0;
    ck_assert(!hart_check_interrupts(h));
    hart_clear_pending(h, MIP_MSIP);

    /* A delegated interrupt: never in M, in S only with SIE, always in U. */
    h->mideleg = MIP_STIP;
    h->mie = MIP_STIP;
    hart_set_pending(h, MIP_STIP);
    h->priv = PRV_M;
    h->mstatus |= MSTATUS_MIE | MSTATUS_SIE;
    ck_assert(!hart_check_interrupts(h));
    h->priv = PRV_S;
    h->mstatus &= ~MSTATUS_SIE;
    ck_assert(!hart_check_interrupts(h));
    h->mstatus |= MSTATUS_SIE;
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(h->scause, CAUSE_INTERRUPT | IRQ_S_TIMER);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_SIE | MSTATUS_SPIE), MSTATUS_SPIE);
    h->priv = PRV_U;
    ck_assert(hart_check_interrupts(h));
    ck_assert_uint_eq(h->priv, PRV_S);
}
END_TEST

START_TEST(test_mret)
{
    struct insn in = sys_insn(exec_mret, 0x30200073u);
    set_mpp(PRV_S);
    h->mstatus |= MSTATUS_MPIE | MSTATUS_MPRV;
    h->mepc = 0x8000;
    ck_assert_int_eq(in.fn(h, &in), EXEC_JUMP);
    ck_assert_uint_eq(h->priv, PRV_S);
    ck_assert_uint_eq(h->pc, 0x8000);
    ck_assert_uint_eq(mpp(), PRV_U);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV), MSTATUS_MIE | MSTATUS_MPIE);
    ck_assert_int_eq(h->mmu.priv, PRV_S);

    /* Not in M: illegal with tval = the instruction. */
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_ILLEGAL_INSTRUCTION);
    ck_assert_uint_eq(h->exc_tval, 0x30200073u);

    /* mret to M keeps MPRV. */
    h->priv = PRV_M;
    set_mpp(PRV_M);
    h->mstatus |= MSTATUS_MPRV;
    in.fn(h, &in);
    ck_assert_uint_eq(h->priv, PRV_M);
    ck_assert(h->mstatus & MSTATUS_MPRV);
}
END_TEST

START_TEST(test_sret)
{
    struct insn in = sys_insn(exec_sret, 0x10200073u);
    h->priv = PRV_S;
    h->mstatus |= MSTATUS_SPIE | MSTATUS_MPRV;
    h->mstatus &= ~MSTATUS_SPP;
    h->sepc = 0x9000;
    ck_assert_int_eq(in.fn(h, &in), EXEC_JUMP);
    ck_assert_uint_eq(h->priv, PRV_U);
    ck_assert_uint_eq(h->pc, 0x9000);
    ck_assert_uint_eq(h->mstatus & (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPRV),
                      MSTATUS_SIE | MSTATUS_SPIE);
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP); /* from U */

    h->priv = PRV_S;
    h->mstatus |= MSTATUS_TSR | MSTATUS_SPP;
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    h->priv = PRV_M; /* TSR does not apply to M */
    ck_assert_int_eq(in.fn(h, &in), EXEC_JUMP);
    ck_assert_uint_eq(h->priv, PRV_S);
}
END_TEST

START_TEST(test_wfi)
{
    struct insn in = sys_insn(exec_wfi, 0x10500073u);
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    ck_assert(h->wfi);
    h->wfi = false;
    hart_set_pending(h, MIP_MTIP);
    h->mie = MIP_MSIP; /* pending but masked in mie: it still sleeps (priv. 3.3.3) */
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    ck_assert(h->wfi);
    h->wfi = false;
    h->mie = MIP_MTIP; /* pending and enabled in mie: a nop even with MIE = 0 */
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    ck_assert(!h->wfi);

    h->priv = PRV_U;
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_ILLEGAL_INSTRUCTION);
    h->priv = PRV_S;
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    h->mstatus |= MSTATUS_TW;
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    h->priv = PRV_M;
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
}
END_TEST

START_TEST(test_ecall_ebreak_sfence)
{
    struct insn in = sys_insn(exec_ecall, 0x00000073u);
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_MACHINE_ECALL);
    h->priv = PRV_S;
    in.fn(h, &in);
    ck_assert_uint_eq(h->exc_cause, CAUSE_SUPERVISOR_ECALL);
    h->priv = PRV_U;
    in.fn(h, &in);
    ck_assert_uint_eq(h->exc_cause, CAUSE_USER_ECALL);
    ck_assert_uint_eq(h->exc_tval, 0);

    in = sys_insn(exec_ebreak, 0x00100073u);
    in.off = 8;
    h->pc = RAM_BASE;
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    ck_assert_uint_eq(h->exc_cause, CAUSE_BREAKPOINT);
    ck_assert_uint_eq(h->exc_tval, RAM_BASE + 8);

    in = sys_insn(exec_sfence_vma, 0x12000073u);
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP); /* U */
    h->priv = PRV_S;
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
    h->mstatus |= MSTATUS_TVM;
    ck_assert_int_eq(in.fn(h, &in), EXEC_TRAP);
    h->priv = PRV_M;
    ck_assert_int_eq(in.fn(h, &in), EXEC_STOP);
}
END_TEST

START_TEST(test_mprv_context)
{
    set_mpp(PRV_U);
    ck_assert_int_eq(csr_write(h, CSR_MSTATUS, h->mstatus | MSTATUS_MPRV | MSTATUS_MXR), 0);
    ck_assert_int_eq(h->mmu.priv, PRV_M);
    ck_assert_int_eq(h->mmu.ls_priv, PRV_U);
    ck_assert(h->mmu.mxr);
    hart_take_trap(h, CAUSE_MACHINE_ECALL, 0); /* MPP becomes M: loads are M again */
    ck_assert_int_eq(h->mmu.ls_priv, PRV_M);
}
END_TEST

static Suite *trap_suite(void)
{
    Suite *s = suite_create("trap");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reset_state);
    tcase_add_test(tc, test_delegated_exception_goes_to_s);
    tcase_add_test(tc, test_undelegated_and_m_mode_exceptions_go_to_m);
    tcase_add_test(tc, test_vectored_tvec);
    tcase_add_test(tc, test_interrupt_priority);
    tcase_add_test(tc, test_m_target_before_s_target);
    tcase_add_test(tc, test_interrupt_enables);
    tcase_add_test(tc, test_mret);
    tcase_add_test(tc, test_sret);
    tcase_add_test(tc, test_wfi);
    tcase_add_test(tc, test_ecall_ebreak_sfence);
    tcase_add_test(tc, test_mprv_context);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(trap_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
