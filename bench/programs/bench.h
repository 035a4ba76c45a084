/*
 * Shared driver for the benchmark programs. Each program defines
 *     static uint64_t bench_run(unsigned scale);
 * which does `scale` units of work (a unit is sized to about 100 million
 * guest instructions) and returns a checksum of everything it computed, then
 * includes this file last. Three builds of the same source:
 *   - host and riscv64 Linux (static): `prog [scale [clock]]` prints
 *         BENCH <name> scale=<n> checksum=<16 hex>[ guest_s=<seconds>]
 *     where guest_s, only with "clock", is the program's own CLOCK_MONOTONIC
 *     time for bench_run (the harness times runs from the host side; it uses
 *     "clock" once per guest session to check the guest's clock);
 *   - bare metal (-DBARE -DBARE_SCALE=n -DEXPECTED_LO/HI=...): bench/bare's
 *     crt.S calls bench_main() and exits through HTIF with 0 only when the
 *     checksum equals the host build's.
 * Everything is deterministic and uses only integer and IEEE double
 * arithmetic without contraction (-ffp-contract=off), so all builds agree.
 */
#include <stdint.h>

#ifdef BARE
/* gcc may turn loops into these calls even with -ffreestanding. */
void *memset(void *d, int c, unsigned long n)
{
    volatile unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    volatile unsigned char *p = d;
    const unsigned char *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

uint64_t bench_main(void);
uint64_t bench_main(void) { return bench_run(BARE_SCALE); }
#else
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    unsigned scale = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1;
    int timing = argc > 2 && strcmp(argv[2], "clock") == 0;
    double t0 = timing ? now() : 0.0;
    uint64_t sum = bench_run(scale);
    if (timing)
        printf("BENCH %s scale=%u checksum=%016" PRIx64 " guest_s=%.6f\n", BENCH_NAME, scale, sum, now() - t0);
    else
        printf("BENCH %s scale=%u checksum=%016" PRIx64 "\n", BENCH_NAME, scale, sum);
    return 0;
}
#endif
