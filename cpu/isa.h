/*
 * The ISA a machine's harts implement: the set of enabled extensions, the
 * CPU models that fill it, and QEMU's -cpu spelling to choose them.
 *
 * Every extension rivet can name is one row of RV_EXTENSIONS: the name it
 * has in ISA strings and in -cpu switches, and a line for `-cpu help`. A set
 * is a bitmap over those rows. A machine's set is fixed when it is created
 * and shared by all its harts (the code cache holds it, cpu/cache.h): the
 * decoder gates instructions with it when it builds a block (cpu/decode.h),
 * so nothing on the hot path looks at it; CSR accesses and page walks read
 * it on their slow paths.
 *
 * Some rows name properties rather than instructions (Ziccif, Zic64b,
 * Ssccptr, Sstvecd, ...): the profiles list them, rivet has them whatever
 * the set says, and the set only decides whether the device tree names them.
 *
 * Pure data and functions without state: safe from any thread.
 */
#ifndef RIVET_ISA_H
#define RIVET_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* X(ID, "name", "what it is"): every extension rivet implements. Order is
 * free: ISA strings are put in canonical order by isa_string(). */
/* clang-format off */
#define RV_EXTENSIONS(X)                                                                      \
    X(I, "i", "base integer instructions (RV64I)")                                            \
    X(M, "m", "integer multiply and divide")                                                  \
    X(A, "a", "atomics (LR/SC and AMOs)")                                                     \
    X(F, "f", "single-precision floating point")                                              \
    X(D, "d", "double-precision floating point")                                              \
    X(C, "c", "compressed instructions")                                                      \
    X(V, "v", "vectors (V 1.0, ELEN 64; -cpu ...,vlen=128|256|512|1024)")                     \
    X(ZICSR, "zicsr", "CSR instructions")                                                     \
    X(ZIFENCEI, "zifencei", "fence.i")                                                        \
    X(ZICNTR, "zicntr", "cycle, time and instret counters")                                   \
    X(ZIHPM, "zihpm", "performance counters (mhpmcounter3-31: cycles, instructions)")         \
    X(ZIHINTPAUSE, "zihintpause", "the pause hint")                                           \
    X(ZIHINTNTL, "zihintntl", "non-temporal locality hints (no-ops)")                         \
    X(ZICBOM, "zicbom", "cache-block management (cbo.clean, cbo.flush, cbo.inval)")           \
    X(ZICBOP, "zicbop", "cache-block prefetch hints (no-ops)")                                \
    X(ZICBOZ, "zicboz", "cache-block zero (cbo.zero, 64-byte blocks)")                        \
    X(ZICOND, "zicond", "integer conditional operations (czero.eqz, czero.nez)")              \
    X(ZIMOP, "zimop", "may-be-operations (mop.r.N, mop.rr.N write 0)")                        \
    X(ZIC64B, "zic64b", "property: cache blocks are 64 bytes")                                \
    X(ZICCIF, "ziccif", "property: main memory supports instruction fetch with atomicity")    \
    X(ZICCRSE, "ziccrse", "property: main memory supports forward progress on LR/SC")         \
    X(ZICCAMOA, "ziccamoa", "property: main memory supports all atomics")                     \
    X(ZICCLSM, "zicclsm", "property: main memory supports misaligned loads and stores")       \
    X(ZFA, "zfa", "more floating point (fli, fminm, fround, fleq, fcvtmod.w.d, ...)")         \
    X(ZFH, "zfh", "half-precision floating point")                                            \
    X(ZFHMIN, "zfhmin", "half-precision loads, stores, moves and conversions")                \
    X(ZVFH, "zvfh", "vector half-precision floating point (SEW=16)")                          \
    X(ZVFHMIN, "zvfhmin", "vector half-precision conversions (vfwcvt.f.f.v, vfncvt.f.f.w)")   \
    X(ZVBB, "zvbb", "vector bit manipulation (Zvkb, vbrev, vclz, vctz, vcpop.v, vwsll)")      \
    X(ZVKB, "zvkb", "vector bit manipulation for crypto (vandn, vrol, vror, vrev8, ...)")     \
    X(ZVKT, "zvkt", "property: vector data-independent execution time (README.md)")           \
    X(ZA64RS, "za64rs", "property: reservation sets are at most 64 bytes")                    \
    X(ZAWRS, "zawrs", "wait on reservation set (wrs.nto, wrs.sto)")                           \
    X(ZCB, "zcb", "more compressed instructions (c.lbu, c.mul, c.not, ...)")                  \
    X(ZCMOP, "zcmop", "compressed may-be-operations (c.mop.N)")                               \
    X(ZBA, "zba", "address generation (shNadd, add.uw)")                                      \
    X(ZBB, "zbb", "basic bit manipulation")                                                   \
    X(ZBC, "zbc", "carry-less multiplication")                                                \
    X(ZBKB, "zbkb", "bit manipulation for cryptography (pack, brev8, ...)")                   \
    X(ZBKC, "zbkc", "carry-less multiplication for cryptography")                             \
    X(ZBKX, "zbkx", "crossbar permutations (xperm4, xperm8)")                                 \
    X(ZBS, "zbs", "single-bit instructions")                                                  \
    X(ZKT, "zkt", "property: data-independent execution time (README.md)")                    \
    X(SMNPM, "smnpm", "pointer masking for S (menvcfg.PMM)")                                  \
    X(SMSTATEEN, "smstateen", "state enables for S (mstateen0-3)")                            \
    X(SSCCPTR, "ssccptr", "property: page tables may live in main memory")                    \
    X(SSCOFPMF, "sscofpmf", "counter overflow interrupt (LCOFI) and mode filtering")          \
    X(SSCOUNTERENW, "sscounterenw", "property: scounteren bits of counters are writable")     \
    X(SSNPM, "ssnpm", "pointer masking for U (senvcfg.PMM)")                                  \
    X(SSSTATEEN, "ssstateen", "state enables for U (sstateen0-3)")                            \
    X(SSSTRICT, "ssstrict", "property: nothing non-standard; unknown encodings are illegal")  \
    X(SSTC, "sstc", "supervisor timer compare (stimecmp)")                                    \
    X(SSTVALA, "sstvala", "property: stval holds the faulting address or instruction")        \
    X(SSTVECD, "sstvecd", "property: stvec direct mode with any 4-byte aligned base")         \
    X(SSU64XL, "ssu64xl", "property: UXL can be 64")                                          \
    X(SUPM, "supm", "pointer masking available to U (through Ssnpm)")                         \
    X(SVADE, "svade", "A/D bits missing: page fault")                                         \
    X(SVADU, "svadu", "hardware A/D updates (menvcfg.ADUE)")                                  \
    X(SVINVAL, "svinval", "fine-grained TLB invalidation (sinval.vma, ...)")                  \
    X(SVNAPOT, "svnapot", "64 KiB NAPOT pages")                                               \
    X(SVPBMT, "svpbmt", "page-based memory types (menvcfg.PBMTE)")
