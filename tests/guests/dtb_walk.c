/* Device tree: the board hands the DTB address in a1. Check the FDT header
 * (magic 0xd00dfeed, big-endian) and walk the structure block (Devicetree
 * spec v0.4, chapter 5) for /chosen, the CLINT or PLIC compatible string, the
 * UART, 8 virtio-mmio nodes and /cpus timebase-frequency = 10 MHz. */
#include "guest.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define MAX_DTB        (1u << 20)

struct found {
    int chosen, intc, uart, virtio, timebase;
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Does the stringlist val[0..len) hold s? */
static int has_string(const char *val, uint32_t len, const char *s)
{
    uint32_t i = 0;
    while (i < len) {
        if (strcmp(val + i, s) == 0)
            return 1;
        i += (uint32_t)strlen(val + i) + 1;
    }
    return 0;
}

static void prop(struct found *f, const char *node, int depth, const char *name, const uint8_t *val, uint32_t len)
{
    if (strcmp(name, "compatible") == 0 && len && val[len - 1] == 0) {
        const char *v = (const char *)val;
        f->intc |= has_string(v, len, "riscv,clint0") || has_string(v, len, "sifive,plic-1.0.0");
        f->uart |= has_string(v, len, "ns16550a");
        f->virtio += has_string(v, len, "virtio,mmio");
    }
    if (depth == 1 && strcmp(node, "cpus") == 0 && strcmp(name, "timebase-frequency") == 0 && len == 4 &&
        be32(val) == TIMEBASE_HZ)
        f->timebase = 1;
}

/* Walks the structure block; returns 0 or a failure number. depth counts
 * the root node as 1, so top-level nodes (/chosen, /cpus) are at 2, and
 * prop() gets the depth below the root. */
static int walk(const uint8_t *fdt, struct found *f)
{
    uint32_t total = be32(fdt + 4), off = be32(fdt + 8), strs = be32(fdt + 12);
    uint32_t end = off + be32(fdt + 36); /* size_dt_struct */
    if (total > MAX_DTB || end > total || strs > total)
        return 3;
    const char *node = "";
    int depth = 0;
    while (off + 4 <= end) {
        uint32_t tok = be32(fdt + off);
        off += 4;
        if (tok == FDT_BEGIN_NODE) {
            node = (const char *)fdt + off;
            depth++;
            if (depth == 2 && strcmp(node, "chosen") == 0)
                f->chosen = 1;
            off += ((uint32_t)strlen(node) + 1 + 3) & ~3u;
        } else if (tok == FDT_PROP) {
            uint32_t len = be32(fdt + off), name = be32(fdt + off + 4);
            if (off + 8 + len > end || strs + name >= total)
                return 4;
            prop(f, node, depth - 1, (const char *)fdt + strs + name, fdt + off + 8, len);
            off += 8 + ((len + 3) & ~3u);
        } else if (tok == FDT_END_NODE) {
            depth--;
        } else if (tok == FDT_END) {
            return depth == 0 ? 0 : 5;
        } else if (tok != FDT_NOP) {
            return 6;
        }
    }
    return 7;
}

int main(uint64_t hartid, uint64_t dtb)
{
    CHECK(1, dtb >= RAM_BASE && dtb % 8 == 0);
    const uint8_t *fdt = (const uint8_t *)dtb;
    CHECK(2, be32(fdt) == FDT_MAGIC);
    struct found f = { 0 };
    int e = walk(fdt, &f);
    CHECK(10 + e, e == 0);
    CHECK(20, f.chosen);
    CHECK(21, f.intc);
    CHECK(22, f.uart);
    CHECK(23, f.virtio == VIRTIO_SLOTS);
    CHECK(24, f.timebase);
    puts_uart("dtb ok\n");
    return 0;
}
