/* The legacy SBI v0.1 extensions (EIDs 0x00-0x08). Each returns one value in a0,
 * carried in sbi_ret.error. Spec: RISC-V SBI v2.0, section 5 (Legacy Extensions). */
#include "firmware/sbi_priv.h"

/* Section 5: hart_mask is an S-mode virtual address of a bit vector of harts.
 * Only its first unsigned long (harts 0..63) is read: Linux passes the address of
 * a single unsigned long, so reading further would pick up unrelated stack bytes.
 * A NULL pointer means every hart (as OpenSBI and BBL treat it). Bits for harts
 * that do not exist are ignored, since the legacy calls define no error for them.
 * Returns false when the vector cannot be read. */
static bool legacy_mask(const struct sbi_services *s, unsigned hartid, uint64_t va, uint64_t *mask, uint64_t *base)
{
    if (va == 0) {
        *mask = 0;
        *base = SBI_HART_MASK_BASE_ALL;
        return true;
    }
    uint8_t raw[8];
    if (!s->virt_read(s->opaque, hartid, va, raw, sizeof raw))
        return false;
    uint64_t m = 0;
    for (int i = 7; i >= 0; i--) /* the guest is little-endian */
        m = (m << 8) | raw[i];
    if (s->nharts < 64)
        m &= (UINT64_C(1) << s->nharts) - 1;
    *mask = m;
    *base = 0;
    return true;
}

/* Applies fn to the harts named by the legacy hart_mask pointer. */
static int64_t legacy_for_mask(const struct sbi_services *s, unsigned hartid, uint64_t va, sbi_hart_fn fn,
                               bool skip_stopped)
{
    uint64_t mask, base;
    if (!legacy_mask(s, hartid, va, &mask, &base))
        return SBI_ERR_INVALID_ADDRESS;
    return sbi_for_mask(s, mask, base, fn, skip_stopped);
}

struct sbi_ret sbi_ext_legacy(const struct sbi_services *s, unsigned hartid, uint64_t ext, const uint64_t args[6])
{
    switch (ext) {
    case SBI_EXT_LEGACY_SET_TIMER: s->set_timer(s->opaque, hartid, args[0]); return sbi_ok(0);
    case SBI_EXT_LEGACY_CONSOLE_PUTCHAR: {
        uint8_t c = (uint8_t)args[0];
        s->console_write(s->opaque, &c, 1);
        return sbi_ok(0);
    }
    case SBI_EXT_LEGACY_CONSOLE_GETCHAR: {
        int c = s->console_read(s->opaque);
        return sbi_err(c < 0 ? -1 : (c & 0xff));
    }
    case SBI_EXT_LEGACY_CLEAR_IPI: s->clear_ipi(s->opaque, hartid); return sbi_ok(0);
    case SBI_EXT_LEGACY_SEND_IPI: return sbi_err(legacy_for_mask(s, hartid, args[0], s->send_ipi, true));
    case SBI_EXT_LEGACY_REMOTE_FENCE_I: return sbi_err(legacy_for_mask(s, hartid, args[0], s->remote_fence_i, false));
    case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA:
    case SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID:
        /* The range and ASID only narrow the flush; the board flushes it all. */
        return sbi_err(legacy_for_mask(s, hartid, args[0], s->remote_sfence, false));
    case SBI_EXT_LEGACY_SHUTDOWN:
        s->system_reset(s->opaque, SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_NONE);
        return sbi_ok(0);
    default: return sbi_err(SBI_ERR_NOT_SUPPORTED);
    }
}
