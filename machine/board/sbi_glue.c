/*
 * The board side of the built-in SBI firmware (firmware/sbi.h): the services
 * it needs, the hart hook that serves an S-mode ecall in the emulator, and
 * the M-mode state OpenSBI would leave behind it.
 *
 * Timers: SBI set_timer writes the hart's stimecmp and lets hart_update_timer_irqs()
 * drive STIP from it (menvcfg.STCE is set for the guest), so the SBI timer
 * and a guest using Sstc directly share one mechanism, and the idle sleep
 * already bounds itself by stimecmp.
 */
#include <string.h>

#include "machine/board/machine.h"

#define REG_A0    10
#define REG_A1    11
#define REG_A6    16
#define REG_A7    17
#define ECALL_LEN 4

/* Exceptions OpenSBI hands to S-mode (it redirects what it does not
 * emulate); with no M-mode code behind the built-in SBI, every exception
 * but the ecalls from S and M goes to the guest directly. */
/* clang-format off */
#define SBI_MEDELEG ((1ull << CAUSE_MISALIGNED_FETCH) | (1ull << CAUSE_FETCH_ACCESS) |        \
                     (1ull << CAUSE_ILLEGAL_INSTRUCTION) | (1ull << CAUSE_BREAKPOINT) |       \
                     (1ull << CAUSE_MISALIGNED_LOAD) | (1ull << CAUSE_LOAD_ACCESS) |          \
                     (1ull << CAUSE_MISALIGNED_STORE) | (1ull << CAUSE_STORE_ACCESS) |        \
                     (1ull << CAUSE_USER_ECALL) | (1ull << CAUSE_FETCH_PAGE_FAULT) |          \
                     (1ull << CAUSE_LOAD_PAGE_FAULT) | (1ull << CAUSE_STORE_PAGE_FAULT))
/* clang-format on */
/* Interrupts it hands to S: LCOFI too, as OpenSBI does with Sscofpmf
 * (csr_write drops it from ISAs without). */
#define SBI_MIDELEG (MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_LCOFIP)
/* PMP entry 0 as NAPOT over the whole physical address space (priv. spec
 * 3.7.1: pmpaddr all ones with A = NAPOT covers 2^64 bytes). */
#define PMPADDR_ALL (~0ull >> 10)

static struct hart *hart_of(void *opaque, unsigned hartid)
{
    struct machine *m = opaque;
    return &m->harts[hartid];
}

static void console_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct machine *m = opaque;
    chardev_write(&m->console, buf, len);
}

static int console_read(void *opaque)
{
    struct machine *m = opaque;
    uint8_t c;
    return chardev_read(&m->console, &c, 1) == 1 ? c : -1;
}

static bool phys_read(void *opaque, uint64_t pa, void *buf, size_t len)
{
    struct machine *m = opaque;
    return bus_dma_read(&m->bus, pa, buf, len);
}

static bool phys_write(void *opaque, uint64_t pa, const void *buf, size_t len)
{
    struct machine *m = opaque;
    return bus_dma_write(&m->bus, pa, buf, len);
}

/* Legacy calls pass S-mode virtual addresses: translate page by page with
 * the calling hart's current (S-mode) context, PMP included. */
static bool virt_read(void *opaque, unsigned hartid, uint64_t va, void *buf, size_t len)
{
    struct hart *h = hart_of(opaque, hartid);
    uint8_t *out = buf;
    while (len) {
        uint64_t pa, tval;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (mmu_translate(&h->mmu, va, ACC_LOAD, 1, &pa, &tval) != 0 || !bus_dma_read(h->mmu.bus, pa, out, chunk))
            return false;
        va += chunk;
        out += chunk;
        len -= chunk;
    }
    return true;
}

static void set_timer(void *opaque, unsigned hartid, uint64_t deadline)
{
    struct hart *h = hart_of(opaque, hartid);
    h->stimecmp = deadline;
    hart_update_timer_irqs(h);
}

