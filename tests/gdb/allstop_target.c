/* The all-stop test's guest (allstop_gdb.py): harts 0 and 1 each call
 * bp_here in a loop for ever, so a breakpoint there is hit by both harts
 * again and again, often at the same time; the other harts wait in WFI.
 * Nothing ends it: the test kills it through gdb's k. */
#include "guest.h"

#define LOOPING 2

volatile uint64_t calls[LOOPING];

__attribute__((noinline)) void bp_here(uint64_t h) { calls[h]++; }

void secondary_main(uint64_t h)
{
    if (h >= LOOPING)
        for (;;)
            wfi();
    for (;;)
        bp_here(h);
}

int main(uint64_t hartid, uint64_t dtb)
{
    for (;;)
        bp_here(hartid);
    return 0;
}
