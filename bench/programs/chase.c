/* Pointer chasing over 16 MiB: 2 Mi pointers forming one random cycle
 * (Sattolo's shuffle), so every load depends on the previous one and lands
 * on an unpredictable cache line and page. */
#define BENCH_NAME "chase"
#include <stdint.h>

#define CELLS (1u << 21) /* 16 MiB of pointers */

static uintptr_t cells[CELLS];

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t bench_run(unsigned scale)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (uint32_t i = 0; i < CELLS; i++)
        cells[i] = i;
    for (uint32_t i = CELLS - 1; i > 0; i--) { /* Sattolo: one cycle */
        uint32_t j = (uint32_t)(rng(&s) % i);
        uintptr_t t = cells[i];
        cells[i] = cells[j];
        cells[j] = t;
    }
    for (uint32_t i = 0; i < CELLS; i++) /* indices become pointers */
        cells[i] = (uintptr_t)&cells[cells[i]];
    const uintptr_t *p = &cells[0];
    uint64_t acc = 0;
    for (unsigned r = 0; r < scale; r++)
        for (unsigned i = 0; i < CELLS; i++) {
            p = (const uintptr_t *)*p;
            acc = acc * 31 + (uint64_t)(p - cells);
        }
    return acc * 31 + (uint64_t)(p - cells);
}

#include "bench.h"
