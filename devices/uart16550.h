/*
 * NS16550A UART (device-tree compatible "ns16550a"), as on QEMU's virt board:
 * 8 one-byte registers, reg-shift 0, accessed with 1-byte loads and stores.
 *
 *   off  DLAB=0 read   DLAB=0 write   DLAB=1
 *   0    RBR           THR            DLL
 *   1    IER           IER            DLM
 *   2    IIR           FCR
 *   3    LCR (bit 7 = DLAB)
 *   4    MCR (bit 4 = loopback)
 *   5    LSR (DR, OE, PE, FE, BI, THRE, TEMT, RX FIFO error)
 *   6    MSR
 *   7    SCR
 *
 * Behaviour
 * - Transmit is instantaneous: a THR write goes straight to the backend, so
 *   THRE and TEMT are always set (in loopback mode the byte goes to the RX
 *   FIFO instead, and MCR outputs loop back into MSR).
 * - Receive: a 16-byte FIFO (1 byte in 16450 mode, FCR.FIFOE clear). A byte
 *   arriving at a full FIFO is lost and sets LSR.OE. uart_poll() pulls host
 *   input into the FIFO while it has room, so the host never overruns it.
 * - Interrupts, IIR priority: receiver line status (OE) > RX data available
 *   (FIFO level >= trigger; the character timeout is simplified to "any data
 *   available", reported as IIR timeout when below the trigger) > THR empty >
 *   modem status. THR empty is raised when ETBEI goes from 0 to 1 (THR is
 *   always empty) and after every THR write (a write clears it, and the
 *   byte's instant transmission empties THR again, so a driver that writes
 *   and waits for THRE gets its interrupt); it is cleared by reading IIR
 *   when IIR reports it, and by clearing ETBEI. Line status is cleared by
 *   reading LSR, modem status by reading MSR, RX data by draining the FIFO.
 *   The irq line level is "an enabled interrupt is pending"; MCR.OUT2 does
 *   not gate it (as on QEMU's virt, where Linux does not rely on OUT2).
 *
 * - A read of RBR that empties the FIFO, and a read of LSR while it is
 *   empty, pull the backend's waiting input at once (the line delivers as
 *   soon as there is room), so input longer than the FIFO never waits for
 *   the board's next uart_poll.
 *
 * Threading: one caller at a time: the board holds the UART's lock around
 * MMIO callbacks (hart threads) and uart_poll (the I/O thread). The backend
 * is called from both, so it must be safe to call from any thread under
 * that lock (the board's console wrapper takes its console lock).
 */
#ifndef RIVET_UART16550_H
#define RIVET_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/chardev.h"
#include "devices/irq.h"
#include "mmu/bus.h"

/* Register offsets. */
#define UART_RBR 0 /* read, DLAB=0 */
#define UART_THR 0 /* write, DLAB=0 */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1 /* DLAB=0 */
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_ERBFI 0x01 /* received data available */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI  0x04 /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */
#define UART_IER_MASK  0x0f

/* clang-format off */
#define UART_IIR_NO_INT   0x01
#define UART_IIR_MSI      0x00
#define UART_IIR_THRI     0x02
#define UART_IIR_RDI      0x04
#define UART_IIR_RLSI     0x06
#define UART_IIR_TIMEOUT  0x0c
#define UART_IIR_ID_MASK  0x0f
#define UART_IIR_FIFO_ON  0xc0

#define UART_FCR_FIFOE    0x01
#define UART_FCR_RXRST    0x02
#define UART_FCR_TXRST    0x04
#define UART_FCR_DMA      0x08
/* clang-format on */
#define UART_FCR_TRIG_SHIFT 6

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

/* clang-format off */
#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
/* clang-format on */
#define UART_LSR_FIFOERR 0x80
#define UART_LSR_ERRORS  (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

/* clang-format off */
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80
/* clang-format on */
#define UART_MSR_DELTAS 0x0f

#define UART_FIFO_SIZE 16
#define UART_REG_COUNT 8

struct uart16550;

/* The backend is copied; it may be NULL (output dropped, no input). NULL on
 * allocation failure. */
struct uart16550 *uart_create(const struct chardev *backend, struct irq_line irq);
void uart_destroy(struct uart16550 *u);
/* Back to the state uart_create gives (a machine reset): registers at
 * their reset values, the RX FIFO empty, the irq line low; the backend
 * stays (input the host has not handed over yet comes later). */
void uart_reset(struct uart16550 *u);

/* The MMIO region at [base, base + size): 1-byte accesses; offsets past the 8
 * registers read 0 and ignore writes. */
struct mmio_region uart_region(struct uart16550 *u, uint64_t base, uint64_t size);

/* Pulls available host input into the RX FIFO while it has room (one backend
 * read at most) and updates the irq line. Called by the board between
 * rounds; cheap when there is no input. */
void uart_poll(struct uart16550 *u);

/* Host input for a reader other than the guest's driver (semihosting
 * SYS_READC): polls, then takes the oldest received byte as a read of RBR
 * would. false when there is none now. */
bool uart_take_input(struct uart16550 *u, uint8_t *byte);

/* Snapshots (include/rivet/snapstream.h): the registers and the receive
 * FIFO (the host side, the chardev, is not part of it). Under the caller's
 * lock of the UART, with no hart running. */
struct snapshot_writer;
struct snapshot_reader;
void uart_save(const struct uart16550 *u, struct snapshot_writer *w);
bool uart_restore(struct uart16550 *u, struct snapshot_reader *r);

#endif
