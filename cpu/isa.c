/* Extension sets, CPU models and -cpu parsing: see isa.h. */
#include "cpu/isa.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rivet/encoding.h"

static const struct {
    const char *name, *what;
} ext_rows[EXT_COUNT] = {
#define X(id, n, w) [EXT_##id] = { n, w },
    RV_EXTENSIONS(X)
#undef X
};

const char *isa_ext_name(unsigned e) { return e < EXT_COUNT ? ext_rows[e].name : NULL; }

/* ---- Models ---- */

#define END EXT_COUNT

/* What rivet implemented before -cpu existed: RV64GC, Zba, Zbb, Zbs and
 * Sstc. It updates A/D bits in hardware too, as before, but without naming
 * Svadu: that would add a name to its device tree and a writable
 * menvcfg.ADUE, and the default machine stays exactly what it was (see
 * hart_update_walk in cpu/trap.c). */
static const uint8_t model_rv64[] = {
    EXT_I,      EXT_M,           EXT_A,   EXT_F,   EXT_D,   EXT_C,    EXT_ZICSR, EXT_ZIFENCEI,
    EXT_ZICNTR, EXT_ZIHINTPAUSE, EXT_ZBA, EXT_ZBB, EXT_ZBS, EXT_SSTC, END,
};

/* RVA22U64's mandatory extensions, and RVA22S64's on top (RISC-V Profiles
 * 1.0); Svbare and Sv39 are the satp modes every rivet hart has. */
/* clang-format off */
#define RVA22U64                                                                                    \
    EXT_I, EXT_M, EXT_A, EXT_F, EXT_D, EXT_C, EXT_ZICSR, EXT_ZICNTR, EXT_ZIHPM, EXT_ZICCIF,         \
    EXT_ZICCRSE, EXT_ZICCAMOA, EXT_ZICCLSM, EXT_ZA64RS, EXT_ZIHINTPAUSE, EXT_ZBA, EXT_ZBB, EXT_ZBS, \
    EXT_ZIC64B, EXT_ZICBOM, EXT_ZICBOP, EXT_ZICBOZ, EXT_ZFHMIN, EXT_ZKT
/* clang-format on */
#define RVA22S64 EXT_ZIFENCEI, EXT_SVADE, EXT_SSCCPTR, EXT_SSTVECD, EXT_SSTVALA

static const uint8_t model_rva22s64[] = { RVA22U64, RVA22S64, END };

/* RVA23U64 and RVA23S64 add these (H has an issue of its own); Smstateen
 * is the M side of Ssstateen, and rivet has M. Zvkb is the part of Zvbb
 * that QEMU (and the ISA string) names as well. */
static const uint8_t model_rva23s64[] = {
    RVA22U64,  RVA22S64,    EXT_V,         EXT_ZIHINTNTL,    EXT_ZICOND,   EXT_ZIMOP,   EXT_ZCMOP,   EXT_ZCB,
    EXT_ZFA,   EXT_ZAWRS,   EXT_SUPM,      EXT_SSCOUNTERENW, EXT_SVPBMT,   EXT_SVINVAL, EXT_SVNAPOT, EXT_SSTC,
    EXT_SSNPM, EXT_SSU64XL, EXT_SSSTATEEN, EXT_SMSTATEEN,    EXT_SSCOFPMF, EXT_ZVFHMIN, EXT_ZVBB,    EXT_ZVKB,
    EXT_ZVKT,  END,
};

static const struct {
    const char *name, *what;
    const uint8_t *exts; /* NULL: every extension */
} models[] = {
    { "rv64", "RV64GC with Zba, Zbb, Zbs and Sstc (the default)", model_rv64 },
    { "rva22s64", "the RVA22S64 profile's mandatory extensions", model_rva22s64 },
    { "rva23s64", "the RVA23S64 profile's mandatory extensions but H", model_rva23s64 },
    { "max", "every extension rivet implements", NULL },
};

bool isa_model(const char *name, struct isa_set *out)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
        if (strcasecmp(name, models[i].name) != 0)
            continue;
        memset(out, 0, sizeof *out);
        out->vlen = ISA_VLEN_DEFAULT;
        for (unsigned e = 0; e < EXT_COUNT; e++)
            if (!models[i].exts)
                isa_add(out, e);
        for (const uint8_t *e = models[i].exts; e && *e != END; e++)
            isa_add(out, *e);
        return true;
    }
    return false;
}

/* ---- Rules between extensions ---- */

/* `ext` is only legal together with `needs`. */
static const struct {
    uint8_t ext, needs;
} requires[] = {
    /* clang-format off */
    { EXT_D, EXT_F }, { EXT_F, EXT_ZICSR }, { EXT_ZICNTR, EXT_ZICSR }, { EXT_SSTC, EXT_ZICSR },
    { EXT_ZCB, EXT_C }, { EXT_ZCMOP, EXT_C }, { EXT_ZAWRS, EXT_A }, { EXT_ZFA, EXT_F }, { EXT_ZFHMIN, EXT_F },
    { EXT_ZFH, EXT_ZFHMIN }, { EXT_SSSTATEEN, EXT_SMSTATEEN }, { EXT_SUPM, EXT_SSNPM },
    { EXT_ZIHPM, EXT_ZICSR }, { EXT_SSCOFPMF, EXT_ZIHPM }, { EXT_V, EXT_D }, { EXT_ZVFHMIN, EXT_V },
    { EXT_ZVFH, EXT_ZVFHMIN }, { EXT_ZVFH, EXT_ZFHMIN }, { EXT_ZVBB, EXT_V }, { EXT_ZVKB, EXT_V },
    { EXT_ZVBB, EXT_ZVKB },
    /* clang-format on */
};

