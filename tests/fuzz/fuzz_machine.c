/*
 * Fuzz target: the whole board against whatever a guest can do to it.
 *
 * An input is a board-options byte (fuzz_board.h, FUZZ_OPT_*) followed by a
 * script of operations, each exactly what a guest (or, for input events, the
 * window) can do: store bytes to RAM, load and store any device register with
 * any size, set up and kick a virtqueue, run guest code for a while. The
 * harness never touches device internals, so whatever breaks here a guest
 * could break. Under ASan+UBSan, an input fails by crashing: an
 * out-of-bounds access, undefined behaviour, a leak, a hang (libFuzzer's
 * -timeout).
 *
 * Operations (first byte modulo FOP_COUNT, then little-endian fields; an
 * input that ends early reads zeros):
 *   FOP_RAM      u16 offset, u8 length, bytes: stored at RAM + offset
 *   FOP_STORE    u8 target, u24 offset, u8 size, u64 value: a device store
 *   FOP_STORE_PTR u8 target, u24 offset, u16 ram offset: stores RAM + offset (4 bytes)
 *   FOP_LOAD     u8 target, u24 offset, u8 size: a device load
 *   FOP_RUN      u16 n: runs n + 1 instructions over the harts
 *   FOP_INPUT    u8 kind, u16 a, u8 b: a key, pointer move, button or wheel (display only)
 *   FOP_QUEUE    u8 slot, u8 queue, u8 size, u16 desc, u16 avail, u16 used, u32 features:
 *                the modern virtio-mmio bring-up of one queue (reset, ACK, DRIVER,
 *                features, FEATURES_OK, queue registers, ready, DRIVER_OK)
 *   FOP_NOTIFY   u8 slot, u8 queue: QueueNotify
 * Targets (u8 modulo the table): every device window of the virt memory map,
 * the boot ROM, the first 64 KiB of RAM and an unmapped hole. Accesses follow
 * the rule the hart keeps: none crosses a 4 KiB page.
 * The guest code a FOP_RAM puts at offset 0 runs first (the harts start at
 * RAM's base in M-mode, mtvec there too, so a trap starts it again); guest
 * code can reach everything the script can.
 */
#include "fuzz_board.h"

#include "devices/virtio.h"
#include "devices/virtio_mmio.h"
#include "machine/host/display.h"
#include "machine/board/memmap.h"

enum { FOP_RAM, FOP_STORE, FOP_STORE_PTR, FOP_LOAD, FOP_RUN, FOP_INPUT, FOP_QUEUE, FOP_NOTIFY, FOP_COUNT };

#define FUZZ_MAX_OPS   256
#define FUZZ_MAX_INSNS 200000ull /* over the whole input (a trap counts as one) */

struct target {
    uint64_t base, size;
};

static unsigned targets(struct target *t)
{
    unsigned n = 0;
    t[n++] = (struct target){ virt_map(VIRT_MROM)->base, virt_map(VIRT_MROM)->size };
    t[n++] = (struct target){ virt_map(VIRT_TEST)->base, virt_map(VIRT_TEST)->size };
    t[n++] = (struct target){ virt_map(VIRT_RTC)->base, virt_map(VIRT_RTC)->size };
    t[n++] = (struct target){ virt_map(VIRT_CLINT)->base, virt_map(VIRT_CLINT)->size };
    t[n++] = (struct target){ virt_map(VIRT_PLIC)->base, virt_map(VIRT_PLIC)->size };
    t[n++] = (struct target){ virt_map(VIRT_UART0)->base, virt_map(VIRT_UART0)->size };
    for (unsigned s = 0; s < RIVET_VIRTIO_SLOTS; s++)
        t[n++] = (struct target){ virt_map(VIRT_VIRTIO)->base + s * VIRT_VIRTIO_STRIDE, VIRT_VIRTIO_STRIDE };
    t[n++] = (struct target){ RIVET_RAM_BASE, 64u << 10 };
    t[n++] = (struct target){ 0x3000000, 0x1000 }; /* nothing there: a bus error */
    return n;
}

