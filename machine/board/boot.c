/*
 * Boot: firmware, kernel, initrd and device tree into RAM, the boot ROM, and
 * the harts' reset state (see boot.h and rivet_boot in include/rivet.h).
 */
#include "machine/board/boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cache.h"
#include "machine/board/board.h"
#include "machine/debug/monitor.h"
#include "machine/host/display.h"
#include "machine/board/board_devs.h"
#include "machine/board/fdt.h"
#include "machine/host/hostfile.h"
#include "machine/board/loader.h"
#include "machine/debug/log.h"
#include "machine/board/machine.h"
#include "machine/board/memmap.h"
#include "machine/board/semihosting.h"

#define REG_T0    5
#define REG_A0    10
#define REG_A1    11
#define REG_A2    12
#define OP_AUIPC  0x17
#define OP_OP_IMM 0x13
#define OP_LOAD   0x03
#define OP_JALR   0x67
#define OP_SYSTEM 0x73
#define F3_ADDI   0
#define F3_LD     3
#define F3_CSRRS  2

/* I-type instruction word (unpriv. spec 2.2). */
static uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1, uint32_t imm)
{
    return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

void boot_rom_build(uint8_t *rom, size_t size, uint64_t entry, uint64_t dtb, uint64_t next_addr)
{
    const uint32_t code[6] = {
        REG_T0 << 7 | OP_AUIPC, /* auipc t0, 0 */
        enc_i(OP_OP_IMM, REG_A2, F3_ADDI, REG_T0, BOOT_ROM_FWDYN_OFF),
        enc_i(OP_SYSTEM, REG_A0, F3_CSRRS, 0, CSR_MHARTID),
        enc_i(OP_LOAD, REG_A1, F3_LD, REG_T0, BOOT_ROM_FDT_OFF),
        enc_i(OP_LOAD, REG_T0, F3_LD, REG_T0, BOOT_ROM_ENTRY_OFF),
        enc_i(OP_JALR, 0, 0, REG_T0, 0),
    };
    const uint64_t fw_dynamic_info[6] = {
        FW_DYNAMIC_INFO_MAGIC,
        FW_DYNAMIC_INFO_VERSION,
        next_addr,
        FW_DYNAMIC_INFO_NEXT_MODE_S,
        0, /* options */
        0, /* boot_hart */
    };
    if (size < BOOT_ROM_USED)
        return;
    for (unsigned i = 0; i < 6; i++)
        store_le(rom + 4 * i, 4, code[i]);
    store_le(rom + BOOT_ROM_ENTRY_OFF, 8, entry);
    store_le(rom + BOOT_ROM_FDT_OFF, 8, dtb);
    for (unsigned i = 0; i < 6; i++)
        store_le(rom + BOOT_ROM_FWDYN_OFF + 8 * i, 8, fw_dynamic_info[i]);
}

uint64_t boot_initrd_addr(uint64_t ram_size, uint64_t kernel_base)
{
    uint64_t off = ram_size / 2 < BOOT_INITRD_MAX_OFF ? ram_size / 2 : BOOT_INITRD_MAX_OFF;
    return kernel_base + off;
}

uint64_t boot_dtb_addr(uint64_t ram_base, uint64_t ram_size, uint64_t dtb_size)
{
    uint64_t end = ram_base + ram_size;
    if (end > BOOT_FDT_LIMIT)
        end = BOOT_FDT_LIMIT;
    if (dtb_size > end - ram_base || end <= ram_base)
        return 0;
    uint64_t addr = (end - dtb_size) & ~(BOOT_FDT_ALIGN - 1);
    return addr >= ram_base ? addr : 0;
}

/* What is where in RAM while booting. */
struct boot_state {
    const struct rivet_boot *b;
    uint64_t fw_entry, kernel_entry;
    bool has_kernel;
    uint64_t kernel_lo;
    uint64_t lo[3], hi[3]; /* occupied ranges: firmware, kernel, initrd */
    unsigned nused;
    struct load_info htif;   /* the image whose tohost HTIF uses */
    struct load_info kernel; /* the kernel's: where it ends (SYS_HEAPINFO), its signature symbols */
    uint64_t initrd_start, initrd_end;
};

static bool overlaps_used(const struct boot_state *st, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < st->nused; i++)
        if (lo < st->hi[i] && st->lo[i] < hi)
            return true;
    return false;
}

