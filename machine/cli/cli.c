/*
 * Command-line parser: see cli.h.
 */
#include "machine/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cpu/isa.h"
#include "devices/framebuffer.h"
#include "machine/board/board.h"
#include "machine/debug/monitor.h"
#include "rivet/errfmt.h"

enum flag_id {
    /* clang-format off */
    F_MACHINE, F_CPU, F_OBJECT, F_NETDEV, F_NIC, F_NET, F_BIOS, F_KERNEL, F_INITRD, F_APPEND, F_DTB, F_MEM, F_SMP, F_NOGRAPHIC,
    F_SERIAL, F_DISPLAY, F_NO_REBOOT, F_SNAPSHOT, F_LOADVM, F_DRIVE, F_PFLASH, F_DEVICE, F_GLOBAL,
    F_TRACE, F_TIMEOUT, F_MAX_INSNS, F_STATS, F_JIT, F_PERFMAP, F_ACCEL, F_HELP, F_VERSION,
    /* Debugging and determinism (apply_debug). */
    F_GDB, F_GDB_DEFAULT, F_GDB_PORT, F_GDB_WAIT, F_ICOUNT, F_RTC, F_EXPECT_SCRIPT, F_CONSOLE_LOG,
    F_MONITOR, F_QMP,
    /* clang-format on */
    /* The window and its framebuffer (apply_display). */
    F_FB,
    F_SCREENSHOT,
    /* The test harness (apply_harness). */
    /* clang-format off */
    F_SEMIHOSTING, F_SEMIHOSTING_CONFIG, F_SEMIHOSTING_ROOT, F_SIGNATURE, F_SIGNATURE_GRANULARITY, F_LOG_ITEMS,
    F_LOG_FILE, F_STUCK,
    /* clang-format on */
};

enum flag_arg { ARG_NONE, ARG_REQUIRED, ARG_EQ_ONLY };

struct flag {
    const char *name; /* without dashes */
    enum flag_id id;
    enum flag_arg arg;
};

static const struct flag flags[] = {
    { "machine", F_MACHINE, ARG_REQUIRED },
    { "M", F_MACHINE, ARG_REQUIRED },
    { "cpu", F_CPU, ARG_REQUIRED },
    /* clang-format off */
    { "bios", F_BIOS, ARG_REQUIRED },         { "kernel", F_KERNEL, ARG_REQUIRED },
    { "initrd", F_INITRD, ARG_REQUIRED },     { "append", F_APPEND, ARG_REQUIRED },
    { "dtb", F_DTB, ARG_REQUIRED },
    { "m", F_MEM, ARG_REQUIRED },             { "smp", F_SMP, ARG_REQUIRED },
    { "nographic", F_NOGRAPHIC, ARG_NONE },   { "serial", F_SERIAL, ARG_REQUIRED },
    { "display", F_DISPLAY, ARG_REQUIRED },   { "no-reboot", F_NO_REBOOT, ARG_NONE },
    { "snapshot", F_SNAPSHOT, ARG_NONE },     { "drive", F_DRIVE, ARG_REQUIRED },
    { "loadvm", F_LOADVM, ARG_REQUIRED },     { "pflash", F_PFLASH, ARG_REQUIRED },
    { "device", F_DEVICE, ARG_REQUIRED },     { "global", F_GLOBAL, ARG_REQUIRED },
    { "object", F_OBJECT, ARG_REQUIRED },     { "netdev", F_NETDEV, ARG_REQUIRED },
    { "nic", F_NIC, ARG_REQUIRED },           { "net", F_NET, ARG_REQUIRED },
    { "trace", F_TRACE, ARG_EQ_ONLY },
    { "timeout", F_TIMEOUT, ARG_REQUIRED },   { "max-insns", F_MAX_INSNS, ARG_REQUIRED },
    { "stats", F_STATS, ARG_NONE },           { "jit", F_JIT, ARG_REQUIRED },
    { "perfmap", F_PERFMAP, ARG_NONE },
    { "h", F_HELP, ARG_NONE },                { "help", F_HELP, ARG_NONE },
    { "version", F_VERSION, ARG_NONE },
    { "gdb", F_GDB, ARG_REQUIRED },           { "s", F_GDB_DEFAULT, ARG_NONE },
    { "S", F_GDB_WAIT, ARG_NONE },            { "p", F_GDB_PORT, ARG_REQUIRED },
    /* clang-format on */
    { "icount", F_ICOUNT, ARG_REQUIRED },
    { "rtc", F_RTC, ARG_REQUIRED },
    { "expect-script", F_EXPECT_SCRIPT, ARG_REQUIRED },
    { "console-log", F_CONSOLE_LOG, ARG_REQUIRED },
    { "fb", F_FB, ARG_REQUIRED },
    { "screenshot-on-exit", F_SCREENSHOT, ARG_REQUIRED },
    { "semihosting", F_SEMIHOSTING, ARG_NONE },
    { "semihosting-config", F_SEMIHOSTING_CONFIG, ARG_REQUIRED },
    { "semihosting-root", F_SEMIHOSTING_ROOT, ARG_REQUIRED },
    /* clang-format off */
    { "signature", F_SIGNATURE, ARG_REQUIRED }, { "signature-granularity", F_SIGNATURE_GRANULARITY, ARG_REQUIRED },
    { "d", F_LOG_ITEMS, ARG_REQUIRED },       { "D", F_LOG_FILE, ARG_REQUIRED },
    { "stuck", F_STUCK, ARG_REQUIRED },       { "accel", F_ACCEL, ARG_REQUIRED },
    { "monitor", F_MONITOR, ARG_REQUIRED },   { "qmp", F_QMP, ARG_REQUIRED },
    /* clang-format on */
};

/* A -device (or -nic), kept in command-line order until the slots are
 * resolved. */
struct pending_device {
    const struct board_virtio_type *type; /* its row: name, backend option, options (board.h) */
    enum board_backend kind;              /* type->backend: how it is attached */
    char *ref;                            /* the drive= (blk), rng= (rng, NULL: built-in source) or netdev= (net) id */
    char *mac;                            /* net: mac=, or NULL */
    int bus;                              /* virtio-mmio-bus.N, or -1 for "the next free one" */
    int addr;                             /* a -pci device's addr= slot, or -1 for the next free one */
};

/* A -netdev user (or -nic user), until a -device names it. */
#define CLI_MAX_NETDEVS 2
struct pending_netdev {
    char *id;
    bool restrict_guest;
    unsigned nhostfwd;
    char *hostfwd[RIVET_MAX_HOSTFWD];
};

/* An -object rng-random or rng-builtin, until a -device names it. */
#define CLI_MAX_OBJECTS 4
struct pending_object {
    char *id;
    char *filename; /* rng-random's file; NULL for rng-builtin */
};

/* What the parser has seen, beyond the options themselves. */
struct parse_state {
    struct cli_options *o;
    const char *bios;
    bool gdb_s;           /* -s given */
    const char *gdb_port; /* old QEMU's -p PORT */
    bool nographic;       /* -nographic given */
    bool monitor_given;   /* -monitor given (none included) */
    char *err;
    size_t errlen;
    unsigned ndevices;
    struct pending_device devices[RIVET_DEV_SLOTS];
    unsigned nobjects;
    struct pending_object objects[CLI_MAX_OBJECTS];
    unsigned nnetdevs;
    struct pending_netdev netdevs[CLI_MAX_NETDEVS];
};

static enum cli_result usage_error(struct parse_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum cli_result usage_error(struct parse_state *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vformat(st->err, st->errlen, fmt, ap);
    va_end(ap);
    return CLI_ERROR;
}

/* Decimal digits only, no sign, no overflow. */
static bool parse_u64(const char *s, uint64_t *v)
{
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *v = x;
    return true;
}

bool cli_parse_size(const char *s, uint64_t *bytes)
{
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno)
        return false;
    unsigned shift;
    switch (*end) {
    case '\0': shift = 20; break; /* QEMU: a plain number is MiB */
    case 'k':
    case 'K': shift = 10; break;
    case 'm':
    case 'M': shift = 20; break;
    case 'g':
    case 'G': shift = 30; break;
    case 't':
    case 'T': shift = 40; break;
    default: return false;
    }
    if (*end && end[1])
        return false;
    if (n > (UINT64_MAX >> shift))
        return false;
    *bytes = (uint64_t)n << shift;
    return true;
}

/* The smallest RAM the board boots in: the device tree goes at the last
 * 2 MiB boundary below the end of RAM (as QEMU places it), which must lie
 * above RAM's first 2 MiB, with room for the tree (well under 1 MiB). */
#define CLI_MIN_RAM (3ull << 20)

static enum cli_result set_mem(struct parse_state *st, const char *flag, const char *v)
{
    uint64_t bytes;
    if (!cli_parse_size(v, &bytes))
        return usage_error(st, "%s: bad size '%s' (a number of MiB, or with a K/M/G suffix)", flag, v);
    if (bytes < CLI_MIN_RAM || bytes % 4096)
        return usage_error(st,
                           "%s: RAM size '%s' must be at least 3M (the device tree goes above the first "
                           "2 MiB) and a multiple of 4K",
                           flag, v);
    st->o->cfg.ram_size = bytes;
    return CLI_RUN;
}

static bool next_item(const char **s, char *key, size_t keylen, char **val);
static enum cli_result no_memory(struct parse_state *st);

/* -smp's topology (QEMU 7.2's documented rules, qemu-options "-smp"):
 * values not given are 0 until computed. */
struct smp_topo {
    uint64_t cpus, maxcpus, sockets, dies, clusters, cores, threads;
};

static enum cli_result smp_item(struct parse_state *st, const char *flag, struct smp_topo *t, const char *key,
                                const char *val, bool first)
{
    static const struct {
        const char *name;
        size_t off;
    } keys[] = {
        { "cpus", offsetof(struct smp_topo, cpus) },         { "maxcpus", offsetof(struct smp_topo, maxcpus) },
        { "sockets", offsetof(struct smp_topo, sockets) },   { "dies", offsetof(struct smp_topo, dies) },
        { "clusters", offsetof(struct smp_topo, clusters) }, { "cores", offsetof(struct smp_topo, cores) },
        { "threads", offsetof(struct smp_topo, threads) },
    };
    const char *name = first && !key[0] ? "cpus" : key;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(name, keys[i].name))
            continue;
        uint64_t *slot = (uint64_t *)((char *)t + keys[i].off), n;
        /* QEMU: "explicit configuration like cpus=0 is not allowed". */
        if (!parse_u64(val, &n) || n == 0 || n > 1024)
            return usage_error(st, "%s: bad value '%s' for %s (a number from 1)", flag, val, name);
        *slot = n;
        return CLI_RUN;
    }
    return usage_error(st, "%s: unsupported option '%s'", flag, key[0] ? key : val);
}

