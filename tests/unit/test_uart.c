/* Unit tests of the NS16550A model through its MMIO region, with a fake
 * character backend and a fake interrupt controller. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/uart16550.h"

#define UART_BASE 0x10000000ull

/* Fake backend: records output, serves queued input. */
struct fake_chr {
    uint8_t out[256];
    size_t out_len;
    uint8_t in[256];
    size_t in_head, in_len;
    int reads;
};

static void fake_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct fake_chr *f = opaque;
    for (size_t i = 0; i < len && f->out_len < sizeof f->out; i++)
        f->out[f->out_len++] = buf[i];
}

static size_t fake_read(void *opaque, uint8_t *buf, size_t len)
{
    struct fake_chr *f = opaque;
    f->reads++;
    size_t n = len < f->in_len ? len : f->in_len;
    memcpy(buf, f->in + f->in_head, n);
    f->in_head += n;
    f->in_len -= n;
    return n;
}

static void fake_input(struct fake_chr *f, const char *s)
{
    size_t n = strlen(s);
    memmove(f->in, f->in + f->in_head, f->in_len);
    f->in_head = 0;
    memcpy(f->in + f->in_len, s, n);
    f->in_len += n;
}

/* Fake interrupt controller: the line's level and how often it was driven. */
struct fake_irq {
    bool level;
    unsigned source;
    int calls;
};

static void fake_set_level(void *ctrl, unsigned source, bool level)
{
    struct fake_irq *q = ctrl;
    q->source = source;
    q->calls++;
    q->level = level;
}

static struct fake_chr chr;
static struct fake_irq irq;
static struct uart16550 *uart;
static struct mmio_region reg;

static void setup(void)
{
    memset(&chr, 0, sizeof chr);
    memset(&irq, 0, sizeof irq);
    struct chardev be = { fake_write, fake_read, &chr };
    struct irq_line line = { fake_set_level, &irq, 10 };
    uart = uart_create(&be, line);
    ck_assert_ptr_nonnull(uart);
    reg = uart_region(uart, UART_BASE, 0x100);
}

static void teardown(void) { uart_destroy(uart); }

static uint8_t rd(uint64_t off)
{
    uint64_t v = 0xdeadbeef;
    ck_assert_int_eq(reg.read(reg.opaque, off, 1, &v), BUS_OK);
    ck_assert_uint_le(v, 0xff);
    return (uint8_t)v;
}

static void wr(uint64_t off, uint8_t v) { ck_assert_int_eq(reg.write(reg.opaque, off, 1, v), BUS_OK); }

START_TEST(test_region_shape)
{
    ck_assert_uint_eq(reg.base, UART_BASE);
    ck_assert_uint_eq(reg.size, 0x100);
    ck_assert_uint_eq(reg.min_access, 1);
    ck_assert_uint_eq(reg.max_access, 8); /* QEMU accepts wider accesses ... */
    ck_assert_uint_eq(reg.impl_max, 1);   /* ... and the bus splits them per register */
    /* Past the 8 registers: reads 0, writes ignored. */
    wr(0x40, 0x55);
    ck_assert_uint_eq(rd(0x40), 0);
    ck_assert_uint_eq(chr.out_len, 0);
}
END_TEST

START_TEST(test_reset_values)
{
    ck_assert_uint_eq(rd(UART_IER), 0);
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_NO_INT);
    ck_assert_uint_eq(rd(UART_LCR), 0);
    ck_assert_uint_eq(rd(UART_MCR), 0);
    ck_assert_uint_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    ck_assert_uint_eq(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    ck_assert(!irq.level);
}
END_TEST

