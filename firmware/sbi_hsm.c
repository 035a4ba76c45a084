/* The Hart State Management extension (EID "HSM").
 * Spec: RISC-V SBI v2.0, section 9. */
#include "firmware/sbi_priv.h"

/* Section 9.1 hart_start(hartid, start_addr, opaque). The start address is valid
 * when it is guest RAM (the board runs no PMP against S-mode here). A hart that is
 * not STOPPED is already started, or on its way: ALREADY_AVAILABLE. */
static struct sbi_ret hsm_start(const struct sbi_services *s, const uint64_t args[6])
{
    uint64_t target = args[0], start_addr = args[1];
    if (!sbi_hartid_valid(s, target))
        return sbi_err(SBI_ERR_INVALID_PARAM);
    uint8_t probe;
    if (!s->phys_read(s->opaque, start_addr, &probe, 1))
        return sbi_err(SBI_ERR_INVALID_ADDRESS);
    if (s->hart_state(s->opaque, (unsigned)target) != SBI_HSM_STOPPED)
        return sbi_err(SBI_ERR_ALREADY_AVAILABLE);
    if (!s->hart_start(s->opaque, (unsigned)target, start_addr, args[2]))
        return sbi_err(SBI_ERR_ALREADY_AVAILABLE); /* another hart started it first */
    return sbi_ok(0);
}

/* Section 9.4 hart_suspend(suspend_type, resume_addr, opaque). The default
 * retentive suspend behaves like WFI and returns SUCCESS when the hart wakes.
 * Reserved and platform-specific types are INVALID_PARAM (none is implemented);
 * the default non-retentive suspend is a valid type this firmware cannot do (the
 * board offers no resume-at-address), so NOT_SUPPORTED. */
static struct sbi_ret hsm_suspend(const struct sbi_services *s, unsigned hartid, const uint64_t args[6])
{
    uint64_t type = args[0];
    if (type == SBI_HSM_SUSPEND_RET_DEFAULT) {
        s->hart_suspend(s->opaque, hartid);
        return sbi_ok(0);
    }
    if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT)
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    return sbi_err(SBI_ERR_INVALID_PARAM);
}

struct sbi_ret sbi_ext_hsm(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    switch (fid) {
    case SBI_HSM_HART_START: return hsm_start(s, args);
    case SBI_HSM_HART_STOP:
        /* Section 9.2: only a started hart calls this; it does not come back. */
        s->hart_stop(s->opaque, hartid);
        return sbi_ok(0);
    case SBI_HSM_HART_GET_STATUS:
        if (!sbi_hartid_valid(s, args[0]))
            return sbi_err(SBI_ERR_INVALID_PARAM);
        return sbi_ok(s->hart_state(s->opaque, (unsigned)args[0]));
    case SBI_HSM_HART_SUSPEND: return hsm_suspend(s, hartid, args);
    default: return sbi_err(SBI_ERR_NOT_SUPPORTED);
    }
}
