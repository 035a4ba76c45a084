/* The Performance Monitoring Unit extension (EID "PMU"). Spec: RISC-V SBI
 * v2.0, section 11.
 *
 * Counter N is the calling hart's counter N: 0 cycle, 1 time, 2 instret (the
 * fixed ones, reported but never matched: they cannot filter by mode) and
 * the programmable mhpmcounterN of s->pmu_counters. Events: the hardware
 * events CPU_CYCLES and INSTRUCTIONS, and raw events whose event_data is an
 * mhpmevent selector rivet counts (1 cycles, 2 instructions, cpu/pmu.c).
 * There are no firmware counters.
 *
 * The firmware keeps no state (sbi.h): a programmable counter is in use while
 * its mhpmevent selects an event, and stopped while its mcountinhibit bit is
 * set; both live in the hart, reached through s->csr_read/csr_write. */
#include "rivet/encoding.h"

#include "firmware/sbi_priv.h"

#define EVENT_TYPE(idx)  (((idx) >> 16) & 0xf)
/* clang-format off */
#define EVENT_CODE(idx)  ((idx) & 0xffff)
/* clang-format on */
#define SEL_CYCLES       1
#define SEL_INSTRUCTIONS 2
#define COUNTER_CSR_BITS 12
#define COUNTER_WIDTH_M1 63 /* 64-bit counters: width - 1 in bits 17:12 */

/* The mhpmevent selector of an event, or 0 when rivet cannot count it. */
static uint64_t event_selector(uint64_t event_idx, uint64_t event_data)
{
    if (event_idx >> 20)
        return 0;
    if (EVENT_TYPE(event_idx) == SBI_PMU_EVENT_TYPE_HW) {
        if (EVENT_CODE(event_idx) == SBI_PMU_HW_CPU_CYCLES)
            return SEL_CYCLES;
        if (EVENT_CODE(event_idx) == SBI_PMU_HW_INSTRUCTIONS)
            return SEL_INSTRUCTIONS;
        return 0;
    }
    if (EVENT_TYPE(event_idx) == SBI_PMU_EVENT_TYPE_RAW && EVENT_CODE(event_idx) == 0 &&
        (event_data == SEL_CYCLES || event_data == SEL_INSTRUCTIONS))
        return event_data;
    return 0;
}

static bool programmable(const struct sbi_services *s, uint64_t n)
{
    return n < SBI_PMU_COUNTERS && ((s->pmu_counters >> n) & 1);
}

static bool in_use(const struct sbi_services *s, unsigned hartid, uint64_t n)
{
    return (s->csr_read(s->opaque, hartid, CSR_MHPMEVENT3 + (unsigned)n - 3) & MHPMEVENT_SEL) != 0;
}

static bool stopped(const struct sbi_services *s, unsigned hartid, uint64_t n)
{
    return (s->csr_read(s->opaque, hartid, CSR_MCOUNTINHIBIT) >> n) & 1;
}

static void set_inhibit(const struct sbi_services *s, unsigned hartid, uint64_t n, bool stop)
{
    uint64_t v = s->csr_read(s->opaque, hartid, CSR_MCOUNTINHIBIT);
    v = stop ? v | (1ull << n) : v & ~(1ull << n);
    s->csr_write(s->opaque, hartid, CSR_MCOUNTINHIBIT, v);
}

/* The counters (base, mask) names, all of them programmable and in use
 * (start, stop); false when one is not. */
static bool valid_set(const struct sbi_services *s, unsigned hartid, uint64_t base, uint64_t mask)
{
    if (!mask || base >= SBI_PMU_COUNTERS)
        return false;
    for (unsigned i = 0; i < 64; i++) {
        if (!((mask >> i) & 1))
            continue;
        if (!programmable(s, base + i) || !in_use(s, hartid, base + i))
            return false;
    }
    return true;
}

/* Section 11.8: a free counter of (base, mask) for the event, configured
 * stopped with the flags' mode filters, then cleared and started as asked. */