static void send_ipi(void *opaque, unsigned hartid) { hart_set_pending(hart_of(opaque, hartid), MIP_SSIP); }
static void clear_ipi(void *opaque, unsigned hartid) { hart_clear_pending(hart_of(opaque, hartid), MIP_SSIP); }
/* The target's TLB is flushed before the call returns (SBI RFENCE): with
 * a thread per hart, by a request it acknowledges (machine.h). */
static void remote_sfence(void *opaque, unsigned hartid)
{
    struct machine *m = opaque;
    machine_hart_sync(m, machine_current_hart(m), hart_of(opaque, hartid), true);
}

/* The code cache drops decoded blocks on every store to their page, so
 * instruction fetch is coherent with memory; what is left is that the
 * target leaves the block it may be running (a loop inside one block keeps
 * running it): with a thread per hart it reaches a slice boundary before
 * the call returns. */
static void remote_fence_i(void *opaque, unsigned hartid)
{
    struct machine *m = opaque;
    machine_hart_sync(m, machine_current_hart(m), hart_of(opaque, hartid), false);
}

static enum sbi_hart_state hart_state(void *opaque, unsigned hartid)
{
    return machine_hart_state(hart_of(opaque, hartid));
}

/* The target's registers are written by its own thread (machine.h). */
static bool hart_start(void *opaque, unsigned hartid, uint64_t start_addr, uint64_t arg)
{
    return machine_hart_start(opaque, hart_of(opaque, hartid), start_addr, arg);
}

/* The caller is the running hart: yield ends its slice at once. */
static void hart_stop(void *opaque, unsigned hartid)
{
    struct hart *h = hart_of(opaque, hartid);
    __atomic_store_n(&h->halted, true, __ATOMIC_RELEASE);
    hart_set_wfi(h, false);
    hart_yield(h);
}

/* Retentive suspend behaves like WFI (SBI 2.0 section 9.4). */
static void hart_suspend(void *opaque, unsigned hartid)
{
    struct hart *h = hart_of(opaque, hartid);
    if ((hart_pending(h) & h->mie) == 0) {
        hart_set_wrs(h, false);
        hart_set_wfi(h, true);
    }
}

/* Shutdown ends the run with 0, or 1 when the guest reports a system
 * failure; a cold or warm reboot reboots the machine (machine.h, "Reboot"),
 * or with -no-reboot ends the run the same way. */
static void system_reset(void *opaque, uint32_t type, uint32_t reason)
{
    struct machine *m = opaque;
    uint64_t code = reason == SBI_SRST_REASON_SYSTEM_FAILURE ? 1 : 0;
    if (type == SBI_SRST_TYPE_SHUTDOWN)
        machine_request_exit_kind(m, MACHINE_EXIT_GUEST, code);
    else
        machine_request_reset(m, type == SBI_SRST_TYPE_WARM_REBOOT ? MACHINE_RESET_SBI_WARM : MACHINE_RESET_SBI_COLD,
                              code);
}

/* The PMU's CSR access, as M-mode code: the calling hart is in the ecall
 * hook, with instret counting the instructions before the ecall, which
 * retires after (cpu/csr.c's view of a CSR instruction). */
static uint64_t pmu_csr_read(void *opaque, unsigned hartid, unsigned csr)
{
    struct hart *h = hart_of(opaque, hartid);
    uint8_t priv = h->priv;
    uint64_t v = 0;
    h->priv = PRV_M;
    csr_read(h, csr, &v);
    h->priv = priv;
    return v;
}

static void pmu_csr_write(void *opaque, unsigned hartid, unsigned csr, uint64_t value)
{
    struct hart *h = hart_of(opaque, hartid);
    uint8_t priv = h->priv;
    h->priv = PRV_M;
    csr_write(h, csr, value);
    h->priv = priv;
}

