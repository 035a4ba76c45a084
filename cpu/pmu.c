/*
 * Zihpm and Sscofpmf: mhpmcounter3..31 and mhpmevent3..31 (priv. spec
 * 20211203 3.1.10-3.1.12; Sscofpmf 1.0). The CSR rows are in csr.c.
 *
 * Events, rivet's choice of mhpmevent selector (bits 55:0), the numbers of
 * the SBI PMU's hardware events and of QEMU's virt machine:
 *   1  cycles (rivet counts one cycle per retired instruction, as mcycle)
 *   2  instructions retired
 * Any other selector counts nothing.
 *
 * Counters are computed, not counted (struct hart_pmu in hart.h): counter N
 * counts in the privilege modes its event does not inhibit (MINH, SINH,
 * UINH; VSINH and VUINH read 0, rivet has no H), unless mcountinhibit bit N
 * is set or its selector counts nothing, and reads offset[N] plus the
 * instructions retired in those modes. A change of what it counts rebases
 * offset so that the value carries on; the CSR instruction making the
 * change is not counted, as for writes to mcycle (priv. spec 3.1.10).
 *
 * Overflow (Sscofpmf): a counter whose OF bit is clear is armed with the
 * count of events at which it wraps to 0. An instruction is at most one
 * event, so h->pmu.deadline, now plus the fewest events an armed counter
 * lacks, is the earliest instret at which one may wrap. The run loop ends
 * chains of blocks there and calls pmu_sync (run.c), which sets OF and
 * mip.LCOFIP for the counters that did wrap: the interrupt is taken at the
 * first block boundary at or after the overflowing instruction. Reads of
 * mhpmevent, scountovf and mip sync first, so they see OF and LCOFIP as of
 * the instruction before them.
 *
 * Without Zihpm the counters and events read 0 and ignore writes (what the
 * default model always had). Hart thread only.
 */
#include "cpu/hart.h"

#define EVENT_CYCLES       1
#define EVENT_INSTRUCTIONS 2
#define ALL_MODES          ((1u << PRV_U) | (1u << PRV_S) | (1u << PRV_M))
#define NOT_ARMED          UINT64_MAX

static bool has_zihpm(const struct hart *h) { return isa_has(&h->isa, EXT_ZIHPM); }
static bool has_sscofpmf(const struct hart *h) { return isa_has(&h->isa, EXT_SSCOFPMF); }

/* The privilege modes counter n counts in, a bit per PRV_*; 0: none. */
static unsigned counted_modes(const struct hart *h, unsigned n)
{
    uint64_t ev = h->pmu.event[n], sel = ev & MHPMEVENT_SEL;
    if (((h->mcountinhibit >> n) & 1) || (sel != EVENT_CYCLES && sel != EVENT_INSTRUCTIONS))
        return 0;
    unsigned m = ALL_MODES;
    if (ev & MHPMEVENT_MINH)
        m &= ~(1u << PRV_M);
    if (ev & MHPMEVENT_SINH)
        m &= ~(1u << PRV_S);
    if (ev & MHPMEVENT_UINH)
        m &= ~(1u << PRV_U);
    return m;
}

/* Instructions retired before instret `now` in the modes of `modes`. */
static uint64_t events(const struct hart *h, unsigned modes, uint64_t now)
{
    const struct hart_pmu *p = &h->pmu;
    uint64_t n = 0;
    for (unsigned m = 0; m < 4; m++)
        if ((modes >> m) & 1)
            n += p->mode_ret[m] + (m == p->mode ? now - p->since : 0);
    return n;
}

static uint64_t value_at(const struct hart *h, unsigned n, uint64_t now)
{
    return h->pmu.offset[n] + events(h, counted_modes(h, n), now);
}

/* The deadline from the armed counters (see the top). An earlier one than
 * before ends the running chain, whose allowance was set by the old one. */
static void update_deadline(struct hart *h, uint64_t now)
{
    uint64_t d = UINT64_MAX;
    for (unsigned n = PMU_FIRST; n <= PMU_LAST; n++) {
        if (h->pmu.wrap[n] == NOT_ARMED)
            continue;
        uint64_t e = events(h, counted_modes(h, n), now);
        uint64_t left = h->pmu.wrap[n] > e ? h->pmu.wrap[n] - e : 0;
        if (now + left >= now && now + left < d)
            d = now + left;
    }
    if (d < h->pmu.deadline)
        hart_end_chain(h);
    h->pmu.deadline = d;
}

