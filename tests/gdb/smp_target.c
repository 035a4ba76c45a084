/* The multi-hart gdb test's guest (smp_gdb.py drives gdb against it at
 * -smp 3). gdb opens each step with a variable, so what runs when is
 * decided by the test, not by timing:
 * - all_harts: every hart calls it once at the start (a breakpoint there
 *   stops each hart in turn);
 * - only_others: harts 1 and 2 only, each once gdb sets gate[h]; it calls
 *   leaf (for step, next and finish);
 * - watched: hart 2 stores 1234 to it once gdb sets go_watch;
 * - hart 0 spins in main until gdb sets release (Ctrl-C lands there), then
 *   checks what the others computed and exits 0 (or 10/11).
 * Built at -O0 so that lines and arguments are what the source says. */
#include "guest.h"

#define NHARTS 3

volatile uint64_t gate[NHARTS];
volatile uint64_t go_watch;
volatile uint64_t watched;
volatile uint64_t release;
volatile uint64_t spins[NHARTS];
volatile uint64_t result[NHARTS];

__attribute__((noinline)) uint64_t leaf(uint64_t x)
{
    uint64_t y = x * 3;
    y += 7;
    return y;
}

__attribute__((noinline)) void only_others(uint64_t h)
{
    result[h] = leaf(h);
    result[h] += 1;
}

__attribute__((noinline)) void all_harts(uint64_t h) { spins[h] = 0; }

void secondary_main(uint64_t h)
{
    if (h >= NHARTS)
        for (;;)
            wfi();
    all_harts(h);
    while (!gate[h])
        spins[h]++;
    only_others(h);
    if (h == 2) {
        while (!go_watch)
            spins[h]++;
        watched = 1234;
    }
    for (;;)
        spins[h]++;
}

int main(uint64_t hartid, uint64_t dtb)
{
    all_harts(hartid);
    while (!release)
        spins[0]++;
    CHECK(10, result[1] == 11 && result[2] == 14);
    CHECK(11, watched == 1234);
    return 0;
}
