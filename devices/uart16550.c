/*
 * NS16550A UART model. See uart16550.h for the behaviour; register semantics
 * follow the PC16550D datasheet (National Semiconductor), section 8.
 */
#include "devices/uart16550.h"

#include "rivet/snapstream.h"

#include <stdbool.h>
#include <stdlib.h>

struct uart16550 {
    struct chardev backend;
    struct irq_line irq;
    bool irq_level; /* the level last driven on the line */

    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint8_t rbr_last; /* what RBR reads as once the FIFO is empty */

    uint8_t ier, lcr, mcr, msr, scr, dll, dlm;
    uint8_t lsr_err;   /* sticky error bits (OE), cleared by reading LSR */
    bool fifo_on;      /* FCR.FIFOE: 16550 mode; otherwise 16450 mode */
    uint8_t fcr_trig;  /* FCR bits 7:6 as written */
    bool thr_ipending; /* the THR-empty interrupt condition */
};

/* Reset values: THR empty, no interrupt, modem lines "connected" (CTS, DSR
 * and DCD asserted, as a host terminal is always ready). */
#define UART_MSR_IDLE (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD)

static unsigned rx_capacity(const struct uart16550 *u) { return u->fifo_on ? UART_FIFO_SIZE : 1; }

/* RX trigger level, datasheet table "FIFO Control Register" bits 7:6. */
static unsigned rx_trigger(const struct uart16550 *u)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return u->fifo_on ? levels[u->fcr_trig & 3] : 1;
}

static uint8_t lsr_value(const struct uart16550 *u)
{
    uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_err;
    if (u->rx_count)
        lsr |= UART_LSR_DR;
    return lsr;
}

/* The highest-priority pending enabled interrupt, as its IIR id. */
static uint8_t pending_id(const struct uart16550 *u)
{
    if ((u->ier & UART_IER_ELSI) && (u->lsr_err & UART_LSR_ERRORS))
        return UART_IIR_RLSI;
    if ((u->ier & UART_IER_ERBFI) && u->rx_count)
        /* The character timeout is simplified: data below the trigger
         * level is reported as a timeout at once. */
        return u->rx_count >= rx_trigger(u) ? UART_IIR_RDI : UART_IIR_TIMEOUT;
    if ((u->ier & UART_IER_ETBEI) && u->thr_ipending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_EDSSI) && (u->msr & UART_MSR_DELTAS))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

static void update_irq(struct uart16550 *u)
{
    bool level = pending_id(u) != UART_IIR_NO_INT;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

static void rx_clear(struct uart16550 *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
}

/* A byte reaches the receiver. With no room it is an overrun: in FIFO mode
 * the new byte is lost; in 16450 mode it overwrites the holding register. */
static void rx_push(struct uart16550 *u, uint8_t byte)
{
    unsigned cap = rx_capacity(u);
    if (u->rx_count >= cap) {
        u->lsr_err |= UART_LSR_OE;
        if (!u->fifo_on)
            u->rx[u->rx_head] = byte;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
}

static uint8_t rx_pop(struct uart16550 *u)
{
    if (u->rx_count) {
        u->rbr_last = u->rx[u->rx_head];
        u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
        u->rx_count--;
    }
    return u->rbr_last;
}

/* In loopback the modem inputs are wired to the outputs (datasheet 8.6):
 * CTS = RTS, DSR = DTR, RI = OUT1, DCD = OUT2. */
static uint8_t msr_inputs(const struct uart16550 *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return UART_MSR_IDLE;
    uint8_t in = 0;
    if (u->mcr & UART_MCR_RTS)
        in |= UART_MSR_CTS;
    if (u->mcr & UART_MCR_DTR)
        in |= UART_MSR_DSR;
    if (u->mcr & UART_MCR_OUT1)
        in |= UART_MSR_RI;
    if (u->mcr & UART_MCR_OUT2)
        in |= UART_MSR_DCD;
    return in;
}

/* Sets the MSR inputs and the delta bits for the lines that changed; TERI
 * marks only the trailing edge of RI. */
static void msr_update(struct uart16550 *u)
{
    uint8_t old = u->msr, in = msr_inputs(u);
    uint8_t changed = (uint8_t)(old ^ in);
    uint8_t delta = u->msr & UART_MSR_DELTAS;
    if (changed & UART_MSR_CTS)
        delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        delta |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        delta |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(in & UART_MSR_RI))
        delta |= UART_MSR_TERI;
    u->msr = (uint8_t)(in | delta);
}

static void write_thr(struct uart16550 *u, uint8_t byte)
{
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, byte);
    else
        chardev_write(&u->backend, &byte, 1);
    /* Transmission is instant, so THR is empty again right away. */
    u->thr_ipending = true;
}

