/*
 * A hart's integer and floating-point registers as text, four to a line
 * (" x0/zero  0000000000000000 x1/ra ..."), for the monitor's `info
 * registers` and -d cpu_reset: one layout, whatever prints it. Reads the
 * hart without locking: the caller has it parked or owns its thread.
 */
#ifndef RIVET_REGDUMP_H
#define RIVET_REGDUMP_H

#include <stdbool.h>

struct hart;

/* Calls emit(ctx, text) once per line of registers (each ends in "\n"):
 * x0-x31, then f0-f31 when fp. */
void regdump_gprs(const struct hart *h, bool fp, void (*emit)(void *ctx, const char *text), void *ctx);

#endif
