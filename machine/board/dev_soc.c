/*
 * The board rows of the virt board's fixed devices (board.h): the boot ROM,
 * the CLINT and PLIC, the UART, the eight virtio-mmio transports, the
 * goldfish RTC and the sifive test device. For each: how it is created from
 * the machine's configuration, its MMIO region, and its device-tree node
 * (node names, compatible strings and wiring as QEMU 7.2's hw/riscv/virt.c,
 * so Linux, OpenSBI and xv6-style kernels find what they expect).
 */
#include <stdlib.h>
#include <string.h>

#include "devices/clint.h"
#include "devices/goldfish_rtc.h"
#include "devices/plic.h"
#include "devices/sifive_test.h"
#include "devices/uart16550.h"
#include "devices/virtio_mmio.h"
#include "machine/board/board_devs.h"
#include "machine/board/fdt_node.h"
#include "machine/board/machine.h"
#include "machine/debug/debug.h"
#include "rivet/encoding.h"
#include "rivet/snapstream.h"

#define NS16550_CLOCK 0x384000 /* QEMU's UART clock-frequency */

static bool out_of_memory(char *err, size_t errlen, const char *what)
{
    machine_err(err, errlen, "out of memory creating the %s", what);
    return false;
}

static void begin_node(struct dt *d, const struct board_row *row, unsigned i)
{
    dt_begin_dev(d, row->map.name, board_base(row, i), row->map.size);
}

/* The boot ROM: the reset vector boot.c writes (no node: QEMU has none). */
bool bd_rom_create(struct machine *m, char *err, size_t errlen)
{
    m->rom = calloc(1, virt_map(VIRT_MROM)->size);
    return m->rom || out_of_memory(err, errlen, "boot ROM");
}

void bd_rom_destroy(struct machine *m) { free(m->rom); }

static bus_status rom_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    *value = load_le((const uint8_t *)opaque + off, size);
    return BUS_OK;
}

static bus_status rom_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    return BUS_OK; /* a ROM ignores stores, as QEMU's mrom */
}

struct mmio_region bd_rom_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    /* clang-format off */
    return (struct mmio_region){ .name = virt_map(VIRT_MROM)->name, .base = base, .size = size,
                                 .min_access = 1, .max_access = 8, .read = rom_read, .write = rom_write,
                                 .opaque = m->rom, .fetch = m->rom };
    /* clang-format on */
}

/* The ROM's bytes are saved (up to its last non-zero byte; the rest is
 * zero): boot.c wrote them from the command line of the run that saved,
 * which may have differed in what -loadvm does not compare. */
bool bd_rom_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    uint32_t n = virt_map(VIRT_MROM)->size;
    while (n && !m->rom[n - 1])
        n--;
    snap_put_u32(w, n);
    snap_put(w, m->rom, n);
    return true;
}

bool bd_rom_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    size_t size = virt_map(VIRT_MROM)->size, n = snap_get_u32(r);
    if (n > size || n != r->len - r->pos)
        snap_bad(r, "boot ROM size differs");
    if (!r->bad && !r->dry) {
        snap_get(r, m->rom, n);
        memset(m->rom + n, 0, size - n);
    }
    r->pos = r->bad ? r->pos : r->len;
    return snap_end(r);
}

/* The CLINT: per-hart MSIP and mtimecmp, mtime from the machine's clock. */
bool bd_clint_create(struct machine *m, char *err, size_t errlen)
{
    m->clint = clint_create(m->cfg.nharts, m->ports, (struct time_source){ machine_clock, m });
    return m->clint || out_of_memory(err, errlen, "CLINT");
}

void bd_clint_destroy(struct machine *m) { clint_destroy(m->clint); }

void bd_clint_reset(struct machine *m) { clint_reset(m->clint); }

struct mmio_region bd_clint_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return clint_region(m->clint, base, size);
}

void bd_clint_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    static const char compat[] = "sifive,clint0\0riscv,clint0";
    begin_node(d, row, i);
    dt_strs(d, "compatible", compat, sizeof compat);
    dt_per_hart_irqs(d, IRQ_M_SOFT, IRQ_M_TIMER);
    dt_end(d);
}

bool bd_clint_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    clint_save(m->clint, w);
    return true;
}

