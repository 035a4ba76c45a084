/*
 * The human monitor's commands (HMP, QEMU's spelling and output formats)
 * and the actions QMP shares with it. Contract in monitor.h.
 */
#define _GNU_SOURCE /* gettid */
#include "machine/debug/monitor_priv.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/decode.h"
#include "cpu/hart.h"
#include "machine/board/board.h"
#include "machine/board/machine.h"
#include "machine/board/snapshot.h"
#include "machine/debug/regdump.h"
#include "machine/host/display.h"
#include "rivet/encoding.h"

void mon_printf(struct mon_text *t, const char *fmt, ...)
{
    if (t->truncated)
        return;
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof t->buf - t->len;
    int n = vsnprintf(t->buf + t->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        t->truncated = true;
        t->buf[t->len] = '\0';
        return;
    }
    t->len += (size_t)n;
}

static struct hart *cur_hart(struct monitor *mon)
{
    unsigned n = mon->m->cfg.nharts;
    return &mon->m->harts[mon->cpu < n ? mon->cpu : 0];
}

static const char priv_letter[4] = { 'U', 'S', '?', 'M' };

/* ---- the actions QMP shares ---- */

bool mon_stop(struct monitor *mon)
{
    if (machine_paused(mon->m))
        return false;
    machine_pause(mon->m);
    qmp_event(mon, "STOP", "{}");
    return true;
}

bool mon_cont(struct monitor *mon)
{
    if (!machine_paused(mon->m))
        return false;
    machine_resume(mon->m);
    qmp_event(mon, "RESUME", "{}");
    return true;
}

/* QEMU's system_reset: a reset request like the guest's (machine.h,
 * "Reboot"); the RESET event comes when the reboot happens. With
 * -no-reboot the run ends instead, as QEMU's does. */
void mon_reset(struct monitor *mon) { machine_request_reset(mon->m, MACHINE_RESET_MONITOR, 0); }

void mon_quit(struct monitor *mon)
{
    mon->quit = true;
    machine_request_exit(mon->m, 0);
}

/* The virt board's power button is the virtio keyboard's KEY_POWER
 * (display.h): without the display devices the guest has none to see. */
bool mon_powerdown(struct monitor *mon)
{
    qmp_event(mon, "POWERDOWN", "{}");
    if (!mon->m->display)
        return false;
    display_power_button(mon->m);
    return true;
}

/* ---- parsing ---- */

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* A register value for an address: $pc, $x5, $a0, ... */
static bool reg_value(struct hart *h, const char *name, uint64_t *v)
{
    if (!strcmp(name, "pc")) {
        *v = h->pc;
        return true;
    }
    for (unsigned i = 0; i < 32; i++) {
        char xn[8];
        snprintf(xn, sizeof xn, "x%u", i);
        if (!strcmp(name, xn) || !strcmp(name, reg_abi_name[i])) {
            *v = h->x[i];
            return true;
        }
    }
    return false;
}

/* An address or number: 0x hex, decimal, or $register. The whole token. */
static bool parse_value(struct monitor *mon, const char *s, uint64_t *v)
{
    if (*s == '$')
        return reg_value(cur_hart(mon), s + 1, v);
    if (!isdigit((unsigned char)*s))
        return false;
    char *end;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end)
        return false;
    *v = x;
    return true;
}

/* ---- info ---- */

static void emit_text(void *o, const char *text) { mon_printf(o, "%s", text); }

