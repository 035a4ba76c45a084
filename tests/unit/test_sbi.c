/* Unit tests of the built-in SBI firmware, against a fake board that records
 * every service call and backs a small guest physical memory. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/sbi.h"
#include "rivet/encoding.h"

#define NHARTS   4
#define RAM_BASE 0x80000000ull
#define RAM_SIZE 8192u
#define VA_BASE  0x1000ull /* the one readable S-mode virtual page of the fake */
#define VA_SIZE  64u

struct fake {
    uint8_t ram[RAM_SIZE];
    uint8_t vmem[VA_SIZE];
    uint8_t out[2 * SBI_DBCN_MAX_PER_CALL];
    size_t outlen, max_read;
    const char *input;
    size_t inpos;
    uint64_t deadline[NHARTS];
    int timer_calls[NHARTS], ipi[NHARTS], clear_ipi[NHARTS], sfence[NHARTS], fence_i[NHARTS];
    enum sbi_hart_state state[NHARTS];
    int start_calls, stop_calls, suspend_calls, reset_calls;
    bool start_lost; /* hart_start: another hart's start came first */
    unsigned start_hart, stop_hart, suspend_hart;
    uint64_t start_addr, start_arg;
    uint32_t reset_type, reset_reason;
    uint64_t csr[4096]; /* the calling hart's M-mode CSRs (PMU), stored as written */
};

static struct fake fk;
static struct sbi_services svc;

static void f_console_write(void *o, const uint8_t *buf, size_t len)
{
    struct fake *f = o;
    ck_assert_uint_le(f->outlen + len, sizeof f->out);
    memcpy(f->out + f->outlen, buf, len);
    f->outlen += len;
}

static int f_console_read(void *o)
{
    struct fake *f = o;
    if (!f->input || !f->input[f->inpos])
        return -1;
    return (uint8_t)f->input[f->inpos++];
}

static bool in_ram(uint64_t pa, size_t len)
{
    return pa >= RAM_BASE && len <= RAM_SIZE && pa - RAM_BASE <= RAM_SIZE - len;
}

static bool f_phys_read(void *o, uint64_t pa, void *buf, size_t len)
{
    struct fake *f = o;
    if (len > f->max_read)
        f->max_read = len;
    if (!in_ram(pa, len))
        return false;
    memcpy(buf, f->ram + (pa - RAM_BASE), len);
    return true;
}

static bool f_phys_write(void *o, uint64_t pa, const void *buf, size_t len)
{
    struct fake *f = o;
    if (!in_ram(pa, len))
        return false;
    memcpy(f->ram + (pa - RAM_BASE), buf, len);
    return true;
}

static bool f_virt_read(void *o, unsigned hartid, uint64_t va, void *buf, size_t len)
{
    struct fake *f = o;
    if (va < VA_BASE || len > VA_SIZE || va - VA_BASE > VA_SIZE - len)
        return false;
    memcpy(buf, f->vmem + (va - VA_BASE), len);
    return true;
}

static void f_set_timer(void *o, unsigned h, uint64_t deadline)
{
    struct fake *f = o;
    f->timer_calls[h]++;
    f->deadline[h] = deadline;
}

static void f_send_ipi(void *o, unsigned h) { ((struct fake *)o)->ipi[h]++; }
static void f_clear_ipi(void *o, unsigned h) { ((struct fake *)o)->clear_ipi[h]++; }
static void f_remote_sfence(void *o, unsigned h) { ((struct fake *)o)->sfence[h]++; }
static void f_remote_fence_i(void *o, unsigned h) { ((struct fake *)o)->fence_i[h]++; }

static enum sbi_hart_state f_hart_state(void *o, unsigned h)
{
    ck_assert_uint_lt(h, NHARTS); /* the firmware must never ask about a bad hart */
    return ((struct fake *)o)->state[h];
}

static bool f_hart_start(void *o, unsigned h, uint64_t addr, uint64_t arg)
{
    struct fake *f = o;
    f->start_calls++;
    f->start_hart = h;
    f->start_addr = addr;
    f->start_arg = arg;
    if (f->start_lost)
        return false;
    f->state[h] = SBI_HSM_START_PENDING;
    return true;
}