static struct sbi_ret cfg_match(const struct sbi_services *s, unsigned hartid, const uint64_t a[6])
{
    uint64_t base = a[0], mask = a[1], flags = a[2], sel = event_selector(a[3], a[4]), n = UINT64_MAX;
    if (!sel)
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    if (flags & SBI_PMU_CFG_SKIP_MATCH) {
        if (!(mask & 1) || !programmable(s, base) || !in_use(s, hartid, base))
            return sbi_err(SBI_ERR_INVALID_PARAM);
        n = base;
    }
    for (unsigned i = 0; i < 64 && n == UINT64_MAX && base < SBI_PMU_COUNTERS; i++)
        if (((mask >> i) & 1) && programmable(s, base + i) && !in_use(s, hartid, base + i))
            n = base + i;
    if (n == UINT64_MAX)
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    uint64_t ev = sel;
    if (flags & SBI_PMU_CFG_SET_UINH)
        ev |= MHPMEVENT_UINH;
    if (flags & SBI_PMU_CFG_SET_SINH)
        ev |= MHPMEVENT_SINH;
    if (flags & SBI_PMU_CFG_SET_MINH)
        ev |= MHPMEVENT_MINH;
    set_inhibit(s, hartid, n, true);
    s->csr_write(s->opaque, hartid, CSR_MHPMEVENT3 + (unsigned)n - 3, ev);
    if (flags & SBI_PMU_CFG_CLEAR_VALUE)
        s->csr_write(s->opaque, hartid, CSR_MHPMCOUNTER3 + (unsigned)n - 3, 0);
    if (flags & SBI_PMU_CFG_AUTO_START)
        set_inhibit(s, hartid, n, false);
    return sbi_ok((int64_t)n);
}

/* Sections 11.9, 11.10: every counter of the set is started (with the
 * initial value when asked) or stopped (and freed with RESET); a counter
 * already in that state makes the answer ALREADY_STARTED/STOPPED. */
static struct sbi_ret start_stop(const struct sbi_services *s, unsigned hartid, const uint64_t a[6], bool start)
{
    uint64_t base = a[0], mask = a[1], flags = a[2];
    if (!valid_set(s, hartid, base, mask))
        return sbi_err(SBI_ERR_INVALID_PARAM);
    bool already = false;
    for (unsigned i = 0; i < 64; i++) {
        if (!((mask >> i) & 1))
            continue;
        uint64_t n = base + i;
        already |= stopped(s, hartid, n) != start;
        if (start && (flags & SBI_PMU_START_SET_INIT_VALUE))
            s->csr_write(s->opaque, hartid, CSR_MHPMCOUNTER3 + (unsigned)n - 3, a[3]);
        set_inhibit(s, hartid, n, !start);
        if (!start && (flags & SBI_PMU_STOP_RESET))
            s->csr_write(s->opaque, hartid, CSR_MHPMEVENT3 + (unsigned)n - 3, 0);
    }
    if (already)
        return sbi_err(start ? SBI_ERR_ALREADY_STARTED : SBI_ERR_ALREADY_STOPPED);
    return sbi_ok(0);
}

struct sbi_ret sbi_ext_pmu(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    switch (fid) {
    case SBI_PMU_NUM_COUNTERS: return sbi_ok(SBI_PMU_COUNTERS);
    case SBI_PMU_COUNTER_GET_INFO:
        /* Section 11.7: hardware counters, the CSR and width - 1. */
        if (args[0] >= SBI_PMU_COUNTERS || (args[0] >= 3 && !programmable(s, args[0])))
            return sbi_err(SBI_ERR_INVALID_PARAM);
        return sbi_ok((int64_t)((CSR_CYCLE + args[0]) | (COUNTER_WIDTH_M1 << COUNTER_CSR_BITS)));
    case SBI_PMU_COUNTER_CFG_MATCH: return cfg_match(s, hartid, args);
    case SBI_PMU_COUNTER_START: return start_stop(s, hartid, args, true);
    case SBI_PMU_COUNTER_STOP: return start_stop(s, hartid, args, false);
    case SBI_PMU_COUNTER_FW_READ: return sbi_err(SBI_ERR_INVALID_PARAM); /* no firmware counters */
    default: return sbi_err(SBI_ERR_NOT_SUPPORTED);
    }
}