/* Fills in what was not given, as QEMU 7.2 documents it ("values for any
 * omitted parameters will be computed from those which are given"; since
 * 6.2 cores are preferred over sockets; threads last). Without a CPU count
 * the count is the topology's product. rivet has no CPU hotplug: maxcpus
 * must equal cpus. */
static enum cli_result smp_resolve(struct parse_state *st, const char *flag, struct smp_topo *t)
{
    if ((t->dies && t->dies != 1) || (t->clusters && t->clusters != 1))
        return usage_error(st, "%s: %s not supported by the virt board (only 1)", flag,
                           t->dies && t->dies != 1 ? "dies" : "clusters");
    uint64_t known = t->maxcpus ? t->maxcpus : t->cpus;
    if (!known) {
        t->sockets = t->sockets ? t->sockets : 1;
        t->cores = t->cores ? t->cores : 1;
        t->threads = t->threads ? t->threads : 1;
    } else if (!t->cores) {
        t->sockets = t->sockets ? t->sockets : 1;
        t->threads = t->threads ? t->threads : 1;
        t->cores = known / (t->sockets * t->threads);
    } else if (!t->sockets) {
        t->threads = t->threads ? t->threads : 1;
        t->sockets = known / (t->cores * t->threads);
    }
    if (!t->threads)
        t->threads = known / (t->sockets * t->cores);
    uint64_t product = t->sockets * t->cores * t->threads;
    if (!t->maxcpus)
        t->maxcpus = t->cpus ? t->cpus : product;
    if (!t->cpus)
        t->cpus = t->maxcpus;
    if (product != t->maxcpus)
        return usage_error(st,
                           "%s: the topology's product, sockets (%llu) * cores (%llu) * threads (%llu) = %llu, "
                           "is not the %llu harts asked for",
                           flag, (unsigned long long)t->sockets, (unsigned long long)t->cores,
                           (unsigned long long)t->threads, (unsigned long long)product, (unsigned long long)t->maxcpus);
    if (t->maxcpus != t->cpus)
        return usage_error(st, "%s: maxcpus=%llu differs from cpus=%llu; rivet has no CPU hotplug", flag,
                           (unsigned long long)t->maxcpus, (unsigned long long)t->cpus);
    return CLI_RUN;
}

/* -smp [cpus=]N[,maxcpus=N][,sockets=N][,dies=1][,clusters=1][,cores=N][,threads=N] */
static enum cli_result set_smp(struct parse_state *st, const char *flag, const char *v)
{
    struct smp_topo t = { 0 };
    char key[32], *val;
    enum cli_result r = CLI_RUN;
    for (bool first = true; r == CLI_RUN && *v; first = false) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        r = smp_item(st, flag, &t, key, val, first);
        free(val);
    }
    if (r == CLI_RUN && !t.cpus && !t.maxcpus && !t.sockets && !t.cores && !t.threads)
        r = usage_error(st, "%s: no CPU count or topology given", flag);
    if (r == CLI_RUN)
        r = smp_resolve(st, flag, &t);
    if (r == CLI_RUN && t.cpus > RIVET_MAX_HARTS)
        r = usage_error(st, "%s: %llu harts requested; rivet supports 1 to %d", flag, (unsigned long long)t.cpus,
                        RIVET_MAX_HARTS);
    if (r == CLI_RUN)
        st->o->cfg.nharts = (unsigned)t.cpus;
    return r;
}

static enum cli_result set_timeout(struct parse_state *st, const char *flag, const char *v)
{
    errno = 0;
    char *end;
    double t = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(t) || !(t > 0))
        return usage_error(st, "%s: bad time '%s' (a positive number of seconds)", flag, v);
    st->o->cfg.timeout = t;
    return CLI_RUN;
}

static enum cli_result set_max_insns(struct parse_state *st, const char *flag, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n == 0)
        return usage_error(st, "%s: bad number '%s' (a positive count of instructions)", flag, v);
    st->o->cfg.max_insns = n;
    return CLI_RUN;
}

/* QEMU option lists: "key=value,key=value", a bare first item allowed, and
 * ",," standing for a comma inside a value. One item at a time: *key gets the
 * key ("" for a bare item), *val a malloc'd, unescaped value. */
static bool next_item(const char **s, char *key, size_t keylen, char **val)
{
    const char *p = *s;
    const char *eq = p;
    while (*eq && *eq != '=' && *eq != ',')
        eq++;
    key[0] = '\0';
    if (*eq == '=') {
        snprintf(key, keylen, "%.*s", (int)(eq - p), p);
        p = eq + 1;
    }
    char *out = malloc(strlen(p) + 1);
    if (!out)
        return false;
    size_t n = 0;
    while (*p && !(*p == ',' && p[1] != ',')) {
        if (*p == ',')
            p++; /* ",," -> "," */
        out[n++] = *p++;
    }
    out[n] = '\0';
    *s = *p ? p + 1 : p;
    *val = out;
    return true;
}

static enum cli_result no_memory(struct parse_state *st) { return usage_error(st, "out of memory parsing options"); }

static enum cli_result set_on_off(struct parse_state *st, const char *flag, const char *key, const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
        *out = false;
    else
        return usage_error(st, "%s: %s: bad value '%s' (on or off)", flag, key, v);
    return CLI_RUN;
}

/* -machine virt[,dumpdtb=FILE] */
static enum cli_result set_machine(struct parse_state *st, const char *flag, const char *v)
{
    char key[32], *val;
    enum cli_result r = CLI_RUN;
    bool first = true;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        if ((first && !key[0]) || !strcmp(key, "type")) {
            if (strcmp(val, "virt") != 0)
                r = usage_error(st, "%s: unsupported machine '%s' (only 'virt')", flag, val);
        } else if (!strcmp(key, "dumpdtb")) {
            free(st->o->dumpdtb);
            st->o->dumpdtb = val;
            val = NULL;
        } else {
            r = usage_error(st, "%s: unsupported machine option '%s'", flag, key[0] ? key : val);
        }
        free(val);
        first = false;
    }
    return r;
}

/* -cpu MODEL[,EXT=on|off]... or -cpu help; checked here so that a bad one is
 * refused before anything starts (rivet_create parses it again). */
static enum cli_result set_cpu(struct parse_state *st, const char *v)
{
    struct isa_set isa;
    if (strcasecmp(v, "help") == 0)
        return CLI_CPU_HELP;
    if (!isa_parse_cpu(v, &isa, st->err, st->errlen))
        return CLI_ERROR;
    st->o->cfg.cpu = v;
    return CLI_RUN;
}

static enum cli_result drive_item(struct parse_state *st, struct cli_drive *d, const char *key, char **val)
{
    if (!strcmp(key, "file")) {
        free(d->file);
        d->file = *val;
        *val = NULL;
    } else if (!strcmp(key, "id")) {
        free(d->id);
        d->id = *val;
        *val = NULL;
    } else if (!strcmp(key, "if")) {
        if (strcmp(*val, "none") && strcmp(*val, "virtio") && strcmp(*val, "pflash"))
            return usage_error(st, "-drive: unsupported interface if=%s (none, virtio or pflash)", *val);
        d->virtio = !strcmp(*val, "virtio");
        d->pflash = !strcmp(*val, "pflash");
    } else if (!strcmp(key, "unit") || !strcmp(key, "index")) {
        char *end;
        unsigned long u = strtoul(*val, &end, 0);
        if (!**val || *end || u >= RIVET_PFLASH_BANKS)
            return usage_error(st, "-drive: %s=%s: the virt board's flash banks are units 0 and 1", key, *val);
        d->unit = (int)u;
    } else if (!strcmp(key, "format")) {
        if (strcmp(*val, "raw"))
            return usage_error(st, "-drive: unsupported format '%s' (only raw)", *val);
    } else if (!strcmp(key, "media")) {
        if (strcmp(*val, "disk"))
            return usage_error(st, "-drive: unsupported media '%s' (only disk)", *val);
    } else if (!strcmp(key, "readonly")) {
        return set_on_off(st, "-drive", key, *val, &d->readonly);
    } else {
        return usage_error(st, "-drive: unsupported option '%s'", key[0] ? key : *val);
    }
    return CLI_RUN;
}

/* -drive file=F[,if=none|virtio|pflash][,format=raw][,id=ID][,readonly=on|off]
 * [,unit=N]; no if= means virtio, so a bare "-drive file=F" gives the guest a
 * disk. */
static enum cli_result set_drive(struct parse_state *st, const char *v)
{
    struct cli_options *o = st->o;
    if (o->ndrives >= CLI_MAX_DRIVES)
        return usage_error(st, "-drive: too many drives (at most %d)", CLI_MAX_DRIVES);
    struct cli_drive *d = &o->drives[o->ndrives++];
    d->virtio = true;
    d->unit = -1;
    char key[32], *val;
    enum cli_result r = CLI_RUN;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        r = drive_item(st, d, key, &val);
        free(val);
    }
    if (r == CLI_RUN && !d->file)
        r = usage_error(st, "-drive: no file= given");
    if (r == CLI_RUN && !d->file[0])
        r = usage_error(st, "-drive: file= is empty");
    if (r == CLI_RUN && !d->virtio && !d->pflash && !d->id)
        r = usage_error(st, "-drive: if=none needs an id= for -device");
    if (r == CLI_RUN && !d->pflash && d->unit >= 0)
        r = usage_error(st, "-drive: unit= is for if=pflash only");
    for (unsigned i = 0; r == CLI_RUN && d->id && i + 1 < o->ndrives; i++)
        if (o->drives[i].id && !strcmp(o->drives[i].id, d->id))
            r = usage_error(st, "-drive: duplicate id '%s'", d->id);
    return r;
}