/* `ext` brings `implied` with it (a switch turning `implied` off then fails
 * the `requires` check below it: it needs it). */
static const struct {
    uint8_t ext, implied;
} implies[] = {
    { EXT_ZFH, EXT_ZFHMIN }, { EXT_ZVFH, EXT_ZVFHMIN },   { EXT_ZVFH, EXT_ZFHMIN }, { EXT_SSSTATEEN, EXT_SMSTATEEN },
    { EXT_SUPM, EXT_SSNPM }, { EXT_SSCOFPMF, EXT_ZIHPM }, { EXT_ZVBB, EXT_ZVKB },
};

/* Extensions a switch may not turn off, and why. */
static const struct {
    uint8_t ext;
    const char *why;
} always_on[] = {
    { EXT_I, "the base integer ISA cannot be turned off" },
    { EXT_C, "rivet always implements C (instructions are 2-byte aligned)" },
};

/* Names QEMU knows that rivet has no extension for, and why. */
static const struct {
    const char *name, *why;
} absent[] = {
    { "h", "rivet has no hypervisor extension (H) yet" },
};

/* ---- -cpu parsing ---- */

static bool fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static int ext_by_name(const char *name)
{
    for (unsigned e = 0; e < EXT_COUNT; e++)
        if (strcasecmp(name, ext_rows[e].name) == 0)
            return (int)e;
    return -1;
}

/* QEMU's boolean property spellings. */
static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = { "on", "true", "yes" }, *const no[] = { "off", "false", "no" };
    for (unsigned i = 0; i < 3; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* A name QEMU knows and rivet has nothing for: "v=off" and "h=off" say what
 * is already so; anything else is refused with the reason. */
static bool apply_absent(const char *name, const char *value, bool *known, char *err, size_t errlen)
{
    bool on;
    *known = false;
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        if (strcasecmp(name, absent[i].name) != 0)
            continue;
        *known = true;
        if (!name[1] && parse_bool(value, &on) && !on)
            return true;
        return fail(err, errlen, "-cpu: %s=%s: %s", name, value, absent[i].why);
    }
    return false;
}

/* The vector parameters: vlen=N, elen=64 and vext_spec=v1.0 (QEMU's
 * spellings). Sets *known when name is one of them. */
static bool apply_vector_option(const char *name, const char *value, struct isa_set *s, bool *known, char *err,
                                size_t errlen)
{
    char *end;
    *known = true;
    if (strcasecmp(name, "vlen") == 0) {
        unsigned long n = strtoul(value, &end, 10);
        if (!*value || *end || n < ISA_VLEN_MIN || n > ISA_VLEN_MAX || (n & (n - 1)))
            return fail(err, errlen, "-cpu: vlen=%s: VLEN must be 128, 256, 512 or 1024", value);
        s->vlen = (uint16_t)n;
        return true;
    }
    if (strcasecmp(name, "elen") == 0)
        return strcmp(value, "64") == 0 || fail(err, errlen, "-cpu: elen=%s: rivet's ELEN is 64", value);
    if (strcasecmp(name, "vext_spec") == 0)
        return strcasecmp(value, "v1.0") == 0 || fail(err, errlen, "-cpu: vext_spec=%s: rivet implements v1.0", value);
    *known = false;
    return false;
}

/* One NAME=VALUE switch, item[0..len), applied to *s. */
static bool apply_switch(const char *item, size_t len, struct isa_set *s, char *err, size_t errlen)
{
    char buf[64], *eq;
    bool on, known;
    snprintf(buf, sizeof buf, "%.*s", (int)len, item);
    if (!(eq = strchr(buf, '=')))
        return fail(err, errlen, "-cpu: '%s': expected NAME=on or NAME=off", buf);
    *eq = '\0';
    const char *value = eq + 1;
    int e = ext_by_name(buf);
    if (e < 0) {
        bool ok = apply_vector_option(buf, value, s, &known, err, errlen);
        if (known)
            return ok;
        ok = apply_absent(buf, value, &known, err, errlen);
        if (known)
            return ok;
        return fail(err, errlen, "-cpu: unknown extension '%s' (rivet -cpu help lists them)", buf);
    }
    if (!parse_bool(value, &on))
        return fail(err, errlen, "-cpu: %s: bad value '%s' (on or off)", buf, value);
    for (size_t i = 0; i < sizeof always_on / sizeof always_on[0]; i++)
        if (!on && e == always_on[i].ext)
            return fail(err, errlen, "-cpu: %s=%s: %s", buf, value, always_on[i].why);
    if (!on) {
        isa_del(s, (enum isa_ext)e);
        return true;
    }
    isa_add(s, (enum isa_ext)e);
    for (size_t i = 0; i < sizeof implies / sizeof implies[0]; i++)
        if (implies[i].ext == e)
            isa_add(s, implies[i].implied);
    return true;
}

static bool check_rules(const struct isa_set *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof requires / sizeof requires[0]; i++)
        if (isa_has(s, requires[i].ext) && !isa_has(s, requires[i].needs))
            return fail(err, errlen, "-cpu: %s needs %s, which is off", ext_rows[requires[i].ext].name,
                        ext_rows[requires[i].needs].name);
    return true;
}

bool isa_parse_cpu(const char *spec, struct isa_set *out, char *err, size_t errlen)
{
    size_t n = strcspn(spec, ",");
    char model[32];
    snprintf(model, sizeof model, "%.*s", (int)n, spec);
    if (n == 0 || n >= sizeof model || !isa_model(model, out))
        return fail(err, errlen, "-cpu: unknown CPU model '%.*s' (rivet -cpu help lists them)", (int)n, spec);
    for (const char *p = spec + n; *p;) {
        p++; /* the comma */
        size_t len = strcspn(p, ",");
        if (len && !apply_switch(p, len, out, err, errlen))
            return false;
        p += len;
    }
    return check_rules(out, err, errlen);
}

void isa_help(FILE *out)
{
    fprintf(out, "CPU models (-cpu MODEL[,EXTENSION=on|off]...):\n");
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        fprintf(out, "  %-14s %s\n", models[i].name, models[i].what);
    fprintf(out, "Extensions:\n");
    for (unsigned e = 0; e < EXT_COUNT; e++)
        fprintf(out, "  %-14s %s\n", ext_rows[e].name, ext_rows[e].what);
}

/* ---- misa and ISA strings ---- */

#define MISA_MXL_SHIFT 62

uint64_t isa_misa(const struct isa_set *s)
{
    static const struct {
        uint8_t ext;
        char letter;
    } letters[] = { { EXT_I, 'I' }, { EXT_M, 'M' }, { EXT_A, 'A' }, { EXT_F, 'F' },
                    { EXT_D, 'D' }, { EXT_C, 'C' }, { EXT_V, 'V' } };
    uint64_t misa = ((uint64_t)XLEN_64 << MISA_MXL_SHIFT) | MISA_EXT('S') | MISA_EXT('U');
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (isa_has(s, letters[i].ext))
            misa |= MISA_EXT(letters[i].letter);
    return misa;
}

/* Canonical order of single-letter extensions, which is also the order of
 * Z-extension categories (their second letter). */
static const char canonical[] = "iemafdqlcbkjtpvh";

/* Sort key: single letters by canonical order, then Z by category and name,
 * then S by name, then anything else by name. */
static int rank(const char *name)
{
    const char *c;
    if (!name[1])
        return (c = strchr(canonical, name[0])) ? (int)(c - canonical) : 100;
    if (name[0] == 'z')
        return 200 + ((c = strchr(canonical, name[1])) ? (int)(c - canonical) : 100);
    return name[0] == 's' ? 400 : 500;
}

static int compare_ext(const void *a, const void *b)
{
    const char *x = ext_rows[*(const uint8_t *)a].name, *y = ext_rows[*(const uint8_t *)b].name;
    int rx = rank(x), ry = rank(y);
    return rx != ry ? rx - ry : strcmp(x, y);
}

/* The set's extensions in canonical order; returns how many. */
static unsigned sorted(const struct isa_set *s, uint8_t order[EXT_COUNT])
{
    unsigned n = 0;
    for (unsigned e = 0; e < EXT_COUNT; e++)
        if (isa_has(s, e))
            order[n++] = (uint8_t)e;
    qsort(order, n, sizeof order[0], compare_ext);
    return n;
}

/* Appends text to buf[*used..len), keeping it NUL-terminated; counts all. */
static void append(char *buf, size_t len, size_t *used, const char *text, size_t n)
{
    if (*used < len) {
        size_t room = len - *used - 1, k = n < room ? n : room;
        memcpy(buf + *used, text, k);
        buf[*used + k] = '\0';
    }
    *used += n;
}

size_t isa_string(const struct isa_set *s, char *buf, size_t len)
{
    uint8_t order[EXT_COUNT];
    unsigned n = sorted(s, order);
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    append(buf, len, &used, "rv64", 4);
    for (unsigned i = 0; i < n; i++) {
        const char *name = ext_rows[order[i]].name;
        if (name[1])
            append(buf, len, &used, "_", 1);
        append(buf, len, &used, name, strlen(name));
    }
    return used + 1;
}

size_t isa_name_list(const struct isa_set *s, char *buf, size_t len)
{
    uint8_t order[EXT_COUNT];
    unsigned n = sorted(s, order);
    size_t used = 0;
    for (unsigned i = 0; i < n; i++) {
        const char *name = ext_rows[order[i]].name;
        size_t k = strlen(name) + 1;
        if (used + k <= len)
            memcpy(buf + used, name, k);
        used += k;
    }
    return used;
}
