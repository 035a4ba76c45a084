/* The built-in SBI: dispatch by extension ID, and the Base extension.
 * Spec: RISC-V SBI v2.0, sections 3 (binary encoding) and 4 (Base). */
#include "firmware/sbi_priv.h"

/* The extensions served, besides the legacy EIDs 0x00-0x08 (which sbi_call routes
 * to sbi_ext_legacy by range). One row per extension. */
static const struct {
    uint64_t eid;
    sbi_ext_handler handler;
} sbi_extensions[] = {
    /* clang-format off */
    { SBI_EXT_BASE, sbi_ext_base },     { SBI_EXT_TIME, sbi_ext_time },
    { SBI_EXT_IPI, sbi_ext_ipi },       { SBI_EXT_RFENCE, sbi_ext_rfence },
    { SBI_EXT_HSM, sbi_ext_hsm },       { SBI_EXT_SRST, sbi_ext_srst },
    /* clang-format on */
    { SBI_EXT_DBCN, sbi_ext_dbcn },
    { SBI_EXT_PMU, sbi_ext_pmu },
};

#define SBI_NUM_EXTENSIONS (sizeof sbi_extensions / sizeof sbi_extensions[0])

static sbi_ext_handler find_extension(uint64_t ext)
{
    for (size_t i = 0; i < SBI_NUM_EXTENSIONS; i++)
        if (sbi_extensions[i].eid == ext)
            return sbi_extensions[i].handler;
    return NULL;
}

bool sbi_ext_supported(const struct sbi_services *s, uint64_t ext)
{
    if (ext == SBI_EXT_PMU)
        return s->pmu_counters != 0 && s->csr_read && s->csr_write;
    return sbi_is_legacy(ext) || find_extension(ext) != NULL;
}

/* A board that forgot a callback gets a failing firmware, not a NULL call. */
static bool services_complete(const struct sbi_services *s)
{
    return s && s->console_write && s->console_read && s->phys_read && s->phys_write && s->virt_read && s->set_timer &&
           s->send_ipi && s->clear_ipi && s->remote_sfence && s->remote_fence_i && s->hart_state && s->hart_start &&
           s->hart_stop && s->hart_suspend && s->system_reset;
}

struct sbi_ret sbi_call(const struct sbi_services *s, unsigned hartid, uint64_t ext, uint64_t fid,
                        const uint64_t args[6])
{
    if (!services_complete(s) || !args || !sbi_hartid_valid(s, hartid))
        return sbi_err(SBI_ERR_FAILED);
    if (sbi_is_legacy(ext))
        return sbi_ext_legacy(s, hartid, ext, args);
    sbi_ext_handler handler = find_extension(ext);
    if (!handler || !sbi_ext_supported(s, ext))
        return sbi_err(SBI_ERR_NOT_SUPPORTED);
    return handler(s, hartid, fid, args);
}

/* Base extension (EID 0x10), section 4. get_spec_version encodes the major number
 * in bits 30:24 and the minor in bits 23:0; probe_extension answers 1 for an
 * available extension and 0 otherwise (it never fails). */
struct sbi_ret sbi_ext_base(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    switch (fid) {
    case SBI_BASE_GET_SPEC_VERSION: return sbi_ok(((int64_t)SBI_SPEC_VERSION_MAJOR << 24) | SBI_SPEC_VERSION_MINOR);
    case SBI_BASE_GET_IMPL_ID: return sbi_ok(SBI_IMPL_ID_RIVET);
    case SBI_BASE_GET_IMPL_VERSION: return sbi_ok(SBI_IMPL_VERSION);
    case SBI_BASE_PROBE_EXTENSION: return sbi_ok(sbi_ext_supported(s, args[0]) ? 1 : 0);
    case SBI_BASE_GET_MVENDORID: return sbi_ok((int64_t)s->mvendorid);
    case SBI_BASE_GET_MARCHID: return sbi_ok((int64_t)s->marchid);
    case SBI_BASE_GET_MIMPID: return sbi_ok((int64_t)s->mimpid);
    default: return sbi_err(SBI_ERR_NOT_SUPPORTED);
    }
}