static void info_registers(struct monitor *mon, struct mon_text *o)
{
    struct hart *h = cur_hart(mon);
    mon_printf(o, "CPU#%u\n", (unsigned)(h - mon->m->harts));
    mon_printf(o, " %-8s %016" PRIx64 "\n", "pc", h->pc);
    mon_printf(o, " %-8s %c\n", "priv", priv_letter[h->priv & 3]);
    /* clang-format off */
    const struct { const char *name; uint64_t v; } csrs[] = {
        { "mhartid", h->mhartid }, { "mstatus", h->mstatus }, { "mip", hart_pending(h) },
        { "mie", h->mie },         { "mideleg", h->mideleg }, { "medeleg", h->medeleg },
        { "mtvec", h->mtvec },     { "stvec", h->stvec },     { "mepc", h->mepc },
        { "sepc", h->sepc },       { "mcause", h->mcause },   { "scause", h->scause },
        { "mtval", h->mtval },     { "stval", h->stval },     { "satp", h->mmu.satp },
        { "mscratch", h->mscratch }, { "sscratch", h->sscratch },
        /* clang-format on */
    };
    for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++)
        mon_printf(o, " %-8s %016" PRIx64 "\n", csrs[i].name, csrs[i].v);
    bool fp = isa_has(&h->isa, EXT_F);
    regdump_gprs(h, fp, emit_text, o);
    if (!fp)
        return;
    mon_printf(o, " %-8s %08x\n", "fcsr", (unsigned)(h->frm << 5 | h->fflags));
}

static void info_cpus(struct monitor *mon, struct mon_text *o)
{
    for (unsigned i = 0; i < mon->m->cfg.nharts; i++) {
        const struct hart *h = &mon->m->harts[i];
        const char *state = h->halted ? "halted" : h->wfi ? "waiting (wfi)" : "running";
        mon_printf(o, "%c CPU #%u: pc=0x%016" PRIx64 " priv=%c %s thread_id=%d\n", i == mon->cpu ? '*' : ' ', i, h->pc,
                   priv_letter[h->priv & 3], state, (int)gettid());
    }
}

struct mtree_entry {
    uint64_t base, size;
    const char *kind;
    char name[48];
};