START_TEST(test_thr_output)
{
    const char *msg = "hi\r\n";
    for (const char *p = msg; *p; p++)
        wr(UART_THR, (uint8_t)*p);
    ck_assert_uint_eq(chr.out_len, 4);
    ck_assert_mem_eq(chr.out, msg, 4);
    ck_assert_uint_eq(rd(UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE | UART_LSR_TEMT);
}
END_TEST

START_TEST(test_null_backend)
{
    struct uart16550 *u = uart_create(NULL, (struct irq_line){ 0 });
    ck_assert_ptr_nonnull(u);
    struct mmio_region r = uart_region(u, 0, 8);
    uint64_t v;
    r.write(r.opaque, UART_THR, 1, 'x');
    uart_poll(u);
    r.read(r.opaque, UART_LSR, 1, &v);
    ck_assert_uint_eq(v, UART_LSR_THRE | UART_LSR_TEMT);
    uart_destroy(u);
}
END_TEST

START_TEST(test_scratch)
{
    wr(UART_SCR, 0xa5);
    ck_assert_uint_eq(rd(UART_SCR), 0xa5);
    wr(UART_SCR, 0x00);
    ck_assert_uint_eq(rd(UART_SCR), 0x00);
}
END_TEST

START_TEST(test_dlab_divisor_latch)
{
    wr(UART_IER, UART_IER_ERBFI);
    wr(UART_LCR, UART_LCR_DLAB | 0x03);
    wr(UART_DLL, 0x0c);
    wr(UART_DLM, 0x01);
    ck_assert_uint_eq(rd(UART_DLL), 0x0c);
    ck_assert_uint_eq(rd(UART_DLM), 0x01);
    ck_assert_uint_eq(chr.out_len, 0); /* DLL write did not transmit */
    wr(UART_LCR, 0x03);
    ck_assert_uint_eq(rd(UART_LCR), 0x03);
    ck_assert_uint_eq(rd(UART_IER), UART_IER_ERBFI); /* IER kept apart from DLM */
    wr(UART_THR, 'A');
    ck_assert_uint_eq(chr.out_len, 1);
    wr(UART_LCR, UART_LCR_DLAB);
    ck_assert_uint_eq(rd(UART_DLL), 0x0c); /* THR write did not touch DLL */
}
END_TEST

START_TEST(test_rx_fifo_order)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    fake_input(&chr, "hello");
    uart_poll(uart);
    ck_assert(rd(UART_LSR) & UART_LSR_DR);
    char got[6] = { 0 };
    for (int i = 0; i < 5; i++)
        got[i] = (char)rd(UART_RBR);
    ck_assert_str_eq(got, "hello");
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
}
END_TEST

START_TEST(test_poll_fills_only_room)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    fake_input(&chr, "0123456789abcdefXYZ"); /* 19 bytes */
    uart_poll(uart);
    ck_assert_uint_eq(chr.in_len, 3); /* left in the backend, not overrun */
    ck_assert(!(rd(UART_LSR) & UART_LSR_OE));
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(rd(UART_RBR), (uint8_t) "0123456789abcdef"[i]);
    uart_poll(uart);
    ck_assert_uint_eq(rd(UART_RBR), 'X');
    ck_assert_uint_eq(rd(UART_RBR), 'Y');
    ck_assert_uint_eq(rd(UART_RBR), 'Z');
    /* A full FIFO does not even ask the backend. */
    wr(UART_MCR, UART_MCR_LOOP);
    for (int i = 0; i < 16; i++)
        wr(UART_THR, 'q');
    wr(UART_MCR, 0);
    int reads = chr.reads;
    uart_poll(uart);
    ck_assert_int_eq(chr.reads, reads);
}
END_TEST

/* The line delivers as soon as the FIFO has room: input longer than the
 * FIFO arrives while the guest drains it, with no uart_poll in between
 * (with hart threads that poll waits for the I/O thread's next round). A
 * guest polling LSR on an empty FIFO gets waiting input too. */
START_TEST(test_drain_pulls_waiting_input)
{
    static const char line[] = "0123456789abcdefghijklmnopqrstuvwxyz0123456789";
    wr(UART_FCR, UART_FCR_FIFOE);
    fake_input(&chr, line);
    uart_poll(uart);
    for (size_t i = 0; i < sizeof line - 1; i++) {
        ck_assert(rd(UART_LSR) & UART_LSR_DR);
        ck_assert_uint_eq(rd(UART_RBR), (uint8_t)line[i]);
    }
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
    ck_assert(!(rd(UART_LSR) & UART_LSR_OE));
    fake_input(&chr, "k"); /* arrives while the guest polls LSR */
    ck_assert(rd(UART_LSR) & UART_LSR_DR);
    ck_assert_uint_eq(rd(UART_RBR), 'k');
    /* In loopback the line is disconnected: host input waits. */
    wr(UART_MCR, UART_MCR_LOOP);
    fake_input(&chr, "w");
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
    ck_assert_uint_eq(chr.in_len, 1);
}
END_TEST

