/* Hart masks, and the TIME, IPI and RFENCE extensions.
 * Spec: RISC-V SBI v2.0, sections 3 (hart_mask / hart_mask_base), 6, 7 and 8. */
#include "firmware/sbi_priv.h"

/* Every set bit i names hart base + i; all of them must exist. Written so that
 * base + i is never computed before it is known to be below nharts. */
static bool mask_valid(const struct sbi_services *s, uint64_t mask, uint64_t base)
{
    while (mask) {
        unsigned bit = (unsigned)__builtin_ctzll(mask);
        mask &= mask - 1;
        if (base >= s->nharts || bit >= s->nharts - base)
            return false;
    }
    return true;
}

static void visit(const struct sbi_services *s, unsigned hartid, sbi_hart_fn fn, bool skip_stopped)
{
    if (skip_stopped && s->hart_state(s->opaque, hartid) == SBI_HSM_STOPPED)
        return;
    fn(s->opaque, hartid);
}

/* Section 3: hart_mask_base == -1 means "all available harts, ignore hart_mask".
 * The whole set is checked before any hart is touched, so a call that fails with
 * SBI_ERR_INVALID_PARAM has no effect. */
int64_t sbi_for_mask(const struct sbi_services *s, uint64_t mask, uint64_t base, sbi_hart_fn fn, bool skip_stopped)
{
    if (base == SBI_HART_MASK_BASE_ALL) {
        for (unsigned h = 0; h < s->nharts; h++)
            visit(s, h, fn, skip_stopped);
        return SBI_SUCCESS;
    }
    if (!mask_valid(s, mask, base))
        return SBI_ERR_INVALID_PARAM;
    while (mask) {
        unsigned bit = (unsigned)__builtin_ctzll(mask);
        mask &= mask - 1;
        visit(s, (unsigned)(base + bit), fn, skip_stopped);
    }
    return SBI_SUCCESS;
}

/* TIME (section 6): set_timer(stime_value). The board clears the pending S-mode
 * timer interrupt and raises it again once time >= stime_value. */
struct sbi_ret sbi_ext_time(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    if (fid != SBI_TIME_SET_TIMER)
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    s->set_timer(s->opaque, hartid, args[0]);
    return sbi_ok(0);
}

/* IPI (section 7): send_ipi(hart_mask, hart_mask_base) sets SSIP on each target.
 * Stopped harts are left out, so one does not start with a stale IPI pending. */
struct sbi_ret sbi_ext_ipi(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    if (fid != SBI_IPI_SEND_IPI)
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    return sbi_err(sbi_for_mask(s, args[0], args[1], s->send_ipi, true));
}

/* The range [start, start + size) of a remote sfence. Section 8.2: start = size = 0,
 * or size = 2^XLEN - 1, means the whole address space; any other range must not
 * wrap around. The board widens every range to a full flush of the target TLB. */
static bool sfence_range_valid(uint64_t start, uint64_t size)
{
    return size == UINT64_MAX || start <= UINT64_MAX - size;
}

/* RFENCE (section 8). The hypervisor fences (FIDs 3-6) are NOT_SUPPORTED: rivet's
 * harts have no H extension. */
struct sbi_ret sbi_ext_rfence(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    switch (fid) {
    case SBI_RFENCE_REMOTE_FENCE_I: return sbi_err(sbi_for_mask(s, args[0], args[1], s->remote_fence_i, false));
    case SBI_RFENCE_REMOTE_SFENCE_VMA:
    case SBI_RFENCE_REMOTE_SFENCE_VMA_ASID:
        if (!sfence_range_valid(args[2], args[3]))
            return sbi_err(SBI_ERR_INVALID_ADDRESS);
        return sbi_err(sbi_for_mask(s, args[0], args[1], s->remote_sfence, false));
    default: return sbi_err(SBI_ERR_NOT_SUPPORTED);
    }
}
