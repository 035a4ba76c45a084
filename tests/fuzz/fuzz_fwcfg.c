/*
 * Fuzz target: the fw_cfg device (devices/fw_cfg.h) on a bus of its own,
 * with no hart in between: register accesses and DMA requests whose
 * descriptors and buffers the input places in RAM (or not: an address
 * outside RAM must come back as the ERROR bit, never a host access).
 *
 * An input: operations (first byte modulo FOP_COUNT, little-endian fields;
 * an input that ends early reads zeros):
 *   FOP_RAM    u16 offset, u8 length, bytes: stored at RAM + offset
 *   FOP_STORE  u8 offset, u8 size, u64 value: a register store
 *   FOP_LOAD   u8 offset, u8 size: a register load
 *   FOP_DMA    u16 descriptor offset, u32 control, u32 length, u64 address:
 *              the descriptor written big-endian at RAM + offset (the
 *              address as given, so it may point anywhere), then run
 *              through the 64-bit DMA register
 *   FOP_FILE   u8 name seed, u16 length: a file added (or replaced) at run
 *              time, as the board does at every boot
 * Failing is crashing: ASan, UBSan, a leak, a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/fw_cfg.h"
#include "fuzz_board.h"

enum { FOP_RAM, FOP_STORE, FOP_LOAD, FOP_DMA, FOP_FILE, FOP_COUNT };

#define F_RAM_BASE RIVET_RAM_BASE
#define F_RAM_SIZE (128u << 10)
#define F_MAX_OPS  512

static void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t be_register(uint64_t v)
{
    uint8_t b[8];
    store_be64(b, v);
    return load_le(b, 8);
}

static void dma_op(struct bus *bus, struct fw_cfg *f, struct fuzz_in *in)
{
    uint64_t off = fuzz_take(in, 2);
    uint32_t control = (uint32_t)fuzz_take(in, 4), len = (uint32_t)fuzz_take(in, 4);
    uint64_t addr = fuzz_take(in, 8);
    uint8_t d[FW_CFG_DMA_BYTES];
    store_be64(d, (uint64_t)control << 32 | len);
    store_be64(d + 8, addr);
    bus_dma_write(bus, F_RAM_BASE + off, d, sizeof d);
    fw_cfg_write(f, FW_CFG_REG_DMA, 8, be_register(F_RAM_BASE + off));
}

static void file_op(struct fw_cfg *f, struct fuzz_in *in)
{
    static uint8_t data[4096];
    char name[16];
    unsigned seed = (unsigned)fuzz_take(in, 1);
    size_t len = (size_t)fuzz_take(in, 2) % sizeof data;
    snprintf(name, sizeof name, "opt/f%u", seed % 40); /* 40 names: more than the 32 slots */
    memset(data, seed, len);
    fw_cfg_add_file(f, name, data, (uint32_t)len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    static struct bus bus;
    memset(&bus, 0, sizeof bus);
    if (!bus_init(&bus, F_RAM_BASE, F_RAM_SIZE)) {
        perror("fuzz_fwcfg: RAM");
        exit(2);
    }
    struct fw_cfg *f = fw_cfg_create(&bus);
    static const uint8_t blob[300] = { 0xd0, 0x0d, 0xfe, 0xed };
    if (!f || !fw_cfg_add_file(f, "etc/fdt", blob, sizeof blob) || !fw_cfg_add_file(f, "bootorder", NULL, 0)) {
        fprintf(stderr, "fuzz_fwcfg: cannot make the device\n");
        exit(2);
    }
    for (unsigned op = 0; in.left && op < F_MAX_OPS; op++) {
        switch (fuzz_take(&in, 1) % FOP_COUNT) {
        case FOP_RAM: fuzz_bus_store(&bus, &in); break;
        case FOP_STORE:
        case FOP_LOAD: {
            bool store = in.p[-1] % FOP_COUNT == FOP_STORE;
            uint64_t off = fuzz_take(&in, 1) % FW_CFG_MMIO_SIZE, val = 0;
            unsigned sz = 1u << (fuzz_take(&in, 1) % 4);
            off &= ~(uint64_t)(sz - 1); /* the bus passes naturally aligned accesses only */
            if (store)
                fw_cfg_write(f, off, sz, fuzz_take(&in, 8) & (sz == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * sz)) - 1));
            else
                fw_cfg_read(f, off, sz, &val);
            break;
        }
        case FOP_DMA: dma_op(&bus, f, &in); break;
        default: file_op(f, &in); break;
        }
    }
    fw_cfg_destroy(f);
    bus_destroy(&bus);
    return 0;
}
