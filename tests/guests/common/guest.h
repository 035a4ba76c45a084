/* The small library every device guest links: MMIO accessors, CSR access,
 * the UART console, the exit device, SBI calls, and the addresses of the
 * QEMU 7.2 / rivet virt board. */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stddef.h>

/* The virt board's address map (QEMU hw/riscv/virt.c, rivet machine/board/memmap.h). */
/* clang-format off */
#define TEST_BASE      0x100000UL
#define CLINT_BASE     0x2000000UL
#define CLINT_MSIP(h)      (CLINT_BASE + 4UL * (h))
#define CLINT_MTIMECMP(h)  (CLINT_BASE + 0x4000UL + 8UL * (h))
#define CLINT_MTIME        (CLINT_BASE + 0xbff8UL)
#define PLIC_BASE      0xc000000UL
/* clang-format on */
#define PLIC_PRIORITY(src)    (PLIC_BASE + 4UL * (src))
#define PLIC_PENDING(src)     (PLIC_BASE + 0x1000UL + 4UL * ((src) / 32))
#define PLIC_ENABLE(ctx, src) (PLIC_BASE + 0x2000UL + 0x80UL * (ctx) + 4UL * ((src) / 32))
#define PLIC_THRESHOLD(ctx)   (PLIC_BASE + 0x200000UL + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx)       (PLIC_BASE + 0x200004UL + 0x1000UL * (ctx))
/* clang-format off */
#define UART_BASE      0x10000000UL
#define UART_IRQ       10
#define VIRTIO_BASE    0x10001000UL
#define VIRTIO_STRIDE  0x1000UL
#define VIRTIO_SLOTS   8
#define RAM_BASE       0x80000000UL
/* clang-format on */

#define TIMEBASE_HZ 10000000UL /* 10 MHz mtime */

/* Privileged-spec bits used by the guests (priv spec 1.12, 3.1.6, 3.1.9). */
/* clang-format off */
#define MSTATUS_SIE    (1UL << 1)
#define MSTATUS_MIE    (1UL << 3)
#define MSTATUS_MPP    (3UL << 11)
#define MSTATUS_MPP_S  (1UL << 11)
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define CAUSE_INTR     (1UL << 63)
#define MENVCFG_STCE   (1UL << 63)
#define MCOUNTEREN_TM  (1UL << 1)
/* clang-format on */

#define CSR_READ(name)                                  \
    ({                                                  \
        uint64_t v_;                                    \
        __asm__ volatile("csrr %0, " #name : "=r"(v_)); \
        v_;                                             \
    })
#define CSR_WRITE(name, v) __asm__ volatile("csrw " #name ", %0" ::"r"((uint64_t)(v)) : "memory")
#define CSR_SET(name, v)   __asm__ volatile("csrs " #name ", %0" ::"r"((uint64_t)(v)) : "memory")
#define CSR_CLEAR(name, v) __asm__ volatile("csrc " #name ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline uint8_t mmio_r8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint32_t mmio_r32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t mmio_r64(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline void mmio_w8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_w32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_w64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
/* *p += 1 with an lr.d/sc.d loop (the SMP guests' shared counters). */
static inline void lrsc_inc(volatile uint64_t *p)
{
    uint64_t v, fail;
    __asm__ volatile("1: lr.d %0, (%2)\n"
                     "   addi %0, %0, 1\n"
                     "   sc.d %1, %0, (%2)\n"
                     "   bnez %1, 1b"
                     : "=&r"(v), "=&r"(fail)
                     : "r"(p)
                     : "memory");
}

/* Console (NS16550A THR, polled) and exit (SiFive test device). */
void putc_uart(char c);
void puts_uart(const char *s);
void putdec(uint64_t v);
void puthex(uint64_t v);
__attribute__((noreturn)) void guest_exit(int code);
/* CHECK(n, cond): on failure print "FAIL n" and exit with status n. */
__attribute__((noreturn)) void fail(int n);
#define CHECK(n, cond) \
    do {               \
        if (!(cond))   \
            fail(n);   \
    } while (0)

/* Trap handlers called from start.S; weak defaults fail with 250/251. */
void m_trap(uint64_t cause, uint64_t epc, uint64_t tval);
void s_trap(uint64_t cause, uint64_t epc, uint64_t tval);
void m_trap_entry(void);
void s_trap_entry(void);
void secondary_main(uint64_t hartid);
int main(uint64_t hartid, uint64_t dtb);

/* M-mode helper: open all memory to S/U through PMP entry 0 (NAPOT, RWX) and
 * mret to fn in S-mode with the given arguments. */
__attribute__((noreturn)) void enter_smode(void (*fn)(uint64_t), uint64_t arg);

/* SBI (spec v2.0, chapter 3 calling convention). */
struct sbiret {
    long error;
    long value;
};
struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2);
/* clang-format off */
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45
#define SBI_EXT_SRST   0x53525354
#define SBI_EXT_DBCN   0x4442434E
/* clang-format on */
#define SBI_LEGACY_PUTCHAR 0x01

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
