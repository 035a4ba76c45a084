/*
 * Board file of the PCIe host bridge (board.h rows VIRT_PCIE_*), as QEMU
 * 7.2's virt: ECAM at 0x30000000, the I/O window at 0x3000000, 32-bit
 * memory at 0x40000000, 64-bit memory at 0x400000000 (or above a RAM that
 * reaches it), INTA..INTD on PLIC sources 32..35 swizzled by slot. Each
 * virtio device the configuration puts in a PCI slot (RIVET_PCI_SLOT(d),
 * made by the virtio-mmio row's kinds before this row runs) gets a
 * virtio-pci function at 00:d.0 under the slot's lock (devices/pci.h,
 * "Threads").
 */
#include <assert.h>
#include <stdlib.h>

#include "devices/pci.h"
#include "devices/plic.h"
#include "devices/virtio_input.h"
#include "devices/virtio_pci.h"
#include "machine/board/board_devs.h"
#include "machine/board/fdt_node.h"
#include "machine/board/machine.h"
#include "rivet/snapstream.h"

#define PCI_PIN_COUNT 4

static pthread_mutex_t *slot_lock(struct machine *m, unsigned d) { return &m->locks.slot[RIVET_PCI_SLOT(d)]; }

bool bd_pci_create(struct machine *m, char *err, size_t errlen)
{
    struct irq_line lines[PCI_PIN_COUNT];
    for (unsigned i = 0; i < PCI_PIN_COUNT; i++)
        lines[i] = plic_line(m->plic, board_row(VIRT_PCIE_ECAM)->map.irq + i);
    m->pci = pci_host_create(lines, slot_lock(m, 0));
    if (!m->pci) {
        machine_err(err, errlen, "out of memory creating the PCIe host bridge");
        return false;
    }
    for (unsigned d = 1; d < RIVET_PCI_SLOTS; d++) {
        struct virtio_device *dev = m->vdevs[RIVET_PCI_SLOT(d)];
        if (!dev)
            continue;
        m->vpci[d] = virtio_pci_create(&m->bus, dev);
        if (!m->vpci[d]) {
            machine_err(err, errlen, "out of memory creating the virtio-pci function 00:%02x.0", d);
            return false;
        }
        pci_host_attach(m->pci, d, virtio_pci_function(m->vpci[d]), slot_lock(m, d));
    }
    return true;
}

void bd_pci_destroy(struct machine *m)
{
    for (unsigned d = 0; d < RIVET_PCI_SLOTS; d++) {
        virtio_pci_destroy(m->vpci[d]);
        m->vpci[d] = NULL;
    }
    pci_host_destroy(m->pci);
    m->pci = NULL;
}

void bd_pci_reset(struct machine *m)
{
    pthread_mutex_lock(slot_lock(m, 0));
    pci_function_reset(pci_host_bridge(m->pci));
    pthread_mutex_unlock(slot_lock(m, 0));
    for (unsigned d = 1; d < RIVET_PCI_SLOTS; d++) {
        if (!m->vpci[d])
            continue;
        pthread_mutex_lock(slot_lock(m, d));
        virtio_pci_reset(m->vpci[d]);
        pthread_mutex_unlock(slot_lock(m, d));
    }
}

struct mmio_region bd_pci_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return pci_host_ecam_region(m->pci, base, size);
}

struct mmio_region bd_pci_pio_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return pci_host_window_region(m->pci, PCI_WIN_IO, base, size);
}

struct mmio_region bd_pci_mmio_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return pci_host_window_region(m->pci, PCI_WIN_MMIO, base, size);
}

struct mmio_region bd_pci_mmio_high_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    return pci_host_window_region(m->pci, PCI_WIN_MMIO_HIGH, virt_pcie_high_base(base, size, m->cfg.ram_size), size);
}

/* virtio-keyboard-pci, virtio-tablet-pci and virtio-mouse-pci
 * (cfg.input_slot, kinds in enum virtio_input_kind's order): devices of
 * their own, apart from the display's. */
bool bd_input_create(struct machine *m, char *err, size_t errlen)
{
    static_assert(RIVET_PCI_INPUTS == VIRTIO_INPUT_KINDS, "one slot per kind");
    for (unsigned k = 0; k < RIVET_PCI_INPUTS; k++) {
        unsigned s = m->cfg.input_slot[k];
        if (!s)
            continue;
        m->vdevs[s] = virtio_input_create((enum virtio_input_kind)k);
        if (!m->vdevs[s]) {
            machine_err(err, errlen, "out of memory creating a virtio-input device");
            return false;
        }
    }
    return true;
}

void bd_input_destroy(struct machine *m)
{
    for (unsigned k = 0; k < RIVET_PCI_INPUTS; k++) {
        unsigned s = m->cfg.input_slot[k];
        if (s) {
            virtio_input_destroy(m->vdevs[s]);
            m->vdevs[s] = NULL;
        }
    }
}