/* env.sbi_ecall: h->pc is the ecall; the result goes to a0 (and a1). */
static bool sbi_ecall_hook(void *opaque, struct hart *h)
{
    struct machine *m = opaque;
    uint64_t args[6];
    memcpy(args, &h->x[REG_A0], sizeof args);
    uint64_t ext = h->x[REG_A7];
    struct sbi_ret r = sbi_call(&m->sbi, (unsigned)h->mhartid, ext, h->x[REG_A6], args);
    if (hart_halted(h) || machine_exiting(m))
        return true; /* hart stop / system reset: the guest never sees a result */
    h->x[REG_A0] = (uint64_t)r.error;
    if (!sbi_is_legacy(ext))
        h->x[REG_A1] = (uint64_t)r.value;
    h->pc += ECALL_LEN;
    h->instret++;
    return true;
}

void machine_attach_sbi(struct machine *m)
{
    m->sbi = (struct sbi_services){
        /* clang-format off */
        .opaque = m, .nharts = m->cfg.nharts,
        .console_write = console_write, .console_read = console_read,
        .phys_read = phys_read, .phys_write = phys_write, .virt_read = virt_read,
        .set_timer = set_timer, .send_ipi = send_ipi, .clear_ipi = clear_ipi,
        .remote_sfence = remote_sfence, .remote_fence_i = remote_fence_i,
        .hart_state = hart_state, .hart_start = hart_start, .hart_stop = hart_stop,
        .hart_suspend = hart_suspend, .system_reset = system_reset,
        .csr_read = pmu_csr_read, .csr_write = pmu_csr_write,
        .marchid = RIVET_MARCHID, .mimpid = RIVET_MIMPID,
        /* clang-format on */
        /* The PMU extension where the harts have programmable counters. */
        .pmu_counters = isa_has(&m->harts[0].isa, EXT_ZIHPM) ? 0xfffffff8u : 0,
    };
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].env.sbi_ecall = sbi_ecall_hook;
}

void machine_sbi_prepare_hart(struct hart *h)
{
    hart_set_priv(h, PRV_M, h->instret);
    csr_write(h, CSR_MEDELEG, SBI_MEDELEG);
    csr_write(h, CSR_MIDELEG, SBI_MIDELEG);
    csr_write(h, CSR_MCOUNTEREN, ~0ull);
    /* OpenSBI's mstatus_init lets U-mode read cycle, time and instret
     * (Linux's vDSO reads time with rdtime). */
    csr_write(h, CSR_SCOUNTEREN, 7);
    /* What OpenSBI enables for S and U when the ISA has it: cache-block
     * management (cbo.inval flushes) and zero, page-based memory types;
     * csr_write drops the fields of extensions the ISA leaves out, and ADUE
     * keeps its reset value (cpu/hart.c). */
    csr_write(h, CSR_MENVCFG, h->menvcfg | MENVCFG_CBIE_FLUSH | MENVCFG_CBCFE | MENVCFG_CBZE | MENVCFG_PBMTE);
    /* Smstateen: S may use senvcfg and sstateen0 (OpenSBI's choice too). */
    csr_write(h, CSR_MSTATEEN0, MSTATEEN_SE | MSTATEEN_ENVCFG);
    /* The SBI timer runs on stimecmp (see the top), so STCE is set even
     * when the guest's ISA has no Sstc: nothing below M sees menvcfg, and
     * stimecmp then stays out of the guest's reach (cpu/csr.c). */
    h->menvcfg |= MENVCFG_STCE;
    csr_write(h, CSR_PMPADDR0, PMPADDR_ALL);
    csr_write(h, CSR_PMPCFG0, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X);
    /* FP on, as OpenSBI's mstatus_init leaves it; Linux turns it off itself. */
    h->mstatus = (h->mstatus & ~MSTATUS_FS) | ((uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT);
    h->stimecmp = UINT64_MAX; /* no S timer until the guest sets one */
    hart_update_timer_irqs(h);
}

void machine_sbi_enter_s(struct hart *h, uint64_t pc, uint64_t a0, uint64_t a1)
{
    hart_set_priv(h, PRV_S, h->instret);
    h->pc = pc;
    hart_set_wfi(h, false);
    h->resv_valid = false;
    h->x[REG_A0] = a0;
    h->x[REG_A1] = a1;
    h->mstatus &= ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPRV);
    h->mmu.satp = 0;
    hart_update_mmu(h);
    hart_flush_tlb(h);
}