bool bd_clint_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    return clint_restore(m->clint, r);
}

/* The PLIC: every device's interrupt goes through it. */
bool bd_plic_create(struct machine *m, char *err, size_t errlen)
{
    m->plic = plic_create(VIRT_PLIC_SOURCES, m->cfg.nharts, m->ports);
    return m->plic || out_of_memory(err, errlen, "PLIC");
}

void bd_plic_destroy(struct machine *m) { plic_destroy(m->plic); }

void bd_plic_reset(struct machine *m) { plic_reset(m->plic); }

struct mmio_region bd_plic_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return plic_region(m->plic, base, size);
}

void bd_plic_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    begin_node(d, row, i);
    dt_u32(d, "phandle", dt_phandle_plic(d));
    dt_strs(d, "compatible", compat, sizeof compat);
    dt_u32(d, "riscv,ndev", VIRT_PLIC_SOURCES - 1);
    dt_per_hart_irqs(d, IRQ_M_EXT, IRQ_S_EXT); /* contexts 2h (M) and 2h+1 (S) */
    dt_u32(d, "#interrupt-cells", 1);
    dt_empty(d, "interrupt-controller");
    dt_u32(d, "#address-cells", 0);
    dt_end(d);
}

bool bd_plic_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    plic_save(m->plic, w);
    return true;
}

bool bd_plic_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    return plic_restore(m->plic, r);
}

/* A device on a PLIC source: instance i of its row. */
static struct irq_line row_line(struct machine *m, enum virt_dev dev, unsigned i)
{
    return plic_line(m->plic, board_irq(board_row(dev), i));
}

/* The UART on the console (machine.c opens it first; -serial none: m->console
 * is all NULL, and the UART reads nothing and drops what it is given). */
bool bd_uart_create(struct machine *m, char *err, size_t errlen)
{
    m->uart = uart_create(&m->console, row_line(m, VIRT_UART0, 0));
    return m->uart || out_of_memory(err, errlen, "UART");
}

void bd_uart_destroy(struct machine *m) { uart_destroy(m->uart); }

void bd_uart_reset(struct machine *m)
{
    pthread_mutex_lock(&m->locks.uart);
    uart_reset(m->uart);
    pthread_mutex_unlock(&m->locks.uart);
}

struct mmio_region bd_uart_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    struct mmio_region r = uart_region(m->uart, base, size);
    r.lock = &m->locks.uart; /* the device's lock (machine.h, "Threads") */
    return r;
}

/* The world is stopped, but the I/O thread's console input takes the lock. */
bool bd_uart_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    struct machine *mm = (struct machine *)m; /* the lock only */
    pthread_mutex_lock(&mm->locks.uart);
    uart_save(m->uart, w);
    pthread_mutex_unlock(&mm->locks.uart);
    return true;
}

bool bd_uart_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&m->locks.uart);
    bool ok = uart_restore(m->uart, r);
    pthread_mutex_unlock(&m->locks.uart);
    return ok;
}

void bd_uart_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    begin_node(d, row, i);
    dt_str(d, "compatible", "ns16550a");
    dt_u32(d, "clock-frequency", NS16550_CLOCK);
    dt_plic_irq(d, board_irq(row, i));
    dt_end(d);
}

/* The virtio-mmio transports: the slots' devices first (board_virtio_types),
 * then one transport per slot, an empty slot answering device ID 0. */
bool bd_virtio_create(struct machine *m, char *err, size_t errlen)
{
    if (!board_virtio_create_types(m, err, errlen))
        return false;
    for (unsigned i = 0; i < RIVET_VIRTIO_SLOTS; i++) {
        m->virtio[i] = virtio_mmio_create(&m->bus, row_line(m, VIRT_VIRTIO, i), m->vdevs[i], m->cfg.virtio_legacy);
        if (!m->virtio[i]) {
            machine_err(err, errlen, "out of memory creating virtio-mmio slot %u", i);
            return false;
        }
    }
    return true;
}

void bd_virtio_destroy(struct machine *m)
{
    for (unsigned i = 0; i < RIVET_VIRTIO_SLOTS; i++)
        virtio_mmio_destroy(m->virtio[i]);
    board_virtio_destroy_types(m);
}

