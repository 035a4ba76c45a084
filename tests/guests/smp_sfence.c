/* SBI remote sfence.vma on a hart with a thread of its own (issue 19): an
 * S-mode kernel behind the built-in SBI (linked at 0x80200000). Hart 0 maps
 * the page at VA 0x40000000 to page A (Sv39, 4 KiB leaf) and starts hart 1
 * (HSM), which reads through that mapping again and again (its TLB holds
 * it). Hart 0 then points the PTE at page B and calls
 * remote_sfence_vma(hart 1) (RFENCE): when the call returns, hart 1's TLB
 * must have dropped A, so hart 1's first read after it learns the call
 * returned sees B. */
#include "guest.h"

#define SBI_EXT_HSM    0x48534DUL
#define SBI_EXT_RFENCE 0x52464E43UL
#define SBI_REMOTE_SFENCE_VMA 1
#define VA 0x40000000UL
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define SATP_SV39 (8UL << 60)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static volatile uint64_t page_a[512] __attribute__((aligned(4096)));
static volatile uint64_t page_b[512] __attribute__((aligned(4096)));
static volatile uint64_t ready, go, seen, done;

static uint64_t pte(const volatile void *pa, uint64_t flags) { return ((uintptr_t)pa >> 12) << 10 | flags; }

static void paging_on(void)
{
    CSR_WRITE(satp, SATP_SV39 | ((uintptr_t)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
}

void secondary_main(uint64_t h)
{
    if (h != 1)
        for (;;)
            wfi();
    paging_on();
    for (uint64_t n = 0;; n++) {
        uint64_t g = go;
        fence();
        uint64_t v = *(volatile uint64_t *)VA;
        if (n == 10000)
            ready = 1;
        if (g) {
            seen = v;
            fence();
            done = 1;
            for (;;)
                wfi();
        }
    }
}

int main(uint64_t hartid, uint64_t dtb)
{
    extern char _start[];
    page_a[0] = 0xaaaa;
    page_b[0] = 0xbbbb;
    root[0] = (0UL << 10) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;                 /* devices, 1 GiB */
    root[1] = pte(l1, PTE_V);                                                       /* VA 0x40000000 */
    root[2] = (0x80000000UL >> 12) << 10 | LEAF | PTE_X;                             /* RAM, 1 GiB */
    l1[0] = pte(l0, PTE_V);
    l0[0] = pte(page_a, LEAF);
    fence();
    paging_on();
    CHECK(1, *(volatile uint64_t *)VA == 0xaaaa);
    struct sbiret r = sbi_call(SBI_EXT_HSM, 0, 1, (uintptr_t)_start, 0);
    CHECK(2, r.error == 0);
    while (!ready)
        ;
    l0[0] = pte(page_b, LEAF);
    fence();
    r = sbi_call(SBI_EXT_RFENCE, SBI_REMOTE_SFENCE_VMA, 1UL << 1, 0, 0); /* hart 1, the whole space */
    CHECK(3, r.error == 0);
    go = 1;
    while (!done)
        ;
    CHECK(4, seen == 0xbbbb);
    puts_uart("remote sfence ok\n");
    return 0;
}