static void write_ier(struct uart16550 *u, uint8_t v)
{
    uint8_t old = u->ier;
    u->ier = v & UART_IER_MASK;
    if (!(u->ier & UART_IER_ETBEI))
        u->thr_ipending = false;
    else if (!(old & UART_IER_ETBEI))
        u->thr_ipending = true; /* enabling ETBEI with THR empty */
}

/* FCR (datasheet 8.5): FIFOE must be set for the other bits to take
 * effect; changing FIFOE clears both FIFOs. */
static void write_fcr(struct uart16550 *u, uint8_t v)
{
    bool on = v & UART_FCR_FIFOE;
    if (on != u->fifo_on)
        rx_clear(u);
    u->fifo_on = on;
    if (!on)
        return;
    if (v & UART_FCR_RXRST)
        rx_clear(u);
    /* TXRST: the transmitter holds nothing, THR stays empty. */
    u->fcr_trig = (uint8_t)(v >> UART_FCR_TRIG_SHIFT);
}

static void write_mcr(struct uart16550 *u, uint8_t v)
{
    u->mcr = v & UART_MCR_MASK;
    msr_update(u);
}

static uint8_t read_iir(struct uart16550 *u)
{
    uint8_t id = pending_id(u);
    /* Reading IIR while it reports THR empty acknowledges that source. */
    if (id == UART_IIR_THRI)
        u->thr_ipending = false;
    return (uint8_t)(id | (u->fifo_on ? UART_IIR_FIFO_ON : 0));
}

static uint8_t read_reg(struct uart16550 *u, uint64_t off)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    uint8_t v;
    switch (off) {
    case UART_RBR: return dlab ? u->dll : rx_pop(u);
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR: return read_iir(u);
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR:
        v = lsr_value(u);
        u->lsr_err = 0;
        return v;
    case UART_MSR:
        v = u->msr;
        u->msr &= (uint8_t)~UART_MSR_DELTAS;
        return v;
    case UART_SCR: return u->scr;
    default: return 0;
    }
}

static void write_reg(struct uart16550 *u, uint64_t off, uint8_t v)
{
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (off) {
    case UART_THR:
        if (dlab)
            u->dll = v;
        else
            write_thr(u, v);
        break;
    case UART_IER:
        if (dlab)
            u->dlm = v;
        else
            write_ier(u, v);
        break;
    case UART_FCR: write_fcr(u, v); break;
    case UART_LCR: u->lcr = v; break;
    case UART_MCR: write_mcr(u, v); break;
    case UART_SCR: u->scr = v; break;
    default: break; /* LSR and MSR are read-only here; past the end: ignored */
    }
}

/* A guest that reads the last byte of the FIFO has room for more: the
 * backend hears of it (chardev_drained), and with hart threads the board's
 * I/O thread then polls the UART at once instead of at its next sleep's
 * end. A line longer than the FIFO would otherwise arrive a FIFO-full per
 * I/O round. Reading the host's input here instead would put the terminal
 * (and the monitor's console mux behind it) on a hart thread. */
static bus_status uart_mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct uart16550 *u = opaque;
    bool had = u->rx_count != 0;
    *value = read_reg(u, offset);
    if (had && !u->rx_count && offset == UART_RBR && !(u->lcr & UART_LCR_DLAB))
        chardev_drained(&u->backend);
    update_irq(u);
    return BUS_OK;
}

