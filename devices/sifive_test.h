/*
 * The SiFive test finisher (compatible "sifive,test1", "sifive,test0",
 * "syscon"), which the virt board uses for poweroff and reboot.
 *
 * A 2- or 4-byte write at offset 0 (OpenSBI uses 16-bit stores): low 16 bits
 *   0x5555 pass  (poweroff, code 0)
 *   0x3333 fail  (code = value >> 16)
 *   0x7777 reset
 * reports the action through the finish callback; other values and offsets
 * are ignored. Reads return 0. The device never touches harts: the board
 * stops or resets the machine in its callback. Threading: emulation thread.
 */
#ifndef RIVET_SIFIVE_TEST_H
#define RIVET_SIFIVE_TEST_H

#include <stdint.h>

#include "mmu/bus.h"

#define SIFIVE_TEST_FAIL_CODE  0x3333
#define SIFIVE_TEST_PASS_CODE  0x5555
#define SIFIVE_TEST_RESET_CODE 0x7777

enum sifive_test_action { SIFIVE_TEST_PASS, SIFIVE_TEST_FAIL, SIFIVE_TEST_RESET };

typedef void (*sifive_test_finish_fn)(void *opaque, enum sifive_test_action action, unsigned code);

struct sifive_test;

/* finish may be NULL (writes are then ignored). NULL on allocation failure. */
struct sifive_test *sifive_test_create(sifive_test_finish_fn finish, void *opaque);
void sifive_test_destroy(struct sifive_test *t);
struct mmio_region sifive_test_region(struct sifive_test *t, uint64_t base, uint64_t size);

#endif
