/* Compression-like byte loop: greedy LZ77 with a hash table over 1 MiB of
 * generated text, then decompression and a byte-by-byte comparison. */
#define BENCH_NAME "compress"
#include <stdint.h>

#define SIZE  (1u << 20)
#define HBITS 14

static uint8_t text[SIZE], packed[SIZE + SIZE / 8 + 16], unpacked[SIZE];
static uint32_t table[1u << HBITS];

static const char *const words[16] = {
    "the ",      "quick ", "brown ", "fox ",  "jumps ", "over ", "lazy ", "dog ",
    "emulator ", "rivet ", "risc ",  "five ", "hart ",  "trap ", "page ", "\n",
};

static void make_text(uint32_t seed)
{
    uint32_t n = 0;
    while (n < SIZE) {
        seed = seed * 1103515245u + 12345u;
        const char *w = words[(seed >> 16) & 15];
        if ((seed >> 8) % 13 == 0) /* some noise */
            text[n++] = (uint8_t)('A' + (seed >> 20) % 26);
        for (; *w && n < SIZE; w++)
            text[n++] = (uint8_t)*w;
    }
}

static uint32_t hash4(const uint8_t *p)
{
    uint32_t v = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HBITS);
}

/* Tokens: 0x00 len lit... (literal run up to 255) or 0x01 len off16. */
static uint32_t compress(void)
{
    uint32_t i = 0, o = 0, lit = 0;
    for (uint32_t k = 0; k < (1u << HBITS); k++)
        table[k] = 0;
    while (i + 4 <= SIZE) {
        uint32_t h = hash4(&text[i]), c = table[h];
        table[h] = i + 1;
        uint32_t len = 0;
        if (c && i - (c - 1) < 65536u)
            while (i + len < SIZE && len < 255 && text[c - 1 + len] == text[i + len])
                len++;
        if (len >= 4 || lit == 255) {
            if (lit) {
                packed[o++] = 0;
                packed[o++] = (uint8_t)lit;
                for (uint32_t k = i - lit; k < i; k++)
                    packed[o++] = text[k];
                lit = 0;
            }
        }
        if (len >= 4) {
            uint32_t off = i - (c - 1);
            packed[o++] = 1;
            packed[o++] = (uint8_t)len;
            packed[o++] = (uint8_t)off;
            packed[o++] = (uint8_t)(off >> 8);
            i += len;
        } else {
            i++;
            lit++;
        }
    }
    lit += SIZE - i;
    i = SIZE;
    while (lit) { /* the tail, in runs of at most 255 */
        uint32_t n = lit > 255 ? 255 : lit;
        packed[o++] = 0;
        packed[o++] = (uint8_t)n;
        for (uint32_t k = i - lit; k < i - lit + n; k++)
            packed[o++] = text[k];
        lit -= n;
    }
    return o;
}

static uint32_t decompress(uint32_t n)
{
    uint32_t i = 0, o = 0;
    while (i < n && o < SIZE) {
        uint32_t len = packed[i + 1];
        if (packed[i] == 0) {
            for (uint32_t k = 0; k < len && o < SIZE; k++)
                unpacked[o++] = packed[i + 2 + k];
            i += 2 + len;
        } else {
            uint32_t off = packed[i + 2] | packed[i + 3] << 8;
            if (off == 0 || off > o)
                return 0;
            for (uint32_t k = 0; k < len && o < SIZE; k++, o++)
                unpacked[o] = unpacked[o - off];
            i += 4;
        }
    }
    return o;
}

static uint64_t bench_run(unsigned scale)
{
    uint64_t sum = 0;
    for (unsigned r = 0; r < scale; r++) {
        make_text(r * 7919u + 1);
        uint32_t n = compress(), m = decompress(n);
        uint32_t h = 2166136261u, bad = m != SIZE;
        for (uint32_t k = 0; k < SIZE; k++) {
            bad |= unpacked[k] != text[k];
            h = (h ^ packed[k % n]) * 16777619u;
        }
        sum = sum * 1000003u + n + ((uint64_t)h << 20) + ((uint64_t)bad << 63);
    }
    return sum;
}

#include "bench.h"