static void use(struct boot_state *st, uint64_t lo, uint64_t hi)
{
    if (st->nused < 3) {
        st->lo[st->nused] = lo;
        st->hi[st->nused++] = hi;
    }
}

static bool load_one(struct machine *m, struct boot_state *st, const char *what, const char *path, uint64_t base,
                     bool linux_image, struct load_info *info, char *err, size_t errlen)
{
    if (!load_image_at(&m->bus, what, path, base, linux_image, st->b->ram_from_snapshot, info, err, errlen))
        return false;
    if (overlaps_used(st, info->lo, info->hi)) {
        machine_err(err, errlen, "%s %s: loaded at [0x%llx, 0x%llx), which overlaps the kernel", what, path,
                    (unsigned long long)info->lo, (unsigned long long)info->hi);
        return false;
    }
    use(st, info->lo, info->hi);
    if (info->has_tohost && !st->htif.has_tohost)
        st->htif = *info;
    return true;
}

/* The flash banks as QEMU 7.2's virt boots from them: with unit 0 the
 * reset vector jumps to bank 0 (M-mode firmware in flash; -bios is loaded
 * but not entered, and the built-in SBI stands aside); with unit 1 the
 * firmware's next stage is bank 1 (S-mode firmware such as EDK2), and
 * -kernel, -initrd and -append go to fw_cfg for it instead of into RAM. */
static uint64_t flash_bank(unsigned i) { return board_base(board_row(VIRT_FLASH), i); }
static bool flash_m_mode(const struct machine *m) { return m->cfg.pflash[0] != NULL; }
static bool flash_s_mode(const struct machine *m) { return m->cfg.pflash[1] != NULL; }

static bool load_programs(struct machine *m, struct boot_state *st, char *err, size_t errlen)
{
    const struct rivet_boot *b = st->b;
    struct load_info info;
    if (flash_s_mode(m) && !bd_fw_cfg_set_kernel(m, b, err, errlen))
        return false;
    bool firmware_first = b->firmware != RIVET_FW_NONE;
    uint64_t kernel_base = RIVET_RAM_BASE + (firmware_first ? BOOT_KERNEL_OFFSET : 0);
    /* The Image header's text_offset only where rivet picks the entry: an
     * M-mode firmware (fw_jump) jumps to 0x80200000 whatever the header says,
     * and QEMU loads the Image there. */
    bool honour_header = b->firmware == RIVET_FW_BUILTIN;
    if (b->kernel && !flash_s_mode(m)) {
        if (!load_one(m, st, "-kernel", b->kernel, kernel_base, honour_header, &info, err, errlen))
            return false;
        st->has_kernel = true;
        st->kernel = info;
        st->kernel_entry = info.entry;
        st->kernel_lo = info.lo;
    }
    st->fw_entry = st->has_kernel ? st->kernel_entry : RIVET_RAM_BASE;
    if (b->firmware == RIVET_FW_FILE) {
        if (!b->bios) {
            machine_err(err, errlen, "no firmware file given");
            return false;
        }
        if (!load_one(m, st, "-bios", b->bios, RIVET_RAM_BASE, false, &info, err, errlen))
            return false;
        st->fw_entry = info.entry;
    }
    if (flash_m_mode(m))
        st->fw_entry = flash_bank(0);
    return true;
}

/* The initrd goes where QEMU puts it, kernel + min(RAM/2, 128 MiB), read
 * straight into RAM once its size is known to fit there. */
static bool load_initrd(struct machine *m, struct boot_state *st, char *err, size_t errlen)
{
    const char *path = st->b->initrd;
    if (!path || flash_s_mode(m)) /* fw_cfg has it */
        return true;
    uint64_t size;
    int fd = hostfile_open_input("-initrd", path, 0, err, errlen);
    if (fd < 0)
        return false;
    uint64_t kbase = st->has_kernel ? st->kernel_lo : RIVET_RAM_BASE + BOOT_KERNEL_OFFSET;
    uint64_t start = boot_initrd_addr(m->cfg.ram_size, kbase);
    bool ok = hostfile_size("-initrd", path, fd, m->cfg.ram_size, &size, err, errlen);
    uint8_t *dst = ok ? bus_ram_ptr(&m->bus, start, size) : NULL;
    if (ok && (!dst || overlaps_used(st, start, start + size))) {
        machine_err(err, errlen, "-initrd %s: initrd of %llu bytes does not fit at 0x%llx (more RAM with -m?)", path,
                    (unsigned long long)size, (unsigned long long)start);
        ok = false;
    }
    if (ok && (st->b->ram_from_snapshot || hostfile_pread("-initrd", path, fd, 0, dst, size, err, errlen))) {
        st->initrd_start = start;
        st->initrd_end = start + size;
        use(st, start, start + size);
    } else {
        ok = false;
    }
    close(fd);
    return ok;
}

