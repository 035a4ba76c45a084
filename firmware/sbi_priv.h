/* Internals shared by the firmware/sbi*.c files: one handler per SBI extension.
 * Not part of the firmware's contract with the board (that is sbi.h). */
#ifndef RIVET_FIRMWARE_SBI_PRIV_H
#define RIVET_FIRMWARE_SBI_PRIV_H

#include "firmware/sbi.h"

/* One extension's handler: the calling hart, the FID and a0..a5. */
typedef struct sbi_ret (*sbi_ext_handler)(const struct sbi_services *s, unsigned hartid, uint64_t fid,
                                          const uint64_t args[6]);

/* A service that acts on one target hart (send_ipi, remote_sfence, remote_fence_i). */
typedef void (*sbi_hart_fn)(void *opaque, unsigned hartid);

static inline struct sbi_ret sbi_err(int64_t error) { return (struct sbi_ret){ error, 0 }; }
static inline struct sbi_ret sbi_ok(int64_t value) { return (struct sbi_ret){ SBI_SUCCESS, value }; }

static inline bool sbi_hartid_valid(const struct sbi_services *s, uint64_t hartid) { return hartid < s->nharts; }

/* sbi_ipi.c: the (hart_mask, hart_mask_base) pair of the IPI and RFENCE calls.
 * Applies fn to every hart of the set, or to none and returns SBI_ERR_INVALID_PARAM
 * when any hart of the set does not exist. skip_stopped leaves out STOPPED harts. */
int64_t sbi_for_mask(const struct sbi_services *s, uint64_t mask, uint64_t base, sbi_hart_fn fn, bool skip_stopped);

/* The extension handlers. */
struct sbi_ret sbi_ext_base(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);
struct sbi_ret sbi_ext_legacy(const struct sbi_services *s, unsigned hartid, uint64_t ext, const uint64_t args[6]);
struct sbi_ret sbi_ext_time(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);
struct sbi_ret sbi_ext_ipi(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);
struct sbi_ret sbi_ext_rfence(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);
struct sbi_ret sbi_ext_hsm(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);
struct sbi_ret sbi_ext_srst(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);
struct sbi_ret sbi_ext_dbcn(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);

struct sbi_ret sbi_ext_pmu(const struct sbi_services *s, unsigned hartid, uint64_t fid, const uint64_t args[6]);

/* True when the EID names an extension this firmware serves to this board
 * (probe_extension): PMU only with programmable counters. */
bool sbi_ext_supported(const struct sbi_services *s, uint64_t ext);

#endif
