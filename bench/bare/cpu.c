/*
 * A first CPU throughput program for rivet: an integer and branch mix, memory
 * streaming and pointer chasing, a double-precision kernel and a byte loop.
 * Each part folds its result into a checksum; the program checks the checksum
 * against the value it computes on the host (the same C built natively), so a
 * wrong emulation is never reported as a fast one.
 *
 * Built two ways: bare-metal riscv64 (exits through HTIF, see crt.S) and for
 * the host (prints the checksum).
 */
#include <stdint.h>

#define MEM_WORDS (1u << 20) /* 8 MiB of uint64_t */

static uint64_t mem[MEM_WORDS];

static uint64_t int_mix(unsigned rounds)
{
    uint64_t x = 88172645463325252ull, acc = 0;
    for (unsigned i = 0; i < rounds; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (x & 1)
            acc += x >> 3;
        else if (x & 2)
            acc ^= x * 7;
        else
            acc -= (x % 1000003) + i;
    }
    return acc;
}

static uint64_t memory(unsigned passes)
{
    for (unsigned i = 0; i < MEM_WORDS; i++)
        mem[i] = (i * 2654435761u) & (MEM_WORDS - 1);
    uint64_t sum = 0;
    for (unsigned p = 0; p < passes; p++)
        for (unsigned i = 0; i < MEM_WORDS; i += 4)
            sum += mem[i] + mem[i + 1] + mem[i + 2] + mem[i + 3];
    uint64_t idx = 1;
    for (unsigned i = 0; i < MEM_WORDS; i++)
        idx = mem[idx];
    return sum + idx;
}

static uint64_t fp_kernel(unsigned n)
{
    double a = 0.0, b = 1.0, c = 0.5;
    for (unsigned i = 1; i <= n; i++) {
        a += b / (double)i;
        b = b * 0.999999 + c;
        c = c * c + 0.25 / (double)(i + 1);
        if (c > 1.0)
            c -= 1.0;
    }
    return (uint64_t)(a * 1000.0) ^ (uint64_t)(b * 1000.0);
}

static uint64_t bytes(unsigned n)
{
    uint8_t *buf = (uint8_t *)mem;
    uint32_t h = 2166136261u;
    for (unsigned i = 0; i < n; i++) {
        buf[i & 0xffff] = (uint8_t)(i * 31 + (h >> 24));
        h = (h ^ buf[(i * 7) & 0xffff]) * 16777619u;
    }
    return h;
}

uint64_t bench_main(void)
{
    uint64_t sum = 0;
    sum += int_mix(20000000);
    sum ^= memory(4) << 1;
    sum += fp_kernel(5000000);
    sum ^= bytes(20000000);
    return sum;
}

#ifndef BARE
#include <inttypes.h>
#include <stdio.h>
int main(void)
{
    printf("%" PRIu64 "\n", bench_main());
    return 0;
}
#endif
