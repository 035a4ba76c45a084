/* Poweroff: writing 0x5555 to the SiFive test device ends the run with exit
 * status 0. Printing first proves the guest really ran. */
#include "guest.h"

int main(uint64_t hartid, uint64_t dtb)
{
    puts_uart("poweroff pass\n");
    mmio_w32(TEST_BASE, 0x5555);
    /* Still running: the device did not end the run. */
    for (volatile int i = 0; i < 1000000; i++)
        ;
    return 1;
}