/* -pflash F: -drive if=pflash,format=raw,file=F (F taken whole, commas and all). */
static enum cli_result set_pflash(struct parse_state *st, const char *v)
{
    struct cli_options *o = st->o;
    if (o->ndrives >= CLI_MAX_DRIVES)
        return usage_error(st, "-pflash: too many drives (at most %d)", CLI_MAX_DRIVES);
    if (!*v)
        return usage_error(st, "-pflash: the file name is empty");
    char *file = strdup(v);
    if (!file)
        return no_memory(st);
    o->drives[o->ndrives++] = (struct cli_drive){ .file = file, .pflash = true, .unit = -1 };
    return CLI_RUN;
}

/* The -device names the board table has (board.h), for an error message. */
static void device_names(char *buf, size_t len)
{
    unsigned n, used = 0;
    const struct board_virtio_type *t = board_virtio_types(&n);
    buf[0] = 0;
    for (unsigned i = 0; i < n; i++)
        if (t[i].name && used < len)
            used += (unsigned)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", t[i].name);
}

/* Whether a -device kind takes option key besides bus= and its backend's. */
static bool takes_option(const struct board_virtio_type *t, const char *key)
{
    for (const char *const *o = t->options; o && *o; o++)
        if (!strcmp(*o, key))
            return true;
    return false;
}

/* A -pci device's addr=SLOT[.0] (hex, QEMU's spelling; function 0 only)
 * or bus=pcie.0. */
static enum cli_result pci_item(struct parse_state *st, struct pending_device *d, const char *key, const char *val)
{
    if (!strcmp(key, "bus")) {
        if (strcmp(val, "pcie.0"))
            return usage_error(st, "-device %s: no bus '%s' (pcie.0)", d->type->name, val);
        return CLI_RUN;
    }
    if (strcmp(key, "addr"))
        return usage_error(st, "-device %s: unsupported option '%s'", d->type->name, key[0] ? key : val);
    char *end;
    errno = 0;
    unsigned long n = strtoul(val, &end, 16);
    if (end != val && !strcmp(end, ".0"))
        end += 2;
    if (!isxdigit((unsigned char)val[0]) || *end || errno || n == 0 || n >= RIVET_PCI_SLOTS)
        return usage_error(st, "-device %s: bad addr '%s' (a PCI slot 1 to 0x%x, function 0: like addr=0x3 or 03.0)",
                           d->type->name, val, RIVET_PCI_SLOTS - 1);
    d->addr = (int)n;
    return CLI_RUN;
}

static enum cli_result device_item(struct parse_state *st, struct pending_device *d, const char *key, char **val)
{
    static const char bus_prefix[] = "virtio-mmio-bus.";
    if ((d->type->ref_key && !strcmp(key, d->type->ref_key)) || takes_option(d->type, key)) {
        char **slot = !strcmp(key, "mac") ? &d->mac : &d->ref;
        free(*slot);
        *slot = *val;
        *val = NULL;
        return CLI_RUN;
    }
    if (d->type->pci)
        return pci_item(st, d, key, *val);
    if (strcmp(key, "bus"))
        return usage_error(st, "-device: unsupported option '%s'", key[0] ? key : *val);
    const char *n = *val + sizeof bus_prefix - 1;
    if (strncmp(*val, bus_prefix, sizeof bus_prefix - 1) || n[0] < '0' || n[0] >= '0' + RIVET_VIRTIO_SLOTS || n[1])
        return usage_error(st, "-device: no bus '%s' (virtio-mmio-bus.0 to .%d)", *val, RIVET_VIRTIO_SLOTS - 1);
    d->bus = n[0] - '0';
    return CLI_RUN;
}

static struct pending_device *new_device(struct parse_state *st, const char *name, enum cli_result *r)
{
    const struct board_virtio_type *type = board_virtio_lookup(name);
    if (st->ndevices >= RIVET_DEV_SLOTS) {
        *r = usage_error(st, "-device: more than %d devices", RIVET_DEV_SLOTS);
        return NULL;
    }
    struct pending_device *d = &st->devices[st->ndevices++];
    d->type = type;
    d->kind = type->backend;
    d->bus = -1;
    d->addr = -1;
    return d;
}

/* -device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N]
 * -device virtio-rng-device[,rng=ID][,bus=virtio-mmio-bus.N]
 * -device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N] */
static enum cli_result set_device(struct parse_state *st, const char *v)
{
    char key[32], *val;
    if (!next_item(&v, key, sizeof key, &val))
        return no_memory(st);
    enum cli_result r = CLI_RUN;
    if (key[0] || !board_virtio_lookup(val)) {
        char names[256];
        device_names(names, sizeof names);
        r = usage_error(st, "-device: unsupported device '%s' (%s)", val, names);
    }
    struct pending_device *d = r == CLI_RUN ? new_device(st, val, &r) : NULL;
    free(val);
    if (!d)
        return r;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        r = device_item(st, d, key, &val);
        free(val);
    }
    if (r == CLI_RUN && d->type->ref_required && !d->ref)
        r = usage_error(st, "-device %s: no %s= given", d->type->name, d->type->ref_key);
    return r;
}

static struct pending_netdev *new_netdev(struct parse_state *st, const char *flag, enum cli_result *r)
{
    if (st->nnetdevs >= CLI_MAX_NETDEVS) {
        *r = usage_error(st, "%s: more than %d networks", flag, CLI_MAX_NETDEVS);
        return NULL;
    }
    return &st->netdevs[st->nnetdevs++];
}

/* One hostfwd= of a -netdev user or -nic user. */
static enum cli_result add_hostfwd(struct parse_state *st, const char *flag, struct pending_netdev *nd, char **val)
{
    if (nd->nhostfwd == RIVET_MAX_HOSTFWD)
        return usage_error(st, "%s: more than %d hostfwd rules", flag, RIVET_MAX_HOSTFWD);
    nd->hostfwd[nd->nhostfwd++] = *val;
    *val = NULL;
    return CLI_RUN;
}

/* -netdev user,id=ID[,hostfwd=RULE]...[,restrict=on|off]
 * -nic user[,model=virtio-net-device][,mac=MAC][,hostfwd=RULE]... | -nic none
 * (-nic is a -netdev and its -device in one). */
#define NET_HUB_ID "hub0" /* where -net nic and -net user meet */

static enum cli_result set_netdev(struct parse_state *st, const char *flag, const char *v);

/* QEMU's older -net: "-net nic[,model=virtio-net-device][,macaddr=MAC]"
 * and "-net user[,hostfwd=RULE]...[,restrict=on|off]" meet on hub 0 as a
 * card on a network; "-net none" asks for no network (rivet adds none). */
static enum cli_result set_net(struct parse_state *st, const char *v)
{
    const char *rest = strchr(v, ',');
    size_t kind_len = rest ? (size_t)(rest - v) : strlen(v);
    if (kind_len == 4 && !strncmp(v, "none", 4))
        return rest ? usage_error(st, "-net none takes no options") : CLI_RUN;
    if (kind_len == 4 && !strncmp(v, "user", 4)) {
        for (unsigned i = 0; i < st->nnetdevs; i++)
            if (!strcmp(st->netdevs[i].id, NET_HUB_ID))
                return usage_error(st, "-net user: only one is supported");
        char *spec = malloc(strlen(v) + sizeof ",id=" NET_HUB_ID);
        if (!spec)
            return no_memory(st);
        sprintf(spec, "%s,id=%s", v, NET_HUB_ID);
        enum cli_result r = set_netdev(st, "-net", spec);
        free(spec);
        return r;
    }
    if (kind_len != 3 || strncmp(v, "nic", 3))
        return usage_error(st, "-net: unsupported '%.*s' (nic, user or none)", (int)kind_len, v);
    enum cli_result r = CLI_RUN;
    struct pending_device *d = new_device(st, "virtio-net-device", &r);
    if (!d)
        return r;
    if (!(d->ref = strdup(NET_HUB_ID)))
        return no_memory(st);
    v = rest ? rest + 1 : "";
    char key[32], *val;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        if (!strcmp(key, "macaddr")) {
            free(d->mac);
            d->mac = val;
            val = NULL;
        } else if (!strcmp(key, "model")) {
            if (strcmp(val, "virtio-net-device") && strcmp(val, "virtio"))
                r = usage_error(st, "-net nic: unsupported model '%s' (virtio-net-device)", val);
        } else {
            r = usage_error(st, "-net nic: unsupported option '%s'", key[0] ? key : val);
        }
        free(val);
    }
    return r;
}

static enum cli_result set_netdev(struct parse_state *st, const char *flag, const char *v)
{
    bool nic = !strcmp(flag, "-nic");
    char key[32], *val;
    if (!next_item(&v, key, sizeof key, &val))
        return no_memory(st);
    bool user = !key[0] && !strcmp(val, "user"), none = nic && !key[0] && !strcmp(val, "none");
    enum cli_result r =
        user || none ? CLI_RUN
                     : usage_error(st, "%s: unsupported network '%s' (only user%s)", flag, val, nic ? " or none" : "");
    free(val);
    if (r != CLI_RUN || none)
        return r;
    struct pending_netdev *nd = new_netdev(st, flag, &r);
    struct pending_device *d = nd && nic ? new_device(st, "virtio-net-device", &r) : NULL;
    if (!nd || (nic && !d))
        return r;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        if (!strcmp(key, "hostfwd")) {
            r = add_hostfwd(st, flag, nd, &val);
        } else if (!strcmp(key, "restrict")) {
            r = set_on_off(st, flag, "restrict", val, &nd->restrict_guest);
        } else if (!nic && !strcmp(key, "id")) {
            free(nd->id);
            nd->id = val;
            val = NULL;
        } else if (nic && !strcmp(key, "mac")) {
            free(d->mac);
            d->mac = val;
            val = NULL;
        } else if (nic && !strcmp(key, "model")) {
            if (strcmp(val, "virtio-net-device") && strcmp(val, "virtio"))
                r = usage_error(st, "-nic: unsupported model '%s' (virtio-net-device)", val);
        } else {
            r = usage_error(st, "%s user: unsupported option '%s'", flag, key[0] ? key : val);
        }
        free(val);
    }
    if (r == CLI_RUN && nic) {
        char id[32];
        snprintf(id, sizeof id, "nic%u", st->nnetdevs - 1); /* a -netdev with this id is refused below */
        if (!(nd->id = strdup(id)) || !(d->ref = strdup(id)))
            return no_memory(st);
    }
    if (r == CLI_RUN && !nd->id)
        r = usage_error(st, "-netdev: no id= given");
    for (unsigned i = 0; r == CLI_RUN && i + 1 < st->nnetdevs; i++)
        if (!strcmp(st->netdevs[i].id, nd->id))
            r = usage_error(st, "%s: duplicate id '%s'", flag, nd->id);
    return r;
}

