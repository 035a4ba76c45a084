/*
 * The gdb stub's packet commands (GDB manual, "Remote Protocol", appendix E):
 * registers, memory, breakpoints and watchpoints, threads, the target
 * description, and the run-control requests handed back to gdbstub.c.
 * Every parser checks lengths and hex digits itself: a packet is untrusted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "machine/debug/gdb_priv.h"

/* CSR names for the target description (the privileged spec's, which gdb
 * knows): single CSRs, then numbered families. */
static const struct {
    const char *name;
    unsigned num;
} csr_names[] = {
    /* clang-format off */
    { "cycle", CSR_CYCLE }, { "time", CSR_TIME }, { "instret", CSR_INSTRET },
    { "sstatus", CSR_SSTATUS }, { "sie", CSR_SIE }, { "stvec", CSR_STVEC },
    { "scounteren", CSR_SCOUNTEREN }, { "senvcfg", CSR_SENVCFG }, { "sscratch", CSR_SSCRATCH },
    { "sepc", CSR_SEPC }, { "scause", CSR_SCAUSE }, { "stval", CSR_STVAL }, { "sip", CSR_SIP },
    { "stimecmp", CSR_STIMECMP }, { "satp", CSR_SATP },
    { "mvendorid", CSR_MVENDORID }, { "marchid", CSR_MARCHID }, { "mimpid", CSR_MIMPID },
    { "mhartid", CSR_MHARTID }, { "mconfigptr", CSR_MCONFIGPTR }, { "mstatus", CSR_MSTATUS },
    { "misa", CSR_MISA }, { "medeleg", CSR_MEDELEG }, { "mideleg", CSR_MIDELEG }, { "mie", CSR_MIE },
    { "mtvec", CSR_MTVEC }, { "mcounteren", CSR_MCOUNTEREN }, { "menvcfg", CSR_MENVCFG },
    { "mcountinhibit", CSR_MCOUNTINHIBIT }, { "mscratch", CSR_MSCRATCH }, { "mepc", CSR_MEPC },
    { "mcause", CSR_MCAUSE }, { "mtval", CSR_MTVAL }, { "mip", CSR_MIP }, { "mtinst", CSR_MTINST },
    { "mtval2", CSR_MTVAL2 }, { "mcycle", CSR_MCYCLE }, { "minstret", CSR_MINSTRET },
    { "tselect", CSR_TSELECT }, { "tdata1", CSR_TDATA1 }, { "tdata2", CSR_TDATA2 }, { "tdata3", CSR_TDATA3 },
    /* clang-format on */
};
static const struct {
    const char *prefix;
    unsigned first, last, base; /* CSR first..last is prefix(first - base)... */
} csr_families[] = {
    { "hpmcounter", CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, CSR_CYCLE },
    { "mhpmcounter", CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, CSR_MCYCLE },
    { "mhpmevent", CSR_MHPMEVENT3, CSR_MHPMEVENT31, CSR_MHPMEVENT3 - 3 },
    { "pmpcfg", CSR_PMPCFG0, CSR_PMPCFG15, CSR_PMPCFG0 },
    { "pmpaddr", CSR_PMPADDR0, CSR_PMPADDR63, CSR_PMPADDR0 },
};

/* The name gdb knows CSR num by; "csrNNN" (hex) for one without a name. */
static void csr_name(unsigned num, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof csr_names / sizeof csr_names[0]; i++)
        if (csr_names[i].num == num) {
            snprintf(buf, len, "%s", csr_names[i].name);
            return;
        }
    for (size_t i = 0; i < sizeof csr_families / sizeof csr_families[0]; i++)
        if (num >= csr_families[i].first && num <= csr_families[i].last) {
            snprintf(buf, len, "%s%u", csr_families[i].prefix, num - csr_families[i].base);
            return;
        }
    snprintf(buf, len, "csr%03x", num);
}

/* ---- hex helpers ---- */

