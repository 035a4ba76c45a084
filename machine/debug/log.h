/*
 * QEMU's -d logging (int, cpu_reset, guest_errors, unimp; in_asm, exec and
 * cpu are --trace's lines, handled by the caller) and the stuck-guest watch
 * (--stuck=warn|exit|off).
 *
 * Everything here runs on slow paths only: the hart's trap hook
 * (hart_env.trap_hook, cpu/trap.c), the bus's refused-access hook
 * (mmu/bus.h), and boot. Nothing is looked at per instruction, so logging
 * costs nothing while the guest does not trap. Threading: any hart's
 * thread; each line is one fprintf (stdio locks the stream), the stuck
 * rows are per hart, and reports take the console lock (machine.h).
 *
 * Lines (-d ITEMS, to -D FILE or stderr):
 *   int           riscv_cpu_do_interrupt: hart:0, async:1, cause:0000000000000007,
 *                 epc:0x0000000080000040, tval:0x0000000000000000, desc=m_timer
 *                 (one line; QEMU 7.2's wording: async:1 for interrupts, cause
 *                 without the interrupt bit)
 *   cpu_reset     "CPU Reset (CPU N)" and the hart's registers, at boot
 *   guest_errors  Invalid read at addr 0x20000000, size 4, region '(none)', reason: unmapped
 *   unimp         hart 0: unimplemented instruction 0x0c00000f at 0x0000000080000010: cbo.zero (Zicboz)
 *                 hart 0: unimplemented CSR 0x7c0 at 0x0000000080000010: csrrs a0,0x7c0,zero
 *
 * Stuck harts. Each hart counts the synchronous exceptions it takes in a row
 * with the same cause, epc and tval (interrupts neither count nor break the
 * row; environment calls never count: a guest printing through SBI ecalls
 * makes the same call thousands of times); any other exception starts a
 * new row. STUCK_REPEATS in a row is a stuck hart. A fetch access fault at
 * an address that is neither RAM nor the boot ROM is reported at once (the
 * hart jumped out of memory). Each condition is reported once, one line on
 * stderr naming the hart, the pc, the instruction (decoded, with its
 * extension) and what it means; --stuck=exit then ends the run with
 * RIVET_EXIT_STUCK.
 */
#ifndef RIVET_LOG_H
#define RIVET_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

#define STUCK_REPEATS 1000

/* After the harts and the bus exist: installs the hooks that cfg.log_items
 * and cfg.stuck ask for (m->log stays NULL when none is). */
bool machine_log_create(struct machine *m, char *err, size_t errlen);
void machine_log_destroy(struct machine *m);

/* -d cpu_reset: every hart's state, once the boot has reset them. */
void machine_log_reset(struct machine *m);

/* The name of a known encoding of an extension rivet does not implement
 * ("cbo.zero (Zicboz)"), or NULL. bits: 32-bit, or 16-bit when len is 2. */
const char *log_unimplemented_name(uint32_t bits, unsigned len);

#endif
