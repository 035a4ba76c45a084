/*
 * QEMU's -d logging (int, cpu_reset, guest_errors, unimp; in_asm, exec and
 * cpu are --trace's lines, handled by the caller).
 *
 * Everything here runs on slow paths only: the hart's trap hook
 * (hart_env.trap_hook, cpu/trap.c), the bus's refused-access hook
 * (mmu/bus.h), and boot. Nothing is looked at per instruction, so logging
 * costs nothing while the guest does not trap. After creation the state is
 * read-only; lines go out whole through stdio (any thread).
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
 */
#ifndef RIVET_LOG_H
#define RIVET_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* After the harts and the bus exist: installs the hooks that cfg.log_items
 * asks for (m->log stays NULL when none is). */
bool machine_log_create(struct machine *m, char *err, size_t errlen);
void machine_log_destroy(struct machine *m);

/* -d cpu_reset: every hart's state, once the boot has reset them. */
void machine_log_reset(struct machine *m);

/* The name of a known encoding of an extension rivet does not implement
 * ("cbo.zero (Zicboz)"), or NULL. bits: 32-bit, or 16-bit when len is 2. */
const char *log_unimplemented_name(uint32_t bits, unsigned len);

#endif