static void f_hart_stop(void *o, unsigned h)
{
    struct fake *f = o;
    f->stop_calls++;
    f->stop_hart = h;
    f->state[h] = SBI_HSM_STOPPED;
}

static void f_hart_suspend(void *o, unsigned h)
{
    struct fake *f = o;
    f->suspend_calls++;
    f->suspend_hart = h;
}

static void f_system_reset(void *o, uint32_t type, uint32_t reason)
{
    struct fake *f = o;
    f->reset_calls++;
    f->reset_type = type;
    f->reset_reason = reason;
}

static uint64_t f_csr_read(void *o, unsigned hartid, unsigned csr)
{
    ck_assert_uint_lt(csr, 4096);
    return ((struct fake *)o)->csr[csr];
}

static void f_csr_write(void *o, unsigned hartid, unsigned csr, uint64_t v)
{
    ck_assert_uint_lt(csr, 4096);
    ((struct fake *)o)->csr[csr] = v;
}

static void setup(void)
{
    memset(&fk, 0, sizeof fk);
    for (unsigned h = 0; h < NHARTS; h++)
        fk.state[h] = SBI_HSM_STARTED;
    svc = (struct sbi_services){
        /* clang-format off */
        .opaque = &fk, .nharts = NHARTS,
        .mvendorid = 0x489, .marchid = 0x8000000000000007ull, .mimpid = 0x20181004,
        .console_write = f_console_write, .console_read = f_console_read,
        .phys_read = f_phys_read, .phys_write = f_phys_write, .virt_read = f_virt_read,
        .set_timer = f_set_timer, .send_ipi = f_send_ipi, .clear_ipi = f_clear_ipi,
        .remote_sfence = f_remote_sfence, .remote_fence_i = f_remote_fence_i,
        .hart_state = f_hart_state, .hart_start = f_hart_start, .hart_stop = f_hart_stop,
        .hart_suspend = f_hart_suspend, .system_reset = f_system_reset,
        /* clang-format on */
    };
}

static void teardown(void) {}

/* One call with up to six arguments, from hart 0 unless `call_from` says otherwise. */
static struct sbi_ret call_from(unsigned hart, uint64_t ext, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2,
                                uint64_t a3, uint64_t a4)
{
    const uint64_t args[6] = { a0, a1, a2, a3, a4, 0xdeadbeef };
    return sbi_call(&svc, hart, ext, fid, args);
}

#define CALL(ext, fid, a0, a1, a2, a3) call_from(0, ext, fid, a0, a1, a2, a3, 0)

static void ck_ret(struct sbi_ret r, int64_t error, int64_t value)
{
    ck_assert_int_eq(r.error, error);
    ck_assert_int_eq(r.value, value);
}

static int sum(const int v[NHARTS])
{
    int n = 0;
    for (int i = 0; i < NHARTS; i++)
        n += v[i];
    return n;
}

START_TEST(test_base_values)
{
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0), 0, 0x02000000);
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0, 0), 0, SBI_IMPL_ID_RIVET);
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0, 0), 0, SBI_IMPL_VERSION);
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID, 0, 0, 0, 0), 0, 0x489);
    struct sbi_ret r = CALL(SBI_EXT_BASE, SBI_BASE_GET_MARCHID, 0, 0, 0, 0);
    ck_assert_int_eq(r.error, 0);
    ck_assert_uint_eq((uint64_t)r.value, 0x8000000000000007ull);
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_GET_MIMPID, 0, 0, 0, 0), 0, 0x20181004);
    ck_ret(CALL(SBI_EXT_BASE, 7, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
}
END_TEST

START_TEST(test_probe)
{
    static const uint64_t yes[] = { SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM,
                                    SBI_EXT_SRST, SBI_EXT_DBCN, 0x00,        0x01,           0x08 };
    static const uint64_t no[] = { 0x09, 0x0f, 0x504D55 /* PMU */, 0x4E41434C /* NACL */, 0x100000010ull, UINT64_MAX };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, yes[i], 0, 0, 0), 0, 1);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, no[i], 0, 0, 0), 0, 0);
}
END_TEST

