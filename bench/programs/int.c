/* Integer and branch mix: xorshift state, data-dependent branches that no
 * predictor learns, a small switch, multiply, divide and remainder. */
#define BENCH_NAME "int"
#include <stdint.h>

static uint64_t step(uint64_t x, uint64_t *acc, unsigned i)
{
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    switch (x & 7) {
    case 0: *acc += x >> 3; break;
    case 1: *acc ^= x * 7; break;
    case 2: *acc -= (x % 1000003u) + i; break;
    case 3: *acc = (*acc << 5) | (*acc >> 59); break;
    case 4: *acc += (uint32_t)x / ((i & 255) + 1); break;
    default:
        if ((x >> 8) & 1)
            *acc += i;
        else
            *acc ^= x >> 11;
    }
    return x;
}

static uint64_t bench_run(unsigned scale)
{
    uint64_t x = 88172645463325252ull, acc = 0;
    for (unsigned r = 0; r < scale; r++)
        for (unsigned i = 0; i < 4000000; i++)
            x = step(x, &acc, i);
    return acc ^ x;
}

#include "bench.h"