void bd_virtio_reset(struct machine *m)
{
    for (unsigned i = 0; i < RIVET_VIRTIO_SLOTS; i++) {
        pthread_mutex_lock(&m->locks.slot[i]);
        virtio_mmio_reset(m->virtio[i]);
        pthread_mutex_unlock(&m->locks.slot[i]);
    }
}

struct mmio_region bd_virtio_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    struct mmio_region r = virtio_mmio_region(m->virtio[i], base, size);
    r.lock = &m->locks.slot[i]; /* one lock per slot: a disk request stalls no other device */
    return r;
}

bool bd_virtio_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    struct machine *mm = (struct machine *)m; /* the lock only */
    pthread_mutex_lock(&mm->locks.slot[i]);
    virtio_mmio_save(m->virtio[i], w);
    pthread_mutex_unlock(&mm->locks.slot[i]);
    return true;
}

bool bd_virtio_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&m->locks.slot[i]);
    bool ok = virtio_mmio_restore(m->virtio[i], r);
    pthread_mutex_unlock(&m->locks.slot[i]);
    return ok;
}

void bd_virtio_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    begin_node(d, row, i);
    dt_str(d, "compatible", "virtio,mmio");
    dt_plic_irq(d, board_irq(row, i));
    dt_end(d);
}

/* The goldfish RTC: the host's wall clock, or -icount's virtual time and
 * -rtc clock=fixed's start (the debug layer's), and an alarm. */
bool bd_rtc_create(struct machine *m, char *err, size_t errlen)
{
    m->rtc = goldfish_rtc_create(row_line(m, VIRT_RTC, 0));
    if (!m->rtc)
        return out_of_memory(err, errlen, "RTC");
    machine_debug_attach_rtc(m);
    return true;
}

void bd_rtc_destroy(struct machine *m) { goldfish_rtc_destroy(m->rtc); }

void bd_rtc_reset(struct machine *m)
{
    pthread_mutex_lock(&m->locks.rtc);
    goldfish_rtc_reset(m->rtc);
    pthread_mutex_unlock(&m->locks.rtc);
}

struct mmio_region bd_rtc_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    struct mmio_region r = goldfish_rtc_region(m->rtc, base, size);
    r.lock = &m->locks.rtc;
    return r;
}

bool bd_rtc_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    struct machine *mm = (struct machine *)m; /* the lock only */
    pthread_mutex_lock(&mm->locks.rtc);
    goldfish_rtc_save(m->rtc, w);
    pthread_mutex_unlock(&mm->locks.rtc);
    return true;
}

bool bd_rtc_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&m->locks.rtc);
    bool ok = goldfish_rtc_restore(m->rtc, r);
    pthread_mutex_unlock(&m->locks.rtc);
    return ok;
}

void bd_rtc_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    begin_node(d, row, i);
    dt_str(d, "compatible", "google,goldfish-rtc");
    dt_plic_irq(d, board_irq(row, i));
    dt_end(d);
}

/* The sifive test device: pass and fail end the run with the guest's code;
 * reset reboots the machine (with -no-reboot it ends the run, status 0). */
static void on_test_finish(void *opaque, enum sifive_test_action action, unsigned code)
{
    struct machine *m = opaque;
    if (action == SIFIVE_TEST_RESET)
        machine_request_reset(m, MACHINE_RESET_TEST, 0);
    else
        machine_request_exit_kind(m, MACHINE_EXIT_GUEST, action == SIFIVE_TEST_FAIL ? code : 0);
}

bool bd_test_create(struct machine *m, char *err, size_t errlen)
{
    m->test = sifive_test_create(on_test_finish, m);
    return m->test || out_of_memory(err, errlen, "test device");
}

void bd_test_destroy(struct machine *m) { sifive_test_destroy(m->test); }

struct mmio_region bd_test_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return sifive_test_region(m->test, base, size);
}

/* /poweroff and /reboot name it by phandle (fdt.c writes them). */
void bd_test_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    static const char compat[] = "sifive,test1\0sifive,test0\0syscon";
    begin_node(d, row, i);
    dt_u32(d, "phandle", dt_phandle_test(d));
    dt_strs(d, "compatible", compat, sizeof compat);
    dt_end(d);
}
