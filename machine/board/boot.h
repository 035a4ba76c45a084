/*
 * Booting the virt board the way QEMU 7.2 does: where the firmware, kernel,
 * initrd and device tree go in RAM, and the boot ROM at 0x1000 with its reset
 * vector and OpenSBI's fw_dynamic_info (include/sbi/fw_dynamic.h).
 *
 * The reset vector is the one QEMU writes (hw/riscv/boot.c):
 *     auipc t0, 0             t0 = ROM base
 *     addi  a2, t0, 40        a2 = &fw_dynamic_info
 *     csrr  a0, mhartid
 *     ld    a1, 32(t0)        a1 = device tree address
 *     ld    t0, 24(t0)        t0 = entry
 *     jr    t0
 * followed by the entry (offset 24), the device tree address (32) and
 * fw_dynamic_info (40). Every hart starts at 0x1000 in M-mode and runs it
 * (the ROM region is fetchable), except with the built-in SBI, where hart 0
 * enters the kernel in S-mode directly and the others wait for HSM start.
 */
#ifndef RIVET_BOOT_H
#define RIVET_BOOT_H

#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define BOOT_KERNEL_OFFSET   0x200000ull    /* kernel at RAM + 2 MiB behind firmware */
#define BOOT_FDT_ALIGN       0x200000ull    /* device tree: 2 MiB aligned ... */
#define BOOT_FDT_LIMIT       0xc0000000ull  /* ... ending below 3 GiB, as QEMU */
#define BOOT_INITRD_MAX_OFF  (128ull << 20) /* initrd at kernel + min(RAM/2, 128 MiB) */

#define BOOT_ROM_ENTRY_OFF   24
#define BOOT_ROM_FDT_OFF     32
#define BOOT_ROM_FWDYN_OFF   40
#define BOOT_ROM_USED        (BOOT_ROM_FWDYN_OFF + 6 * 8)
/* clang-format on */

/* OpenSBI include/sbi/fw_dynamic.h, version 2 (with boot_hart). */
#define FW_DYNAMIC_INFO_MAGIC       0x4942534full /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION     2
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1

/* Writes the reset vector, entry, device tree address and fw_dynamic_info
 * (next_addr, S-mode, boot hart 0) to rom (size >= BOOT_ROM_USED). */
void boot_rom_build(uint8_t *rom, size_t size, uint64_t entry, uint64_t dtb, uint64_t next_addr);

/* QEMU's initrd address: kernel_base + min(ram_size / 2, 128 MiB). */
uint64_t boot_initrd_addr(uint64_t ram_size, uint64_t kernel_base);

/* QEMU's device tree address: the end of RAM (capped at 3 GiB) minus the
 * size, aligned down to 2 MiB; 0 when that falls below RAM. */
uint64_t boot_dtb_addr(uint64_t ram_base, uint64_t ram_size, uint64_t dtb_size);

#endif