START_TEST(test_unknown_extension_and_function)
{
    ck_ret(CALL(0x504D55, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(0x09, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(0x100000000ull | SBI_EXT_TIME, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(SBI_EXT_TIME, 1, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(SBI_EXT_IPI, 1, 1, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(SBI_EXT_HSM, 4, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(SBI_EXT_DBCN, 3, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(SBI_EXT_SRST, 1, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_assert_int_eq(sum(fk.timer_calls) + sum(fk.ipi) + fk.reset_calls, 0);
    ck_assert(sbi_is_legacy(0x08));
    ck_assert(!sbi_is_legacy(SBI_EXT_BASE));
}
END_TEST

START_TEST(test_incomplete_services_or_bad_caller_fail)
{
    svc.system_reset = NULL;
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0), SBI_ERR_FAILED, 0);
    setup();
    ck_ret(call_from(NHARTS, SBI_EXT_TIME, 0, 5, 0, 0, 0, 0), SBI_ERR_FAILED, 0);
    ck_assert_int_eq(sum(fk.timer_calls), 0);
    ck_ret(sbi_call(NULL, 0, SBI_EXT_BASE, 0, (const uint64_t[6]){ 0 }), SBI_ERR_FAILED, 0);
}
END_TEST

START_TEST(test_set_timer)
{
    ck_ret(call_from(2, SBI_EXT_TIME, SBI_TIME_SET_TIMER, 0x123456789abull, 0, 0, 0, 0), 0, 0);
    ck_assert_int_eq(fk.timer_calls[2], 1);
    ck_assert_uint_eq(fk.deadline[2], 0x123456789abull);
    ck_ret(call_from(1, SBI_EXT_TIME, SBI_TIME_SET_TIMER, UINT64_MAX, 0, 0, 0, 0), 0, 0);
    ck_assert_uint_eq(fk.deadline[1], UINT64_MAX);
    /* Legacy set_timer: same service, result in a0 only. */
    ck_ret(call_from(3, SBI_EXT_LEGACY_SET_TIMER, 99, 777, 0, 0, 0, 0), 0, 0);
    ck_assert_uint_eq(fk.deadline[3], 777);
    ck_assert_int_eq(sum(fk.timer_calls), 3);
}
END_TEST

START_TEST(test_ipi_masks)
{
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x5, 0, 0, 0), 0, 0);
    ck_assert(fk.ipi[0] == 1 && fk.ipi[1] == 0 && fk.ipi[2] == 1 && fk.ipi[3] == 0);
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x3, 2, 0, 0), 0, 0); /* harts 2 and 3 */
    ck_assert(fk.ipi[2] == 2 && fk.ipi[3] == 1);
    /* base -1: every hart, mask ignored; a stopped hart gets no stale IPI. */
    fk.state[1] = SBI_HSM_STOPPED;
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, SBI_HART_MASK_BASE_ALL, 0, 0), 0, 0);
    ck_assert(fk.ipi[0] == 2 && fk.ipi[1] == 0 && fk.ipi[2] == 3 && fk.ipi[3] == 2);
    /* An empty mask is a no-op. */
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0, 0, 0, 0), 0, 0);
    ck_assert_int_eq(sum(fk.ipi), 7);
}
END_TEST