/* ranges: <flags pci-addr(2) cpu-addr(2) size(2)> per window, identity-mapped. */
static void pci_ranges(struct dt *d)
{
    static const uint32_t space[] = { 0x1000000, 0x2000000, 0x3000000 }; /* I/O, 32-bit, 64-bit memory */
    static const enum virt_dev win[] = { VIRT_PCIE_PIO, VIRT_PCIE_MMIO, VIRT_PCIE_MMIO_HIGH };
    uint32_t c[3 * 7];
    for (unsigned i = 0; i < 3; i++) {
        const struct virt_memmap_entry *e = virt_map(win[i]);
        uint64_t cpu = i == 2 ? virt_pcie_high_base(e->base, e->size, dt_ram_size(d)) : e->base;
        uint64_t bus = i == 0 ? 0 : cpu;
        uint32_t *p = &c[7 * i];
        p[0] = space[i];
        p[1] = (uint32_t)(bus >> 32), p[2] = (uint32_t)bus;
        p[3] = (uint32_t)(cpu >> 32), p[4] = (uint32_t)cpu;
        p[5] = (uint32_t)(e->size >> 32), p[6] = (uint32_t)e->size;
    }
    dt_u32s(d, "ranges", c, 3 * 7);
}

/* interrupt-map: slot s (devfn s << 3, unit address s << 11), pin p (1..4)
 * -> PLIC source irq + (s + p - 1) % 4, for the four slots the mask tells
 * apart (0x1800: slot bits 0..1), as QEMU's tree. */
static void pci_interrupt_map(struct dt *d, unsigned irq)
{
    uint32_t c[PCI_PIN_COUNT * PCI_PIN_COUNT * 6], *p = c;
    for (unsigned s = 0; s < PCI_PIN_COUNT; s++)
        for (unsigned pin = 1; pin <= PCI_PIN_COUNT; pin++) {
            *p++ = s << 11, *p++ = 0, *p++ = 0, *p++ = pin;
            *p++ = dt_phandle_plic(d);
            *p++ = irq + (s + pin - 1) % PCI_PIN_COUNT;
        }
    dt_u32s(d, "interrupt-map", c, (unsigned)(p - c));
    static const uint32_t mask[] = { 0x1800, 0, 0, 7 };
    dt_u32s(d, "interrupt-map-mask", mask, 4);
}

void bd_pci_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    static const uint32_t bus_range[] = { 0, 0xff };
    dt_begin_dev(d, row->map.name, board_base(row, i), row->map.size);
    dt_u32(d, "#address-cells", 3);
    dt_u32(d, "#interrupt-cells", 1);
    dt_u32(d, "#size-cells", 2);
    dt_str(d, "compatible", "pci-host-ecam-generic");
    dt_str(d, "device_type", "pci");
    dt_u32(d, "linux,pci-domain", 0);
    dt_u32s(d, "bus-range", bus_range, 2);
    dt_empty(d, "dma-coherent");
    pci_ranges(d);
    pci_interrupt_map(d, row->map.irq);
    dt_end(d);
}

/* One section: the bridge's header, then for each function its device
 * number and its state as a blob of its own (each restore reads its blob
 * to the end). */
bool bd_pci_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    struct machine *mm = (struct machine *)m; /* the locks only */
    pthread_mutex_lock(slot_lock(mm, 0));
    pci_function_save(pci_host_bridge(m->pci), w);
    pthread_mutex_unlock(slot_lock(mm, 0));
    for (unsigned d = 1; d < RIVET_PCI_SLOTS; d++) {
        if (!m->vpci[d])
            continue;
        struct snapshot_writer f = { 0 };
        pthread_mutex_lock(slot_lock(mm, d));
        virtio_pci_save(m->vpci[d], &f);
        pthread_mutex_unlock(slot_lock(mm, d));
        snap_put_u32(w, d);
        snap_put_u32(w, (uint32_t)f.len);
        snap_put(w, f.buf, f.len);
        w->failed |= f.failed;
        snap_writer_free(&f);
    }
    return true;
}

/* The part of r a function's blob covers, as a reader of its own. */
static struct snapshot_reader sub_reader(struct snapshot_reader *r)
{
    uint32_t n = snap_get_u32(r);
    struct snapshot_reader s = { .p = r->p + r->pos, .len = 0, .dry = r->dry };
    if (r->bad || n > r->len - r->pos)
        snap_bad(r, "PCI function state cut short");
    else
        s.len = n, r->pos += n;
    return s;
}

bool bd_pci_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    uint8_t cfg[PCI_CFG_SIZE];
    bool level;
    pthread_mutex_lock(slot_lock(m, 0));
    pci_function_read_state(pci_host_bridge(m->pci), r, cfg, &level);
    pthread_mutex_unlock(slot_lock(m, 0));
    for (unsigned d = 1; d < RIVET_PCI_SLOTS && !r->bad; d++) {
        if (!m->vpci[d])
            continue;
        if (snap_get_u32(r) != d) {
            snap_bad(r, "the PCI functions differ");
            break;
        }
        struct snapshot_reader s = sub_reader(r);
        if (r->bad)
            break;
        pthread_mutex_lock(slot_lock(m, d));
        bool ok = virtio_pci_restore(m->vpci[d], &s);
        pthread_mutex_unlock(slot_lock(m, d));
        if (!ok)
            snap_bad(r, s.why);
    }
    if (snap_end(r) && !r->dry) {
        pthread_mutex_lock(slot_lock(m, 0));
        pci_function_apply_state(pci_host_bridge(m->pci), cfg, level);
        pthread_mutex_unlock(slot_lock(m, 0));
    }
    return !r->bad;
}
