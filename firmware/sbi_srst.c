/* The System Reset extension (EID "SRST"). Spec: RISC-V SBI v2.0, section 10. */
#include "firmware/sbi_priv.h"

/* system_reset(reset_type, reset_reason). Only shutdown, cold and warm reboot are
 * implemented, with the two defined reasons; reserved and vendor-specific values
 * are INVALID_PARAM (section 10.1). The board ends the run or reboots, so on success the
 * guest never sees the return value. */
struct sbi_ret sbi_ext_srst(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    if (fid != SBI_SRST_SYSTEM_RESET)
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    uint64_t type = args[0], reason = args[1];
    if (type > SBI_SRST_TYPE_WARM_REBOOT || reason > SBI_SRST_REASON_SYSTEM_FAILURE)
        return sbi_err(SBI_ERR_INVALID_PARAM);
    s->system_reset(s->opaque, (uint32_t)type, (uint32_t)reason);
    return sbi_ok(0);
}