START_TEST(test_ipi_out_of_range_harts)
{
    /* Hart 4 does not exist: nothing is sent, not even to the valid harts. */
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x11, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x3, 3, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x1, 4, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1ull << 63, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    /* base + bit would wrap around to a small hart number. */
    ck_ret(CALL(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x6, UINT64_MAX - 1, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_assert_int_eq(sum(fk.ipi), 0);
}
END_TEST

START_TEST(test_rfence_targets)
{
    ck_ret(CALL(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 0x6, 0, 0, 0), 0, 0);
    ck_assert(fk.fence_i[0] == 0 && fk.fence_i[1] == 1 && fk.fence_i[2] == 1 && fk.fence_i[3] == 0);
    ck_assert_int_eq(sum(fk.sfence), 0);
    ck_ret(CALL(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 0x1, 3, 0x4000, 0x2000), 0, 0);
    ck_assert(fk.sfence[3] == 1 && sum(fk.sfence) == 1);
    ck_ret(call_from(0, SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, SBI_HART_MASK_BASE_ALL, 0, UINT64_MAX, 7),
           0, 0);
    ck_assert(fk.sfence[0] == 1 && fk.sfence[1] == 1 && fk.sfence[2] == 1 && fk.sfence[3] == 2);
    ck_assert_int_eq(sum(fk.fence_i), 2);
}
END_TEST

START_TEST(test_rfence_errors)
{
    ck_ret(CALL(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, 0x10, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 0x3, 3, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    /* A range that wraps past the top of the address space. */
    ck_ret(CALL(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 0x1, 0, UINT64_MAX - 0xfff, 0x2000),
           SBI_ERR_INVALID_ADDRESS, 0);
    for (uint64_t fid = SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID; fid <= SBI_RFENCE_REMOTE_HFENCE_VVMA; fid++)
        ck_ret(CALL(SBI_EXT_RFENCE, fid, 0x1, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    ck_assert_int_eq(sum(fk.sfence) + sum(fk.fence_i), 0);
}
END_TEST

START_TEST(test_hsm_status)
{
    fk.state[2] = SBI_HSM_STOPPED;
    fk.state[3] = SBI_HSM_SUSPENDED;
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 0, 0, 0, 0), 0, SBI_HSM_STARTED);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 2, 0, 0, 0), 0, SBI_HSM_STOPPED);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 3, 0, 0, 0), 0, SBI_HSM_SUSPENDED);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, NHARTS, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, UINT64_MAX, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1ull << 32, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
}
END_TEST

START_TEST(test_hsm_start_stop)
{
    /* Hart 1 stops itself, then hart 0 starts it again. */
    ck_ret(call_from(1, SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, 0, 0), 0, 0);
    ck_assert(fk.stop_calls == 1 && fk.stop_hart == 1);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0, 0), 0, SBI_HSM_STOPPED);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 1, RAM_BASE + 0x200, 0xabcd, 0), 0, 0);
    ck_assert_int_eq(fk.start_calls, 1);
    ck_assert_uint_eq(fk.start_hart, 1);
    ck_assert_uint_eq(fk.start_addr, RAM_BASE + 0x200);
    ck_assert_uint_eq(fk.start_arg, 0xabcd);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0, 0), 0, SBI_HSM_START_PENDING);
    /* Already on its way, or running: ALREADY_AVAILABLE, and no second start. */
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 1, RAM_BASE, 0, 0), SBI_ERR_ALREADY_AVAILABLE, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 2, RAM_BASE, 0, 0), SBI_ERR_ALREADY_AVAILABLE, 0);
    ck_assert_int_eq(fk.start_calls, 1);
}
END_TEST

START_TEST(test_hsm_start_errors)
{
    fk.state[3] = SBI_HSM_STOPPED;
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, NHARTS, RAM_BASE, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 1ull << 32 | 3, RAM_BASE, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 3, 0x1000, 0, 0), SBI_ERR_INVALID_ADDRESS, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 3, RAM_BASE + RAM_SIZE, 0, 0), SBI_ERR_INVALID_ADDRESS, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 3, UINT64_MAX, 0, 0), SBI_ERR_INVALID_ADDRESS, 0);
    ck_assert_int_eq(fk.start_calls, 0);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 3, 0, 0, 0), 0, SBI_HSM_STOPPED);
    /* Stopped when asked, but another hart's start won it meanwhile. */
    fk.start_lost = true;
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_START, 3, RAM_BASE, 0, 0), SBI_ERR_ALREADY_AVAILABLE, 0);
    ck_assert_int_eq(fk.start_calls, 1);
}
END_TEST

