/* The guest library: console, exit, default trap handlers, S-mode entry,
 * SBI calls, and the few string functions gcc may emit calls to. */
#include "guest.h"

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20

#define TEST_PASS 0x5555u
#define TEST_FAIL 0x3333u

void putc_uart(char c)
{
    while (!(mmio_r8(UART_BASE + UART_LSR) & LSR_THRE))
        ;
    mmio_w8(UART_BASE + UART_THR, (uint8_t)c);
}

void puts_uart(const char *s)
{
    while (*s)
        putc_uart(*s++);
}

void putdec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc_uart(buf[--n]);
}

void puthex(uint64_t v)
{
    puts_uart("0x");
    for (int i = 60; i >= 0; i -= 4)
        putc_uart("0123456789abcdef"[(v >> i) & 0xf]);
}

void guest_exit(int code)
{
    /* The test device: 0x5555 = pass, 0x3333 | code << 16 = fail with code. */
    uint32_t v = code == 0 ? TEST_PASS : (TEST_FAIL | ((uint32_t)code & 0xffff) << 16);
    fence();
    mmio_w32(TEST_BASE, v);
    for (;;)
        wfi();
}

void fail(int n)
{
    puts_uart("FAIL ");
    putdec((uint64_t)n);
    putc_uart('\n');
    guest_exit(n);
}

__attribute__((weak)) void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    puts_uart("unexpected M trap, mcause ");
    puthex(cause);
    puts_uart(" mepc ");
    puthex(epc);
    puts_uart(" mtval ");
    puthex(tval);
    putc_uart('\n');
    guest_exit(250);
}

__attribute__((weak)) void s_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    puts_uart("unexpected S trap, scause ");
    puthex(cause);
    puts_uart(" sepc ");
    puthex(epc);
    puts_uart(" stval ");
    puthex(tval);
    putc_uart('\n');
    guest_exit(251);
}

/* Harts other than 0 park unless the guest wants them. */
__attribute__((weak)) void secondary_main(uint64_t hartid)
{
    (void)hartid;
    for (;;)
        wfi();
}

void enter_smode(void (*fn)(uint64_t), uint64_t arg)
{
    /* Without a matching PMP entry S-mode may access nothing (priv 3.7.1). */
    CSR_WRITE(pmpaddr0, ~0UL >> 10);
    CSR_WRITE(pmpcfg0, 0x1f); /* NAPOT, R W X */
    CSR_CLEAR(mstatus, MSTATUS_MPP);
    CSR_SET(mstatus, MSTATUS_MPP_S);
    CSR_WRITE(mepc, (uint64_t)fn);
    register uint64_t a0 __asm__("a0") = arg;
    __asm__ volatile("mret" ::"r"(a0) : "memory");
    __builtin_unreachable();
}

struct sbiret sbi_call(uint64_t eid, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2)
{
    register uint64_t r0 __asm__("a0") = a0;
    register uint64_t r1 __asm__("a1") = a1;
    register uint64_t r2 __asm__("a2") = a2;
    register uint64_t r6 __asm__("a6") = fid;
    register uint64_t r7 __asm__("a7") = eid;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){ (long)r0, (long)r1 };
}

void *memset(void *d, int c, size_t n)
{
    volatile uint8_t *p = d; /* volatile: keep gcc from calling memset here */
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    volatile uint8_t *p = d;
    const uint8_t *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