/* After a change of what counter n counts: it goes on from value v once
 * the current instruction retires, and is armed for overflow when it may
 * overflow. */
static void rebase(struct hart *h, unsigned n, uint64_t v, uint64_t now)
{
    unsigned modes = counted_modes(h, n);
    uint64_t e = events(h, modes, now + 1);
    h->pmu.offset[n] = v - e;
    h->pmu.wrap[n] = NOT_ARMED;
    /* v == 0 wraps only after 2^64 events: never. */
    if (modes && v != 0 && has_sscofpmf(h) && !(h->pmu.event[n] & MHPMEVENT_OF) && e + (0 - v) > e)
        h->pmu.wrap[n] = e + (0 - v);
}

void pmu_sync(struct hart *h, uint64_t now)
{
    bool wrapped = false;
    for (unsigned n = PMU_FIRST; n <= PMU_LAST; n++) {
        if (h->pmu.wrap[n] == NOT_ARMED || events(h, counted_modes(h, n), now) < h->pmu.wrap[n])
            continue;
        h->pmu.event[n] |= MHPMEVENT_OF;
        h->pmu.wrap[n] = NOT_ARMED;
        wrapped = true;
    }
    if (wrapped)
        hart_set_pending(h, MIP_LCOFIP);
    update_deadline(h, now);
}

/* Brings OF and LCOFIP up to `now` when a counter may have wrapped. */
static void catch_up(struct hart *h, uint64_t now)
{
    if (now >= h->pmu.deadline)
        pmu_sync(h, now);
}

uint64_t pmu_counter_read(struct hart *h, unsigned n, uint64_t now) { return has_zihpm(h) ? value_at(h, n, now) : 0; }

void pmu_counter_write(struct hart *h, unsigned n, uint64_t value, uint64_t now)
{
    if (!has_zihpm(h))
        return;
    catch_up(h, now);
    rebase(h, n, value, now);
    update_deadline(h, now);
}

uint64_t pmu_event_read(struct hart *h, unsigned n, uint64_t now)
{
    if (!has_zihpm(h))
        return 0;
    catch_up(h, now);
    return h->pmu.event[n];
}

/* Without Sscofpmf only the selector is writable. */
void pmu_event_write(struct hart *h, unsigned n, uint64_t value, uint64_t now)
{
    if (!has_zihpm(h))
        return;
    uint64_t writable = MHPMEVENT_SEL;
    if (has_sscofpmf(h))
        writable |= MHPMEVENT_OF | MHPMEVENT_MINH | MHPMEVENT_SINH | MHPMEVENT_UINH;
    catch_up(h, now);
    uint64_t v = value_at(h, n, now);
    h->pmu.event[n] = value & writable;
    rebase(h, n, v, now);
    update_deadline(h, now);
}

void pmu_set_inhibit(struct hart *h, uint64_t inhibit, uint64_t now)
{
    uint64_t changed = (h->mcountinhibit ^ inhibit) >> PMU_FIRST << PMU_FIRST, v[PMU_LAST + 1];
    if (changed)
        catch_up(h, now);
    for (unsigned n = PMU_FIRST; n <= PMU_LAST; n++)
        v[n] = (changed >> n) & 1 ? value_at(h, n, now) : 0;
    h->mcountinhibit = inhibit;
    if (!changed)
        return;
    for (unsigned n = PMU_FIRST; n <= PMU_LAST; n++)
        if ((changed >> n) & 1)
            rebase(h, n, v[n], now);
    update_deadline(h, now);
}

uint64_t pmu_overflows(struct hart *h, uint64_t now)
{
    uint64_t of = 0;
    catch_up(h, now);
    for (unsigned n = PMU_FIRST; n <= PMU_LAST; n++)
        if (h->pmu.event[n] & MHPMEVENT_OF)
            of |= 1ull << n;
    return h->priv == PRV_M ? of : of & h->mcounteren;
}

void pmu_reset(struct hart *h)
{
    struct hart_pmu *p = &h->pmu;
    *p = (struct hart_pmu){ .since = h->instret, .mode = h->priv, .deadline = UINT64_MAX };
    for (unsigned n = 0; n <= PMU_LAST; n++)
        p->wrap[n] = NOT_ARMED;
}