static int mtree_cmp(const void *a, const void *b)
{
    const struct mtree_entry *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

/* Every instance of every board row, as mapped on the bus, in address
 * order; rows with nothing mapped (an empty virtio slot is still mapped)
 * are left out. */
static void info_mtree(struct monitor *mon, struct mon_text *o)
{
    struct bus *bus = &mon->m->bus;
    struct mtree_entry e[BUS_MAX_REGIONS + RIVET_VIRTIO_SLOTS + 1];
    unsigned n = 0, nrows;
    const struct board_row *rows = board_rows(&nrows);
    for (unsigned r = 0; r < nrows; r++) {
        const struct board_row *row = &rows[r];
        unsigned count = row->count ? row->count : 1;
        for (unsigned i = 0; i < count && n < sizeof e / sizeof e[0]; i++) {
            uint64_t base = board_base(row, i);
            const struct mmio_region *reg = bus_find_region(bus, base);
            bool ram = bus_is_ram(bus, base);
            if (!reg && !ram)
                continue;
            e[n].base = base;
            e[n].size = ram ? bus->ram_size : reg->size;
            e[n].kind = ram ? "ram" : reg->fetch ? "rom" : "i/o";
            snprintf(e[n].name, sizeof e[n].name, count > 1 ? "%s.%u" : "%s", ram ? "ram" : row->map.name, i);
            n++;
        }
    }
    qsort(e, n, sizeof e[0], mtree_cmp);
    mon_printf(o, "address-space: memory\n");
    mon_printf(o, "  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n");
    for (unsigned i = 0; i < n; i++)
        mon_printf(o, "    %016" PRIx64 "-%016" PRIx64 " (prio 0, %s): %s\n", e[i].base, e[i].base + e[i].size - 1,
                   e[i].kind, e[i].name);
}

static void info_status(struct monitor *mon, struct mon_text *o)
{
    mon_printf(o, "VM status: %s\n", machine_paused(mon->m) ? "paused" : "running");
}

static void info_version(struct monitor *mon, struct mon_text *o)
{
    (void)mon;
    mon_printf(o, "%s (rivet)\n", RIVET_VERSION);
}

/* Remembers a file savevm or loadvm used, for `info snapshots`. */
static void note_snapshot(struct monitor *mon, const char *path)
{
    for (unsigned i = 0; i < mon->nsnaps; i++)
        if (!strcmp(mon->snaps[i], path))
            return;
    char *copy = strdup(path);
    if (!copy)
        return;
    if (mon->nsnaps == MON_MAX_SNAPS) {
        free(mon->snaps[0]);
        memmove(mon->snaps, mon->snaps + 1, (MON_MAX_SNAPS - 1) * sizeof mon->snaps[0]);
        mon->nsnaps--;
    }
    mon->snaps[mon->nsnaps++] = copy;
}

static void describe_snapshot(const char *path, struct mon_text *o)
{
    char text[4096], err[RIVET_ERR_LEN];
    if (snapshot_describe(path, text, sizeof text, err, sizeof err))
        mon_printf(o, "%s", text);
    else
        mon_printf(o, "%s\n", err);
}

/* rivet's snapshots are files, not tags in a disk image: with FILE, what
 * that file holds; without, the files savevm and loadvm used in this run. */
static void info_snapshots(struct monitor *mon, const char *args, struct mon_text *o)
{
    if (*args) {
        describe_snapshot(args, o);
        return;
    }
    if (!mon->nsnaps)
        mon_printf(o, "There is no snapshot available (savevm FILE makes one; info snapshots FILE describes one).\n");
    for (unsigned i = 0; i < mon->nsnaps; i++)
        describe_snapshot(mon->snaps[i], o);
}

bool mon_savevm(struct monitor *mon, const char *path, char *err, size_t errlen)
{
    if (!machine_savevm(mon->m, path, err, errlen))
        return false;
    note_snapshot(mon, path);
    return true;
}

bool mon_loadvm(struct monitor *mon, const char *path, char *err, size_t errlen)
{
    if (!machine_loadvm(mon->m, path, err, errlen))
        return false;
    note_snapshot(mon, path);
    return true;
}

static void cmd_savevm(struct monitor *mon, const char *args, struct mon_text *o)
{
    char err[RIVET_ERR_LEN];
    if (!*args)
        mon_printf(o, "savevm: a file name is needed (rivet's snapshots are files: savevm FILE)\n");
    else if (!mon_savevm(mon, args, err, sizeof err))
        mon_printf(o, "Error: %s\n", err);
}

static void cmd_loadvm(struct monitor *mon, const char *args, struct mon_text *o)
{
    char err[RIVET_ERR_LEN];
    if (!*args)
        mon_printf(o, "loadvm: a file name is needed (loadvm FILE)\n");
    else if (!mon_loadvm(mon, args, err, sizeof err))
        mon_printf(o, "Error: %s\n", err);
}

static const struct {
    const char *name, *help;
    void (*fn)(struct monitor *mon, struct mon_text *o);
} infos[] = {
    { "cpus", "show infos for each CPU", info_cpus },
    { "mtree", "show memory tree", info_mtree },
    { "registers", "show the cpu registers", info_registers },
    { "status", "show the current VM status (running|paused)", info_status },
    { "version", "show the version of rivet", info_version },
};
#define NINFOS (sizeof infos / sizeof infos[0])

static void cmd_info(struct monitor *mon, const char *args, struct mon_text *o)
{
    if (!*args) {
        for (size_t i = 0; i < NINFOS; i++)
            mon_printf(o, "info %-10s -- %s\n", infos[i].name, infos[i].help);
        mon_printf(o, "info %-10s -- show the snapshot FILE holds, or those used in this run\n", "snapshots");
        return;
    }
    if (!strncmp(args, "snapshots", 9) && (!args[9] || args[9] == ' ' || args[9] == '\t')) {
        info_snapshots(mon, skip_space(args + 9), o);
        return;
    }
    for (size_t i = 0; i < NINFOS; i++)
        if (!strcmp(args, infos[i].name)) {
            machine_stop_world(mon->m, NULL); /* hart threads parked: a consistent read */
            infos[i].fn(mon, o);
            machine_resume_world(mon->m);
            return;
        }
    mon_printf(o, "unknown command: 'info %.64s'\n", args);
}

/* ---- memory ---- */

/* One byte at addr: virtual through the current hart's translation (as a
 * load, else as a fetch: code), or physical; RAM and the boot ROM only, so
 * that looking never changes a device's state. */
static bool peek_byte(struct monitor *mon, uint64_t addr, bool virt, uint8_t *b)
{
    struct hart *h = cur_hart(mon);
    uint64_t pa = addr, tval;
    if (virt && mmu_translate(&h->mmu, addr, ACC_LOAD, 1, &pa, &tval) != 0 &&
        mmu_translate(&h->mmu, addr, ACC_FETCH, 1, &pa, &tval) != 0)
        return false;
    const uint8_t *p = bus_ram_ptr(&mon->m->bus, pa, 1);
    if (p) {
        *b = *p;
        return true;
    }
    const struct mmio_region *r = bus_find_region(&mon->m->bus, pa);
    if (!r || !r->fetch)
        return false;
    *b = r->fetch[pa - r->base];
    return true;
}

static bool peek(struct monitor *mon, uint64_t addr, bool virt, unsigned size, uint64_t *v)
{
    uint8_t bytes[8];
    for (unsigned i = 0; i < size; i++)
        if (!peek_byte(mon, addr + i, virt, &bytes[i]))
            return false;
    *v = load_le(bytes, size);
    return true;
}

struct xfmt {
    uint64_t count;
    unsigned size;
    char format;
};

/* "/[count][format][size]" in any order of format and size letters. */
static bool parse_xfmt(const char **s, struct xfmt *f, struct mon_text *o)
{
    *f = (struct xfmt){ 1, 4, 'x' };
    if (**s != '/')
        return true;
    const char *p = *s + 1;
    if (isdigit((unsigned char)*p)) {
        char *end;
        f->count = strtoull(p, &end, 10);
        p = end;
    }
    for (; *p && *p != ' ' && *p != '\t'; p++) {
        const char *sz = strchr("bhwg", *p);
        if (sz)
            f->size = 1u << (sz - "bhwg");
        else if (strchr("xduoci", *p))
            f->format = *p;
        else {
            mon_printf(o, "invalid char in format: '%c'\n", isprint((unsigned char)*p) ? *p : '?');
            return false;
        }
    }
    *s = p;
    return true;
}

static void print_item(struct mon_text *o, char format, unsigned size, uint64_t v)
{
    int bits = (int)size * 8;
    switch (format) {
    case 'd': {
        int64_t sv = bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
        mon_printf(o, " %*" PRId64, (bits * 10 + 32) / 33, sv);
        break;
    }
    case 'u': mon_printf(o, " %*" PRIu64, (bits * 10 + 32) / 33, v); break;
    case 'o': mon_printf(o, " %#*" PRIo64, (bits + 2) / 3, v); break;
    case 'c': mon_printf(o, isprint((int)(v & 0xff)) ? " '%c'" : " '\\x%02x'", (unsigned)(v & 0xff)); break;
    default: mon_printf(o, " 0x%0*" PRIx64, (bits + 3) / 4, v); break;
    }
}

static void dump_insns(struct monitor *mon, uint64_t addr, bool virt, uint64_t count, struct mon_text *o)
{
    struct hart *h = cur_hart(mon);
    for (uint64_t i = 0; i < count && !o->truncated; i++) {
        uint64_t lo, hi = 0;
        if (!peek(mon, addr, virt, 2, &lo) || (insn_length((uint32_t)lo) == 4 && !peek(mon, addr + 2, virt, 2, &hi))) {
            mon_printf(o, "Cannot access memory\n");
            return;
        }
        struct insn in;
        char text[96];
        decode((uint32_t)(lo | hi << 16), &in, &h->dec);
        insn_disasm(&in, addr, text, sizeof text);
        mon_printf(o, "0x%016" PRIx64 ":  %s\n", addr, text);
        addr += insn_length((uint32_t)lo);
    }
}

/* x (virtual, the current hart's view) and xp (physical), QEMU's format:
 * an address, then 16 bytes of items a line (8 for bytes). */
static void cmd_memory(struct monitor *mon, const char *args, struct mon_text *o, bool virt)
{
    struct xfmt f;
    uint64_t addr;
    if (!parse_xfmt(&args, &f, o))
        return;
    args = skip_space(args);
    if (!*args || !parse_value(mon, args, &addr)) {
        mon_printf(o, "%s: bad or missing address '%.64s' (a number, 0x..., or $register)\n", virt ? "x" : "xp", args);
        return;
    }
    if (f.count > MON_TEXT_MAX / 8) {
        mon_printf(o, "%s: at most %d items\n", virt ? "x" : "xp", MON_TEXT_MAX / 8);
        return;
    }
    if (f.format == 'i') {
        dump_insns(mon, addr, virt, f.count, o);
        return;
    }
    if (f.format == 'c')
        f.size = 1;
    unsigned per_line = f.size == 1 ? 8 : 16 / f.size;
    for (uint64_t i = 0; i < f.count && !o->truncated; i++) {
        uint64_t a = addr + i * f.size, v;
        if (i % per_line == 0)
            mon_printf(o, "%s%016" PRIx64 ":", i ? "\n" : "", a);
        if (!peek(mon, a, virt, f.size, &v)) {
            mon_printf(o, "\nCannot access memory\n");
            return;
        }
        print_item(o, f.format, f.size, v);
    }
    mon_printf(o, "\n");
}

/* ---- the command table ---- */

static void cmd_help(struct monitor *mon, const char *args, struct mon_text *o);

/* x, xp and cpu read harts' state: with hart threads, with the harts parked
 * (the world stopped, nested within a pause: machine.h), so that what is
 * read is consistent; the machine runs on afterwards if it ran. */
static void cmd_x(struct monitor *mon, const char *a, struct mon_text *o)
{
    machine_stop_world(mon->m, NULL);
    cmd_memory(mon, a, o, true);
    machine_resume_world(mon->m);
}

static void cmd_xp(struct monitor *mon, const char *a, struct mon_text *o)
{
    machine_stop_world(mon->m, NULL);
    cmd_memory(mon, a, o, false);
    machine_resume_world(mon->m);
}

static void cpu_select(struct monitor *mon, const char *args, struct mon_text *o)
{
    uint64_t n;
    if (!parse_value(mon, args, &n) || *args == '$' || n >= mon->m->cfg.nharts) {
        mon_printf(o, "invalid CPU index\n");
        return;
    }
    mon->cpu = (unsigned)n;
}

static void cmd_cpu(struct monitor *mon, const char *args, struct mon_text *o)
{
    machine_stop_world(mon->m, NULL); /* $register reads the current hart */
    cpu_select(mon, args, o);
    machine_resume_world(mon->m);
}

static void cmd_stop(struct monitor *mon, const char *args, struct mon_text *o)
{
    (void)args, (void)o;
    mon_stop(mon);
}

static void cmd_cont(struct monitor *mon, const char *args, struct mon_text *o)
{
    (void)args, (void)o;
    mon_cont(mon);
}

static void cmd_powerdown(struct monitor *mon, const char *args, struct mon_text *o)
{
    (void)args;
    if (!mon_powerdown(mon))
        mon_printf(o, "the virt board has no power button the guest can see (rivet's is the virtio keyboard's "
                      "KEY_POWER, present with a display); nothing was sent\n");
}

static void cmd_reset(struct monitor *mon, const char *args, struct mon_text *o)
{
    (void)args, (void)o;
    mon_reset(mon);
}

static void cmd_quit(struct monitor *mon, const char *args, struct mon_text *o)
{
    (void)args, (void)o;
    mon_quit(mon);
}

static const struct {
    const char *name, *alias, *args, *help;
    void (*fn)(struct monitor *mon, const char *args, struct mon_text *o);
} cmds[] = {
    { "c", "cont", "", "resume emulation", cmd_cont },
    { "cpu", NULL, "index", "set the default CPU", cmd_cpu },
    { "help", "?", "[cmd]", "show the help", cmd_help },
    { "info", NULL, "[subcommand]", "show various information about the system state", cmd_info },
    { "loadvm", NULL, "file", "restore the machine from a snapshot file (made by savevm)", cmd_loadvm },
    { "q", "quit", "", "quit the emulator", cmd_quit },
    { "savevm", NULL, "file", "save the whole machine to a snapshot file", cmd_savevm },
    { "stop", "s", "", "stop emulation", cmd_stop },
    { "system_powerdown", NULL, "", "send system power down event", cmd_powerdown },
    { "system_reset", NULL, "", "reset the system", cmd_reset },
    { "x", NULL, "/fmt addr", "virtual memory dump starting at 'addr'", cmd_x },
    { "xp", NULL, "/fmt addr", "physical memory dump starting at 'addr'", cmd_xp },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

static void cmd_help(struct monitor *mon, const char *args, struct mon_text *o)
{
    (void)mon;
    for (size_t i = 0; i < NCMDS; i++) {
        if (*args && strcmp(args, cmds[i].name) && !(cmds[i].alias && !strcmp(args, cmds[i].alias)))
            continue;
        char names[40];
        snprintf(names, sizeof names, cmds[i].alias ? "%s|%s" : "%s", cmds[i].alias ? cmds[i].alias : cmds[i].name,
                 cmds[i].name);
        mon_printf(o, "%s %s -- %s\n", names, cmds[i].args, cmds[i].help);
    }
    if (!*args || !strcmp(args, "x") || !strcmp(args, "xp"))
        mon_printf(o, "  /fmt is /[count][format][size]: format x d u o c i, size b h w g\n");
}

void monitor_hmp(struct monitor *mon, const char *line, size_t len, struct mon_text *out)
{
    char buf[MON_LINE_MAX + 1];
    if (len > MON_LINE_MAX) {
        mon_printf(out, "line too long (at most %d characters)\n", MON_LINE_MAX);
        return;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++) /* echoed in messages: no control bytes reach the terminal */
        if (((unsigned char)buf[i] < 0x20 && buf[i] != '\t') || buf[i] == 0x7f)
            buf[i] = '?';
    while (len && isspace((unsigned char)buf[len - 1]))
        buf[--len] = '\0';
    const char *s = skip_space(buf);
    if (!*s)
        return;
    size_t n = strcspn(s, " \t/");
    for (size_t i = 0; i < NCMDS; i++) {
        bool is = (strlen(cmds[i].name) == n && !strncmp(s, cmds[i].name, n)) ||
                  (cmds[i].alias && strlen(cmds[i].alias) == n && !strncmp(s, cmds[i].alias, n));
        if (is) {
            cmds[i].fn(mon, skip_space(s + n), out);
            return;
        }
    }
    mon_printf(out, "unknown command: '%.*s'\n", (int)(n > 64 ? 64 : n), s);
}

struct monitor *monitor_new(struct machine *m)
{
    struct monitor *mon = calloc(1, sizeof *mon);
    if (!mon)
        return NULL;
    mon->m = m;
    for (unsigned i = 0; i < MON_NCHANS; i++) {
        mon->chans[i].mon = mon;
        mon->chans[i].listen_fd = mon->chans[i].fd = mon->chans[i].out_fd = -1;
    }
    return mon;
}