static bus_status uart_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct uart16550 *u = opaque;
    write_reg(u, offset, (uint8_t)value);
    update_irq(u);
    return BUS_OK;
}

struct uart16550 *uart_create(const struct chardev *backend, struct irq_line irq)
{
    struct uart16550 *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    if (backend)
        u->backend = *backend;
    u->irq = irq;
    u->msr = UART_MSR_IDLE;
    return u;
}

void uart_destroy(struct uart16550 *u) { free(u); }

void uart_reset(struct uart16550 *u)
{
    struct chardev backend = u->backend;
    struct irq_line irq = u->irq;
    *u = (struct uart16550){ .backend = backend, .irq = irq, .irq_level = true, .msr = UART_MSR_IDLE };
    update_irq(u); /* irq_level true forces the line low now */
}

void uart_save(const struct uart16550 *u, struct snapshot_writer *w)
{
    snap_put(w, u->rx, sizeof u->rx);
    const uint8_t regs[] = {
        (uint8_t)u->rx_head, (uint8_t)u->rx_count, u->rbr_last, u->ier, u->lcr, u->mcr, u->msr, u->scr, u->dll, u->dlm,
        u->lsr_err,          u->fcr_trig
    };
    snap_put(w, regs, sizeof regs);
    snap_put_bool(w, u->fifo_on);
    snap_put_bool(w, u->thr_ipending);
    snap_put_bool(w, u->irq_level);
}

/* Every value checked against what the registers' writes can make: the
 * FIFO's indexes above all. */
bool uart_restore(struct uart16550 *u, struct snapshot_reader *r)
{
    struct uart16550 t = *u;
    snap_get(r, t.rx, sizeof t.rx);
    uint8_t regs[12];
    snap_get(r, regs, sizeof regs);
    t.rx_head = regs[0], t.rx_count = regs[1], t.rbr_last = regs[2], t.ier = regs[3], t.lcr = regs[4];
    t.mcr = regs[5], t.msr = regs[6], t.scr = regs[7], t.dll = regs[8], t.dlm = regs[9], t.lsr_err = regs[10];
    t.fcr_trig = regs[11];
    t.fifo_on = snap_get_bool(r);
    t.thr_ipending = snap_get_bool(r);
    t.irq_level = snap_get_bool(r);
    if (t.rx_head >= UART_FIFO_SIZE || t.rx_count > rx_capacity(&t) || (t.ier & ~UART_IER_MASK) ||
        (t.mcr & ~UART_MCR_MASK) || (t.lsr_err & ~UART_LSR_ERRORS) || t.fcr_trig > 3)
        snap_bad(r, "UART registers out of range");
    if (!snap_end(r) || r->dry)
        return !r->bad;
    *u = t;
    return true;
}

struct mmio_region uart_region(struct uart16550 *u, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        .name = "serial",
        .base = base,
        .size = size,
        .min_access = 1,
        .max_access = 8, /* as QEMU's: a wider access is one per register (bus.h) */
        .impl_max = 1,
        .read = uart_mmio_read,
        .write = uart_mmio_write,
        .opaque = u,
    };
}

void uart_poll(struct uart16550 *u)
{
    /* In loopback the receiver is disconnected from the line: host input
     * waits in the backend until loopback ends. */
    unsigned cap = rx_capacity(u);
    if (!(u->mcr & UART_MCR_LOOP) && u->rx_count < cap) {
        uint8_t buf[UART_FIFO_SIZE];
        size_t n = chardev_read(&u->backend, buf, cap - u->rx_count);
        for (size_t i = 0; i < n; i++)
            rx_push(u, buf[i]);
    }
    update_irq(u);
}

bool uart_take_input(struct uart16550 *u, uint8_t *byte)
{
    uart_poll(u);
    if (!u->rx_count)
        return false;
    *byte = rx_pop(u);
    update_irq(u);
    return true;
}
