/* fw_cfg (QEMU's docs/specs/fw_cfg.txt, MMIO form at 0x10100000): the
 * signature and ID, the file directory, and the device tree file etc/fdt
 * read through the data register and by DMA, compared with the DTB the
 * board handed over in a1; DMA past the item's end, SKIP, a refused WRITE
 * and a bad guest address. */
#include "guest.h"

#define FW_CFG_BASE 0x10100000UL
#define FW_DATA     (FW_CFG_BASE + 0)
#define FW_SEL      (FW_CFG_BASE + 8)
#define FW_DMA      (FW_CFG_BASE + 16)
#define KEY_SIG     0x00
#define KEY_ID      0x01
#define KEY_NCPUS   0x05
#define KEY_DIR     0x19
#define DMA_ERROR   0x01
#define DMA_READ    0x02
#define DMA_SKIP    0x04
#define DMA_SELECT  0x08
#define DMA_WRITE   0x10
#define MAX_FDT     (64u << 10)

struct dma_access {
    uint32_t control, length; /* big-endian */
    uint64_t address;
};

static volatile struct dma_access desc __attribute__((aligned(16)));
static uint8_t buf[MAX_FDT + 64];

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Byte swaps by hand: the guests link no libgcc (__bswapsi2). */
static uint64_t swap(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bytes; i++, v >>= 8)
        r = r << 8 | (v & 0xff);
    return r;
}
#define bswap16(v) ((uint16_t)swap((v), 2))
#define bswap32(v) ((uint32_t)swap((v), 4))
#define bswap64(v) swap((v), 8)

static void select_key(uint16_t key) { *(volatile uint16_t *)FW_SEL = bswap16(key); }

static void read_data(uint8_t *dst, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        dst[i] = mmio_r8(FW_DATA);
}

/* One DMA request; returns the control word the device left. halves: the
 * address written as two 32-bit halves (high first), else one 64-bit store. */
static uint32_t dma(uint32_t control, uint32_t len, void *addr, int halves)
{
    desc.control = bswap32(control);
    desc.length = bswap32(len);
    desc.address = bswap64((uint64_t)(uintptr_t)addr);
    fence();
    uint64_t a = (uint64_t)(uintptr_t)&desc;
    if (halves) {
        mmio_w32(FW_DMA, bswap32((uint32_t)(a >> 32)));
        mmio_w32(FW_DMA + 4, bswap32((uint32_t)a));
    } else {
        mmio_w64(FW_DMA, bswap64(a));
    }
    fence();
    return bswap32(desc.control);
}

/* The directory entry called name: its key and size; 0 when absent. */
static uint16_t find_file(const char *name, uint32_t *size)
{
    uint8_t hdr[4], e[64];
    select_key(KEY_DIR);
    read_data(hdr, 4);
    for (uint32_t i = 0, n = be32(hdr); i < n && i < 64; i++) {
        read_data(e, 64);
        if (strcmp((const char *)e + 8, name) == 0) {
            *size = be32(e);
            return (uint16_t)(e[4] << 8 | e[5]);
        }
    }
    return 0;
}

static void check_registers(void)
{
    uint8_t b[8];
    select_key(KEY_SIG);
    read_data(b, 4);
    CHECK(1, memcmp(b, "QEMU", 4) == 0);
    select_key(KEY_SIG);
    uint32_t w = mmio_r32(FW_DATA); /* a wide read: the bytes in memory order */
    CHECK(2, memcmp(&w, "QEMU", 4) == 0);
    uint64_t sig = mmio_r64(FW_DMA);
    CHECK(3, memcmp(&sig, "QEMU CFG", 8) == 0);
    select_key(KEY_ID);
    read_data(b, 4);
    CHECK(4, (b[0] & 3) == 3); /* traditional interface and DMA */
    select_key(KEY_NCPUS);
    read_data(b, 2);
    CHECK(5, b[0] == 1 && b[1] == 0);
    select_key(0x1234); /* no such item: zeros */
    read_data(b, 4);
    CHECK(6, be32(b) == 0);
    uint32_t size;
    CHECK(7, find_file("etc/boot-fail-wait", &size) && size == 4);
    CHECK(8, find_file("bootorder", &size) && size == 0);
}

static void check_fdt(const uint8_t *fdt)
{
    uint32_t total = be32(fdt + 4), size = 0;
    CHECK(10, total > 40 && total <= MAX_FDT);
    uint16_t key = find_file("etc/fdt", &size);
    CHECK(11, key >= 0x20 && size == total);
    select_key(key);
    read_data(buf, size);
    CHECK(12, memcmp(buf, fdt, size) == 0);
    memset(buf, 0xaa, sizeof buf);
    CHECK(13, dma(DMA_SELECT | DMA_READ | (uint32_t)key << 16, size, buf, 0) == 0);
    CHECK(14, memcmp(buf, fdt, size) == 0);
    memset(buf, 0xaa, sizeof buf);
    CHECK(15, dma(DMA_SELECT | DMA_READ | (uint32_t)key << 16, size + 32, buf, 1) == 0);
    CHECK(16, memcmp(buf, fdt, size) == 0);
    for (uint32_t i = size; i < size + 32; i++) /* past the end: zeros */
        CHECK(17, buf[i] == 0);
    CHECK(18, buf[size + 32] == 0xaa);
    CHECK(19, dma(DMA_SELECT | DMA_SKIP | (uint32_t)key << 16, 8, 0, 0) == 0);
    read_data(buf, 4);
    CHECK(20, memcmp(buf, fdt + 8, 4) == 0);
    CHECK(21, dma(DMA_READ, 4, buf, 1) == 0); /* on from where the data register left */
    CHECK(22, memcmp(buf, fdt + 12, 4) == 0);
    CHECK(23, dma(DMA_SELECT | DMA_WRITE | (uint32_t)key << 16, 4, buf, 0) & DMA_ERROR);
    CHECK(24, dma(DMA_SELECT | DMA_READ | (uint32_t)key << 16, 4, (void *)0x1000, 0) & DMA_ERROR);
    CHECK(25, dma(DMA_SELECT | DMA_READ | (uint32_t)key << 16, 0xffffffffu, buf, 0) & DMA_ERROR);
}

int main(uint64_t hartid, uint64_t dtb)
{
    check_registers();
    CHECK(9, dtb >= RAM_BASE && be32((const uint8_t *)dtb) == 0xd00dfeedu);
    check_fdt((const uint8_t *)dtb);
    puts_uart("fw_cfg ok\n");
    return 0;
}