/* -object rng-random,id=ID[,filename=FILE] (default /dev/urandom) or
 * -object rng-builtin,id=ID: entropy sources for virtio-rng-device,rng=ID. */
static enum cli_result set_object(struct parse_state *st, const char *v)
{
    char key[32], *val;
    if (!next_item(&v, key, sizeof key, &val))
        return no_memory(st);
    bool random = !key[0] && !strcmp(val, "rng-random"), builtin = !key[0] && !strcmp(val, "rng-builtin");
    enum cli_result r = random || builtin ? CLI_RUN
                                          : usage_error(st,
                                                        "-object: unsupported object '%s' (rng-random, "
                                                        "rng-builtin)",
                                                        val);
    free(val);
    if (r == CLI_RUN && st->nobjects >= CLI_MAX_OBJECTS)
        r = usage_error(st, "-object: more than %d objects", CLI_MAX_OBJECTS);
    if (r != CLI_RUN)
        return r;
    struct pending_object *ob = &st->objects[st->nobjects++];
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        char **slot = !strcmp(key, "id") ? &ob->id : random && !strcmp(key, "filename") ? &ob->filename : NULL;
        if (slot) {
            free(*slot);
            *slot = val;
            val = NULL;
        } else {
            r = usage_error(st, "-object %s: unsupported option '%s'", random ? "rng-random" : "rng-builtin",
                            key[0] ? key : val);
        }
        free(val);
    }
    if (r == CLI_RUN && !ob->id)
        r = usage_error(st, "-object: no id= given");
    if (r == CLI_RUN && random && !ob->filename && !(ob->filename = strdup("/dev/urandom")))
        r = no_memory(st);
    for (unsigned i = 0; r == CLI_RUN && i + 1 < st->nobjects; i++)
        if (!strcmp(st->objects[i].id, ob->id))
            r = usage_error(st, "-object: duplicate id '%s'", ob->id);
    return r;
}

/* -global virtio-mmio.force-legacy=true|false: the only global rivet has. */
static enum cli_result set_global(struct parse_state *st, const char *v)
{
    static const char legacy[] = "virtio-mmio.force-legacy=";
    if (strncmp(v, legacy, sizeof legacy - 1) != 0)
        return usage_error(st, "-global: unsupported property '%s'", v);
    return set_on_off(st, "-global", "virtio-mmio.force-legacy", v + sizeof legacy - 1, &st->o->cfg.virtio_legacy);
}

/* -display none|sdl (QEMU spelling, no sub-options). */
static enum cli_result set_display(struct parse_state *st, const char *flag, const char *v)
{
    if (!strcmp(v, "none"))
        st->o->display = DISPLAY_NONE;
    else if (!strcmp(v, "sdl"))
        st->o->display = DISPLAY_SDL;
    else
        return usage_error(st, "%s: unsupported display '%s' (sdl or none)", flag, v);
    return CLI_RUN;
}

/* -fb WxH: the framebuffer's size in pixels (machine/host/display.h). */
static enum cli_result set_fb(struct parse_state *st, const char *flag, const char *v)
{
    char *x = strchr(v, 'x');
    uint64_t w, h;
    char wbuf[16];
    if (!x || (size_t)(x - v) >= sizeof wbuf)
        return usage_error(st, "%s: bad size '%s' (WIDTHxHEIGHT, e.g. 1280x800)", flag, v);
    snprintf(wbuf, sizeof wbuf, "%.*s", (int)(x - v), v);
    if (!parse_u64(wbuf, &w) || !parse_u64(x + 1, &h))
        return usage_error(st, "%s: bad size '%s' (WIDTHxHEIGHT, e.g. 1280x800)", flag, v);
    if (w < FB_MIN_SIDE || h < FB_MIN_SIDE || w > FB_MAX_SIDE || h > FB_MAX_SIDE)
        return usage_error(st, "%s: %s: each side must be %d to %d pixels", flag, v, FB_MIN_SIDE, FB_MAX_SIDE);
    st->o->cfg.fb_width = (unsigned)w;
    st->o->cfg.fb_height = (unsigned)h;
    return CLI_RUN;
}

static enum cli_result apply_display(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    if (id == F_FB)
        return set_fb(st, flag, v);
    st->o->screenshot = v;
    return CLI_RUN;
}

static enum cli_result set_serial(struct parse_state *st, const char *v)
{
    struct rivet_config *c = &st->o->cfg;
    st->o->serial_given = true;
    if (!strcmp(v, "mon:stdio"))
        c->serial = RIVET_SERIAL_MUX_STDIO;
    else if (!strcmp(v, "stdio"))
        c->serial = RIVET_SERIAL_STDIO;
    else if (!strcmp(v, "none") || !strcmp(v, "null"))
        c->serial = RIVET_SERIAL_NONE;
    else if (!strncmp(v, "file:", 5) && v[5]) {
        c->serial = RIVET_SERIAL_FILE;
        c->serial_path = v + 5;
    } else
        return usage_error(st, "-serial: unsupported backend '%s' (mon:stdio, stdio, file:PATH, none)", v);
    return CLI_RUN;
}

static enum cli_result apply_board(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    struct cli_options *o = st->o;
    switch (id) {
    case F_MACHINE: return set_machine(st, flag, v);
    case F_CPU: return set_cpu(st, v);
    case F_BIOS: st->bios = v; return CLI_RUN;
    case F_KERNEL: o->kernel = o->boot.kernel = v; return CLI_RUN;
    case F_INITRD: o->boot.initrd = v; return CLI_RUN;
    case F_APPEND: o->boot.append = v; return CLI_RUN;
    case F_DTB: o->boot.dtb = v; return CLI_RUN;
    case F_MEM: return set_mem(st, flag, v);
    case F_SMP: return set_smp(st, flag, v);
    case F_NOGRAPHIC: /* no window; the console is on stdio unless -serial says otherwise */
        o->display = DISPLAY_NONE;
        st->nographic = true;
        return CLI_RUN;
    case F_SERIAL: return set_serial(st, v);
    case F_DISPLAY: return set_display(st, flag, v);
    case F_NO_REBOOT: o->cfg.no_reboot = true; return CLI_RUN;
    case F_SNAPSHOT: o->cfg.snapshot = true; return CLI_RUN;
    case F_LOADVM: o->loadvm = v; return CLI_RUN;
    case F_DRIVE: return set_drive(st, v);
    case F_PFLASH: return set_pflash(st, v);
    case F_DEVICE: return set_device(st, v);
    case F_OBJECT: return set_object(st, v);
    case F_NETDEV:
    case F_NIC: return set_netdev(st, flag, v);
    case F_NET: return set_net(st, v);
    case F_GLOBAL: return set_global(st, v);
    default: return usage_error(st, "%s: internal error: unhandled flag", flag);
    }
}

/* -accel tcg[,thread=single|multi] (QEMU's spelling): rivet's one
 * accelerator, its harts on one host thread or one each (machine.h). */
static enum cli_result set_accel(struct parse_state *st, const char *flag, const char *v)
{
    char key[32], *val;
    bool first = true;
    enum cli_result r = CLI_RUN;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        const char *name = first && !key[0] ? "accel" : key;
        if (!strcmp(name, "accel") && strcmp(val, "tcg"))
            r = usage_error(st, "%s: unsupported accelerator '%s' (rivet has tcg only)", flag, val);
        else if (!strcmp(name, "thread") && !strcmp(val, "single"))
            st->o->cfg.thread = RIVET_THREAD_SINGLE;
        else if (!strcmp(name, "thread") && !strcmp(val, "multi"))
            st->o->cfg.thread = RIVET_THREAD_MULTI;
        else if (!strcmp(name, "thread"))
            r = usage_error(st, "%s: bad value '%s' for thread (single or multi)", flag, val);
        else if (strcmp(name, "accel"))
            r = usage_error(st, "%s: unsupported option '%s'", flag, name);
        free(val);
        first = false;
    }
    return r;
}

/* -icount shift=N | -icount N (QEMU): 2^N ns of virtual time per instruction.
 * QEMU's shift=auto and sleep=/align= sub-options are refused. */
static enum cli_result set_icount(struct parse_state *st, const char *flag, const char *v)
{
    uint64_t n;
    const char *num = strncmp(v, "shift=", 6) == 0 ? v + 6 : v;
    if (!parse_u64(num, &n) || n > 30)
        return usage_error(st, "%s: bad value '%s' (shift=N or N, 0 to 30)", flag, v);
    st->o->cfg.icount = true;
    st->o->cfg.icount_shift = (unsigned)n;
    return CLI_RUN;
}

/* A UTC date YYYY-MM-DD[THH:MM:SS] as seconds since 1970, or -1. timegm
 * normalises out-of-range fields, so a date that does not round-trip (Feb 30)
 * is refused. */
static int64_t parse_utc_date(const char *v)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (!(sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 && !v[n]) &&
        !(h = mi = sec = 0, sscanf(v, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && !v[n]))
        return -1;
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec };
    time_t t = timegm(&tm);
    if (t < 0 || tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d || tm.tm_hour != h ||
        tm.tm_min != mi || tm.tm_sec != sec)
        return -1;
    return (int64_t)t;
}