START_TEST(test_hsm_suspend)
{
    ck_ret(call_from(2, SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0, 0, 0), 0, 0);
    ck_assert(fk.suspend_calls == 1 && fk.suspend_hart == 2);
    ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT, RAM_BASE, 0, 0),
           SBI_ERR_NOT_SUPPORTED, 0);
    static const uint64_t bad[] = { 1,          0x0FFFFFFF, 0x10000000, 0x7FFFFFFF,
                                    0x80000001, 0x90000000, 0xFFFFFFFF, 0x100000000ull };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_ret(CALL(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, bad[i], RAM_BASE, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_assert_int_eq(fk.suspend_calls, 1);
}
END_TEST

START_TEST(test_srst_types)
{
    for (uint32_t type = 0; type <= SBI_SRST_TYPE_WARM_REBOOT; type++) {
        ck_ret(CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, type, SBI_SRST_REASON_SYSTEM_FAILURE, 0, 0), 0, 0);
        ck_assert_uint_eq(fk.reset_type, type);
        ck_assert_uint_eq(fk.reset_reason, SBI_SRST_REASON_SYSTEM_FAILURE);
    }
    ck_ret(CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_COLD_REBOOT, 0, 0, 0), 0, 0);
    ck_assert_uint_eq(fk.reset_reason, SBI_SRST_REASON_NONE);
    ck_assert_int_eq(fk.reset_calls, 4);
}
END_TEST

START_TEST(test_srst_bad_types)
{
    /* clang-format off */
    static const uint64_t bad[][2] = { { 3, 0 },          { 0xF0000000, 0 }, { 0xFFFFFFFF, 0 },
                                       { 1ull << 32, 0 }, { 0, 2 },          { 0, 0xE0000000 },
                                       { 0, 1ull << 32 } };
    /* clang-format on */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_ret(CALL(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, bad[i][0], bad[i][1], 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_assert_int_eq(fk.reset_calls, 0);
}
END_TEST

START_TEST(test_dbcn_write)
{
    memcpy(fk.ram + 16, "hello", 5);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 5, RAM_BASE + 16, 0, 0), 0, 5);
    ck_assert_uint_eq(fk.outlen, 5);
    ck_assert_mem_eq(fk.out, "hello", 5);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 0, 0, 0, 0), 0, 0);
    /* A long buffer goes out whole, read in bounded chunks. */
    for (unsigned i = 0; i < 1000; i++)
        fk.ram[100 + i] = (uint8_t)(i * 7);
    fk.outlen = 0;
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 1000, RAM_BASE + 100, 0, 0), 0, 1000);
    ck_assert_uint_eq(fk.outlen, 1000);
    ck_assert_mem_eq(fk.out, fk.ram + 100, 1000);
    ck_assert_uint_le(fk.max_read, SBI_DBCN_CHUNK);
    /* A huge count is a partial write of at most SBI_DBCN_MAX_PER_CALL bytes. */
    fk.outlen = 0;
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, UINT64_MAX, RAM_BASE, 0, 0), 0, SBI_DBCN_MAX_PER_CALL);
    ck_assert_uint_eq(fk.outlen, SBI_DBCN_MAX_PER_CALL);
    ck_assert_uint_le(fk.max_read, SBI_DBCN_CHUNK);
}
END_TEST

START_TEST(test_dbcn_write_bad_address)
{
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 5, 0x1000, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 5, RAM_BASE, 1, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16, RAM_BASE + RAM_SIZE - 8, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16, UINT64_MAX - 4, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_assert_uint_eq(fk.outlen, 0);
    /* Valid memory followed by a hole: the valid chunk is written, and counted. */
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 2 * SBI_DBCN_CHUNK, RAM_BASE + RAM_SIZE - SBI_DBCN_CHUNK, 0, 0),
           0, SBI_DBCN_CHUNK);
    ck_assert_uint_eq(fk.outlen, SBI_DBCN_CHUNK);
}
END_TEST

START_TEST(test_dbcn_read_and_write_byte)
{
    fk.input = "abc";
    memset(fk.ram + 200, 'z', 10);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 10, RAM_BASE + 200, 0, 0), 0, 3);
    ck_assert_mem_eq(fk.ram + 200, "abczzzzzzz", 10);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 10, RAM_BASE + 200, 0, 0), 0, 0);
    /* A bad destination consumes no input. */
    fk.input = "q";
    fk.inpos = 0;
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 4, 0x1000, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 4, RAM_BASE, 2, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_assert_uint_eq(fk.inpos, 0);
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 1, RAM_BASE + 300, 0, 0), 0, 1);
    ck_assert_uint_eq(fk.ram[300], 'q');
    ck_ret(CALL(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, 0x141, 0, 0, 0), 0, 0);
    ck_assert_uint_eq(fk.outlen, 1);
    ck_assert_uint_eq(fk.out[0], 'A');
}
END_TEST