static void *base_dtb(struct machine *m, const struct rivet_boot *b, char *err, size_t errlen)
{
    if (!b->dtb) {
        struct dtb_params p = { m->cfg.nharts, m->bus.ram_base, m->bus.ram_size, &m->harts[0].isa };
        size_t size;
        void *blob = dtb_build_virt(&p, &size, err, errlen);
        return blob ? display_board_dtb(m, blob, err, errlen) : NULL;
    }
    uint8_t *data;
    size_t size;
    if (!hostfile_read_all("-dtb", b->dtb, m->cfg.ram_size, &data, &size, err, errlen))
        return NULL;
    if (!dtb_valid(data, size)) {
        machine_err(err, errlen, "-dtb %s: not a valid device tree blob", b->dtb);
        free(data);
        return NULL;
    }
    return data;
}

static bool place_dtb(struct machine *m, struct boot_state *st, char *err, size_t errlen)
{
    void *base = base_dtb(m, st->b, err, errlen);
    if (!base)
        return false;
    m->dtb = dtb_set_chosen(base, st->b->append, st->initrd_start, st->initrd_end, &m->dtb_size, err, errlen);
    free(base);
    if (!m->dtb)
        return false;
    uint64_t addr = boot_dtb_addr(m->bus.ram_base, m->bus.ram_size, m->dtb_size);
    uint8_t *dst = addr ? bus_ram_ptr(&m->bus, addr, m->dtb_size) : NULL;
    if (!dst || overlaps_used(st, addr, addr + m->dtb_size)) {
        machine_err(err, errlen, "no room for the device tree at the end of RAM above the kernel and initrd");
        return false;
    }
    if (!st->b->ram_from_snapshot)
        memcpy(dst, m->dtb, m->dtb_size);
    m->dtb_addr = addr;
    return bd_fw_cfg_set_dtb(m, err, errlen); /* the same blob as fw_cfg's etc/fdt */
}

static bool attach_htif(struct machine *m, const struct load_info *info, char *err, size_t errlen)
{
    if (!info->has_tohost)
        return true;
    if (!htif_init(&m->htif, &m->bus, info->tohost, info->has_fromhost, info->fromhost, machine_request_exit, m)) {
        machine_err(err, errlen, "tohost/fromhost (0x%llx/0x%llx) are not aligned words in RAM",
                    (unsigned long long)info->tohost, (unsigned long long)info->fromhost);
        return false;
    }
    m->has_htif = true;
    return true;
}

/* Every hart as the reset vector leaves it; with the built-in SBI, hart 0
 * enters the kernel in S-mode and the others wait for hart_start. */
static void reset_harts(struct machine *m, const struct boot_state *st)
{
    const struct rivet_boot *b = st->b;
    uint64_t next = flash_s_mode(m) ? flash_bank(1) : st->has_kernel ? st->kernel_entry : 0;
    boot_rom_build(m->rom, virt_map(VIRT_MROM)->size, st->fw_entry, m->dtb_addr, next);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        hart_reset(&m->harts[i], virt_map(VIRT_MROM)->base); /* the reset vector sets a0, a1, a2 */
    if (b->firmware != RIVET_FW_BUILTIN || flash_m_mode(m))
        return;
    machine_attach_sbi(m);
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart *h = &m->harts[i];
        machine_sbi_prepare_hart(h);
        if (i == 0)
            machine_sbi_enter_s(h, next, 0, m->dtb_addr);
        else
            h->halted = true;
    }
}

/* A copy of b in one allocation (the struct, then its strings), which a
 * reboot loads again (for real: ram_from_snapshot is left out); NULL when
 * out of memory. */
static struct rivet_boot *copy_boot(const struct rivet_boot *b)
{
    const char *const src[] = { b->bios, b->kernel, b->initrd, b->append, b->dtb };
    size_t size = sizeof *b;
    for (unsigned i = 0; i < 5; i++)
        size += src[i] ? strlen(src[i]) + 1 : 0;
    struct rivet_boot *c = malloc(size);
    if (!c)
        return NULL;
    char *p = (char *)(c + 1);
    const char *dst[5];
    for (unsigned i = 0; i < 5; i++) {
        dst[i] = src[i] ? p : NULL;
        if (src[i]) {
            size_t n = strlen(src[i]) + 1;
            memcpy(p, src[i], n);
            p += n;
        }
    }
    *c = (struct rivet_boot){ b->firmware, dst[0], dst[1], dst[2], dst[3], dst[4], false };
    return c;
}