/* -rtc base=utc|YYYY-MM-DD[THH:MM:SS] (QEMU): where the RTC starts. */
static enum cli_result set_rtc(struct parse_state *st, const char *flag, const char *v)
{
    if (strncmp(v, "base=", 5) != 0)
        return usage_error(st, "%s: bad value '%s' (base=utc or base=YYYY-MM-DD[THH:MM:SS])", flag, v);
    if (strcmp(v + 5, "utc") == 0) {
        st->o->cfg.rtc_mode = RIVET_RTC_HOST;
        return CLI_RUN;
    }
    int64_t t = parse_utc_date(v + 5);
    if (t < 0)
        return usage_error(st, "%s: bad date '%s' (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, UTC, from 1970)", flag, v + 5);
    st->o->cfg.rtc_mode = RIVET_RTC_FIXED;
    st->o->cfg.rtc_base = t;
    return CLI_RUN;
}

/* The gdb stub (-gdb tcp:[HOST]:PORT, -s, -S), -icount, --expect-script,
 * --console-log: see machine/debug/debug.h. */
/* -monitor and -qmp: one of each (QEMU takes several; rivet serves one
 * client on each). The value is checked here, the socket opened by
 * rivet_create. */
static enum cli_result set_monitor(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    struct rivet_config *c = &st->o->cfg;
    const char **slot = id == F_MONITOR ? &c->monitor : &c->qmp;
    if (*slot || (id == F_MONITOR && st->monitor_given))
        return usage_error(st, "%s %s: given twice (rivet has one of each)", flag, v);
    if (!monitor_check_spec(flag, v, id == F_QMP, st->err, st->errlen))
        return CLI_ERROR;
    st->monitor_given = st->monitor_given || id == F_MONITOR;
    *slot = strcmp(v, "none") ? v : NULL;
    return CLI_RUN;
}

/* Where the serial console goes once -monitor or -qmp is given, as QEMU
 * 7.2 decides (vl.c): the mux's monitor is only the default one, so the
 * console becomes plain stdio (without -nographic QEMU puts it in the
 * window's text console, which rivet does not have: then it is stdio too,
 * or nothing when the monitor is on stdio). Two users of stdio is an
 * error, as in QEMU ("cannot use stdio by multiple character devices"). */
static enum cli_result resolve_monitor(struct parse_state *st)
{
    struct rivet_config *c = &st->o->cfg;
    bool mon_stdio = c->monitor && !strcmp(c->monitor, "stdio"), qmp_stdio = c->qmp && !strcmp(c->qmp, "stdio");
    const char *who = mon_stdio ? "-monitor stdio" : "-qmp stdio";
    if (mon_stdio && qmp_stdio)
        return usage_error(st, "-qmp stdio: stdio is already used by -monitor stdio");
    if (!st->monitor_given && !c->qmp)
        return CLI_RUN;
    bool serial_stdio = c->serial == RIVET_SERIAL_STDIO || c->serial == RIVET_SERIAL_MUX_STDIO;
    if ((mon_stdio || qmp_stdio) && ((st->o->serial_given && serial_stdio) || (!st->o->serial_given && st->nographic)))
        return usage_error(st,
                           "%s: stdio is already the serial console (%s); give -serial none or "
                           "-serial file:PATH, or use -serial mon:stdio alone and Ctrl-A c",
                           who, st->o->serial_given ? "-serial" : "-nographic");
    if (!st->o->serial_given)
        c->serial = mon_stdio || qmp_stdio ? RIVET_SERIAL_NONE : RIVET_SERIAL_STDIO;
    return CLI_RUN;
}

static enum cli_result apply_debug(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    struct rivet_config *c = &st->o->cfg;
    switch (id) {
    case F_GDB:
        if (strncmp(v, "tcp:", 4) != 0 || !strchr(v + 4, ':'))
            return usage_error(st, "%s: unsupported device '%s' (tcp::PORT or tcp:HOST:PORT)", flag, v);
        c->gdb = v;
        return CLI_RUN;
    case F_GDB_DEFAULT:
        c->gdb = "tcp::1234";
        st->gdb_s = true;
        return CLI_RUN;
    case F_GDB_PORT: st->gdb_port = v; return CLI_RUN;
    case F_GDB_WAIT: c->gdb_wait = true; return CLI_RUN;
    case F_ICOUNT: return set_icount(st, flag, v);
    case F_RTC: return set_rtc(st, flag, v);
    case F_EXPECT_SCRIPT: c->expect_script = v; return CLI_RUN;
    case F_CONSOLE_LOG: c->console_log = v; return CLI_RUN;
    case F_MONITOR:
    case F_QMP: return set_monitor(st, id, flag, v);
    default: return usage_error(st, "%s: internal error: unhandled flag", flag);
    }
}

/* -semihosting-config [enable=]on|off[,target=native|auto][,userspace=on|off][,arg=STR]...
 * (QEMU 7.2): the arg= strings, joined by spaces, are SYS_GET_CMDLINE's. */
static enum cli_result set_semihosting_config(struct parse_state *st, const char *flag, const char *v)
{
    struct cli_options *o = st->o;
    char key[32], *val;
    enum cli_result r = CLI_RUN;
    bool enable = true;
    while (r == CLI_RUN && *v) {
        if (!next_item(&v, key, sizeof key, &val))
            return no_memory(st);
        if (!key[0] || !strcmp(key, "enable")) {
            r = set_on_off(st, flag, "enable", val, &enable);
        } else if (!strcmp(key, "userspace")) {
            r = set_on_off(st, flag, key, val, &o->cfg.semihosting_user);
        } else if (!strcmp(key, "target")) {
            if (strcmp(val, "native") && strcmp(val, "auto"))
                r = usage_error(st, "%s: target=%s: rivet has no gdb semihosting (native or auto)", flag, val);
        } else if (!strcmp(key, "arg")) {
            size_t have = o->semihost_args ? strlen(o->semihost_args) : 0;
            char *joined = realloc(o->semihost_args, have + strlen(val) + 2);
            if (!joined) {
                free(val);
                return no_memory(st);
            }
            snprintf(joined + have, strlen(val) + 2, "%s%s", have ? " " : "", val);
            o->semihost_args = joined;
            o->cfg.semihosting_cmdline = joined;
        } else {
            r = usage_error(st, "%s: unsupported option '%s'", flag, key);
        }
        free(val);
    }
    o->cfg.semihosting = enable;
    return r;
}

/* -d ITEM[,ITEM]... (QEMU's names) or -d help. */
static const struct {
    const char *name;
    unsigned bit;
} log_items[] = {
    { "int", RIVET_LOG_INT },     { "cpu_reset", RIVET_LOG_CPU_RESET }, { "guest_errors", RIVET_LOG_GUEST_ERRORS },
    { "unimp", RIVET_LOG_UNIMP }, { "in_asm", RIVET_LOG_IN_ASM },       { "exec", RIVET_LOG_EXEC },
    { "cpu", RIVET_LOG_CPU },
};

static enum cli_result set_log_items(struct parse_state *st, const char *flag, const char *v)
{
    if (!strcmp(v, "help"))
        return CLI_LOG_HELP;
    while (*v) {
        size_t n = strcspn(v, ",");
        size_t i = 0;
        while (i < sizeof log_items / sizeof log_items[0] &&
               (strlen(log_items[i].name) != n || strncmp(log_items[i].name, v, n)))
            i++;
        if (i == sizeof log_items / sizeof log_items[0])
            return usage_error(st, "%s: unknown log item '%.*s' (rivet -d help lists them)", flag, (int)n, v);
        st->o->cfg.log_items |= log_items[i].bit;
        v += n + (v[n] == ',');
    }
    return CLI_RUN;
}

static enum cli_result set_granularity(struct parse_state *st, const char *flag, const char *v)
{
    uint64_t n;
    if (!parse_u64(v, &n) || n < 1 || n > 4096)
        return usage_error(st, "%s: bad granularity '%s' (bytes per line, 1 to 4096)", flag, v);
    st->o->cfg.signature_granularity = (unsigned)n;
    return CLI_RUN;
}

static enum cli_result set_stuck(struct parse_state *st, const char *flag, const char *v)
{
    static const char *const names[] = {
        [RIVET_STUCK_WARN] = "warn", [RIVET_STUCK_EXIT] = "exit", [RIVET_STUCK_OFF] = "off"
    };
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        if (!strcmp(v, names[i])) {
            st->o->cfg.stuck = i;
            return CLI_RUN;
        }
    }
    return usage_error(st, "%s: expected warn, exit or off, not '%s'", flag, v);
}

/* The test harness: semihosting, the signature dump, -d/-D, --stuck (include/rivet.h). */
static enum cli_result apply_harness(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    struct cli_options *o = st->o;
    switch (id) {
    case F_SEMIHOSTING: o->cfg.semihosting = true; return CLI_RUN;
    case F_SEMIHOSTING_CONFIG: return set_semihosting_config(st, flag, v);
    case F_SEMIHOSTING_ROOT: o->cfg.semihosting_root = v; return CLI_RUN;
    case F_SIGNATURE: o->cfg.signature = v; return CLI_RUN;
    case F_SIGNATURE_GRANULARITY: return set_granularity(st, flag, v);
    case F_LOG_ITEMS: return set_log_items(st, flag, v);
    case F_LOG_FILE: o->log_path = v; return CLI_RUN;
    case F_STUCK: return set_stuck(st, flag, v);
    default: return usage_error(st, "%s: internal error: unhandled flag", flag);
    }
}

const char *cli_log_help(void)
{
    return "Log items (comma separated):\n"
           "int             traps and interrupts taken, one line each\n"
           "cpu_reset       every hart's registers at reset\n"
           "guest_errors    memory accesses the bus refuses: nothing mapped, a size or\n"
           "                register the device does not take\n"
           "unimp           illegal-instruction traps on instructions and CSRs rivet does\n"
           "                not implement\n"
           "in_asm          --trace's line per instruction (as are exec and cpu)\n"
           "exec            the same\n"
           "cpu             the same\n";
}