START_TEST(test_legacy_console_and_shutdown)
{
    ck_ret(CALL(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, 'x', 0, 0, 0), 0, 0);
    ck_ret(CALL(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, 0, 0x300 | 'y', 0, 0, 0), 0, 0);
    ck_assert_uint_eq(fk.outlen, 2);
    ck_assert_mem_eq(fk.out, "xy", 2);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0, 0).error, -1);
    fk.input = "\xff"
               "k";
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0, 0).error, 0xff);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0, 0).error, 'k');
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 0, 0, 0).error, -1);
    ck_assert_int_eq(fk.reset_calls, 0);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0, 0).error, 0);
    ck_assert_int_eq(fk.reset_calls, 1);
    ck_assert_uint_eq(fk.reset_type, SBI_SRST_TYPE_SHUTDOWN);
}
END_TEST

/* Puts a legacy hart mask word at VA_BASE + off. */
static void put_vmask(unsigned off, uint64_t mask)
{
    for (int i = 0; i < 8; i++)
        fk.vmem[off + i] = (uint8_t)(mask >> (8 * i));
}

START_TEST(test_legacy_ipi_and_fences)
{
    put_vmask(8, 0x6);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_SEND_IPI, 0, VA_BASE + 8, 0, 0, 0).error, 0);
    ck_assert(fk.ipi[0] == 0 && fk.ipi[1] == 1 && fk.ipi[2] == 1 && fk.ipi[3] == 0);
    /* Bits for harts that do not exist are ignored by the legacy calls. */
    put_vmask(16, 0xF0 | 0x1);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_REMOTE_FENCE_I, 0, VA_BASE + 16, 0, 0, 0).error, 0);
    ck_assert(fk.fence_i[0] == 1 && sum(fk.fence_i) == 1);
    /* A NULL mask pointer means every hart. */
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, 0, 0, 0x1000, 0x1000, 0).error, 0);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID, 0, VA_BASE + 8, 0, 0, 3).error, 0);
    ck_assert(fk.sfence[0] == 1 && fk.sfence[1] == 2 && fk.sfence[2] == 2 && fk.sfence[3] == 1);
    /* An unreadable mask pointer. */
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_SEND_IPI, 0, 0xdead0000, 0, 0, 0).error, SBI_ERR_INVALID_ADDRESS);
    ck_assert_int_eq(CALL(SBI_EXT_LEGACY_SEND_IPI, 0, VA_BASE + VA_SIZE - 4, 0, 0, 0).error, SBI_ERR_INVALID_ADDRESS);
    ck_assert_int_eq(sum(fk.ipi), 2);
    ck_assert_int_eq(call_from(3, SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0, 0, 0, 0).error, 0);
    ck_assert(fk.clear_ipi[3] == 1 && sum(fk.clear_ipi) == 1);
}
END_TEST

/* PMU (firmware/sbi_pmu.c): only offered with programmable counters; the
 * state of a counter is its mhpmevent (in use) and mcountinhibit bit. */
