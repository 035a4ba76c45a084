/* Poweroff with a failure code: 0x3333 | (42 << 16) ends the run with exit
 * status 42 (QEMU's sifive_test semantics). */
#include "guest.h"

int main(uint64_t hartid, uint64_t dtb)
{
    puts_uart("poweroff fail 42\n");
    mmio_w32(TEST_BASE, 0x3333 | (42u << 16));
    for (volatile int i = 0; i < 1000000; i++)
        ;
    return 1; /* exit 1, not 42: the driver tells them apart */
}