/* Loads everything b names and resets the harts (rivet_boot, a reboot). */
static bool boot_from(struct machine *m, const struct rivet_boot *b, char *err, size_t errlen)
{
    struct boot_state st = { .b = b };
    if (!load_programs(m, &st, err, errlen) || !load_initrd(m, &st, err, errlen) || !place_dtb(m, &st, err, errlen) ||
        !attach_htif(m, &st.htif, err, errlen) || !machine_signature_setup(m, &st.kernel, err, errlen))
        return false;
    if (m->semihost && !semihost_set_program(m->semihost, b->kernel, b->append, st.kernel.hi)) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    reset_harts(m, &st);
    machine_log_reset(m);
    m->booted = true;
    return true;
}

bool rivet_boot(struct machine *m, const struct rivet_boot *b, char *err, size_t errlen)
{
    machine_err(err, errlen, "%s", "");
    if (m->booted) {
        machine_err(err, errlen, "the machine was already booted");
        return false;
    }
    if (b->firmware == RIVET_FW_BUILTIN && !b->kernel && !flash_m_mode(m) && !flash_s_mode(m)) {
        machine_err(err, errlen,
                    "the built-in SBI firmware needs a kernel (-kernel FILE) or a flash bank (-drive if=pflash)");
        return false;
    }
    if (!(m->boot = copy_boot(b))) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    if (!b->ram_from_snapshot)
        return boot_from(m, m->boot, err, errlen);
    struct rivet_boot check = *m->boot;
    check.ram_from_snapshot = true;
    m->ram_awaits_snapshot = boot_from(m, &check, err, errlen);
    return m->ram_awaits_snapshot;
}

/* Everything but the host side to power-on ("Reboot" in machine.h), with
 * no hart running: blocks first (their pages' flags go with RAM's), the
 * harts (TLBs pointing into RAM flushed), RAM, the devices. */
static void power_on(struct machine *m)
{
    cache_flush_all(m->cache);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        hart_power_on(&m->harts[i]);
    bus_ram_reset(&m->bus);
    m->bus.watch = NULL; /* HTIF claims it again if the program has a tohost */
    m->bus.watch_opaque = NULL;
    m->has_htif = false;
    board_reset_devices(m);
    free(m->dtb);
    m->dtb = NULL;
    m->booted = false;
}

bool machine_reboot(struct machine *m, char *err, size_t errlen)
{
    machine_note(m, "%s", machine_reset_text(m->reset_cause));
    monitor_reset_event(m);
    power_on(m);
    pthread_mutex_lock(&m->locks.exit);
    m->exit_kind = MACHINE_EXIT_GUEST;
    m->exit_code = 0;
    __atomic_store_n(&m->exit_requested, false, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&m->locks.exit);
    m->reboots++;
    if (!m->boot) {
        machine_err(err, errlen, "reboot: the machine was never booted");
        return false;
    }
    char why[RIVET_ERR_LEN];
    if (boot_from(m, m->boot, why, sizeof why))
        return true;
    machine_err(err, errlen, "reboot: %s", why);
    return false;
}

bool rivet_load(struct machine *m, const char *path, char *err, size_t errlen)
{
    struct rivet_boot b = { .firmware = RIVET_FW_NONE, .kernel = path };
    return rivet_boot(m, &b, err, errlen);
}

bool rivet_dump_dtb(struct machine *m, const char *path, char *err, size_t errlen)
{
    if (!m->dtb) {
        machine_err(err, errlen, "no device tree yet (boot the machine first)");
        return false;
    }
    int fd = hostfile_open_output("dumpdtb", path, err, errlen);
    if (fd < 0)
        return false;
    const uint8_t *p = m->dtb;
    size_t left = m->dtb_size;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            machine_err(err, errlen, "dumpdtb %s: write error: %s", path, strerror(errno));
            close(fd);
            return false;
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) != 0) {
        machine_err(err, errlen, "dumpdtb %s: write error: %s", path, strerror(errno));
        return false;
    }
    return true;
}
