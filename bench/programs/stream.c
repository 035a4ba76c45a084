/* Memory streaming over 16 MiB: two 8 MiB arrays, read-modify-write and
 * triad-like passes in address order. */
#define BENCH_NAME "stream"
#include <stdint.h>

#define WORDS (1u << 20) /* 8 MiB of uint64_t per array */

static uint64_t a[WORDS], b[WORDS];

static uint64_t bench_run(unsigned scale)
{
    for (unsigned i = 0; i < WORDS; i++) {
        a[i] = i * 2654435761u;
        b[i] = i ^ 0x5555;
    }
    uint64_t sum = 0;
    for (unsigned r = 0; r < scale; r++) {
        for (unsigned p = 0; p < 3; p++) {
            for (unsigned i = 0; i < WORDS; i++) /* triad */
                a[i] = b[i] + 3 * a[i] + p;
            for (unsigned i = 0; i < WORDS; i += 4) /* read only */
                sum += a[i] ^ (b[i + 1] + a[i + 2] + b[i + 3]);
            for (unsigned i = 0; i < WORDS; i++) /* copy-scale */
                b[i] = (a[i] >> 1) + r;
        }
    }
    return sum + a[WORDS - 1] + b[12345];
}

#include "bench.h"