/* clang-format on */

enum isa_ext {
#define X(id, name, what) EXT_##id,
    RV_EXTENSIONS(X)
#undef X
        EXT_COUNT,
};

#define ISA_WORDS 2
_Static_assert(EXT_COUNT <= 64 * ISA_WORDS, "the set's bitmap holds every extension");

/* A set of extensions, and the parameters of those that have some: VLEN,
 * the bits of a vector register (V; ISA_VLEN_DEFAULT when the set was made
 * from a model, whatever V says). */
struct isa_set {
    uint64_t w[ISA_WORDS];
    uint16_t vlen;
};
#define ISA_VLEN_DEFAULT 128 /* QEMU's default */
#define ISA_VLEN_MIN     128 /* V needs VLEN >= 128 (Zvl128b) */
#define ISA_VLEN_MAX     1024

static inline bool isa_has(const struct isa_set *s, enum isa_ext e) { return (s->w[e / 64] >> (e % 64)) & 1; }
static inline void isa_add(struct isa_set *s, enum isa_ext e) { s->w[e / 64] |= 1ull << (e % 64); }
static inline void isa_del(struct isa_set *s, enum isa_ext e) { s->w[e / 64] &= ~(1ull << (e % 64)); }
static inline bool isa_equal(const struct isa_set *a, const struct isa_set *b)
{
    for (unsigned i = 0; i < ISA_WORDS; i++)
        if (a->w[i] != b->w[i])
            return false;
    return a->vlen == b->vlen;
}

/* The name of an extension ("zba"), or NULL for an id out of range. */
const char *isa_ext_name(unsigned e);

/* The set of a CPU model, false when there is no such model. Models: rv64
 * (the default: what rivet implemented before -cpu existed, which updates
 * A/D bits in hardware with neither Svade nor Svadu named), rva22s64,
 * rva23s64 and max (everything rivet has). */
bool isa_model(const char *name, struct isa_set *out);
#define ISA_DEFAULT_MODEL "rv64"

/* Parses a -cpu argument in QEMU's spelling: MODEL[,NAME=on|off|true|false
 * |yes|no]... (names in any case), and vlen=N (a power of two from
 * ISA_VLEN_MIN to ISA_VLEN_MAX; elen=64 is accepted, as that is rivet's
 * ELEN). Fills *out and returns true; on an unknown model or extension, a
 * conflict, a bad vlen, or a switch rivet cannot honour (h=on, c=off, ...)
 * returns false with one line in err naming it (no "rivet: " prefix). "help" is not a model: the caller asks isa_help(). */
bool isa_parse_cpu(const char *spec, struct isa_set *out, char *err, size_t errlen);

/* What `rivet -cpu help` prints: the models and the extensions, one line
 * each. */
void isa_help(FILE *out);

/* The misa value of the set: MXL = 64 and the letters of I, M, A, F, D, C,
 * V, plus S and U, which every rivet hart has. */
uint64_t isa_misa(const struct isa_set *s);

/* The ISA string of the set in canonical order ("rv64imafdc_zicsr_..._sstc"):
 * single letters first, then Z extensions by category (the order of their
 * second letter among IMAFDQLCBKJTPVH) and alphabetically within one, then S
 * extensions alphabetically (unpriv. spec, "ISA Extension Naming
 * Conventions"). Always NUL-terminated; truncated when len is too small.
 * Returns the length the whole string needs. */
size_t isa_string(const struct isa_set *s, char *buf, size_t len);
#define ISA_STRING_MAX 1024 /* enough for every extension at once */

/* The names of the set's extensions in the same order, each followed by a
 * NUL (a device-tree string list, riscv,isa-extensions). Returns the bytes
 * needed; writes at most len. */
size_t isa_name_list(const struct isa_set *s, char *buf, size_t len);

#endif
