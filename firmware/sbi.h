/* The built-in SBI firmware: serves S-mode ecalls when no M-mode firmware is loaded.
 *
 * Contract: firmware/ knows nothing of harts, the bus or the machine; the board
 * (machine/) catches an ecall from S-mode, calls sbi_call() with the caller's
 * a0..a7, writes the result back to a0 (and a1 for non-legacy calls) and advances
 * the pc. Every service the firmware needs comes through struct sbi_services.
 * sbi_call() is called on the calling hart's thread; it keeps no state of its own.
 * Spec: RISC-V Supervisor Binary Interface Specification v2.0. */
#ifndef RIVET_FIRMWARE_SBI_H
#define RIVET_FIRMWARE_SBI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Standard SBI error codes (SBI spec, section 3, table 1). */
#define SBI_SUCCESS               0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED   -7
#define SBI_ERR_ALREADY_STOPPED   -8

/* Extension IDs (a7). */
#define SBI_EXT_LEGACY_SET_TIMER              0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR        0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR        0x02
#define SBI_EXT_LEGACY_CLEAR_IPI              0x03
#define SBI_EXT_LEGACY_SEND_IPI               0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I         0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA      0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN               0x08
#define SBI_EXT_BASE                          0x10
#define SBI_EXT_TIME                          0x54494D45
#define SBI_EXT_IPI                           0x735049
#define SBI_EXT_RFENCE                        0x52464E43
#define SBI_EXT_HSM                           0x48534D
#define SBI_EXT_SRST                          0x53525354
#define SBI_EXT_DBCN                          0x4442434E
#define SBI_EXT_PMU                           0x504D55

/* Base extension function IDs (SBI spec, section 4). */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_BASE_GET_MVENDORID    4
#define SBI_BASE_GET_MARCHID      5
#define SBI_BASE_GET_MIMPID       6

/* TIME, IPI function IDs. */
#define SBI_TIME_SET_TIMER 0
#define SBI_IPI_SEND_IPI   0

/* RFENCE function IDs (SBI spec, section 8). */
#define SBI_RFENCE_REMOTE_FENCE_I          0
#define SBI_RFENCE_REMOTE_SFENCE_VMA       1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID  2
#define SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID 3
#define SBI_RFENCE_REMOTE_HFENCE_GVMA      4
#define SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID 5
#define SBI_RFENCE_REMOTE_HFENCE_VVMA      6

/* HSM function IDs and suspend types (SBI spec, section 9). */
#define SBI_HSM_HART_START              0
#define SBI_HSM_HART_STOP               1
#define SBI_HSM_HART_GET_STATUS         2
#define SBI_HSM_HART_SUSPEND            3
#define SBI_HSM_SUSPEND_RET_DEFAULT     0x00000000u
#define SBI_HSM_SUSPEND_NON_RET_DEFAULT 0x80000000u

/* SRST function ID, reset types and reasons (SBI spec, section 10). */
#define SBI_SRST_SYSTEM_RESET          0
#define SBI_SRST_TYPE_SHUTDOWN         0
#define SBI_SRST_TYPE_COLD_REBOOT      1
#define SBI_SRST_TYPE_WARM_REBOOT      2
#define SBI_SRST_REASON_NONE           0
#define SBI_SRST_REASON_SYSTEM_FAILURE 1

/* DBCN function IDs (SBI spec, section 12). */
#define SBI_DBCN_CONSOLE_WRITE      0
#define SBI_DBCN_CONSOLE_READ       1
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/* PMU function IDs, event types and flags (SBI spec, section 11). */
#define SBI_PMU_NUM_COUNTERS         0
#define SBI_PMU_COUNTER_GET_INFO     1
#define SBI_PMU_COUNTER_CFG_MATCH    2
#define SBI_PMU_COUNTER_START        3
#define SBI_PMU_COUNTER_STOP         4
#define SBI_PMU_COUNTER_FW_READ      5
#define SBI_PMU_EVENT_TYPE_HW        0
#define SBI_PMU_EVENT_TYPE_RAW       2
#define SBI_PMU_HW_CPU_CYCLES        1
#define SBI_PMU_HW_INSTRUCTIONS      2
#define SBI_PMU_CFG_SKIP_MATCH       (1u << 0)
#define SBI_PMU_CFG_CLEAR_VALUE      (1u << 1)
#define SBI_PMU_CFG_AUTO_START       (1u << 2)
#define SBI_PMU_CFG_SET_UINH         (1u << 5)
#define SBI_PMU_CFG_SET_SINH         (1u << 6)
#define SBI_PMU_CFG_SET_MINH         (1u << 7)
#define SBI_PMU_START_SET_INIT_VALUE (1u << 0)
#define SBI_PMU_STOP_RESET           (1u << 0)
#define SBI_PMU_COUNTERS             32 /* counter N is the hart's counter N (0 cycle, 1 time, 2 instret) */

