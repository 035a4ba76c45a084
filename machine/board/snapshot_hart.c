/*
 * A hart's section of a snapshot (snapshot.h): the architectural state of
 * struct hart, field by field from one table, so that saving, reading and
 * applying cannot disagree. Caches (TLBs, the jump cache, decoded blocks)
 * are not saved: restore flushes them. The LR/SC reservation is dropped
 * (an SC may always fail, unprivileged spec "Zalrsc"; its stamp belongs to
 * the code cache of the run that saved) and a WRS wait ends (Zawrs lets it
 * end at any time), so neither points into the old run. An SBI HSM start
 * claimed but not yet applied by the hart's thread is posted again.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/hart.h"
#include "cpu/vector.h"
#include "machine/board/machine.h"
#include "machine/board/snapshot.h"
#include "rivet/encoding.h"
#include "rivet/snapstream.h"

/* One field: `count` elements of `size` bytes at `off` in struct hart;
 * `flag` elements are bools (0 or 1 in the file). */
struct hart_field {
    size_t off;
    unsigned count, size;
    bool flag;
};

#define HF(name, n)                                                                   \
    {                                                                                 \
        offsetof(struct hart, name), n, sizeof(((struct hart *)0)->name) / (n), false \
    }
#define HFLAG(name)                             \
    {                                           \
        offsetof(struct hart, name), 1, 1, true \
    }
#define HARRAY(name)  HF(name, sizeof(((struct hart *)0)->name) / sizeof(((struct hart *)0)->name[0]))
#define HSCALAR(name) HF(name, 1)

/* clang-format off */
static const struct hart_field fields[] = {
    HARRAY(x), HSCALAR(pc), HARRAY(f), HSCALAR(frm), HSCALAR(fflags), HSCALAR(priv),
    HSCALAR(mip), HSCALAR(mie), HSCALAR(instret), HFLAG(wfi), HFLAG(halted),
    HSCALAR(mstatus), HSCALAR(misa), HSCALAR(medeleg), HSCALAR(mideleg), HSCALAR(mtvec), HSCALAR(mepc),
    HSCALAR(mcause), HSCALAR(mtval), HSCALAR(mscratch), HSCALAR(mcounteren), HSCALAR(mcountinhibit),
    HSCALAR(menvcfg), HSCALAR(mcycle_offset), HSCALAR(minstret_offset), HSCALAR(mhartid),
    HSCALAR(stvec), HSCALAR(sepc), HSCALAR(scause), HSCALAR(stval), HSCALAR(sscratch), HSCALAR(scounteren),
    HSCALAR(senvcfg), HSCALAR(stimecmp),
    HSCALAR(mmu.satp), HARRAY(mmu.pmpcfg), HARRAY(mmu.pmpaddr),
    HFLAG(wrs), HSCALAR(wrs_deadline), HARRAY(mstateen), HSCALAR(start_claim), HSCALAR(start_pc), HSCALAR(start_arg),
    HARRAY(pmu.mode_ret), HSCALAR(pmu.since), HSCALAR(pmu.mode), HSCALAR(pmu.deadline), HARRAY(pmu.event),
    HARRAY(pmu.offset), HARRAY(pmu.wrap),
    HSCALAR(vec.vl), HSCALAR(vec.vtype), HSCALAR(vec.vstart), HSCALAR(vec.vxrm), HSCALAR(vec.vxsat),
    HSCALAR(vec.vlenb),
};
/* clang-format on */
#define NFIELDS (sizeof fields / sizeof fields[0])

static void put_le(struct snapshot_writer *w, const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, p, size); /* a little-endian host (rivet's hosts: x86-64, AArch64) */
    for (unsigned i = 0; i < size; i++)
        snap_put_u8(w, (uint8_t)(v >> (8 * i)));
}

void snapshot_hart_save(const struct machine *m, unsigned i, struct snapshot_writer *w)
{
    const struct hart *h = &m->harts[i];
    for (size_t f = 0; f < NFIELDS; f++)
        for (unsigned e = 0; e < fields[f].count; e++)
            put_le(w, (const uint8_t *)h + fields[f].off + (size_t)e * fields[f].size, fields[f].size);
    snap_put(w, h->vec.v, (size_t)32 * h->vec.vlenb); /* the registers VLEN has */
}

