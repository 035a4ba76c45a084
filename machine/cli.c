/*
 * Command-line parser: see cli.h.
 */
#include "machine/cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum flag_id {
    F_MACHINE, F_BIOS, F_KERNEL, F_MEM, F_SMP, F_NOGRAPHIC,
    F_TRACE, F_TIMEOUT, F_MAX_INSNS, F_HELP, F_VERSION,
};

enum flag_arg { ARG_NONE, ARG_REQUIRED, ARG_EQ_ONLY };

struct flag {
    const char *name; /* without dashes */
    enum flag_id id;
    enum flag_arg arg;
};

static const struct flag flags[] = {
    { "machine", F_MACHINE, ARG_REQUIRED },   { "M", F_MACHINE, ARG_REQUIRED },
    { "bios", F_BIOS, ARG_REQUIRED },         { "kernel", F_KERNEL, ARG_REQUIRED },
    { "m", F_MEM, ARG_REQUIRED },             { "smp", F_SMP, ARG_REQUIRED },
    { "nographic", F_NOGRAPHIC, ARG_NONE },   { "trace", F_TRACE, ARG_EQ_ONLY },
    { "timeout", F_TIMEOUT, ARG_REQUIRED },   { "max-insns", F_MAX_INSNS, ARG_REQUIRED },
    { "h", F_HELP, ARG_NONE },                { "help", F_HELP, ARG_NONE },
    { "version", F_VERSION, ARG_NONE },
};

/* What the parser has seen, beyond the options themselves. */
struct parse_state {
    struct cli_options *o;
    const char *bios;
    char *err;
    size_t errlen;
};

static enum cli_result usage_error(struct parse_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum cli_result usage_error(struct parse_state *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (st->err && st->errlen)
        vsnprintf(st->err, st->errlen, fmt, ap);
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
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    default: return false;
    }
    if (*end && end[1])
        return false;
    if (n > (UINT64_MAX >> shift))
        return false;
    *bytes = (uint64_t)n << shift;
    return true;
}

static enum cli_result set_mem(struct parse_state *st, const char *flag, const char *v)
{
    uint64_t bytes;
    if (!cli_parse_size(v, &bytes))
        return usage_error(st, "%s: bad size '%s' (a number of MiB, or with a K/M/G suffix)", flag, v);
    if (bytes < (1ull << 20) || bytes % 4096)
        return usage_error(st, "%s: RAM size '%s' must be at least 1M and a multiple of 4K", flag, v);
    st->o->cfg.ram_size = bytes;
    return CLI_RUN;
}

static enum cli_result set_smp(struct parse_state *st, const char *flag, const char *v)
{
    uint64_t n;
    const char *num = strncmp(v, "cpus=", 5) == 0 ? v + 5 : v;
    if (!parse_u64(num, &n))
        return usage_error(st, "%s: bad number '%s'", flag, v);
    if (n < 1 || n > RIVET_MAX_HARTS)
        return usage_error(st, "%s: %s harts requested; rivet supports 1 to %d", flag, num, RIVET_MAX_HARTS);
    st->o->cfg.nharts = (unsigned)n;
    return CLI_RUN;
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

static enum cli_result apply(struct parse_state *st, enum flag_id id, const char *flag, const char *v)
{
    switch (id) {
    case F_MACHINE:
        if (strcmp(v, "virt") != 0)
            return usage_error(st, "%s: unsupported machine '%s' (only 'virt')", flag, v);
        return CLI_RUN;
    case F_BIOS: st->bios = v; return CLI_RUN;
    case F_KERNEL: st->o->kernel = v; return CLI_RUN;
    case F_MEM: return set_mem(st, flag, v);
    case F_SMP: return set_smp(st, flag, v);
    case F_NOGRAPHIC: return CLI_RUN; /* there is no display yet: always true */
    case F_TRACE:
        st->o->trace = true;
        st->o->trace_path = v;
        return CLI_RUN;
    case F_TIMEOUT: return set_timeout(st, flag, v);
    case F_MAX_INSNS: return set_max_insns(st, flag, v);
    case F_HELP: return CLI_HELP;
    case F_VERSION: return CLI_VERSION;
    }
    return usage_error(st, "%s: internal error: unhandled flag", flag);
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

static enum cli_result check_complete(struct parse_state *st)
{
    if (!st->bios || strcmp(st->bios, "none") != 0)
        return usage_error(st, "built-in SBI firmware is not available yet; use -bios none");
    if (!st->o->kernel)
        return usage_error(st, "no guest given; use -kernel FILE");
    return CLI_RUN;
}

enum cli_result cli_parse(int argc, char *const argv[], struct cli_options *o,
                          char *err, size_t errlen)
{
    struct parse_state st = { .o = o, .err = err, .errlen = errlen };
    memset(o, 0, sizeof *o);
    rivet_config_default(&o->cfg);
    if (err && errlen)
        err[0] = '\0';
    int i = 1;
    while (i < argc) {
        enum cli_result r = parse_one(&st, argc, argv, &i);
        if (r != CLI_RUN)
            return r;
    }
    return check_complete(&st);
}

const char *cli_version(void)
{
    return "rivet " RIVET_VERSION " (RISC-V RV64GC system emulator)\n";
}

const char *cli_usage(void)
{
    return
        "usage: rivet -bios none -kernel FILE [options]\n"
        "\n"
        "Runs a RISC-V RV64GC guest. FILE is an ELF (segments loaded at their\n"
        "physical addresses) or a raw image (loaded at 0x80000000); harts start in\n"
        "M-mode at its entry with a0 = hart id. An ELF defining 'tohost' may use\n"
        "HTIF (console output, syscall proxy, exit).\n"
        "\n"
        "Board options (QEMU spelling):\n"
        "  -machine virt, -M virt  the board (the only one)\n"
        "  -bios none              run the kernel without SBI firmware (required for now)\n"
        "  -kernel FILE            the guest program\n"
        "  -m SIZE                 RAM size: MiB, or with a K/M/G suffix (default 128M)\n"
        "  -smp N                  number of harts, 1 to 8 (default 1)\n"
        "  -nographic              accepted; there is no display\n"
        "\n"
        "rivet options (one or two dashes):\n"
        "  --trace[=FILE]          one line per retired instruction (default: stderr)\n"
        "  --timeout SECONDS       stop after this much wall-clock time (fractions ok)\n"
        "  --max-insns N           stop after N instructions retired over all harts\n"
        "  -h, --help              this help\n"
        "  --version               the version\n"
        "\n"
        "Harts that all wait in WFI with nothing to wake them sleep until --timeout.\n"
        "\n"
        "Exit status:\n"
        "  0        the guest passed (exit code 0)\n"
        "  1-255    the guest's exit code, low 8 bits (a nonzero code whose low 8 bits\n"
        "           are 0 gives 1)\n"
        "  124      --timeout or --max-insns reached\n"
        "  125      usage or input error (bad option, bad file)\n"
        "  126      internal error\n"
        "  128+N    stopped by signal N\n";
}
