/*
 * The two CFI flash banks at 0x20000000 (issue 25) from a bare-metal
 * guest's side, with the Intel/Sharp commands EDK2, U-Boot and Linux's
 * cfi_cmdset_0001 use on two interleaved x16 chips (every command and
 * count written to both chips' lanes, every query answered in both):
 * the CFI query (QRY, command set, size, geometry), the ID codes (zeros, as
 * QEMU 7.2's virt answers), word and
 * byte programs, a write-buffer program, a block erase, a command
 * sequence error, clear status, code programmed into the flash and run
 * from there, and the read-only bank 1 refusing a program and an erase
 * with the locked-block status. run_guest.py --pflash makes the images
 * (bank 0: code at 0 that the reset vector enters, as QEMU's virt does
 * with unit 0, which sets mscratch to 0x5a and jumps to this guest at
 * 0x80000000; "RIVETFL0" at 0x20, block 1 0xa5, block 2 0x5a, the rest 0xff;
 * bank 1 read-only: "RIVETFL1", the rest 0xff) and --check-pflash checks
 * the file afterwards.
 */
#include "guest.h"

#define BANK0  0x20000000UL
#define BANK1  0x22000000UL
#define BLOCK  0x40000UL
#define CMD(c) ((uint32_t)(c)*0x00010001u) /* the command in both chips' lanes */

/* A broken sequence (no confirm after an erase or a buffer) sets SR.4 and
 * SR.5, as Intel's command set says; QEMU 7.2 instead goes back to read
 * array without them (and erases at the 0x20, before any confirm), its
 * clear status clears SR.7 (ready) too, and its read-only bank reports no
 * locked block. -DQEMU_SEQUENCE builds the
 * variant that validates the rest of this guest on QEMU (the checks of
 * those three behaviours then pass regardless). */
#ifdef QEMU_SEQUENCE
#define SEQUENCE_ERROR(cond) 1
#define CLEARED              0x00
#define LOCKED_PROGRAM(s)    1
#define LOCKED_ERASE(s)      1
#else
#define LOCKED_PROGRAM(s)    ((s) == 0x92) /* ready, program error, block locked */
#define LOCKED_ERASE(s)      ((s) == 0xa2) /* ready, erase error, block locked */
#define SEQUENCE_ERROR(cond) (cond)
#define CLEARED              0x80 /* clear status leaves SR.7, ready */
#endif

static uint32_t r32(uintptr_t a) { return mmio_r32(a); }
static void cmd(uintptr_t a, uint8_t c) { mmio_w32(a, CMD(c)); }

/* Status after an operation: both chips the same, the value of one. */
static uint32_t status(uintptr_t bank)
{
    cmd(bank, 0x70);
    uint32_t s = r32(bank);
    return (s >> 16) == (s & 0xffff) ? s & 0xffff : 0xdead;
}

static void check_cfi(void)
{
    cmd(BANK0 + 0x55 * 4, 0x98);
    CHECK(1, r32(BANK0 + 0x10 * 4) == 0x00510051 && r32(BANK0 + 0x11 * 4) == 0x00520052 &&
                 r32(BANK0 + 0x12 * 4) == 0x00590059);
    CHECK(2, r32(BANK0 + 0x13 * 4) == CMD(0x01)); /* Intel/Sharp command set */
    CHECK(3, r32(BANK0 + 0x27 * 4) == CMD(24));   /* 16 MiB per chip */
    CHECK(4, r32(BANK0 + 0x2a * 4) == CMD(11));   /* 2 KiB write buffer per chip */
    CHECK(5, r32(BANK0 + 0x2c * 4) == CMD(1) && r32(BANK0 + 0x2d * 4) == CMD(0x7f) && r32(BANK0 + 0x2f * 4) == 0 &&
                 r32(BANK0 + 0x30 * 4) == CMD(0x02)); /* 128 x 128 KiB */
    /* Narrower reads: the low byte of chip 0's lane (QEMU 7.2 shows the
     * byte in every byte lane of a narrow read; rivet the chips' lanes). */
    CHECK(6, mmio_r8(BANK0 + 0x10 * 4) == 'Q' && *(volatile uint16_t *)(BANK0 + 0x10 * 4) == 0x0051 &&
                 mmio_r64(BANK0 + 0x10 * 4) == 0x0052005200510051UL);
    cmd(BANK0, 0x90);
    CHECK(7, r32(BANK0) == 0 && r32(BANK0 + 4) == 0 && r32(BANK0 + BLOCK + 8) == 0); /* as QEMU 7.2's virt */
    cmd(BANK0, 0xff);
    CHECK(8,
          memcmp((const void *)(BANK0 + 0x20), "RIVETFL0", 8) == 0 && mmio_r64(BANK0 + 0x20) == 0x304c465445564952UL);
}