static void read_fields(struct hart *t, struct snapshot_reader *r)
{
    for (size_t f = 0; f < NFIELDS; f++)
        for (unsigned e = 0; e < fields[f].count; e++) {
            uint8_t *p = (uint8_t *)t + fields[f].off + (size_t)e * fields[f].size;
            if (fields[f].flag) {
                *(bool *)p = snap_get_bool(r);
                continue;
            }
            uint8_t b[8];
            snap_get(r, b, fields[f].size);
            memcpy(p, b, fields[f].size);
        }
}

static bool valid_priv(uint64_t p) { return p == PRV_U || p == PRV_S || p == PRV_M; }

/* What the rest of rivet indexes with or takes for granted: a privilege
 * that exists, the machine's ISA and VLEN, vl and vstart within VLMAX, CSR
 * fields in their ranges. */
static void check_hart(const struct hart *t, const struct hart *h, struct snapshot_reader *r)
{
    uint64_t mode = t->mmu.satp >> SATP_MODE_SHIFT;
    if (!valid_priv(t->priv) || !valid_priv(t->pmu.mode) ||
        !valid_priv((t->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT))
        snap_bad(r, "a privilege that does not exist");
    if (t->mhartid != h->mhartid || t->misa != h->misa || t->vec.vlenb != h->vec.vlenb)
        snap_bad(r, "hart id, misa or VLEN differs");
    if (t->start_claim > 1 || (t->start_claim && !t->halted))
        snap_bad(r, "an SBI HSM start pending for a running hart");
    if (t->frm > 7 || t->fflags > 0x1f || t->vec.vxrm > 3 || t->vec.vxsat > 1)
        snap_bad(r, "a register field out of range");
    if (mode != SATP_MODE_BARE && mode != SATP_MODE_SV39 && mode != SATP_MODE_SV48 && mode != SATP_MODE_SV57)
        snap_bad(r, "satp mode that does not exist");
    uint64_t vlmax = 0;
    if (!(t->vec.vtype & VTYPE_VILL)) {
        if (t->vec.vtype & ~(uint64_t)VTYPE_DEFINED || vsew_log2(t) > 3 || (t->vec.vtype & VTYPE_VLMUL) == 4)
            snap_bad(r, "vtype reserved bits set");
        else
            vlmax = vlmax_of(t, vsew_log2(t), vlmul_log2(t));
    }
    if (t->vec.vl > vlmax || t->vec.vstart >= (uint64_t)t->vec.vlenb * 8)
        snap_bad(r, "vl or vstart beyond VLMAX");
}

/* Copies every field of the table (and the vector registers) from t. */
static void apply_fields(struct hart *h, const struct hart *t)
{
    for (size_t f = 0; f < NFIELDS; f++)
        memcpy((uint8_t *)h + fields[f].off, (const uint8_t *)t + fields[f].off,
               (size_t)fields[f].count * fields[f].size);
    memcpy(h->vec.v, t->vec.v, (size_t)32 * t->vec.vlenb);
}

/* The caches rebuilt from the restored state (the world is stopped: the
 * hart's own structures may be touched from here). */
static void settle(struct machine *m, struct hart *h)
{
    __atomic_store_n(&h->mip, h->mip, __ATOMIC_SEQ_CST);
    h->resv_valid = false;
    if (h->wrs) {
        h->wrs = false;
        h->wfi = false;
    }
    h->mmu.priv = -1; /* hart_update_mmu recomputes only what changed */
    hart_update_mmu(h);
    hart_update_walk(h);
    mmu_flush(&h->mmu);
    hart_jcache_flush(h);
    hart_yield(h);
    if (h->start_claim) { /* an SBI HSM start the hart had not applied yet: posted again */
        h->start_claim = 0;
        machine_hart_start(m, h, h->start_pc, h->start_arg);
    }
}

/* The scratch hart is mapped and unmapped, not malloc'd: the copy dirties
 * all of it (TLBs included, some 400 KiB), and malloc would keep those pages
 * in the heap after the free, private memory in every restored clone
 * (issue 23, "Clones"). */
bool snapshot_hart_restore(struct machine *m, unsigned i, struct snapshot_reader *r)
{
    struct hart *h = &m->harts[i];
    struct hart *t = mmap(NULL, sizeof *t, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED) {
        snap_bad(r, "out of memory");
        return false;
    }
    memcpy(t, h, sizeof *t);
    read_fields(t, r);
    if (!r->bad)
        check_hart(t, h, r);
    if (!r->bad)
        snap_get(r, t->vec.v, (size_t)32 * t->vec.vlenb);
    if (snap_end(r) && !r->dry) {
        apply_fields(h, t);
        settle(m, h);
    }
    munmap(t, sizeof *t);
    return !r->bad;
}
