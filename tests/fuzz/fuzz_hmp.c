/*
 * Fuzz target: HMP lines (machine/debug/monitor.c) from an untrusted
 * client: the line editor (overlong lines, control bytes, CR/LF), the
 * command parser, x and xp formats and addresses, cpu, info. Format:
 * fuzz_monitor.h.
 */
#include "fuzz_monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_monitor(data, size, MON_HMP); }