/* What this firmware reports from the Base extension (SBI spec, section 4.9). The
 * implementation ID is 0x7269 ("ri"): the registered IDs are small integers (BBL = 0,
 * OpenSBI = 1, ...), so this one is unregistered and a guest never mistakes rivet
 * for a registered firmware. */
#define SBI_SPEC_VERSION_MAJOR 2
#define SBI_SPEC_VERSION_MINOR 0
#define SBI_IMPL_ID_RIVET      0x7269
#define SBI_IMPL_VERSION       1

/* Largest piece of guest memory the firmware copies at once (DBCN), and the most
 * bytes one DBCN call moves: the calls are non-blocking and may be partial, so a
 * huge num_bytes costs a bounded amount of host work per ecall. */
#define SBI_DBCN_CHUNK        256
#define SBI_DBCN_MAX_PER_CALL 4096

/* hart_mask_base value meaning "every hart; ignore hart_mask" (SBI spec, section 3). */
#define SBI_HART_MASK_BASE_ALL UINT64_MAX

enum sbi_hart_state {
    SBI_HSM_STARTED = 0,
    SBI_HSM_STOPPED = 1,
    SBI_HSM_START_PENDING = 2,
    SBI_HSM_STOP_PENDING = 3,
    SBI_HSM_SUSPENDED = 4
};

/* What the board provides. hartid values are 0..nharts-1. Every callback must be
 * set: sbi_call() answers SBI_ERR_FAILED to everything if one is missing. */
struct sbi_services {
    void *opaque;
    unsigned nharts;
    uint64_t mvendorid, marchid, mimpid;
    void (*console_write)(void *opaque, const uint8_t *buf, size_t len);
    int (*console_read)(void *opaque); /* one byte, or -1 when none */
    /* Reads/writes guest physical memory; false if the range is not RAM. */
    bool (*phys_read)(void *opaque, uint64_t pa, void *buf, size_t len);
    bool (*phys_write)(void *opaque, uint64_t pa, const void *buf, size_t len);
    /* Reads guest memory at an S-mode virtual address of the calling hart (legacy calls pass pointers). */
    bool (*virt_read)(void *opaque, unsigned hartid, uint64_t va, void *buf, size_t len);
    /* Clears the hart's pending S timer interrupt, then raises STIP when time >= deadline. */
    void (*set_timer)(void *opaque, unsigned hartid, uint64_t deadline);
    void (*send_ipi)(void *opaque, unsigned hartid);  /* sets SSIP on that hart */
    void (*clear_ipi)(void *opaque, unsigned hartid); /* legacy clear_ipi: clears SSIP of the caller */
    /* Flushes that hart's TLB (address/asid ranges may be widened to a full flush). */
    void (*remote_sfence)(void *opaque, unsigned hartid);
    void (*remote_fence_i)(void *opaque, unsigned hartid);
    enum sbi_hart_state (*hart_state)(void *opaque, unsigned hartid);
    /* A stopped hart begins in S-mode at start_addr with a0 = hartid, a1 = arg,
     * satp = 0, sstatus.SIE = 0. false: the hart is not stopped (another
     * hart's start came first), answered ALREADY_AVAILABLE. */
    bool (*hart_start)(void *opaque, unsigned hartid, uint64_t start_addr, uint64_t arg);
    void (*hart_stop)(void *opaque, unsigned hartid);    /* the calling hart stops (does not return to the guest) */
    void (*hart_suspend)(void *opaque, unsigned hartid); /* default retentive suspend: behave like WFI */
    /* Shutdown / cold / warm reboot. */
    void (*system_reset)(void *opaque, uint32_t type, uint32_t reason);
    /* PMU: the calling hart's M-mode CSRs (mcountinhibit, mhpmeventN,
     * mhpmcounterN), read and written as M-mode code would, the write
     * counted as the ecall's (it retires after). pmu_counters is the mask of
     * the harts' programmable counters (bits 3..31: Zihpm; 0: no PMU
     * extension, and these two may be NULL). */
    uint32_t pmu_counters;
    uint64_t (*csr_read)(void *opaque, unsigned hartid, unsigned csr);
    void (*csr_write)(void *opaque, unsigned hartid, unsigned csr, uint64_t value);
};

struct sbi_ret {
    int64_t error;
    int64_t value;
};

/* Serves one SBI call from hart `hartid`: args = a0..a5, ext = a7 (EID), fid = a6 (FID).
 * Returns the result for a0/a1. For legacy extensions (EID 0x00-0x08) only ret.error is
 * placed in a0 by the caller (legacy calls return a single value in a0: put it in error). */
struct sbi_ret sbi_call(const struct sbi_services *s, unsigned hartid, uint64_t ext, uint64_t fid,
                        const uint64_t args[6]);

/* True when a legacy EID (the caller then writes only a0). */
static inline bool sbi_is_legacy(uint64_t ext) { return ext <= 0x08; }

#endif
