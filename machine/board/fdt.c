/*
 * The device tree of the virt board (see fdt.h), written with libfdt's
 * sequential-write API. Node names, compatible strings and interrupt
 * wiring follow QEMU 7.2's hw/riscv/virt.c, so Linux, OpenSBI and xv6-style
 * kernels find the devices they expect. The nodes under /soc are the board
 * table's (board.h): each row writes its own through fdt_node.h's helpers,
 * which this file implements (it alone includes libfdt).
 */
#include "machine/board/fdt.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "rivet/encoding.h"
#include "machine/board/board.h"
#include "machine/board/fdt_node.h"

#define DTB_FIRST_SIZE   (16 * 1024)
#define DTB_MAX_SIZE     (1024 * 1024)
#define DTB_CHOSEN_SLACK 1024
#define TEST_POWEROFF    0x5555
#define TEST_RESET       0x7777
#define MAX_CELLS        (4 * 8) /* interrupts-extended of the PLIC: 4 cells per hart */

/* A tree being written (fdt_node.h): the first libfdt error sticks and
 * later calls do nothing. */
struct dt {
    void *fdt;
    int err;
    const struct dtb_params *p;
};

static void dt_begin(struct dt *d, const char *name)
{
    if (!d->err)
        d->err = fdt_begin_node(d->fdt, name);
}

void dt_end(struct dt *d)
{
    if (!d->err)
        d->err = fdt_end_node(d->fdt);
}

void dt_str(struct dt *d, const char *name, const char *value)
{
    if (!d->err)
        d->err = fdt_property_string(d->fdt, name, value);
}

void dt_strs(struct dt *d, const char *name, const char *list, size_t len)
{
    if (!d->err)
        d->err = fdt_property(d->fdt, name, list, (int)len);
}

void dt_empty(struct dt *d, const char *name)
{
    if (!d->err)
        d->err = fdt_property(d->fdt, name, NULL, 0);
}

