/* Remote sfence.vma through the built-in SBI (-smp 2, no -bios: an S-mode
 * kernel at 0x80200000), for harts on host threads (issue 19, "TLB
 * shootdown"). Both harts run on one Sv39 page table: RAM and the low MMIO
 * identity-mapped by gigapages, and one 4 KiB page at VA_PAGE mapped to P1
 * or P2. Hart 1 reads VA_PAGE in a loop, so its TLB holds the mapping. For
 * each round r, hart 0 points the PTE at the other page, calls the RFENCE
 * extension's remote_sfence_vma for hart 1 and, after the call returns,
 * publishes r in memory. The SBI spec (section 8) has the call return only
 * once the remote harts have executed the fence, so hart 1's first read of
 * VA_PAGE after it sees r must give the new page's content. Hart 1
 * acknowledges each round; hart 0 checks and shuts down.
 *
 * Built with -DSKIP_REMOTE_FENCE, hart 0 does not call the SBI: the test
 * must then fail (check 7), which shows hart 1's TLB really held the old
 * mapping. */
#include "guest.h"

#define ROUNDS                200UL
#define VA_PAGE               0x100000000UL /* VPN[2] = 4: a table of its own */
#define SBI_EXT_RFENCE        0x52464E43
#define SBI_EXT_HSM           0x48534D
#define SBI_RFENCE_SFENCE_VMA 1
#define SBI_HSM_HART_START    0

#define PTE_V     (1UL << 0)
#define PTE_R     (1UL << 1)
#define PTE_W     (1UL << 2)
#define PTE_X     (1UL << 3)
#define PTE_A     (1UL << 6)
#define PTE_D     (1UL << 7)
#define SATP_SV39 (8UL << 60)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t mid[512] __attribute__((aligned(4096)));
static volatile uint64_t leaf[512] __attribute__((aligned(4096)));
static volatile uint64_t pages[2][512] __attribute__((aligned(4096)));
static volatile uint64_t published, acked, started, bad, first_bad_round, first_bad_value;

static uint64_t pte_to(uintptr_t pa, uint64_t flags) { return (pa >> 12) << 10 | flags; }

static void vm_on(void)
{
    CSR_WRITE(satp, SATP_SV39 | (uintptr_t)root >> 12);
    __asm__ volatile("sfence.vma" ::: "memory");
}

/* The value P1 or P2 holds: round r maps page r % 2. */
static uint64_t content(uint64_t page) { return 0x1111UL * (page + 1); }

static void map_page(uint64_t page) { leaf[0] = pte_to((uintptr_t)pages[page], PTE_V | PTE_R | PTE_A); }

void secondary_main(uint64_t h)
{
    vm_on();
    volatile uint64_t *va = (volatile uint64_t *)VA_PAGE;
    started = 1;
    for (uint64_t r = 1; r <= ROUNDS; r++) {
        uint64_t seen;
        do {
            seen = published;
            __asm__ volatile("fence r, r" ::: "memory");
            (void)*va; /* keeps the mapping in the TLB */
        } while (seen != r);
        uint64_t v = *va; /* the first read after seeing r */
        if (v != content(r % 2) && !bad++) {
            first_bad_round = r;
            first_bad_value = v;
        }
        __asm__ volatile("fence rw, w" ::: "memory");
        acked = r;
    }
    for (;;)
        wfi();
}

/* remote_sfence_vma(hart_mask, hart_mask_base, start_addr, size).
 * Unused with SKIP_REMOTE_FENCE. */
__attribute__((unused)) static long remote_sfence_vma(uint64_t mask, uint64_t start, uint64_t size)
{
    register uint64_t a0 __asm__("a0") = mask;
    register uint64_t a1 __asm__("a1") = 0;
    register uint64_t a2 __asm__("a2") = start;
    register uint64_t a3 __asm__("a3") = size;
    register uint64_t a6 __asm__("a6") = SBI_RFENCE_SFENCE_VMA;
    register uint64_t a7 __asm__("a7") = SBI_EXT_RFENCE;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a6), "r"(a7) : "memory");
    return (long)a0;
}

static void wait_for(volatile uint64_t *v, uint64_t want, int check)
{
    uint64_t end = CSR_READ(time) + 15 * TIMEBASE_HZ;
    while (*v != want)
        CHECK(check, CSR_READ(time) < end);
}

int main(uint64_t hartid, uint64_t dtb)
{
    CHECK(1, hartid == 0);
    pages[0][0] = content(0);
    pages[1][0] = content(1);
    root[0] = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D; /* MMIO */
    root[2] = pte_to(RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root[4] = pte_to((uintptr_t)mid, PTE_V);
    mid[0] = pte_to((uintptr_t)leaf, PTE_V);
    map_page(0);
    __asm__ volatile("fence rw, rw" ::: "memory");
    vm_on();
    CHECK(2, *(volatile uint64_t *)VA_PAGE == content(0));

    extern char _start[];
    struct sbiret s = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, (uintptr_t)_start, 0);
    CHECK(3, s.error == 0);
    wait_for(&started, 1, 4);
    for (uint64_t r = 1; r <= ROUNDS; r++) {
        map_page(r % 2);
        __asm__ volatile("fence rw, rw" ::: "memory");
#ifndef SKIP_REMOTE_FENCE
        CHECK(5, remote_sfence_vma(1UL << 1, VA_PAGE, 4096) == 0);
#endif
        published = r;
        wait_for(&acked, r, 6);
    }
    if (bad) {
        puts_uart("hart 1 read ");
        puthex(first_bad_value);
        puts_uart(" in round ");
        putdec(first_bad_round);
        puts_uart("; bad rounds ");
        putdec(bad);
        putc_uart('\n');
    }
    CHECK(7, bad == 0);
    puts_uart("sfence ok: ");
    putdec(ROUNDS);
    puts_uart(" rounds\n");
    return 0;
}