static enum cli_result apply(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    if (id >= F_SEMIHOSTING)
        return apply_harness(st, id, flag, v);
    switch (id) {
    case F_TRACE:
        st->o->trace = true;
        st->o->trace_path = v;
        return CLI_RUN;
    case F_TIMEOUT: return set_timeout(st, flag, v);
    case F_MAX_INSNS: return set_max_insns(st, flag, v);
    case F_STATS: st->o->stats = true; return CLI_RUN;
    case F_ACCEL: return set_accel(st, flag, v);
    case F_JIT:
        if (strcmp(v, "on") == 0)
            st->o->cfg.jit = 0;
        else if (strcmp(v, "off") == 0)
            st->o->cfg.jit = -1;
        else if (strcmp(v, "eager") == 0)
            st->o->cfg.jit = 1;
        else
            return usage_error(st, "%s: expected on, off or eager, not '%s'", flag, v);
        return CLI_RUN;
    case F_PERFMAP: st->o->cfg.perfmap = true; return CLI_RUN;
    case F_HELP: return CLI_HELP;
    case F_VERSION: return CLI_VERSION;
    /* clang-format off */
    case F_GDB: case F_GDB_DEFAULT: case F_GDB_PORT: case F_GDB_WAIT: case F_ICOUNT: case F_RTC: case F_EXPECT_SCRIPT: case F_CONSOLE_LOG:
    case F_MONITOR: case F_QMP:
        return apply_debug(st, id, flag, v);
    case F_FB: case F_SCREENSHOT: return apply_display(st, id, flag, v);
    /* clang-format on */
    default: return apply_board(st, id, flag, v);
    }
}

static const struct flag *find_flag(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strlen(flags[i].name) == len && strncmp(flags[i].name, name, len) == 0)
            return &flags[i];
    return NULL;
}

/* Handles argv[*i] (and its value); advances *i past what it used. */
static enum cli_result parse_one(struct parse_state *st, int argc, char *const argv[], int *i)
{
    const char *arg = argv[(*i)++];
    static const char plus_sig[] = "+signature=", plus_gran[] = "+signature-granularity=";
    if (!strncmp(arg, plus_sig, sizeof plus_sig - 1)) /* Spike's spelling */
        return apply_harness(st, F_SIGNATURE, "+signature", arg + sizeof plus_sig - 1);
    if (!strncmp(arg, plus_gran, sizeof plus_gran - 1))
        return apply_harness(st, F_SIGNATURE_GRANULARITY, "+signature-granularity", arg + sizeof plus_gran - 1);
    if (arg[0] != '-' || arg[1] == '\0')
        return usage_error(st, "unexpected argument '%s' (the guest is given with -kernel FILE)", arg);
    const char *name = arg + (arg[1] == '-' ? 2 : 1);
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct flag *f = find_flag(name, len);
    if (!f)
        return usage_error(st, "unknown option '%.*s' (see rivet --help)", (int)(name - arg + len), arg);
    char flag[64];
    snprintf(flag, sizeof flag, "%.*s", (int)(name - arg + len), arg);
    const char *value = eq ? eq + 1 : NULL;
    if (f->arg == ARG_NONE && value)
        return usage_error(st, "%s does not take a value", flag);
    if (f->arg == ARG_REQUIRED && !value) {
        if (*i >= argc)
            return usage_error(st, "%s needs an argument", flag);
        value = argv[(*i)++];
    }
    return apply(st, f->id, flag, value);
}

/* QEMU's rule for a virtio device without bus=: the first free transport in
 * bus order, and the buses are listed highest address first, so the first
 * such device takes slot 7, the next slot 6, ... (see the comment above the
 * transport loop in QEMU's hw/arm/virt.c; hw/riscv/virt.c creates them the
 * same way). Linux lists the slots in reverse too, so it is /dev/vda. */
static enum cli_result take_slot(struct parse_state *st, const char *what, int *bus, uint64_t *used)
{
    if (*bus < 0)
        for (*bus = RIVET_VIRTIO_SLOTS - 1; *bus >= 0 && ((*used >> *bus) & 1); --*bus)
            ;
    if (*bus < 0)
        return usage_error(st, "%s: no free virtio-mmio slot left", what);
    if ((*used >> *bus) & 1)
        return usage_error(st, "-device: virtio-mmio-bus.%d is already in use", *bus);
    *used |= UINT64_C(1) << *bus;
    return CLI_RUN;
}

/* QEMU's rule on a PCI bus: addr= where given, else the lowest free slot
 * (00:00.0 is the host bridge), in command-line order. *slot gets the
 * device's slot (rivet.h, RIVET_PCI_SLOT). */
static enum cli_result take_pci_slot(struct parse_state *st, const char *what, int addr, int *slot, uint64_t *used)
{
    int d = addr;
    if (d < 0)
        for (d = 1; d < RIVET_PCI_SLOTS && ((*used >> RIVET_PCI_SLOT(d)) & 1); d++)
            ;
    if (d >= RIVET_PCI_SLOTS)
        return usage_error(st, "%s: no free PCI slot left", what);
    if ((*used >> RIVET_PCI_SLOT(d)) & 1)
        return usage_error(st, "%s: PCI slot 00:%02x.0 is already in use", what, d);
    *used |= UINT64_C(1) << RIVET_PCI_SLOT(d);
    *slot = RIVET_PCI_SLOT(d);
    return CLI_RUN;
}

/* The slot of a -device: a PCI one for a -pci kind, else virtio-mmio. */
static enum cli_result device_slot(struct parse_state *st, const struct pending_device *pd, int *slot, uint64_t *used)
{
    char what[64];
    snprintf(what, sizeof what, "-device %s", pd->type->name);
    if (pd->type->pci)
        return take_pci_slot(st, what, pd->addr, slot, used);
    *slot = pd->bus;
    return take_slot(st, what, slot, used);
}

static enum cli_result attach(struct parse_state *st, struct cli_drive *d, const struct pending_device *pd,
                              uint64_t *used)
{
    struct rivet_config *c = &st->o->cfg;
    char what[300];
    snprintf(what, sizeof what, "-drive %s", d->file);
    int bus = -1;
    enum cli_result r = pd ? device_slot(st, pd, &bus, used) : take_slot(st, what, &bus, used);
    if (r != CLI_RUN)
        return r;
    d->attached = true;
    c->drives[c->ndrives++] = (struct rivet_drive){ d->file, d->readonly, (unsigned)bus };
    return CLI_RUN;
}

/* virtio-rng-device: one per board, its source from the -object it names. */
static enum cli_result attach_rng(struct parse_state *st, const struct pending_device *pd, uint64_t *used)
{
    struct cli_options *o = st->o;
    if (o->cfg.rng)
        return usage_error(st, "-device %s: only one is supported", pd->type->name);
    const struct pending_object *ob = NULL;
    for (unsigned i = 0; pd->ref && i < st->nobjects; i++)
        if (!strcmp(st->objects[i].id, pd->ref))
            ob = &st->objects[i];
    if (pd->ref && !ob)
        return usage_error(st, "-device %s: no -object with id=%s", pd->type->name, pd->ref);
    int bus;
    enum cli_result r = device_slot(st, pd, &bus, used);
    if (r != CLI_RUN)
        return r;
    o->cfg.rng = true;
    o->cfg.rng_slot = (unsigned)bus;
    if (ob && ob->filename) {
        free(o->rng_file);
        if (!(o->rng_file = strdup(ob->filename)))
            return no_memory(st);
        o->cfg.rng_file = o->rng_file;
    }
    return CLI_RUN;
}

/* virtio-keyboard-pci / virtio-tablet-pci / virtio-mouse-pci: one of each. */
static enum cli_result attach_input(struct parse_state *st, const struct pending_device *pd, uint64_t *used)
{
    static const char *const names[RIVET_PCI_INPUTS] = { "virtio-keyboard-pci", "virtio-tablet-pci",
                                                         "virtio-mouse-pci" };
    unsigned k = 0;
    while (k + 1 < RIVET_PCI_INPUTS && strcmp(pd->type->name, names[k]))
        k++;
    if (st->o->cfg.input_slot[k])
        return usage_error(st, "-device %s: only one is supported", pd->type->name);
    int slot;
    enum cli_result r = device_slot(st, pd, &slot, used);
    if (r == CLI_RUN)
        st->o->cfg.input_slot[k] = (unsigned)slot;
    return r;
}

static struct cli_drive *find_drive(struct cli_options *o, const char *id)
{
    for (unsigned i = 0; i < o->ndrives; i++)
        if (!o->drives[i].virtio && !o->drives[i].pflash && o->drives[i].id && !strcmp(o->drives[i].id, id))
            return &o->drives[i];
    return NULL;
}

/* MAC "52:54:00:12:34:57": six hex bytes. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned b[6];
    char end;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
        return false;
    for (unsigned i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return strlen(s) == 17 && !(mac[0] & 1); /* a multicast address is no card's */
}

/* virtio-net-device: one per board, on the -netdev it names. */
static enum cli_result attach_net(struct parse_state *st, const struct pending_device *pd, uint64_t *used)
{
    struct cli_options *o = st->o;
    if (o->cfg.net)
        return usage_error(st, "-device %s: only one network card is supported", pd->type->name);
    struct pending_netdev *nd = NULL;
    for (unsigned i = 0; i < st->nnetdevs; i++)
        if (!strcmp(st->netdevs[i].id, pd->ref))
            nd = &st->netdevs[i];
    if (!nd && !strcmp(pd->ref, NET_HUB_ID))
        return usage_error(st, "-net nic: no -net user to connect it to");
    if (!nd)
        return usage_error(st, "-device %s: no -netdev with id=%s", pd->type->name, pd->ref);
    if (pd->mac && !parse_mac(pd->mac, o->cfg.net_mac))
        return usage_error(st, "-device %s: bad mac '%s' (like 52:54:00:12:34:57, unicast)", pd->type->name, pd->mac);
    int bus;
    enum cli_result r = device_slot(st, pd, &bus, used);
    if (r != CLI_RUN)
        return r;
    o->cfg.net = true;
    o->cfg.net_slot = (unsigned)bus;
    for (unsigned i = 0; i < nd->nhostfwd; i++) { /* the strings move to o (cli_free) */
        o->hostfwd[i] = nd->hostfwd[i];
        o->cfg.net_hostfwd[i] = o->hostfwd[i];
        nd->hostfwd[i] = NULL;
    }
    o->cfg.net_nhostfwd = nd->nhostfwd;
    o->cfg.net_restrict = nd->restrict_guest;
    return CLI_RUN;
}

/* if=pflash drives in command-line order, one without unit= in the lowest
 * bank free at that point (QEMU numbers them the same way, so a later
 * unit=0 after -pflash conflicts there too). */