/* The address of a target's register, kept within one page for the access. */
static uint64_t target_addr(const struct target *t, uint64_t off, unsigned size)
{
    off %= t->size;
    if ((off & 0xfff) + size > 0x1000)
        off &= ~(uint64_t)(size - 1);
    return t->base + off;
}

static unsigned access_size(uint64_t code) { return 1u << (code & 3); }

static void mmio_store(struct machine *m, uint64_t slot_base, unsigned reg, uint32_t v)
{
    bus_write(&m->bus, slot_base + reg, 4, v);
}

struct slot_ref {
    struct machine *m;
    uint64_t base; /* the virtio-mmio slot's registers */
};

static void slot_store(void *ctx, unsigned reg, uint32_t v)
{
    const struct slot_ref *s = ctx;
    mmio_store(s->m, s->base, reg, v);
}

static void queue_setup(struct machine *m, struct fuzz_in *in)
{
    unsigned slot = (unsigned)fuzz_take(in, 1) % RIVET_VIRTIO_SLOTS;
    struct slot_ref s = { m, virt_map(VIRT_VIRTIO)->base + slot * VIRT_VIRTIO_STRIDE };
    fuzz_queue_bringup(slot_store, &s, in);
}

static void input_event(struct machine *m, struct fuzz_in *in)
{
    unsigned kind = (unsigned)fuzz_take(in, 1) % 5, a = (unsigned)fuzz_take(in, 2), b = (unsigned)fuzz_take(in, 1);
    if (!m->display)
        return;
    switch (kind) {
    case 0: display_key(m, a, b & 1); break;
    case 1: display_pointer(m, a, b); break;
    case 2: display_button(m, a, b & 1); break;
    case 3: display_wheel(m, (int8_t)b); break;
    default: display_power_button(m); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_in in = { data, size };
    struct target t[32];
    unsigned nt = targets(t);
    unsigned opts = (unsigned)fuzz_take(&in, 1);
    struct machine *m = fuzz_board(opts, 0);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].mtvec = RIVET_RAM_BASE;
    uint64_t insns = 0;
    for (unsigned op = 0; in.left && op < FUZZ_MAX_OPS; op++) {
        switch (fuzz_take(&in, 1) % FOP_COUNT) {
        case FOP_RAM: fuzz_ram_store(m, &in); break;
        case FOP_STORE: {
            const struct target *tg = &t[fuzz_take(&in, 1) % nt];
            uint64_t off = fuzz_take(&in, 3);
            unsigned sz = access_size(fuzz_take(&in, 1));
            bus_write(&m->bus, target_addr(tg, off, sz), sz, fuzz_take(&in, 8));
            break;
        }
        case FOP_STORE_PTR: {
            const struct target *tg = &t[fuzz_take(&in, 1) % nt];
            uint64_t off = fuzz_take(&in, 3);
            bus_write(&m->bus, target_addr(tg, off, 4), 4, RIVET_RAM_BASE + fuzz_take(&in, 2));
            break;
        }
        case FOP_LOAD: {
            const struct target *tg = &t[fuzz_take(&in, 1) % nt];
            uint64_t off = fuzz_take(&in, 3), v;
            unsigned sz = access_size(fuzz_take(&in, 1));
            bus_read(&m->bus, target_addr(tg, off, sz), sz, &v);
            break;
        }
        case FOP_RUN: {
            uint64_t n = fuzz_take(&in, 2) + 1;
            if (insns < FUZZ_MAX_INSNS) {
                fuzz_run(m, n);
                insns += n;
            }
            break;
        }
        case FOP_INPUT: input_event(m, &in); break;
        case FOP_QUEUE: queue_setup(m, &in); break;
        default: {
            unsigned slot = (unsigned)fuzz_take(&in, 1) % RIVET_VIRTIO_SLOTS;
            mmio_store(m, virt_map(VIRT_VIRTIO)->base + slot * VIRT_VIRTIO_STRIDE, VIRTIO_MMIO_QUEUE_NOTIFY,
                       (uint32_t)fuzz_take(&in, 1));
            break;
        }
        }
    }
    /* Whatever the script left behind (a pending interrupt, a queued input
     * event) gets a round to act. */
    fuzz_run(m, 5000);
    rivet_destroy(m);
    return 0;
}
