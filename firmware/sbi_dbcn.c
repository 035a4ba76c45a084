/* The Debug Console extension (EID "DBCN"). Spec: RISC-V SBI v2.0, section 12.
 * The buffers are guest physical memory, read and written only through the
 * board's checked phys_read/phys_write, at most SBI_DBCN_CHUNK bytes at a time. */
#include "firmware/sbi_priv.h"

/* The buffer [lo, lo + n) named by (num_bytes, base_addr_lo, base_addr_hi).
 * On RV64 a physical address fits in base_addr_lo, so base_addr_hi must be 0;
 * a range that wraps around the address space is invalid too. */
static bool dbcn_range_valid(uint64_t n, uint64_t lo, uint64_t hi)
{
    return hi == 0 && (n == 0 || lo <= UINT64_MAX - (n - 1));
}

/* Section 12.1 console_write. Non-blocking and allowed to be partial: at most
 * SBI_DBCN_MAX_PER_CALL bytes go out per call, and the count is returned. */
static struct sbi_ret dbcn_write(const struct sbi_services *s, const uint64_t args[6])
{
    uint64_t n = args[0], pa = args[1];
    if (n > SBI_DBCN_MAX_PER_CALL)
        n = SBI_DBCN_MAX_PER_CALL;
    if (!dbcn_range_valid(n, pa, args[2]))
        return sbi_err(SBI_ERR_INVALID_PARAM);
    uint8_t buf[SBI_DBCN_CHUNK];
    uint64_t done = 0;
    while (done < n) {
        size_t len = n - done < sizeof buf ? (size_t)(n - done) : sizeof buf;
        if (!s->phys_read(s->opaque, pa + done, buf, len))
            return done ? sbi_ok((int64_t)done) : sbi_err(SBI_ERR_INVALID_PARAM);
        s->console_write(s->opaque, buf, len);
        done += len;
    }
    return sbi_ok((int64_t)done);
}

/* Section 12.2 console_read. Non-blocking: takes what input is waiting, up to
 * one chunk. The destination is checked before any input is consumed, so a bad
 * buffer never swallows keystrokes. */
static struct sbi_ret dbcn_read(const struct sbi_services *s, const uint64_t args[6])
{
    uint64_t pa = args[1];
    size_t n = args[0] < SBI_DBCN_CHUNK ? (size_t)args[0] : SBI_DBCN_CHUNK;
    if (!dbcn_range_valid(n, pa, args[2]))
        return sbi_err(SBI_ERR_INVALID_PARAM);
    uint8_t buf[SBI_DBCN_CHUNK];
    if (n == 0)
        return sbi_ok(0);
    if (!s->phys_read(s->opaque, pa, buf, n))
        return sbi_err(SBI_ERR_INVALID_PARAM);
    size_t got = 0;
    while (got < n) {
        int c = s->console_read(s->opaque);
        if (c < 0)
            break;
        buf[got++] = (uint8_t)c;
    }
    if (got && !s->phys_write(s->opaque, pa, buf, got))
        return sbi_err(SBI_ERR_FAILED);
    return sbi_ok((int64_t)got);
}

struct sbi_ret sbi_ext_dbcn(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6])
{
    switch (fid) {
    case SBI_DBCN_CONSOLE_WRITE: return dbcn_write(s, args);
    case SBI_DBCN_CONSOLE_READ: return dbcn_read(s, args);
    case SBI_DBCN_CONSOLE_WRITE_BYTE: {
        /* Section 12.3: the low 8 bits of the argument. */
        uint8_t c = (uint8_t)args[0];
        s->console_write(s->opaque, &c, 1);
        return sbi_ok(0);
    }
    default: return sbi_err(SBI_ERR_NOT_SUPPORTED);
    }
}