static enum cli_result resolve_pflash(struct parse_state *st)
{
    struct rivet_config *c = &st->o->cfg;
    for (unsigned i = 0; i < st->o->ndrives; i++) {
        struct cli_drive *d = &st->o->drives[i];
        if (!d->pflash)
            continue;
        int u = d->unit;
        for (unsigned b = 0; u < 0 && b < RIVET_PFLASH_BANKS; b++) /* the lowest free bank */
            u = c->pflash[b] ? -1 : (int)b;
        if (u < 0)
            return usage_error(st, "-drive if=pflash %s: both flash banks are taken", d->file);
        if (c->pflash[u])
            return usage_error(st, "-drive if=pflash %s: unit %d is already %s", d->file, u, c->pflash[u]);
        c->pflash[u] = d->file;
        c->pflash_readonly[u] = d->readonly;
        d->attached = true;
    }
    return CLI_RUN;
}

/* if=virtio drives first (QEMU creates their devices before any -device),
 * then each -device in command-line order. */
static enum cli_result resolve_disks(struct parse_state *st)
{
    uint64_t used = 0;
    enum cli_result r = resolve_pflash(st);
    for (unsigned i = 0; r == CLI_RUN && i < st->o->ndrives; i++)
        if (st->o->drives[i].virtio)
            r = attach(st, &st->o->drives[i], NULL, &used);
    for (unsigned i = 0; r == CLI_RUN && i < st->ndevices; i++) {
        if (st->devices[i].kind == BOARD_BACKEND_RNG) {
            r = attach_rng(st, &st->devices[i], &used);
            continue;
        }
        if (st->devices[i].kind == BOARD_BACKEND_NETDEV) {
            r = attach_net(st, &st->devices[i], &used);
            continue;
        }
        if (st->devices[i].kind == BOARD_BACKEND_NONE) {
            r = attach_input(st, &st->devices[i], &used);
            continue;
        }
        struct cli_drive *d = find_drive(st->o, st->devices[i].ref);
        if (!d)
            r = usage_error(st, "-device: no -drive with id=%s and if=none", st->devices[i].ref);
        else if (d->attached)
            r = usage_error(st, "-device: drive %s is already attached to a device", d->id);
        else
            r = attach(st, d, &st->devices[i], &used);
    }
    return r;
}

static enum cli_result check_complete(struct parse_state *st)
{
    struct cli_options *o = st->o;
    if (!st->bios || !strcmp(st->bios, "default"))
        o->boot.firmware = RIVET_FW_BUILTIN;
    else if (!strcmp(st->bios, "none"))
        o->boot.firmware = RIVET_FW_NONE;
    else {
        o->boot.firmware = RIVET_FW_FILE;
        o->boot.bios = st->bios;
    }
    if (!o->kernel && !o->dumpdtb && o->boot.firmware != RIVET_FW_FILE)
        return usage_error(st, "no guest given; use -kernel FILE");
    if ((o->boot.initrd || o->boot.append) && !o->kernel && !o->dumpdtb)
        return usage_error(st, "-initrd and -append need a kernel (-kernel FILE)");
    /* Old QEMU's "-s -p PORT" (xv6-riscv's Makefile falls back to it when
     * the help shows no -gdb): gdb on that port. */
    if (st->gdb_port) {
        char *end;
        long port = strtol(st->gdb_port, &end, 10);
        if (!st->gdb_s)
            return usage_error(st, "-p %s: the gdb port of old QEMUs, only with -s; use -gdb tcp::%s", st->gdb_port,
                               st->gdb_port);
        if (!*st->gdb_port || *end || port < 1 || port > 65535)
            return usage_error(st, "-p: bad port '%s' (1 to 65535)", st->gdb_port);
        snprintf(o->gdb_spec, sizeof o->gdb_spec, "tcp::%ld", port);
        o->cfg.gdb = o->gdb_spec;
    }
    /* QEMU's -S alone starts the machine stopped, for its monitor's cont;
     * without gdb or a monitor other than the console's, nothing could
     * start it but Ctrl-A c (refused: a script would wait for ever). */
    if (o->cfg.gdb_wait && !o->cfg.gdb) {
        if (!o->cfg.monitor && !o->cfg.qmp)
            return usage_error(st, "-S waits for gdb or a monitor's cont: give -s, -gdb tcp::PORT, -monitor or -qmp");
        o->cfg.gdb_wait = false;
        o->cfg.start_paused = true;
    }
    if (resolve_monitor(st) != CLI_RUN)
        return CLI_ERROR;
    /* As QEMU: -icount runs every hart on one thread (deterministic). */
    if (o->cfg.icount && o->cfg.thread == RIVET_THREAD_MULTI)
        return usage_error(st, "-accel tcg,thread=multi: -icount needs thread=single");
    return resolve_disks(st);
}

enum cli_result cli_parse(int argc, char *const argv[], struct cli_options *o, char *err, size_t errlen)
{
    struct parse_state st = { .o = o, .err = err, .errlen = errlen };
    memset(o, 0, sizeof *o);
    rivet_config_default(&o->cfg);
    o->cfg.serial = RIVET_SERIAL_MUX_STDIO;
    if (err && errlen)
        err[0] = '\0';
    int i = 1;
    enum cli_result r = CLI_RUN;
    while (r == CLI_RUN && i < argc)
        r = parse_one(&st, argc, argv, &i);
    if (r == CLI_RUN)
        r = check_complete(&st);
    for (unsigned k = 0; k < st.ndevices; k++) {
        free(st.devices[k].ref);
        free(st.devices[k].mac);
    }
    for (unsigned k = 0; k < st.nnetdevs; k++) {
        free(st.netdevs[k].id);
        for (unsigned i = 0; i < st.netdevs[k].nhostfwd; i++)
            free(st.netdevs[k].hostfwd[i]);
    }
    for (unsigned k = 0; k < st.nobjects; k++) {
        free(st.objects[k].id);
        free(st.objects[k].filename);
    }
    return r;
}

void cli_free(struct cli_options *o)
{
    free(o->semihost_args);
    o->semihost_args = NULL;
    o->cfg.semihosting_cmdline = NULL;
    for (unsigned i = 0; i < o->ndrives; i++) {
        free(o->drives[i].file);
        free(o->drives[i].id);
    }
    o->ndrives = 0;
    o->cfg.ndrives = 0;
    free(o->dumpdtb);
    o->dumpdtb = NULL;
    free(o->rng_file);
    o->rng_file = NULL;
    o->cfg.rng_file = NULL;
    for (unsigned i = 0; i < RIVET_MAX_HOSTFWD; i++) {
        free(o->hostfwd[i]);
        o->hostfwd[i] = NULL;
        o->cfg.net_hostfwd[i] = NULL;
    }
    o->cfg.net_nhostfwd = 0;
}

const char *cli_version(void) { return "rivet " RIVET_VERSION " (RISC-V RV64GC system emulator)\n"; }