static void check_program(void)
{
    cmd(BANK0 + 0x1000, 0x40);
    mmio_w32(BANK0 + 0x1000, 0x11223344);
    CHECK(10, r32(BANK0 + 0x1000) == CMD(0x80)); /* status until read array */
    cmd(BANK0, 0xff);
    CHECK(11, r32(BANK0 + 0x1000) == 0x11223344);
    cmd(BANK0 + 0x1004, 0x10);
    mmio_w8(BANK0 + 0x1005, 0x77);
    CHECK(12, status(BANK0) == 0x80);
    cmd(BANK0, 0xff);
    CHECK(13, mmio_r8(BANK0 + 0x1005) == 0x77 && mmio_r8(BANK0 + 0x1004) == 0xff);
}

/* 16 words through the write buffer, each confirmed only by the 0xd0. */
static void check_buffer(void)
{
    uintptr_t a = BANK0 + 0x2000;
    cmd(a, 0xe8);
    CHECK(20, r32(a) == CMD(0x80)); /* the buffer is free */
    mmio_w32(a, CMD(15));
    for (unsigned i = 0; i < 16; i++)
        mmio_w32(a + 4 * i, 0xc0de0000u + i);
    cmd(BANK0, 0xff); /* not the confirm: a sequence error, nothing stored */
    CHECK(21, SEQUENCE_ERROR(r32(BANK0) == CMD(0xb0)));
    cmd(BANK0, 0x50);
    CHECK(22, r32(a) == 0xffffffffu && status(BANK0) == CLEARED);
    cmd(a, 0xe8);
    mmio_w32(a, CMD(15));
    for (unsigned i = 0; i < 16; i++)
        mmio_w32(a + 4 * i, 0xc0de0000u + i);
    cmd(a, 0xd0);
    CHECK(23, status(BANK0) == 0x80);
    cmd(BANK0, 0xff);
    for (unsigned i = 0; i < 16; i++)
        CHECK(24, r32(a + 4 * i) == 0xc0de0000u + i);
    CHECK(25, r32(a + 64) == 0xffffffffu);
}

static void check_erase(void)
{
    CHECK(30, r32(BANK0 + BLOCK) == 0xa5a5a5a5u && r32(BANK0 + 2 * BLOCK - 4) == 0xa5a5a5a5u);
    cmd(BANK0, 0x50);
    cmd(BANK0 + BLOCK + 0x100, 0x20);
    cmd(BANK0 + BLOCK + 0x100, 0xd0);
    CHECK(31, status(BANK0) == 0x80);
    cmd(BANK0, 0xff);
    for (uintptr_t o = 0; o < BLOCK; o += 0x1000)
        CHECK(32, r32(BANK0 + BLOCK + o) == 0xffffffffu && r32(BANK0 + BLOCK + o + 0xffc) == 0xffffffffu);
    CHECK(33, r32(BANK0 + 2 * BLOCK) == 0x5a5a5a5au && r32(BANK0 + BLOCK - 4) == 0xffffffffu);
#ifndef QEMU_SEQUENCE /* QEMU 7.2 erases at the 0x20, before any confirm */
    cmd(BANK0, 0x20); /* erase without its confirm: block 0 stays (the host checks) */
    cmd(BANK0, 0xff);
    CHECK(34, (status(BANK0) & 0x30) == 0x30);
#endif
    cmd(BANK0, 0x50);
    CHECK(35, status(BANK0) == CLEARED);
    cmd(BANK0, 0xff);
}

/* li a0, 42; ret: programmed word by word, then called in place. */
static void check_code(void)
{
    static const uint32_t code[2] = { 0x02a00513, 0x00008067 };
    for (unsigned i = 0; i < 2; i++) {
        cmd(BANK0 + 0x3000, 0x40);
        mmio_w32(BANK0 + 0x3000 + 4 * i, code[i]);
    }
    CHECK(40, status(BANK0) == 0x80);
    cmd(BANK0, 0xff);
    __asm__ volatile("fence.i" ::: "memory");
    int (*fn)(void) = (int (*)(void))(BANK0 + 0x3000);
    CHECK(41, fn() == 42);
}

static void check_readonly(void)
{
    CHECK(50, memcmp((const void *)BANK1, "RIVETFL1", 8) == 0);
    cmd(BANK1 + 0x100, 0x40);
    mmio_w32(BANK1 + 0x100, 0);
    CHECK(51, LOCKED_PROGRAM(status(BANK1))); /* program error, block locked */
    cmd(BANK1, 0x50);
    CHECK(52, status(BANK1) == CLEARED);
    cmd(BANK1, 0x20);
    cmd(BANK1, 0xd0);
    CHECK(53, LOCKED_ERASE(status(BANK1))); /* erase error, block locked */
    cmd(BANK1, 0x50);
    CHECK(54, r32(BANK1 + 0x100) == 0xffffffffu && memcmp((const void *)BANK1, "RIVETFL1", 8) == 0);
    CHECK(55, status(BANK0) == 0x80); /* the banks' states are their own */
    cmd(BANK0, 0xff);
}

int main(uint64_t hartid, uint64_t dtb)
{
    CHECK(9, CSR_READ(mscratch) == 0x5a); /* the reset vector went through bank 0 */
    check_cfi();
    check_program();
    check_buffer();
    check_erase();
    check_code();
    check_readonly();
    puts_uart("pflash ok\n");
    return 0;
}
