/* A raw Linux-style Image for the built-in SBI boot path: the RISC-V Image
 * header (Documentation/riscv/boot-image-header.rst) with text_offset
 * 0x400000, linked there, so it runs only if rivet honours the header. In
 * S-mode it checks a0 = 0 (hart id) and a1 = a device tree (FDT magic
 * d00dfeed, big-endian), prints "ok\n" with the legacy SBI putchar and shuts
 * down with SBI SRST; any failure shuts down with reason "system failure". */
    .option norelax
    .text
    .globl _start
_start:
    j real_start                /* code0/code1 */
    .balign 8
    .dword 0x400000             /* text_offset */
    .dword image_end - _start   /* image_size */
    .dword 0                    /* flags */
    .word 2                     /* version 0.2 */
    .word 0
    .dword 0
    .ascii "RISCV\0\0\0"        /* magic, offset 0x30 */
    .ascii "RSC\x05"            /* magic2, offset 0x38 */
    .word 0
real_start:
    bnez a0, bad
    lwu t0, 0(a1)
    li t1, 0xedfe0dd0           /* d00dfeed read little-endian */
    bne t0, t1, bad
    li a0, 'o'
    call putc
    li a0, 'k'
    call putc
    li a0, '\n'
    call putc
    li a1, 0                    /* reason: none */
    j srst
bad:
    li a1, 1                    /* reason: system failure */
srst:
    li a0, 0                    /* shutdown */
    li a6, 0
    li a7, 0x53525354           /* SRST */
    ecall
1:  j 1b
putc:
    li a7, 1                    /* legacy console_putchar */
    ecall
    ret
image_end:
