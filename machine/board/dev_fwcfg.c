/*
 * The board row of QEMU's fw_cfg (devices/fw_cfg.h) at 0x10100000, node
 * /fw-cfg@10100000 at the root as QEMU 7.2's virt has it: rivet presents
 * itself as QEMU's virt board, so software that asks "which hypervisor?"
 * (systemd-detect-virt reads /proc/device-tree for a fw-cfg node) gets
 * the answer it gets on QEMU (README.md, "The virt board").
 *
 * Items: what QEMU 7.2's virt board puts there when there is no ACPI and
 * no -fw_cfg option: SIGNATURE, ID, UUID (zeros: rivet has no -uuid),
 * NOGRAPHIC, BOOT_MENU (0), NB_CPUS, the files "bootorder" (empty: no
 * bootindex) and "etc/boot-fail-wait" (le32 -1: no reboot timeout); and
 * rivet's own "etc/fdt", the device tree the guest was given in a1 (set
 * at every boot). ACPI's etc/table-loader and etc/acpi/ and SMBIOS's
 * etc/smbios/ are absent, as on QEMU 7.2's RISC-V virt board.
 * Also the other node only QEMU's tree needs, the empty platform-bus.
 */
#include <stdlib.h>
#include <string.h>

#include "devices/fw_cfg.h"
#include "machine/board/board_devs.h"
#include "machine/board/fdt_node.h"
#include "machine/board/machine.h"
#include "machine/host/hostfile.h"

static bool add_items(struct machine *m)
{
    static const uint8_t uuid[16] = { 0 };
    uint8_t nographic[2], boot_menu[2] = { 0 }, ncpus[2], fail_wait[4];
    store_le(nographic, 2, m->cfg.fb_width == 0);
    store_le(ncpus, 2, m->cfg.nharts);
    store_le(fail_wait, 4, UINT32_MAX);
    struct fw_cfg *f = m->fw_cfg;
    return fw_cfg_add(f, FW_CFG_UUID, uuid, sizeof uuid) && fw_cfg_add(f, FW_CFG_NOGRAPHIC, nographic, 2) &&
           fw_cfg_add(f, FW_CFG_BOOT_MENU, boot_menu, 2) && fw_cfg_add(f, FW_CFG_NB_CPUS, ncpus, 2) &&
           fw_cfg_add_file(f, "bootorder", NULL, 0) && fw_cfg_add_file(f, "etc/boot-fail-wait", fail_wait, 4);
}

bool bd_fw_cfg_create(struct machine *m, char *err, size_t errlen)
{
    m->fw_cfg = fw_cfg_create(&m->bus);
    if (m->fw_cfg && add_items(m))
        return true;
    machine_err(err, errlen, "out of memory creating the fw_cfg device");
    return false;
}

void bd_fw_cfg_destroy(struct machine *m) { fw_cfg_destroy(m->fw_cfg); }

bool bd_fw_cfg_set_dtb(struct machine *m, char *err, size_t errlen)
{
    pthread_mutex_lock(&m->locks.fw_cfg);
    bool ok = m->dtb_size <= UINT32_MAX && fw_cfg_add_file(m->fw_cfg, "etc/fdt", m->dtb, (uint32_t)m->dtb_size);
    pthread_mutex_unlock(&m->locks.fw_cfg);
    if (!ok)
        machine_err(err, errlen, "out of memory for fw_cfg's copy of the device tree");
    return ok;
}

/* One file as a SIZE (le32) and DATA item pair; NULL path: nothing. */
static bool add_file_items(struct machine *m, const char *what, const char *path, uint16_t size_key, uint16_t data_key,
                           char *err, size_t errlen)
{
    if (!path)
        return true;
    uint8_t *data, le[4];
    size_t size;
    if (!hostfile_read_all(what, path, UINT32_MAX, &data, &size, err, errlen))
        return false;
    store_le(le, 4, size);
    bool ok = fw_cfg_add(m->fw_cfg, size_key, le, 4) && fw_cfg_add(m->fw_cfg, data_key, data, (uint32_t)size);
    free(data);
    if (!ok)
        machine_err(err, errlen, "out of memory for fw_cfg's copy of %s %s", what, path);
    return ok;
}

