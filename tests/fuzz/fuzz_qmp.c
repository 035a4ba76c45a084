/*
 * Fuzz target: QMP input (machine/debug/qmp.c, json.c) from an untrusted
 * client: framing, the JSON reader's bounds, every command with any
 * arguments, human-monitor-command's HMP lines. Format: fuzz_monitor.h.
 */
#include "fuzz_monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_monitor(data, size, MON_QMP); }