/* A hex number of 1..16 digits at *p (before end); advances *p. */
static bool parse_hex(const char **p, const char *end, uint64_t *v)
{
    uint64_t x = 0;
    unsigned n = 0;
    while (*p < end && gdb_hex_digit(**p) >= 0) {
        if (++n > 16)
            return false;
        x = x << 4 | (uint64_t)gdb_hex_digit(*(*p)++);
    }
    *v = x;
    return n > 0;
}

static bool expect_char(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

static const char hexdig[] = "0123456789abcdef";

/* Appends n bytes of v, little-endian (the target's order), as hex. */
static char *put_le(char *out, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8) {
        *out++ = hexdig[(v >> 4) & 0xf];
        *out++ = hexdig[v & 0xf];
    }
    *out = '\0';
    return out;
}

/* Reads 2n hex digits of a little-endian value; false on bad or missing digits. */
static bool get_le(const char **p, const char *end, unsigned n, uint64_t *v)
{
    uint64_t x = 0;
    if ((size_t)(end - *p) < 2u * n)
        return false;
    for (unsigned i = 0; i < n; i++) {
        int hi = gdb_hex_digit((*p)[2 * i]), lo = gdb_hex_digit((*p)[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        x |= (uint64_t)(hi << 4 | lo) << (8 * i);
    }
    *p += 2 * n;
    *v = x;
    return true;
}

static void reply_str(char *reply, const char *s) { snprintf(reply, GDB_REPLY_SIZE, "%s", s); }

/* ---- registers ---- */

static struct hart *g_hart(struct gdbstub *g) { return &g->m->harts[g->g_hart]; }

static unsigned reg_size(unsigned n) { return n >= GDB_REG_CSR0 + CSR_FFLAGS && n <= GDB_REG_CSR0 + CSR_FCSR ? 4 : 8; }

/* CSR access as the debugger: M-mode rights whatever the hart's privilege. */
static bool csr_access(struct hart *h, unsigned csr, uint64_t *v, bool write)
{
    uint8_t priv = h->priv;
    h->priv = PRV_M;
    int r = write ? csr_write(h, csr, *v) : csr_read(h, csr, v);
    h->priv = priv;
    if (write) { /* satp, mstatus.MPRV...: recompute the translation context */
        hart_update_mmu(h);
        hart_flush_tlb(h);
    }
    return r == 0;
}

static bool reg_read(struct hart *h, unsigned n, uint64_t *v)
{
    if (n < 32)
        *v = h->x[n];
    else if (n == GDB_REG_PC)
        *v = h->pc;
    else if (n < GDB_REG_CSR0)
        *v = h->f[n - GDB_REG_F0];
    else if (n == GDB_REG_CSR0 + CSR_FFLAGS)
        *v = h->fflags;
    else if (n == GDB_REG_CSR0 + CSR_FRM)
        *v = h->frm;
    else if (n == GDB_REG_CSR0 + CSR_FCSR)
        *v = (uint64_t)h->frm << 5 | h->fflags;
    else if (n < GDB_REG_PRIV)
        return csr_access(h, n - GDB_REG_CSR0, v, false);
    else if (n == GDB_REG_PRIV)
        *v = h->priv;
    else
        return false;
    return true;
}

static bool reg_write(struct hart *h, unsigned n, uint64_t v)
{
    if (n == 0)
        return true; /* x0 stays zero */
    if (n < 32)
        h->x[n] = v;
    else if (n == GDB_REG_PC)
        h->pc = v & ~1ull;
    else if (n < GDB_REG_CSR0)
        h->f[n - GDB_REG_F0] = v;
    else if (n == GDB_REG_CSR0 + CSR_FFLAGS)
        h->fflags = v & 0x1f;
    else if (n == GDB_REG_CSR0 + CSR_FRM)
        h->frm = v & 7;
    else if (n == GDB_REG_CSR0 + CSR_FCSR) {
        h->fflags = v & 0x1f;
        h->frm = (v >> 5) & 7;
    } else if (n < GDB_REG_PRIV)
        return csr_access(h, n - GDB_REG_CSR0, &v, true);
    else if (n == GDB_REG_PRIV) {
        if (v > PRV_M || v == 2) /* no hypervisor mode */
            return false;
        hart_set_priv(h, (unsigned)v, h->instret);
        hart_update_mmu(h);
        hart_flush_tlb(h);
    } else
        return false;
    return true;
}

static void cmd_g(struct gdbstub *g, char *reply)
{
    struct hart *h = g_hart(g);
    char *o = reply;
    for (unsigned n = 0; n <= GDB_REG_PC; n++)
        o = put_le(o, n == GDB_REG_PC ? h->pc : h->x[n], 8);
}

static void cmd_G(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    uint64_t v[GDB_REG_PC + 1];
    for (unsigned n = 0; n <= GDB_REG_PC; n++)
        if (!get_le(&p, end, 8, &v[n])) {
            reply_str(reply, "E01");
            return;
        }
    for (unsigned n = 0; n <= GDB_REG_PC; n++)
        reg_write(g_hart(g), n, v[n]);
    reply_str(reply, "OK");
}

static void cmd_p(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    uint64_t n, v;
    if (!parse_hex(&p, end, &n) || p != end || n > GDB_REG_PRIV) {
        reply_str(reply, "E01");
        return;
    }
    if (!reg_read(g_hart(g), (unsigned)n, &v)) {
        reply_str(reply, "E01");
        return;
    }
    put_le(reply, v, reg_size((unsigned)n));
}

static void cmd_P(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    uint64_t n, v;
    if (!parse_hex(&p, end, &n) || !expect_char(&p, end, '=') || n > GDB_REG_PRIV ||
        !get_le(&p, end, reg_size((unsigned)n), &v) || p != end) {
        reply_str(reply, "E01");
        return;
    }
    reply_str(reply, reg_write(g_hart(g), (unsigned)n, v) ? "OK" : "E01");
}

/* ---- memory ---- */

/* The physical address of va as the selected hart would see it. Writes only
 * need the page to be readable (or executable): a debugger patches code. */
static bool debug_translate(struct hart *h, uint64_t va, uint64_t *pa)
{
    uint64_t tval;
    return mmu_translate(&h->mmu, va, ACC_LOAD, 1, pa, &tval) == 0 ||
           mmu_translate(&h->mmu, va, ACC_FETCH, 1, pa, &tval) == 0;
}

/* One byte of guest memory: RAM, the boot ROM, or a device that takes byte
 * accesses. RAM writes go through DMA so decoded code is dropped. */
static bool mem_byte(struct hart *h, uint64_t va, uint8_t *b, bool write)
{
    struct bus *bus = h->mmu.bus;
    uint64_t pa, v = *b;
    if (!debug_translate(h, va, &pa))
        return false;
    if (bus_ram_ptr(bus, pa, 1))
        return write ? bus_dma_write(bus, pa, b, 1) : bus_dma_read(bus, pa, b, 1);
    const struct mmio_region *r = bus_find_region(bus, pa);
    if (!r || r->min_access != 1)
        return false;
    if (!write && r->fetch) {
        *b = r->fetch[pa - r->base];
        return true;
    }
    if (write)
        return bus_write(bus, pa, 1, v) == BUS_OK;
    if (bus_read(bus, pa, 1, &v) != BUS_OK)
        return false;
    *b = (uint8_t)v;
    return true;
}

/* "addr,len" then an optional separator. len is capped to what one reply holds. */
static bool parse_addr_len(const char **p, const char *end, uint64_t *addr, uint64_t *len)
{
    return parse_hex(p, end, addr) && expect_char(p, end, ',') && parse_hex(p, end, len) &&
           *len <= GDB_PACKET_SIZE / 2 - 8;
}

static void cmd_m(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    uint64_t addr, len;
    if (!parse_addr_len(&p, end, &addr, &len) || p != end) {
        reply_str(reply, "E01");
        return;
    }
    char *o = reply;
    *o = '\0';
    for (uint64_t i = 0; i < len; i++) {
        uint8_t b = 0;
        if (!mem_byte(g_hart(g), addr + i, &b, false)) {
            if (i == 0)
                reply_str(reply, "E14");
            return; /* a partial read ends at the first unreadable byte */
        }
        o = put_le(o, b, 1);
    }
}

/* M (hex) and X (binary with '}' escapes) writes; nothing is written unless
 * the whole payload parses. */
static void cmd_write(struct gdbstub *g, const char *p, const char *end, bool binary, char *reply)
{
    uint64_t addr, len, v;
    uint8_t data[GDB_PACKET_SIZE];
    if (!parse_addr_len(&p, end, &addr, &len) || !expect_char(&p, end, ':')) {
        reply_str(reply, "E01");
        return;
    }
    for (uint64_t i = 0; i < len; i++) {
        if (binary) {
            if (p >= end || (*p == '}' && p + 1 >= end)) {
                reply_str(reply, "E01");
                return;
            }
            data[i] = *p == '}' ? (uint8_t)(p[1] ^ 0x20) : (uint8_t)*p;
            p += *p == '}' ? 2 : 1;
        } else if (get_le(&p, end, 1, &v)) {
            data[i] = (uint8_t)v;
        } else {
            reply_str(reply, "E01");
            return;
        }
    }
    if (p != end) {
        reply_str(reply, "E01");
        return;
    }
    for (uint64_t i = 0; i < len; i++)
        if (!mem_byte(g_hart(g), addr + i, &data[i], true)) {
            reply_str(reply, "E14");
            return;
        }
    reply_str(reply, "OK");
}

/* ---- breakpoints and watchpoints ---- */

static bool watch_overlaps(const struct gdb_watch *w, uint64_t va, uint64_t len, enum mmu_access acc)
{
    bool kind = w->type == GDB_WATCH_ACCESS || (acc == ACC_STORE) == (w->type == GDB_WATCH_WRITE);
    if (!kind || len == 0)
        return false;
    /* [va, va+len) and [addr, addr+wlen) intersect; unsigned wrap-around
     * makes each test "start of one lies inside the other". */
    return va - w->addr < w->len || w->addr - va < len;
}

static bool gdb_watch_query(void *opaque, uint64_t va, uint64_t len, enum mmu_access acc)
{
    const struct gdbstub *g = opaque;
    for (unsigned i = 0; i < g->nwatches; i++)
        if (watch_overlaps(&g->watches[i], va, len, acc))
            return true;
    return false;
}

void gdb_sync_hooks(struct gdbstub *g)
{
    bool watching = g->nwatches > 0;
    for (unsigned i = 0; i < g->m->cfg.nharts; i++) {
        struct hart *h = &g->m->harts[i];
        h->debug_stop = gdb_debug_stop;
        h->debug_opaque = g;
        h->mmu.watch = watching ? gdb_watch_query : NULL;
        h->mmu.watch_opaque = g;
        h->mmu.watch_hit = false;
        hart_flush_tlb(h); /* watched pages leave the TLB; unwatched may return */
        hart_set_breaks(h, g->breaks.n ? &g->breaks : NULL);
    }
}

static bool watch_set(struct gdbstub *g, enum gdb_watch_type type, uint64_t addr, uint64_t len, bool insert)
{
    for (unsigned i = 0; i < g->nwatches; i++) {
        struct gdb_watch *w = &g->watches[i];
        if (w->type == type && w->addr == addr && w->len == len) {
            if (!insert)
                *w = g->watches[--g->nwatches];
            return true;
        }
    }
    if (!insert)
        return true;
    if (g->nwatches >= GDB_MAX_WATCHES || len == 0 || len > PAGE_SIZE)
        return false;
    g->watches[g->nwatches++] = (struct gdb_watch){ addr, len, type };
    return true;
}

/* Z/z type,addr,kind[;cond...]: conditions are not supported (ignored text
 * after ';' would change the meaning, so it is refused). */
static void cmd_z(struct gdbstub *g, const char *p, const char *end, bool insert, char *reply)
{
    uint64_t type, addr, kind;
    if (!parse_hex(&p, end, &type) || !expect_char(&p, end, ',') || !parse_hex(&p, end, &addr) ||
        !expect_char(&p, end, ',') || !parse_hex(&p, end, &kind) || p != end) {
        reply_str(reply, "E01");
        return;
    }
    bool ok = true;
    if (type <= 1 && insert)
        ok = hart_breaks_insert(&g->breaks, addr);
    else if (type <= 1)
        hart_breaks_remove(&g->breaks, addr);
    else if (type <= GDB_WATCH_ACCESS)
        ok = watch_set(g, (enum gdb_watch_type)type, addr, kind, insert);
    else {
        reply[0] = '\0'; /* unsupported type */
        return;
    }
    gdb_sync_hooks(g);
    reply_str(reply, ok ? "OK" : "E22");
}

/* The hart hook (hart.h): records the hart's event, a watchpoint hit or the
 * breakpoint at its pc, unless one is already pending for it, and stops the
 * hart (held, its slice ended). The rest of the round runs as far as this
 * hart got (machine.h), then the stub stops every hart and reports. */
bool gdb_debug_stop(void *opaque, struct hart *h)
{
    struct gdbstub *g = opaque;
    unsigned id = (unsigned)(h - g->m->harts);
    struct gdb_event *ev = &g->events[id];
    if (!ev->valid) {
        *ev = (struct gdb_event){ .valid = true, .signal = GDB_SIGTRAP, .pc = h->pc };
        if (h->mmu.watch_hit) {
            static const char *const kinds[] = { "awatch", "rwatch", "watch" };
            const struct gdb_watch *w = NULL;
            for (unsigned i = 0; i < g->nwatches && !w; i++)
                if (watch_overlaps(&g->watches[i], h->mmu.watch_addr, 1, h->mmu.watch_acc))
                    w = &g->watches[i];
            snprintf(ev->reason, sizeof ev->reason, "%s:%" PRIx64 ";",
                     w ? kinds[w->type == GDB_WATCH_ACCESS ? 0
                               : w->type == GDB_WATCH_READ ? 1
                                                           : 2]
                       : "awatch",
                     h->mmu.watch_addr);
        } else {
            ev->is_break = true;
            snprintf(ev->reason, sizeof ev->reason, "swbreak:;");
        }
    }
    __atomic_store_n(&g->stop_pending, true, __ATOMIC_SEQ_CST);
    h->debug_hold = true;
    hart_yield(h);
    machine_threads_wake_io(g->m); /* with hart threads: the stub reports at once */
    return true;
}

void gdb_stop_reply(struct gdbstub *g, char *reply)
{
    snprintf(reply, GDB_REPLY_SIZE, "T%02xthread:%x;%s", g->last.signal, g->last_hart + 1, g->last.reason);
}

/* ---- target description ---- */

/* Whether the hart has CSR num, to an M-mode reader. */
static bool csr_present(struct hart *h, unsigned num)
{
    uint8_t priv = h->priv;
    h->priv = PRV_M;
    bool yes = csr_exists(h, num);
    h->priv = priv;
    return yes;
}

/* The target description: gdb's RISC-V features (cpu, fpu, csr with every
 * CSR the hart has, and the virtual one with priv), regnums as gdb numbers
 * them. */
static size_t xml_regs(struct hart *h, char *o, size_t cap)
{
    size_t n = 0;
    char name[32];
#define XML(...) (n += (size_t)snprintf(o + (n < cap ? n : cap), n < cap ? cap - n : 0, __VA_ARGS__))
    XML("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
        "<architecture>riscv:rv64</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (unsigned i = 0; i < 32; i++)
        XML("<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%u\"/>\n", reg_abi_name[i],
            i == 1   ? "code_ptr"
            : i == 2 ? "data_ptr"
                     : "int",
            i);
    XML("<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%u\"/>\n</feature>\n"
        "<feature name=\"org.gnu.gdb.riscv.fpu\">\n",
        (unsigned)GDB_REG_PC);
    for (unsigned i = 0; i < 32; i++)
        XML("<reg name=\"%s\" bitsize=\"64\" type=\"ieee_double\" regnum=\"%u\"/>\n", freg_abi_name[i], GDB_REG_F0 + i);
    XML("<reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
        "<reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
        "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n</feature>\n"
        "<feature name=\"org.gnu.gdb.riscv.csr\">\n",
        (unsigned)(GDB_REG_CSR0 + CSR_FFLAGS), (unsigned)(GDB_REG_CSR0 + CSR_FRM), (unsigned)(GDB_REG_CSR0 + CSR_FCSR));
    for (unsigned num = CSR_FCSR + 1; num < GDB_REG_PRIV - GDB_REG_CSR0; num++) {
        if (!csr_present(h, num))
            continue;
        csr_name(num, name, sizeof name);
        XML("<reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n", name, GDB_REG_CSR0 + num);
    }
    XML("</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
        "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%u\"/>\n</feature>\n</target>\n",
        (unsigned)GDB_REG_PRIV);
#undef XML
    return n;
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH -> "m"/"l" + escaped data. */
static void cmd_xfer(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    static const char prefix[] = "target.xml:";
    uint64_t off, len;
    if (!g->xml_len) {
        g->xml_len = xml_regs(&g->m->harts[0], g->xml, sizeof g->xml);
        if (g->xml_len >= sizeof g->xml) /* cannot happen with 4096 CSRs of short names */
            g->xml_len = sizeof g->xml - 1;
    }
    if ((size_t)(end - p) < sizeof prefix - 1 || memcmp(p, prefix, sizeof prefix - 1)) {
        reply_str(reply, "E00");
        return;
    }
    p += sizeof prefix - 1;
    if (!parse_hex(&p, end, &off) || !expect_char(&p, end, ',') || !parse_hex(&p, end, &len) || p != end) {
        reply_str(reply, "E01");
        return;
    }
    if (len > GDB_PACKET_SIZE / 2)
        len = GDB_PACKET_SIZE / 2;
    size_t o = 1;
    uint64_t i = off;
    for (; i < g->xml_len && i - off < len; i++) {
        char c = g->xml[i];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            reply[o++] = '}';
            c ^= 0x20;
        }
        reply[o++] = c;
    }
    reply[0] = i >= g->xml_len ? 'l' : 'm';
    reply[o] = '\0';
}

/* ---- threads and queries ---- */

#define THREAD_ALL (-1) /* "-1" */
#define THREAD_ANY (-2) /* "0": gdb lets the stub pick */

/* A thread id: -1 (all), 0 (any), or 1..nharts (*t = the hart index). */
static bool parse_thread(struct gdbstub *g, const char **p, const char *end, int *t)
{
    uint64_t v;
    if (*p < end && **p == '-') {
        if (*p + 1 >= end || (*p)[1] != '1')
            return false;
        *p += 2;
        *t = THREAD_ALL;
        return true;
    }
    if (!parse_hex(p, end, &v) || v > g->m->cfg.nharts)
        return false;
    *t = v ? (int)v - 1 : THREAD_ANY;
    return true;
}

static bool starts(const char *p, const char *end, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* qThreadExtraInfo,TID: what `info threads` shows after the thread id. */
static void cmd_extra_info(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    int t;
    char text[64];
    if (!parse_thread(g, &p, end, &t) || p != end || t < 0) {
        reply_str(reply, "E01");
        return;
    }
    const struct hart *h = &g->m->harts[t];
    snprintf(text, sizeof text, "hart %u%s", (unsigned)t, h->halted ? " (stopped by SBI)" : h->wfi ? " (wfi)" : "");
    char *o = reply;
    for (const char *c = text; *c; c++)
        o = put_le(o, (uint8_t)*c, 1);
}

static void cmd_q(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    reply[0] = '\0';
    if (starts(p, end, "qSupported"))
        snprintf(reply, GDB_REPLY_SIZE, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+",
                 GDB_PACKET_SIZE);
    else if (starts(p, end, "qXfer:features:read:"))
        cmd_xfer(g, p + 20, end, reply);
    else if (starts(p, end, "qfThreadInfo")) {
        char *o = reply + sprintf(reply, "m");
        for (unsigned i = 0; i < g->m->cfg.nharts; i++)
            o += sprintf(o, i ? ",%x" : "%x", i + 1);
    } else if (starts(p, end, "qsThreadInfo"))
        reply_str(reply, "l");
    else if (starts(p, end, "qThreadExtraInfo,"))
        cmd_extra_info(g, p + 17, end, reply);
    else if (end - p == 2 && starts(p, end, "qC"))
        snprintf(reply, GDB_REPLY_SIZE, "QC%x", g->g_hart + 1);
    else if (starts(p, end, "qAttached"))
        reply_str(reply, "1");
}

/* Whether any hart is to run. */
static bool resumes_any(const struct gdbstub *g)
{
    for (unsigned i = 0; i < g->m->cfg.nharts; i++)
        if (g->run[i] != GDB_RUN_HOLD)
            return true;
    return false;
}

/* One vCont action "a[sig][:tid]" at *p: applies to the harts no earlier
 * action named (the leftmost match wins, E.2 "vCont"); `set` marks them. */
static bool vcont_action(struct gdbstub *g, const char **p, const char *end, bool *set)
{
    uint64_t sig;
    int t = THREAD_ALL;
    char a = *(*p)++;
    if ((a == 'C' || a == 'S') && !parse_hex(p, end, &sig)) /* the signal is not delivered */
        return false;
    if (*p < end && **p == ':' && (++*p, !parse_thread(g, p, end, &t)))
        return false;
    if (a != 'c' && a != 'C' && a != 's' && a != 'S' && a != 't')
        return false;
    enum gdb_run r = a == 'c' || a == 'C' ? GDB_RUN_CONT : a == 't' ? GDB_RUN_HOLD : GDB_RUN_STEP;
    if (t == THREAD_ANY)
        t = (int)g->c_hart;
    for (unsigned i = 0; i < g->m->cfg.nharts; i++)
        if (!set[i] && (t == THREAD_ALL || (unsigned)t == i)) {
            g->run[i] = r;
            set[i] = true;
        }
    return true;
}

/* vCont;ACTION[:TID]...: per-thread actions; unnamed harts stay stopped.
 * Nothing to run: the stop reply at once. */
static enum gdb_action cmd_vcont(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    bool set[RIVET_MAX_HARTS] = { false };
    enum gdb_run saved[RIVET_MAX_HARTS];
    memcpy(saved, g->run, sizeof saved);
    for (unsigned i = 0; i < g->m->cfg.nharts; i++)
        g->run[i] = GDB_RUN_HOLD;
    reply[0] = '\0';
    while (p < end) {
        if (!expect_char(&p, end, ';') || p >= end || !vcont_action(g, &p, end, set)) {
            memcpy(g->run, saved, sizeof saved);
            reply_str(reply, "E01");
            return GDB_ACT_REPLY;
        }
    }
    if (resumes_any(g))
        return GDB_ACT_RESUME;
    memcpy(g->run, saved, sizeof saved);
    gdb_stop_reply(g, reply);
    return GDB_ACT_REPLY;
}

/* c/s/C/S with an optional resume address (after the signal for C/S): c
 * resumes every hart, s steps the Hc hart while the others run (QEMU). */
static enum gdb_action cmd_resume(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    char op = *p++;
    uint64_t v;
    if ((op == 'C' || op == 'S') && (!parse_hex(&p, end, &v) || (p < end && !expect_char(&p, end, ';')))) {
        reply_str(reply, "E01");
        return GDB_ACT_REPLY;
    }
    if (p < end) {
        if (!parse_hex(&p, end, &v) || p != end) {
            reply_str(reply, "E01");
            return GDB_ACT_REPLY;
        }
        g->m->harts[g->c_hart].pc = v & ~1ull;
    }
    reply[0] = '\0';
    for (unsigned i = 0; i < g->m->cfg.nharts; i++)
        g->run[i] = (op == 's' || op == 'S') && i == g->c_hart ? GDB_RUN_STEP : GDB_RUN_CONT;
    return GDB_ACT_RESUME;
}

/* Hg/Hc: -1 (all) and 0 (any) keep the current selection. */
static void cmd_H(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    int t;
    char op = p < end ? *p++ : 0;
    if ((op != 'g' && op != 'c') || !parse_thread(g, &p, end, &t) || p != end) {
        reply_str(reply, "E01");
        return;
    }
    if (t >= 0)
        *(op == 'g' ? &g->g_hart : &g->c_hart) = (unsigned)t;
    reply_str(reply, "OK");
}

static void cmd_T(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    uint64_t t;
    bool ok = parse_hex(&p, end, &t) && p == end && t >= 1 && t <= g->m->cfg.nharts;
    reply_str(reply, ok ? "OK" : "E01");
}

static enum gdb_action cmd_v(struct gdbstub *g, const char *p, const char *end, char *reply)
{
    reply[0] = '\0';
    if (end - p == 6 && starts(p, end, "vCont?"))
        reply_str(reply, "vCont;c;C;s;S;t");
    else if (starts(p, end, "vCont;"))
        return cmd_vcont(g, p + 5, end, reply);
    else if (starts(p, end, "vKill"))
        return GDB_ACT_KILL;
    return GDB_ACT_REPLY;
}

char gdbstub_resumes(const struct gdbstub *g, unsigned hart)
{
    if (hart >= g->m->cfg.nharts)
        return 0;
    return g->run[hart] == GDB_RUN_CONT ? 'c' : g->run[hart] == GDB_RUN_STEP ? 's' : 0;
}

enum gdb_action gdbstub_command(struct gdbstub *g, const char *pkt, size_t len, char *reply)
{
    const char *end = pkt + len, *arg = pkt + 1;
    reply[0] = '\0';
    if (len == 0)
        return GDB_ACT_REPLY;
    switch (pkt[0]) {
    case '?': gdb_stop_reply(g, reply); break;
    case 'g': cmd_g(g, reply); break;
    case 'G': cmd_G(g, arg, end, reply); break;
    case 'p': cmd_p(g, arg, end, reply); break;
    case 'P': cmd_P(g, arg, end, reply); break;
    case 'm': cmd_m(g, arg, end, reply); break;
    case 'M': cmd_write(g, arg, end, false, reply); break;
    case 'X': cmd_write(g, arg, end, true, reply); break;
    case 'Z': cmd_z(g, arg, end, true, reply); break;
    case 'z': cmd_z(g, arg, end, false, reply); break;
    case 'q': cmd_q(g, pkt, end, reply); break;
    case 'H': cmd_H(g, arg, end, reply); break;
    case 'T': cmd_T(g, arg, end, reply); break;
    case 'v': return cmd_v(g, pkt, end, reply);
    case 'c':
    case 's':
    case 'C':
    case 'S': return cmd_resume(g, pkt, end, reply);
    case 'k': return GDB_ACT_KILL;
    case 'D': reply_str(reply, "OK"); return GDB_ACT_DETACH;
    default: break; /* unsupported: the empty reply */
    }
    return GDB_ACT_REPLY;
}