/* QEMU 7.2 gives the kernel as it is in the file (riscv's
 * load_image_to_fw_cfg may gunzip it; rivet does not), the initrd, and
 * the command line with its NUL. */
bool bd_fw_cfg_set_kernel(struct machine *m, const struct rivet_boot *b, char *err, size_t errlen)
{
    if (!b->kernel)
        return true;
    pthread_mutex_lock(&m->locks.fw_cfg);
    bool ok = add_file_items(m, "-kernel", b->kernel, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA, err, errlen) &&
              add_file_items(m, "-initrd", b->initrd, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA, err, errlen);
    if (ok && b->append) {
        uint8_t le[4];
        size_t n = strlen(b->append) + 1;
        store_le(le, 4, n);
        ok = n <= UINT32_MAX && fw_cfg_add(m->fw_cfg, FW_CFG_CMDLINE_SIZE, le, 4) &&
             fw_cfg_add(m->fw_cfg, FW_CFG_CMDLINE_DATA, b->append, (uint32_t)n);
        if (!ok)
            machine_err(err, errlen, "out of memory for fw_cfg's copy of -append");
    }
    pthread_mutex_unlock(&m->locks.fw_cfg);
    return ok;
}

void bd_fw_cfg_reset(struct machine *m)
{
    pthread_mutex_lock(&m->locks.fw_cfg);
    fw_cfg_reset(m->fw_cfg);
    pthread_mutex_unlock(&m->locks.fw_cfg);
}

struct mmio_region bd_fw_cfg_region(struct machine *m, unsigned i, uint64_t base, uint64_t size)
{
    struct mmio_region r = fw_cfg_region(m->fw_cfg, base, size);
    r.lock = &m->locks.fw_cfg;
    return r;
}

bool bd_fw_cfg_save(const struct machine *m, unsigned i, struct snapshot_writer *w, char *err, size_t errlen)
{
    struct machine *mm = (struct machine *)m; /* the lock only */
    pthread_mutex_lock(&mm->locks.fw_cfg);
    fw_cfg_save(m->fw_cfg, w);
    pthread_mutex_unlock(&mm->locks.fw_cfg);
    return true;
}

bool bd_fw_cfg_restore(struct machine *m, unsigned i, struct snapshot_reader *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&m->locks.fw_cfg);
    bool ok = fw_cfg_restore(m->fw_cfg, r);
    pthread_mutex_unlock(&m->locks.fw_cfg);
    return ok;
}

/* As QEMU's: compatible, reg and dma-coherent only (no interrupt). */
void bd_fw_cfg_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    dt_begin_dev(d, row->map.name, board_base(row, i), row->map.size);
    dt_str(d, "compatible", "qemu,fw-cfg-mmio");
    dt_empty(d, "dma-coherent");
    dt_end(d);
}

/* QEMU's platform-bus@4000000: a simple-bus for dynamically added sysbus
 * devices, empty on a QEMU command line without them and always empty on
 * rivet; its ranges map the window 1:1 with one address and size cell. */
void bd_platform_bus_fdt(struct dt *d, const struct board_row *row, unsigned i)
{
    static const char compat[] = "qemu,platform\0simple-bus";
    uint64_t base = board_base(row, i);
    uint32_t ranges[] = { 0, (uint32_t)(base >> 32), (uint32_t)base, (uint32_t)row->map.size };
    dt_begin_at(d, row->map.name, base);
    dt_u32(d, "interrupt-parent", dt_phandle_plic(d));
    dt_cells(d, "ranges", ranges, 4);
    dt_u32(d, "#address-cells", 1);
    dt_u32(d, "#size-cells", 1);
    dt_strs(d, "compatible", compat, sizeof compat);
    dt_end(d);
}
