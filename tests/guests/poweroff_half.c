/* Poweroff with a 16-bit store: OpenSBI's sifive_test driver ends the run
 * with writew(0x5555), and QEMU's device accepts 2- and 4-byte writes. */
#include "guest.h"

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, (uint64_t)m_trap_entry); /* a refused store reports, not hangs */
    puts_uart("poweroff half\n");
    *(volatile uint16_t *)TEST_BASE = 0x5555;
    for (volatile int i = 0; i < 1000000; i++)
        ;
    return 1;
}