START_TEST(test_pmu)
{
    const uint64_t hw_insns = SBI_PMU_HW_INSTRUCTIONS, hw_cycles = SBI_PMU_HW_CPU_CYCLES;
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_PMU, 0, 0, 0), 0, 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
    svc.pmu_counters = 0xfffffff8u;
    svc.csr_read = f_csr_read;
    svc.csr_write = f_csr_write;
    ck_ret(CALL(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, SBI_EXT_PMU, 0, 0, 0), 0, 1);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_NUM_COUNTERS, 0, 0, 0, 0), 0, 32);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, 3, 0, 0, 0), 0, 0xc03 | (63 << 12));
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, 2, 0, 0, 0), 0, 0xc02 | (63 << 12));
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_GET_INFO, 32, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);

    /* cfg_match: the first free programmable counter, stopped, filtered, cleared, started */
    fk.csr[CSR_MHPMCOUNTER3] = 77;
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCH, 0, UINT32_MAX,
                SBI_PMU_CFG_CLEAR_VALUE | SBI_PMU_CFG_AUTO_START | SBI_PMU_CFG_SET_MINH, hw_insns),
           0, 3);
    ck_assert_uint_eq(fk.csr[CSR_MHPMEVENT3], 2 | MHPMEVENT_MINH);
    ck_assert_uint_eq(fk.csr[CSR_MHPMCOUNTER3], 0);
    ck_assert_uint_eq(fk.csr[CSR_MCOUNTINHIBIT], 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCH, 3, 3, 0, hw_cycles), 0, 4);
    ck_assert_uint_eq(fk.csr[CSR_MHPMEVENT3 + 1], 1);
    ck_assert_uint_eq(fk.csr[CSR_MCOUNTINHIBIT], 1u << 4); /* no AUTO_START: stopped */
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCH, 3, 3, 0, hw_cycles), SBI_ERR_NOT_SUPPORTED, 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCH, 0, UINT32_MAX, 0, 3 /* cache refs */), SBI_ERR_NOT_SUPPORTED,
           0);
    /* a raw event with a selector rivet counts */
    ck_assert_int_eq(
        call_from(0, SBI_EXT_PMU, SBI_PMU_COUNTER_CFG_MATCH, 5, 1, 0, (uint64_t)SBI_PMU_EVENT_TYPE_RAW << 16, 2).value,
        5);

    /* stop, start with a value, stop with reset frees */
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, 3, 1, 0, 0), 0, 0);
    ck_assert_uint_eq(fk.csr[CSR_MCOUNTINHIBIT], (1u << 3) | (1u << 4) | (1u << 5));
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, 3, 1, 0, 0), SBI_ERR_ALREADY_STOPPED, 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_START, 3, 3, SBI_PMU_START_SET_INIT_VALUE, 1234), 0, 0);
    ck_assert_uint_eq(fk.csr[CSR_MHPMCOUNTER3], 1234);
    ck_assert_uint_eq(fk.csr[CSR_MHPMCOUNTER3 + 1], 1234);
    ck_assert_uint_eq(fk.csr[CSR_MCOUNTINHIBIT], 1u << 5);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_START, 3, 1, 0, 0), SBI_ERR_ALREADY_STARTED, 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, 3, 1, SBI_PMU_STOP_RESET, 0), 0, 0);
    ck_assert_uint_eq(fk.csr[CSR_MHPMEVENT3], 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_START, 3, 1, 0, 0), SBI_ERR_INVALID_PARAM, 0);
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_START, 0, 1, 0, 0), SBI_ERR_INVALID_PARAM, 0); /* fixed */
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_STOP, 30, 4, 0, 0), SBI_ERR_INVALID_PARAM, 0); /* 32 */
    ck_ret(CALL(SBI_EXT_PMU, SBI_PMU_COUNTER_FW_READ, 3, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
}
END_TEST

static Suite *sbi_suite(void)
{
    Suite *s = suite_create("sbi");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_base_values);
    tcase_add_test(tc, test_probe);
    tcase_add_test(tc, test_pmu);
    tcase_add_test(tc, test_unknown_extension_and_function);
    tcase_add_test(tc, test_incomplete_services_or_bad_caller_fail);
    tcase_add_test(tc, test_set_timer);
    tcase_add_test(tc, test_ipi_masks);
    tcase_add_test(tc, test_ipi_out_of_range_harts);
    tcase_add_test(tc, test_rfence_targets);
    tcase_add_test(tc, test_rfence_errors);
    tcase_add_test(tc, test_hsm_status);
    tcase_add_test(tc, test_hsm_start_stop);
    tcase_add_test(tc, test_hsm_start_errors);
    tcase_add_test(tc, test_hsm_suspend);
    tcase_add_test(tc, test_srst_types);
    tcase_add_test(tc, test_srst_bad_types);
    tcase_add_test(tc, test_dbcn_write);
    tcase_add_test(tc, test_dbcn_write_bad_address);
    tcase_add_test(tc, test_dbcn_read_and_write_byte);
    tcase_add_test(tc, test_legacy_console_and_shutdown);
    tcase_add_test(tc, test_legacy_ipi_and_fences);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sbi_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
