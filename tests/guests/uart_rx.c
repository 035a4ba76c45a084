/* UART through the PLIC: print "hello" via THR, then take RX interrupts
 * (UART IRQ 10, PLIC context 0 = hart 0 M-mode) for the bytes the driver
 * writes to the emulator's stdin ("rivet\n"), claim and complete each, and
 * echo "got: rivet". */
#include "guest.h"

#define UART_RBR   0
#define UART_IER   1
#define UART_IIR   2
#define UART_LSR   5
#define IER_ERBFI  0x01
#define LSR_DR     0x01
#define IIR_NO_INT 0x01
#define CTX_M0     0

static const char want[] = "rivet\n";
static volatile char got[16];
static volatile unsigned ngot, irqs;

void m_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    if (cause != (CAUSE_INTR | IRQ_MEI)) {
        puts_uart("unexpected mcause ");
        puthex(cause);
        putc_uart('\n');
        guest_exit(99);
    }
    uint32_t src = mmio_r32(PLIC_CLAIM(CTX_M0));
    if (src != UART_IRQ) {
        puts_uart("claimed source ");
        putdec(src);
        putc_uart('\n');
        guest_exit(30);
    }
    irqs++;
    while (mmio_r8(UART_BASE + UART_LSR) & LSR_DR) {
        char c = (char)mmio_r8(UART_BASE + UART_RBR);
        if (ngot < sizeof got)
            got[ngot++] = c;
    }
    mmio_w32(PLIC_CLAIM(CTX_M0), src); /* complete */
}

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry);
    puts_uart("hello\n");

    mmio_w32(PLIC_PRIORITY(UART_IRQ), 1);
    CHECK(2, mmio_r32(PLIC_PRIORITY(UART_IRQ)) == 1);
    mmio_w32(PLIC_ENABLE(CTX_M0, UART_IRQ), 1u << (UART_IRQ % 32));
    CHECK(3, mmio_r32(PLIC_ENABLE(CTX_M0, UART_IRQ)) == 1u << (UART_IRQ % 32));
    mmio_w32(PLIC_THRESHOLD(CTX_M0), 0);
    mmio_w8(UART_BASE + UART_IER, IER_ERBFI);
    CHECK(4, mmio_r8(UART_BASE + UART_IER) == IER_ERBFI);
    CSR_WRITE(mie, 1UL << IRQ_MEI);
    CSR_SET(mstatus, MSTATUS_MIE);

    while (ngot < sizeof want - 1 && (ngot == 0 || got[ngot - 1] != '\n'))
        wfi();
    CSR_CLEAR(mstatus, MSTATUS_MIE);
    CHECK(5, irqs >= 1);
    CHECK(6, ngot == sizeof want - 1);
    for (unsigned i = 0; i < ngot; i++)
        CHECK(7, got[i] == want[i]);
    /* Completed and drained: the line is low, nothing left to claim. */
    CHECK(8, !(mmio_r8(UART_BASE + UART_LSR) & LSR_DR));
    CHECK(9, mmio_r32(PLIC_CLAIM(CTX_M0)) == 0);

    puts_uart("got: ");
    for (unsigned i = 0; i < ngot; i++)
        putc_uart(got[i]);
    return 0;
}