START_TEST(test_overrun_fifo_mode)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    wr(UART_MCR, UART_MCR_LOOP);
    for (int i = 0; i < 17; i++)
        wr(UART_THR, (uint8_t)('a' + i));
    uint8_t lsr = rd(UART_LSR);
    ck_assert(lsr & UART_LSR_OE);
    ck_assert(lsr & UART_LSR_DR);
    ck_assert(!(rd(UART_LSR) & UART_LSR_OE)); /* cleared by the read */
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(rd(UART_RBR), (uint8_t)('a' + i)); /* the 17th was lost */
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
    ck_assert_uint_eq(chr.out_len, 0); /* loopback does not reach the backend */
}
END_TEST

START_TEST(test_overrun_16450_mode)
{
    wr(UART_MCR, UART_MCR_LOOP);
    wr(UART_THR, '1');
    ck_assert(!(rd(UART_LSR) & UART_LSR_OE));
    wr(UART_THR, '2');
    ck_assert_uint_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE);
    ck_assert_uint_eq(rd(UART_RBR), '2'); /* the holding register was overwritten */
    ck_assert_uint_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}
END_TEST

START_TEST(test_fcr_clears_fifo)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_FIFO_ON, UART_IIR_FIFO_ON);
    fake_input(&chr, "abc");
    uart_poll(uart);
    wr(UART_FCR, UART_FCR_FIFOE | UART_FCR_RXRST);
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
    fake_input(&chr, "de");
    uart_poll(uart);
    wr(UART_FCR, 0); /* leaving FIFO mode clears the FIFO too */
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_FIFO_ON, 0);
    /* 16450 mode holds one byte: the next waits in the backend and
     * arrives when the guest has read the first. */
    fake_input(&chr, "fg");
    uart_poll(uart);
    ck_assert_uint_eq(chr.in_len, 1);
    ck_assert_uint_eq(rd(UART_RBR), 'f');
    ck_assert(rd(UART_LSR) & UART_LSR_DR);
    ck_assert_uint_eq(rd(UART_RBR), 'g');
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
}
END_TEST

START_TEST(test_rx_interrupt_and_trigger)
{
    wr(UART_FCR, UART_FCR_FIFOE | (2 << UART_FCR_TRIG_SHIFT)); /* trigger 8 */
    fake_input(&chr, "abc");
    uart_poll(uart);
    ck_assert(!irq.level); /* ERBFI off */
    wr(UART_IER, UART_IER_ERBFI);
    ck_assert(irq.level);
    ck_assert_uint_eq(irq.source, 10);
    /* Below the trigger: reported as a character timeout. */
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_FIFO_ON | UART_IIR_TIMEOUT);
    fake_input(&chr, "defgh");
    uart_poll(uart);
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_FIFO_ON | UART_IIR_RDI);
    ck_assert(irq.level); /* reading IIR does not clear RX data */
    for (int i = 0; i < 8; i++)
        rd(UART_RBR);
    ck_assert(!irq.level);
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_FIFO_ON | UART_IIR_NO_INT);
}
END_TEST

START_TEST(test_thre_interrupt)
{
    wr(UART_IER, UART_IER_ETBEI); /* enabling with THR empty raises it */
    ck_assert(irq.level);
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_THRI);
    ck_assert(!irq.level); /* acknowledged by the IIR read */
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_NO_INT);
    wr(UART_THR, 'z'); /* THR empties again at once */
    ck_assert(irq.level);
    wr(UART_IER, 0);
    ck_assert(!irq.level);
    wr(UART_IER, UART_IER_ETBEI);
    ck_assert(irq.level);
    /* Rewriting IER with ETBEI still set is not a new edge. */
    rd(UART_IIR);
    wr(UART_IER, UART_IER_ETBEI);
    ck_assert(!irq.level);
}
END_TEST

START_TEST(test_iir_priorities)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS); /* MSR delta pending */
    wr(UART_THR, 'a');
    wr(UART_THR, 'b');
    for (int i = 0; i < 15; i++)
        wr(UART_THR, 'c'); /* overrun: OE */
    wr(UART_IER, UART_IER_MASK);
    ck_assert(irq.level);
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RLSI);
    rd(UART_LSR);
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_RDI);
    wr(UART_FCR, UART_FCR_FIFOE | UART_FCR_RXRST);
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_THRI);
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_MSI);
    ck_assert(irq.level);
    uint8_t msr = rd(UART_MSR);
    ck_assert(msr & UART_MSR_DELTAS);
    ck_assert_uint_eq(rd(UART_IIR) & UART_IIR_ID_MASK, UART_IIR_NO_INT);
    ck_assert(!irq.level);
}
END_TEST