void dt_cells(struct dt *d, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t be[MAX_CELLS];
    for (unsigned i = 0; i < n && i < MAX_CELLS; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    if (!d->err)
        d->err = fdt_property(d->fdt, name, be, (int)(n * sizeof be[0]));
}

void dt_u32(struct dt *d, const char *name, uint32_t v) { dt_cells(d, name, &v, 1); }

void dt_u32s(struct dt *d, const char *name, const uint32_t *cells, unsigned n)
{
    fdt32_t *be = malloc(n * sizeof *be + 1);
    for (unsigned i = 0; be && i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    if (!d->err)
        d->err = be ? fdt_property(d->fdt, name, be, (int)(n * sizeof *be)) : -FDT_ERR_NOSPACE;
    free(be);
}

uint64_t dt_ram_size(const struct dt *d) { return d->p->ram_size; }

/* reg = <base size> with #address-cells = #size-cells = 2. */
static void dt_reg(struct dt *d, uint64_t base, uint64_t size)
{
    uint32_t c[4] = { (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)(size >> 32), (uint32_t)size };
    dt_cells(d, "reg", c, 4);
}

/* Phandles: per-hart interrupt controllers, the cpus, then the PLIC and test device. */
static uint32_t ph_intc(unsigned hart) { return 1 + hart; }
static uint32_t ph_cpu(const struct dtb_params *p, unsigned hart) { return 1 + p->nharts + hart; }
static uint32_t ph_plic(const struct dtb_params *p) { return 1 + 2 * p->nharts; }
static uint32_t ph_test(const struct dtb_params *p) { return 2 + 2 * p->nharts; }
uint32_t dt_phandle_plic(const struct dt *d) { return ph_plic(d->p); }
uint32_t dt_phandle_test(const struct dt *d) { return ph_test(d->p); }

static void node_name(char *buf, size_t len, const char *name, uint64_t addr)
{
    snprintf(buf, len, "%s@%llx", name, (unsigned long long)addr);
}

/* The ISA three ways: the riscv,isa string (what Linux 6.1 reads), and the
 * base and extension list of the newer binding (riscv/extensions.yaml).
 * The default ISA keeps the tree rivet gave before -cpu existed, riscv,isa
 * alone (as QEMU 7.2 does), so that old command lines see the same bytes. */
static void add_isa(struct dt *d, const struct isa_set *isa)
{
    char str[ISA_STRING_MAX], list[ISA_STRING_MAX];
    struct isa_set def;
    isa_string(isa, str, sizeof str);
    dt_str(d, "riscv,isa", str);
    isa_model(ISA_DEFAULT_MODEL, &def);
    if (!isa_equal(isa, &def)) {
        size_t n = isa_name_list(isa, list, sizeof list);
        dt_str(d, "riscv,isa-base", "rv64i");
        if (n <= sizeof list)
            dt_strs(d, "riscv,isa-extensions", list, n);
    }
    /* The cache block of the CMO extensions (riscv/cpus.yaml). */
    if (isa_has(isa, EXT_ZICBOM))
        dt_u32(d, "riscv,cbom-block-size", MMU_CBO_BLOCK);
    if (isa_has(isa, EXT_ZICBOP))
        dt_u32(d, "riscv,cbop-block-size", MMU_CBO_BLOCK);
    if (isa_has(isa, EXT_ZICBOZ))
        dt_u32(d, "riscv,cboz-block-size", MMU_CBO_BLOCK);
}

static void add_cpu(struct dt *d, const struct dtb_params *p, unsigned i)
{
    char name[32];
    snprintf(name, sizeof name, "cpu@%u", i);
    dt_begin(d, name);
    dt_u32(d, "phandle", ph_cpu(p, i));
    dt_str(d, "device_type", "cpu");
    dt_u32(d, "reg", i);
    dt_str(d, "status", "okay");
    dt_str(d, "compatible", "riscv");
    add_isa(d, p->isa);
    dt_str(d, "mmu-type", "riscv,sv57"); /* satp accepts Sv39, Sv48 and Sv57 */
    dt_begin(d, "interrupt-controller");
    dt_u32(d, "#address-cells", 0);
    dt_u32(d, "#interrupt-cells", 1);
    dt_empty(d, "interrupt-controller");
    dt_str(d, "compatible", "riscv,cpu-intc");
    dt_u32(d, "phandle", ph_intc(i));
    dt_end(d);
    dt_end(d);
}

static void add_cpus(struct dt *d, const struct dtb_params *p)
{
    dt_begin(d, "cpus");
    dt_u32(d, "#address-cells", 1);
    dt_u32(d, "#size-cells", 0);
    dt_u32(d, "timebase-frequency", RIVET_TIMEBASE_HZ);
    for (unsigned i = 0; i < p->nharts; i++)
        add_cpu(d, p, i);
    dt_begin(d, "cpu-map");
    dt_begin(d, "cluster0");
    for (unsigned i = 0; i < p->nharts; i++) {
        char name[16];
        snprintf(name, sizeof name, "core%u", i);
        dt_begin(d, name);
        dt_u32(d, "cpu", ph_cpu(p, i));
        dt_end(d);
    }
    dt_end(d);
    dt_end(d);
    dt_end(d);
}

void dt_per_hart_irqs(struct dt *d, uint32_t a, uint32_t b)
{
    const struct dtb_params *p = d->p;
    uint32_t c[MAX_CELLS];
    unsigned n = 0;
    for (unsigned i = 0; i < p->nharts && n + 4 <= MAX_CELLS; i++) {
        c[n++] = ph_intc(i);
        c[n++] = a;
        c[n++] = ph_intc(i);
        c[n++] = b;
    }
    dt_cells(d, "interrupts-extended", c, n);
}

void dt_begin_at(struct dt *d, const char *name, uint64_t base)
{
    char node[48];
    node_name(node, sizeof node, name, base);
    dt_begin(d, node);
}

void dt_begin_dev(struct dt *d, const char *name, uint64_t base, uint64_t size)
{
    dt_begin_at(d, name, base);
    dt_reg(d, base, size);
}

void dt_plic_irq(struct dt *d, unsigned irq)
{
    dt_u32(d, "interrupts", irq);
    dt_u32(d, "interrupt-parent", ph_plic(d->p));
}

/* /pmu (where QEMU 7.2's is) where the harts have Zihpm (the default
 * model has not: its tree stays as it was). The riscv,pmu binding, as
 * OpenSBI reads it: which counters may count which SBI PMU event (cycles:
 * mcycle or mhpmcounter3..31; instructions: minstret or those), the
 * mhpmevent selector of each (cpu/pmu.c: rivet's selectors 1 and 2 are the
 * events' own numbers), and the raw events 1 and 2 on mhpmcounter3..31. */
#define PMU_PROGRAMMABLE 0xfffffff8u
static void add_pmu(struct dt *d)
{
    static const uint32_t counters[] = { 1, 1, PMU_PROGRAMMABLE | 1u << 0, 2, 2, PMU_PROGRAMMABLE | 1u << 2 };
    static const uint32_t selectors[] = { 1, 0, 1, 2, 0, 2 };
    static const uint32_t raw[] = { 0, 1, UINT32_MAX, UINT32_MAX, PMU_PROGRAMMABLE,
                                    0, 2, UINT32_MAX, UINT32_MAX, PMU_PROGRAMMABLE };
    if (!isa_has(d->p->isa, EXT_ZIHPM))
        return;
    dt_begin(d, "pmu");
    dt_str(d, "compatible", "riscv,pmu");
    dt_cells(d, "riscv,event-to-mhpmevent", selectors, 6);
    dt_cells(d, "riscv,event-to-mhpmcounters", counters, 6);
    dt_cells(d, "riscv,raw-event-to-mhpmcounters", raw, 10);
    dt_end(d);
}

static void add_soc(struct dt *d)
{
    dt_begin(d, "soc");
    dt_u32(d, "#address-cells", 2);
    dt_u32(d, "#size-cells", 2);
    dt_str(d, "compatible", "simple-bus");
    dt_empty(d, "ranges");
    board_fdt_soc(d); /* every device's node, in the board table's order */
    dt_end(d);
}

/* /poweroff and /reboot: syscon writes to the test device. */
static void add_syscon(struct dt *d, const struct dtb_params *p, const char *node, const char *compat, uint32_t value)
{
    dt_begin(d, node);
    dt_str(d, "compatible", compat);
    dt_u32(d, "regmap", ph_test(p));
    dt_u32(d, "offset", 0);
    dt_u32(d, "value", value);
    dt_end(d);
}

static void add_root(struct dt *d, const struct dtb_params *p)
{
    char name[48], serial[64];
    dt_begin(d, "");
    dt_u32(d, "#address-cells", 2);
    dt_u32(d, "#size-cells", 2);
    dt_str(d, "compatible", "riscv-virtio");
    dt_str(d, "model", "riscv-virtio,qemu");
    dt_begin(d, "chosen");
    node_name(name, sizeof name, virt_map(VIRT_UART0)->name, virt_map(VIRT_UART0)->base);
    snprintf(serial, sizeof serial, "/soc/%s", name);
    dt_str(d, "stdout-path", serial);
    dt_end(d);
    node_name(name, sizeof name, virt_map(VIRT_DRAM)->name, p->ram_base);
    dt_begin(d, name);
    dt_str(d, "device_type", "memory");
    dt_reg(d, p->ram_base, p->ram_size);
    dt_end(d);
    add_cpus(d, p);
    add_soc(d);
    board_fdt_root(d); /* fw-cfg (systemd-detect-virt looks for it at the root), platform-bus */
    add_pmu(d);
    add_syscon(d, p, "poweroff", "syscon-poweroff", TEST_POWEROFF);
    add_syscon(d, p, "reboot", "syscon-reboot", TEST_RESET);
    dt_end(d);
}

/* One attempt in a buffer of `size` bytes; the libfdt error, 0 on success. */
static int build_in(void *buf, size_t size, const struct dtb_params *p)
{
    struct dt d = { buf, fdt_create(buf, (int)size), p };
    if (!d.err)
        d.err = fdt_finish_reservemap(buf);
    add_root(&d, p);
    if (!d.err)
        d.err = fdt_finish(buf);
    return d.err;
}

void *dtb_build_virt(const struct dtb_params *p, size_t *size, char *err, size_t errlen)
{
    for (size_t cap = DTB_FIRST_SIZE; cap <= DTB_MAX_SIZE; cap *= 2) {
        void *buf = calloc(1, cap);
        if (!buf)
            break;
        int rc = build_in(buf, cap, p);
        if (rc == 0) {
            *size = fdt_totalsize(buf);
            return buf;
        }
        free(buf);
        if (rc != -FDT_ERR_NOSPACE) {
            snprintf(err, errlen, "building the device tree: %s", fdt_strerror(rc));
            return NULL;
        }
    }
    snprintf(err, errlen, "out of memory building the device tree");
    return NULL;
}

static int set_chosen(void *fdt, const char *bootargs, uint64_t start, uint64_t end)
{
    int node = fdt_path_offset(fdt, "/chosen");
    if (node == -FDT_ERR_NOTFOUND)
        node = fdt_add_subnode(fdt, 0, "chosen");
    if (node < 0)
        return node;
    int rc = 0;
    if (bootargs)
        rc = fdt_setprop_string(fdt, node, "bootargs", bootargs);
    if (!rc && end > start)
        rc = fdt_setprop_u64(fdt, node, "linux,initrd-start", start);
    if (!rc && end > start)
        rc = fdt_setprop_u64(fdt, node, "linux,initrd-end", end);
    return rc ? rc : fdt_pack(fdt);
}

void *dtb_set_chosen(const void *blob, const char *bootargs, uint64_t initrd_start, uint64_t initrd_end, size_t *size,
                     char *err, size_t errlen)
{
    size_t cap = fdt_totalsize(blob) + DTB_CHOSEN_SLACK + (bootargs ? strlen(bootargs) : 0);
    void *buf = cap < INT32_MAX ? malloc(cap) : NULL;
    if (!buf) {
        snprintf(err, errlen, "out of memory for the device tree");
        return NULL;
    }
    int rc = fdt_open_into(blob, buf, (int)cap);
    if (!rc)
        rc = set_chosen(buf, bootargs, initrd_start, initrd_end);
    if (rc) {
        snprintf(err, errlen, "device tree /chosen: %s", fdt_strerror(rc));
        free(buf);
        return NULL;
    }
    *size = fdt_totalsize(buf);
    return buf;
}

bool dtb_valid(const void *data, size_t size)
{
    return size >= FDT_V17_SIZE && fdt_check_header(data) == 0 && fdt_totalsize(data) <= size &&
           fdt_check_full(data, size) == 0;
}

/* Node `name` under `parent`, created when missing. */
static int subnode(void *fdt, int parent, const char *name)
{
    int node = fdt_subnode_offset(fdt, parent, name);
    return node == -FDT_ERR_NOTFOUND ? fdt_add_subnode(fdt, parent, name) : node;
}

static int set_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
    fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
    return fdt_setprop(fdt, node, "reg", reg, sizeof reg);
}

/* The framebuffer's RAM, kept out of the kernel's allocator and linear map
 * (reserved-memory binding: no-map). The root has 2 address and size cells. */
static int add_reserved_fb(void *fdt, const struct dtb_framebuffer *fb, const char *name)
{
    int rm = subnode(fdt, 0, "reserved-memory");
    int rc = rm < 0 ? rm : fdt_setprop_u32(fdt, rm, "#address-cells", 2);
    if (!rc)
        rc = fdt_setprop_u32(fdt, rm, "#size-cells", 2);
    if (!rc)
        rc = fdt_setprop(fdt, rm, "ranges", NULL, 0);
    int node = rc ? rc : fdt_add_subnode(fdt, rm, name);
    if (node < 0)
        return node;
    rc = set_reg(fdt, node, fb->base, fb->size);
    return rc ? rc : fdt_setprop(fdt, node, "no-map", NULL, 0);
}

/* The simple-framebuffer node (binding simple-framebuffer.yaml), at the
 * root rather than in /chosen, whose lack of `ranges` would leave its reg
 * untranslatable; Linux creates simplefb devices from either place. */
static int add_fb_node(void *fdt, const struct dtb_framebuffer *fb, const char *name)
{
    int node = fdt_add_subnode(fdt, 0, name);
    if (node < 0)
        return node;
    int rc = fdt_setprop_string(fdt, node, "compatible", "simple-framebuffer");
    if (!rc)
        rc = set_reg(fdt, node, fb->base, (uint64_t)fb->stride * fb->height);
    if (!rc)
        rc = fdt_setprop_u32(fdt, node, "width", fb->width);
    if (!rc)
        rc = fdt_setprop_u32(fdt, node, "height", fb->height);
    if (!rc)
        rc = fdt_setprop_u32(fdt, node, "stride", fb->stride);
    if (!rc)
        rc = fdt_setprop_string(fdt, node, "format", "x8r8g8b8");
    return rc ? rc : fdt_setprop_string(fdt, node, "status", "okay");
}

void *dtb_add_framebuffer(const void *blob, const struct dtb_framebuffer *fb, size_t *size, char *err, size_t errlen)
{
    char name[48];
    size_t cap = fdt_totalsize(blob) + DTB_CHOSEN_SLACK;
    void *buf = cap < INT32_MAX ? malloc(cap) : NULL;
    if (!buf) {
        snprintf(err, errlen, "out of memory for the device tree");
        return NULL;
    }
    node_name(name, sizeof name, "framebuffer", fb->base);
    int rc = fdt_open_into(blob, buf, (int)cap);
    if (!rc)
        rc = add_reserved_fb(buf, fb, name);
    if (!rc)
        rc = add_fb_node(buf, fb, name);
    if (!rc)
        rc = fdt_pack(buf);
    if (rc) {
        snprintf(err, errlen, "device tree framebuffer: %s", fdt_strerror(rc));
        free(buf);
        return NULL;
    }
    *size = fdt_totalsize(buf);
    return buf;
}