const char *cli_usage(void)
{
    /* As in QEMU's help, every option's line starts at column 0 with the
     * option: scripts grep it (xv6-riscv: `$(QEMU) -help | grep '^-gdb'`). */
    /* clang-format off */
    return
        "usage: rivet [options] -kernel FILE\n"
        "\n"
        "Emulates QEMU's RISC-V 'virt' board (RV64GC harts, CLINT, PLIC, NS16550A\n"
        "UART, virtio-mmio disks, goldfish RTC, sifive test) with QEMU's flags.\n"
        "Every option may be given with one or two dashes, a value after a space or\n"
        "after '='.\n"
        "\n"
        "Boot (QEMU spelling):\n"
        "-bios default|none|FILE\n"
        "                default (or no -bios): rivet's built-in SBI firmware; the\n"
        "                kernel (ELF, Linux Image or raw at 0x80200000) starts in\n"
        "                S-mode on hart 0 with a0 = 0, a1 = device tree.\n"
        "                none: the kernel (ELF at its physical addresses, or raw at\n"
        "                0x80000000) runs in M-mode on every hart.\n"
        "                FILE: M-mode firmware (OpenSBI fw_jump/fw_dynamic) at\n"
        "                0x80000000, the kernel at 0x80200000\n"
        "-kernel FILE    the kernel; an ELF defining 'tohost' may use HTIF\n"
        "-initrd FILE    initial ramdisk (in /chosen)\n"
        "-append STRING  kernel command line (/chosen bootargs)\n"
        "-dtb FILE       use this device tree instead of the generated one\n"
        "-machine virt[,dumpdtb=FILE]\n"
        "                the board; dumpdtb writes the device tree to FILE and exits 0\n"
        "-M virt[,...]   the same as -machine\n"
        "\n"
        "Board:\n"
        "-cpu MODEL[,EXT=on|off]...\n"
        "                the harts' ISA: rv64 (the default: RV64GC, Zba, Zbb,\n"
        "                Zbs, Sstc), rva22s64, rva23s64 or max, with\n"
        "                extensions switched on or off; -cpu help lists them\n"
        "-m SIZE         RAM size: MiB, or with a K/M/G suffix (default 128M, at\n"
        "                least 3M)\n"
        "-smp [cpus=]N[,maxcpus=N][,sockets=S][,cores=C][,threads=T][,dies=1][,clusters=1]\n"
        "                number of harts, 1 to 8 (default 1); a topology must\n"
        "                multiply to N (omitted parts computed as QEMU 7.2 does),\n"
        "                maxcpus must equal N (no CPU hotplug)\n"
        "-nographic      no window; the console is on stdio (see -serial)\n"
        "-display sdl|none\n"
        "                sdl: a window showing the guest's framebuffer, with a virtio\n"
        "                keyboard and tablet (fails without a display); none: no\n"
        "                window. Default: a window when DISPLAY or WAYLAND_DISPLAY is\n"
        "                set (not for -bios none). In the window: Ctrl-Alt-G releases\n"
        "                the pointer, Ctrl-Alt-S writes rivet-DATE-TIME.png; closing\n"
        "                it presses the guest's power button\n"
        "-serial mon:stdio|stdio|file:PATH|none\n"
        "                the UART (default mon:stdio: Ctrl-A x quits, Ctrl-A c switches\n"
        "                to the monitor and back, Ctrl-A h lists the keys)\n"
        "-monitor stdio|unix:PATH,server,nowait|tcp:HOST:PORT,server,nowait|none\n"
        "                the human monitor (help, info registers, x, stop, cont, quit);\n"
        "                the console is then plain stdio, or none with -monitor stdio\n"
        "-qmp unix:PATH,server,nowait|tcp:HOST:PORT,server,nowait|stdio\n"
        "                QEMU's JSON protocol (qmp_capabilities, query-status, stop,\n"
        "                cont, human-monitor-command, quit, ...)\n"
        "-drive file=F[,if=none|virtio][,format=raw][,id=ID][,readonly=on]\n"
        "                a raw disk image; if=virtio (the default) attaches it as a\n"
        "                virtio-blk device at once\n"
        "-drive if=pflash,file=F[,unit=0|1][,format=raw][,readonly=on]\n"
        "                a 32 MiB image for a CFI flash bank at 0x20000000 (unit 0: the\n"
        "                reset vector jumps there) or 0x22000000 (unit 1: the firmware's\n"
        "                next stage; -kernel/-initrd/-append go to fw_cfg)\n"
        "-pflash F       -drive if=pflash,format=raw,file=F (the next free unit)\n"
        "-device virtio-blk-device,drive=ID[,bus=virtio-mmio-bus.N]\n"
        "                a virtio-blk device in slot N (default: the highest free\n"
        "                slot, as QEMU, so the first one is /dev/vda)\n"
        "-device virtio-rng-device[,rng=ID][,bus=virtio-mmio-bus.N]\n"
        "                an entropy device (Linux: /dev/hwrng); its bytes come from\n"
        "                the host's getrandom(), or under -icount from a fixed-seed\n"
        "                stream so runs repeat\n"
        "-device virtio-net-device,netdev=ID[,mac=MAC][,bus=virtio-mmio-bus.N]\n"
        "                a network card on that network (one per board); every guest\n"
        "                frame passes rivet's frame filter, and slirp runs in a\n"
        "                helper process (rivet --net-helper), restarted if it dies\n"
        "-device virtio-{blk,rng,net,keyboard,tablet}-pci[,...][,addr=SLOT][,bus=pcie.0]\n"
        "                the same devices as virtio-pci functions behind the PCIe\n"
        "                host bridge, slot SLOT (hex, 1-0x1f; default: the lowest free)\n"
        "-netdev user,id=ID[,hostfwd=[tcp|udp]:[HOSTADDR]:PORT-[GUESTADDR]:PORT]...\n"
        "                user-mode networking: the guest is 10.0.2.15 (DHCP) behind a\n"
        "                gateway 10.0.2.2 (the host) and DNS 10.0.2.3; hostfwd\n"
        "                forwards a host port to a guest port; restrict=on: the\n"
        "                guest reaches nothing, hostfwd works\n"
        "-nic user[,model=virtio-net-device][,mac=MAC][,hostfwd=...]\n"
        "                -netdev and -device virtio-net-device at once\n"
        "-net nic[,macaddr=MAC] -net user[,hostfwd=...]\n"
        "                the same, older syntax; -net none: no network\n"
        "-object rng-random,id=ID[,filename=FILE]\n"
        "                read the entropy from FILE (default /dev/urandom; a regular\n"
        "                file or character device): when it runs out, the guest's\n"
        "                requests wait;\n"
        "                rng-builtin,id=ID: getrandom()\n"
        "-global virtio-mmio.force-legacy=true|false\n"
        "                virtio-mmio version 1 (legacy, the default, as QEMU's) or 2\n"
        "-snapshot       disk writes go to a temporary file in $TMPDIR (else\n"
        "                /var/tmp); the images stay untouched\n"
        "-loadvm FILE    start from the snapshot FILE (made by the monitor's savevm\n"
        "                FILE) instead of booting; give the options it was saved with\n"
        "-no-reboot      a reset or reboot request ends rivet quietly (status 0)\n"
        "                instead of rebooting the machine\n"
        "\n"
        "Debugging and repeatable runs:\n"
        "-gdb tcp:[HOST]:PORT\n"
        "                accept a gdb connection on that TCP port (HOST default\n"
        "                127.0.0.1); each hart is a thread, all stop together\n"
        "-s              shorthand for -gdb tcp::1234\n"
        "-p PORT         with -s, gdb on PORT instead (old QEMU's spelling)\n"
        "-S              with -gdb or -s: wait for gdb before the first instruction;\n"
        "                with -monitor or -qmp: start paused until cont\n"
        "-icount shift=N|N\n"
        "                virtual time: 2^N ns per instruction; timers, mtime and the\n"
        "                RTC follow it, idle time is skipped, so runs repeat exactly;\n"
        "                the RTC then starts at 2026-01-01 unless -rtc base= says\n"
        "                otherwise\n"
        "-accel tcg[,thread=single|multi]\n"
        "                multi (the default with -smp > 1): one host thread per\n"
        "                hart; single: all harts take turns on one thread (the\n"
        "                default with -smp 1, and always with -icount)\n"
        "-perfmap        write /tmp/perf-PID.map naming each translation by its guest\n"
        "                physical address, for perf record / perf report\n"
        "-rtc base=utc|YYYY-MM-DD[THH:MM:SS]\n"
        "                the RTC's start: the host's time (default) or a fixed UTC date\n"
        "\n"
        "rivet's own options:\n"
        "--trace[=FILE]  one line per retired instruction (default: stderr)\n"
        "--timeout SECONDS\n"
        "                stop after this much wall-clock time from the start, loading\n"
        "                included (fractions ok)\n"
        "--max-insns N   stop after N instructions retired over all harts (with\n"
        "                threads, approximately: up to one slice per hart beyond)\n"
        "--stats         at exit, print instructions, seconds and MIPS on stderr, and\n"
        "                what the block cache and the translator did\n"
        "--jit on|off|eager\n"
        "                translate hot code to host code (default on, x86-64 hosts);\n"
        "                off interprets everything; eager translates every block at\n"
        "                once (for testing the translator)\n"
        "--expect-script FILE\n"
        "                scripted console: lines wait \"TEXT\" [SECONDS], send \"TEXT\"\n"
        "                (C escapes), sleep SECONDS, exit N\n"
        "--console-log FILE\n"
        "                copy every byte of UART output to FILE\n"
        "-fb WxH         framebuffer size (default 1024x768 with a window); gives the\n"
        "                guest a framebuffer even without one\n"
        "--screenshot-on-exit FILE.png\n"
        "                at exit, the framebuffer as a PNG\n"
        "\n"
        "Test harness:\n"
        "-semihosting    serve RISC-V semihosting calls (slli x0,x0,0x1f; ebreak;\n"
        "                srai x0,x0,7) from M and S mode: console I/O on the UART's\n"
        "                host side, SYS_EXIT ends the run with the guest's code\n"
        "-semihosting-config [enable=]on|off[,target=native][,userspace=on][,arg=STR]...\n"
        "                QEMU's spelling; userspace=on serves U-mode too; the arg=\n"
        "                strings are SYS_GET_CMDLINE's (default: the kernel and\n"
        "                -append)\n"
        "--semihosting-root DIR\n"
        "                semihosting file operations only beneath DIR (no .., no\n"
        "                absolute paths, no symlink out); without it they fail\n"
        "--signature FILE\n"
        "                at the end of the run (any end), write the words between the\n"
        "                kernel ELF's symbols begin_signature and end_signature as\n"
        "                Spike does (also Spike's +signature=FILE)\n"
        "--signature-granularity N\n"
        "                bytes per signature line, 1 to 4096 (default 16, as Spike;\n"
        "                also +signature-granularity=N)\n"
        "-d ITEM[,ITEM]...\n"
        "                log QEMU's items: int (traps taken), cpu_reset, guest_errors\n"
        "                (refused MMIO), unimp (instructions and CSRs rivet lacks);\n"
        "                in_asm, exec, cpu: --trace's lines. -d help lists them\n"
        "-D FILE         the -d log goes to FILE (default stderr)\n"
        "--stuck warn|exit|off\n"
        "                a hart trapping 1000 times in a row on the same instruction,\n"
        "                or jumping where there is no memory: say so once on stderr\n"
        "                (warn, the default), or say so and end the run (exit, status\n"
        "                122), or watch nothing (off)\n"
        "\n"
        "Input files (-kernel, -initrd, -dtb, -bios, --expect-script) must be regular\n"
        "files; outputs (-serial file:, --console-log, --trace=, --screenshot-on-exit,\n"
        "dumpdtb=) may also be FIFOs or character devices such as /dev/stdout, but a\n"
        "FIFO nobody reads is an error at once. A write error on an output is reported\n"
        "once on stderr.\n"
        "\n"
        "-h              this help\n"
        "-help           the same as -h (also --help)\n"
        "-version        the version (also --version)\n"
        "\n"
        "The guest ends rivet through HTIF, the sifive test device (poweroff, fail\n"
        "code, reset), SBI system reset, semihosting SYS_EXIT (ApplicationExit: its\n"
        "code; any other reason: 1) or Ctrl-A x. A reset or reboot request (the test\n"
        "device, SBI, the monitor's system_reset) reboots the machine, with one line\n"
        "on stderr; firmware, kernel, initrd and device tree are read again from\n"
        "their files. An image in use by another rivet is refused (locked).\n"
        "\n"
        "Exit status:\n"
        "  0        the guest passed (exit code 0), powered off, or reset with\n"
        "           -no-reboot; gdb's kill\n"
        "  1-255    the guest's exit code, low 8 bits (a nonzero code whose low 8 bits\n"
        "           are 0 gives 1)\n"
        "  122      --stuck=exit: a hart is stuck (the message says where and why)\n"
        "  123      an --expect-script wait timed out (the message names the line)\n"
        "  124      --timeout or --max-insns reached, or every hart waits for an\n"
        "           interrupt nothing can raise (no timer armed, no input: stdin\n"
        "           at its end brings none)\n"
        "  125      usage or input error (bad option, bad file; a file a reboot\n"
        "           cannot load again)\n"
        "  126      internal error\n"
        "  141      the console's reader went away (rivet ... | head): one line on\n"
        "           stderr, the terminal restored (128 + SIGPIPE, which rivet ignores)\n"
        "  128+N    stopped by signal N\n";
    /* clang-format on */
}
