/*
 * Semihosting: -semihosting and -semihosting-config (QEMU spelling).
 *
 * A guest asks the host for a service with the RISC-V semihosting sequence
 * (RISC-V semihosting spec 1.1: `slli x0,x0,0x1f; ebreak; srai x0,x0,7`,
 * uncompressed, in one page; the hart recognises it, cpu/exec_sys.c), the
 * operation number in a0 and its parameter, usually a pointer to a block of
 * 64-bit fields, in a1; the result comes back in a0. The operations are
 * those of Arm's "Semihosting for AArch32 and AArch64" (2.0), 64-bit forms.
 *
 * Contract
 * - Every guest pointer and length is used through the calling hart's MMU
 *   with its current data translation (virtual addresses, as QEMU does),
 *   page by page, and must name RAM the guest could access that way; a bad
 *   one makes the call fail (-1, SYS_ERRNO = EFAULT), never a host fault.
 *   A read or write moves at most SEMIHOST_MAX_IO bytes per call (the
 *   result then says how many were left, as the spec allows).
 * - Files: only beneath cfg.semihosting_root (none by default: SYS_OPEN,
 *   SYS_REMOVE and SYS_RENAME of a real name fail with EACCES). An absolute
 *   path or a ".." component is refused (EACCES); so is a symlink that leads
 *   out of the root (openat2 RESOLVE_BENEATH; on kernels without openat2
 *   every symlink is refused: a component-by-component O_NOFOLLOW walk).
 *   Only regular files open (EISDIR/EACCES otherwise, and never a wait on a
 *   FIFO); at most SEMIHOST_MAX_FILES host files are open at once (EMFILE).
 * - The console (":tt", SYS_WRITEC, SYS_WRITE0, SYS_READC) is the UART's
 *   host side, m->console, so --console-log and --expect-script see it.
 *   SYS_READC takes the oldest byte of console input; while there is none
 *   the hart waits (the call runs again, about every 10 ms), unless no input
 *   can ever come (-serial none or file, no script): then it returns -1.
 * - SYS_EXIT and SYS_EXIT_EXTENDED end the run: ADP_Stopped_ApplicationExit
 *   with its subcode as the guest's exit code, any other reason with 1. The
 *   64-bit form passes a pointer to {reason, subcode}; a1 holding a reason
 *   code itself (0x20000..0x20029, the 32-bit form some runtimes use on
 *   RV64) is taken as that reason with subcode 0.
 * - From U-mode only with cfg.semihosting_user (userspace=on), as QEMU.
 * - Threading: the emulation thread.
 */
#ifndef RIVET_SEMIHOSTING_H
#define RIVET_SEMIHOSTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct hart;
struct semihost;

#define SEMIHOST_MAX_FILES 16
#define SEMIHOST_MAX_IO    (1u << 20)

/* NULL + err when the root cannot be opened or memory runs out. */
struct semihost *semihost_create(struct machine *m, char *err, size_t errlen);
void semihost_destroy(struct semihost *s);

/* What SYS_GET_CMDLINE says without arg= (the kernel and -append, as
 * QEMU), and where the image ends (SYS_HEAPINFO's heap starts there). */
bool semihost_set_program(struct semihost *s, const char *kernel, const char *append, uint64_t image_end);

/* Serves the call of hart h whose ebreak is at pc: SEMIHOST_* (cpu/hart.h). */
int semihost_call(struct semihost *s, struct hart *h, uint64_t pc);

/* Tests: pretend openat2 is missing, to exercise the O_NOFOLLOW walk. */
void semihost_force_walk(struct semihost *s, bool on);

#endif