START_TEST(test_loopback_modem_lines)
{
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
    /* Linux's 8250 loopback probe expects DCD|CTS here. */
    ck_assert_uint_eq(rd(UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
    uint8_t msr = rd(UART_MSR);
    ck_assert_uint_eq(msr & 0xf0, UART_MSR_DSR | UART_MSR_RI);
    ck_assert_uint_eq(msr & UART_MSR_DELTAS, UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR); /* RI trailing edge */
    ck_assert_uint_eq(rd(UART_MSR) & UART_MSR_DELTAS, UART_MSR_TERI);
    ck_assert_uint_eq(rd(UART_MSR) & UART_MSR_DELTAS, 0); /* deltas clear on read */
    /* Host input waits while in loopback, then arrives. */
    fake_input(&chr, "k");
    uart_poll(uart);
    ck_assert(!(rd(UART_LSR) & UART_LSR_DR));
    wr(UART_MCR, 0);
    uart_poll(uart);
    ck_assert_uint_eq(rd(UART_RBR), 'k');
    ck_assert_uint_eq(rd(UART_MSR) & 0xf0, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
}
END_TEST

START_TEST(test_irq_line_only_on_change)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    wr(UART_IER, UART_IER_ERBFI);
    for (int i = 0; i < 100; i++)
        uart_poll(uart);
    ck_assert_int_eq(irq.calls, 0);
    fake_input(&chr, "ab");
    uart_poll(uart);
    uart_poll(uart);
    ck_assert_int_eq(irq.calls, 1);
    rd(UART_RBR);
    rd(UART_RBR);
    ck_assert_int_eq(irq.calls, 2);
    ck_assert(!irq.level);
}
END_TEST

/* A machine reset: the reset values, the RX FIFO emptied, the line low;
 * the backend stays and its later input still arrives. */
START_TEST(test_machine_reset)
{
    wr(UART_FCR, UART_FCR_FIFOE);
    wr(UART_IER, UART_IER_ERBFI);
    wr(UART_LCR, 0x03);
    wr(UART_SCR, 0x5a);
    fake_input(&chr, "ab");
    uart_poll(uart);
    ck_assert(irq.level);
    uart_reset(uart);
    ck_assert(!irq.level);
    ck_assert_uint_eq(rd(UART_IER), 0);
    ck_assert_uint_eq(rd(UART_LCR), 0);
    ck_assert_uint_eq(rd(UART_SCR), 0);
    ck_assert_uint_eq(rd(UART_IIR), UART_IIR_NO_INT);
    ck_assert_uint_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT); /* nothing received */
    ck_assert_uint_eq(rd(UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    fake_input(&chr, "c");
    uart_poll(uart);
    ck_assert_uint_eq(rd(UART_RBR), 'c');
    wr(UART_THR, 'z');
    ck_assert_uint_eq(chr.out[chr.out_len - 1], 'z');
}
END_TEST

static Suite *uart_suite(void)
{
    Suite *s = suite_create("uart16550");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_region_shape);
    tcase_add_test(tc, test_reset_values);
    tcase_add_test(tc, test_thr_output);
    tcase_add_test(tc, test_null_backend);
    tcase_add_test(tc, test_drain_pulls_waiting_input);
    tcase_add_test(tc, test_scratch);
    tcase_add_test(tc, test_dlab_divisor_latch);
    tcase_add_test(tc, test_rx_fifo_order);
    tcase_add_test(tc, test_poll_fills_only_room);
    tcase_add_test(tc, test_overrun_fifo_mode);
    tcase_add_test(tc, test_overrun_16450_mode);
    tcase_add_test(tc, test_fcr_clears_fifo);
    tcase_add_test(tc, test_rx_interrupt_and_trigger);
    tcase_add_test(tc, test_thre_interrupt);
    tcase_add_test(tc, test_iir_priorities);
    tcase_add_test(tc, test_loopback_modem_lines);
    tcase_add_test(tc, test_irq_line_only_on_change);
    tcase_add_test(tc, test_machine_reset);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(uart_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
