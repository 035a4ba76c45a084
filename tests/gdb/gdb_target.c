/* The gdb end-to-end test's guest (run_gdb.py drives gdb against it):
 * - gdb_break_here: gdb breaks here and steps one compressed (c.li) and one
 *   full-size (addi) instruction, checking a0 and a1 after each;
 * - shared_value: gdb writes 42 into it while the guest is stopped; the guest
 *   exits with shared_value as its status, so the write is seen by the guest;
 * - watched: the guest stores to it once; gdb's watchpoint stops on it.
 * Without gdb the guest exits 5. Hart 1 (with -smp 2) parks in WFI. */
#include "guest.h"

volatile uint64_t shared_value = 5;
volatile uint64_t watched;

void gdb_break_here(void);
__asm__(".text\n"
        ".globl gdb_break_here\n"
        ".type gdb_break_here, @function\n"
        "gdb_break_here:\n"
        ".option push\n"
        ".option rvc\n"
        "    c.li a0, 7\n"
        ".option norvc\n"
        "    addi a1, zero, 9\n"
        ".option pop\n"
        "    ret\n");

int main(uint64_t hartid, uint64_t dtb)
{
    puts_uart("gdb target start\n");
    gdb_break_here();
    watched = 1234;
    puts_uart("gdb target end\n");
    return (int)shared_value;
}
