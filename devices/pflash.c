/*
 * CFI flash bank, Intel/Sharp command set (pflash.h). The command state is
 * a small machine: an idle mode that decides what reads show (array,
 * status, ID, CFI), and the pending states of the two- and multi-cycle
 * commands, whose writes are data, a count or a confirm. Facts from the
 * CFI specification (JESD68.01) and Intel's command set; the layout
 * (two x16 chips on a 32-bit bus) is QEMU 7.2's virt board's.
 */
#include "devices/pflash.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "devices/blockdev.h"
#include "rivet/snapstream.h"

enum mode {
    M_ARRAY,    /* reads: the contents */
    M_STATUS,   /* reads: the status register */
    M_ID,       /* reads: manufacturer and device codes */
    M_CFI,      /* reads: the CFI query table */
    M_PROGRAM,  /* 0x10/0x40 seen: the next write is data */
    M_ERASE,    /* 0x20 seen: the next write must confirm (0xd0) */
    M_WB_COUNT, /* 0xe8 seen: the next write is the word count - 1 */
    M_WB_DATA,  /* collecting the buffer's data writes */
    M_WB_CONF,  /* the buffer is full: the next write must confirm */
    M_LOCK,     /* 0x60 seen: the next write picks the lock operation */
    M_COUNT,
};

/* Status register bits (Intel SR): ready, erase error, program error, block locked. */
#define SR_READY  0x80u
#define SR_ERASE  0x20u
#define SR_PROG   0x10u
#define SR_LOCKED 0x02u

#define CHIPS       2u /* x16 chips side by side on the 32-bit bus */
#define WORD        4u /* the bus width: one CFI/ID/status word */
#define BLOCKS      (PFLASH_BANK_SIZE / PFLASH_BLOCK_SIZE)
#define CHIP_BLOCK  (PFLASH_BLOCK_SIZE / CHIPS)
#define PAGE        4096u
#define PAGES       (PFLASH_BANK_SIZE / PAGE)
#define PAGE_FF     0x80000000u /* a saved page index: all 0xff, no data follows */
#define CFI_ENTRIES 0x40u

struct pflash {
    pthread_mutex_t lock;
    uint8_t *mem; /* PFLASH_BANK_SIZE bytes: the contents */
    /* mem may hold a nonzero byte: an image was read, or a program, erase
     * or restore wrote. A bank never touched is calloc's zero pages, which
     * save and restore then leave alone instead of reading 32 MiB (page
     * faults on every page: 30-40 ms of every -loadvm, and page tables). */
    bool touched;
    struct blockdev *bd;
    bool readonly;
    uint8_t mode, status;
    uint32_t wb_left;               /* M_WB_DATA: bytes still to come */
    uint32_t wb_base;               /* the buffer's 4 KiB-aligned window */
    uint8_t wb[PFLASH_WB_SIZE];     /* its data */
    uint8_t wb_set[PFLASH_WB_SIZE]; /* 1 where the guest wrote */
    void (*note)(void *opaque, const char *line);
    void *note_opaque;
};

/* The CFI query table of one chip (JESD68.01 offsets), a x16 chip of
 * 16 MiB in 128 uniform 128 KiB blocks, write buffer 2 KiB, with Intel's
 * primary extended table (version 1.0, no optional features). */
static uint8_t cfi_byte(unsigned i)
{
    /* clang-format off */
    static const uint8_t t[CFI_ENTRIES] = {
        [0x10] = 'Q', [0x11] = 'R', [0x12] = 'Y',
        [0x13] = 0x01, [0x14] = 0x00,       /* primary command set: Intel/Sharp */
        [0x15] = 0x31, [0x16] = 0x00,       /* its extended table at 0x31 */
        [0x1b] = 0x27, [0x1c] = 0x36,       /* Vcc 2.7-3.6 V; no Vpp (0x1d, 0x1e) */
        [0x1f] = 0x04, [0x20] = 0x08,       /* typical word / buffer program: 2^n us */
        [0x21] = 0x0a, [0x22] = 0x00,       /* typical block erase 2^n ms; no chip erase */
        [0x23] = 0x04, [0x24] = 0x04, [0x25] = 0x04, /* maxima: typical * 2^n */
        [0x27] = 24,                        /* chip size 2^24 bytes */
        [0x28] = 0x02, [0x29] = 0x00,       /* x8/x16 interface */
        [0x2a] = 11, [0x2b] = 0,            /* write buffer 2^11 bytes per chip */
        [0x2c] = 1,                         /* one erase region: */
        [0x2d] = BLOCKS - 1, [0x2e] = 0,    /* 128 blocks */
        [0x2f] = (CHIP_BLOCK >> 8) & 0xff, [0x30] = CHIP_BLOCK >> 16, /* of 128 KiB */
        [0x31] = 'P', [0x32] = 'R', [0x33] = 'I', [0x34] = '1', [0x35] = '0',
    };
    /* clang-format on */
    return i < CFI_ENTRIES ? t[i] : 0;
}

static void note(struct pflash *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct pflash *f, const char *fmt, ...)
{
    if (!f->note)
        return;
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    f->note(f->note_opaque, line);
}

/* The byte a query mode shows in word `word` (a 4-byte bus word). */
static uint8_t query_byte(const struct pflash *f, uint64_t word)
{
    switch (f->mode) {
    case M_CFI: return cfi_byte((unsigned)word);
    case M_ID: {
        (void)word; /* manufacturer, device, lock status: all 0 (pflash.h) */
        return 0;
    }
    default: return f->status; /* status, and reads during a pending command */
    }
}

/* A read in a query mode: each chip's 16-bit lane holds the byte in its
 * low half, so byte k of a word is the byte when k is even, else 0. */
static uint64_t query_read(const struct pflash *f, uint64_t off, unsigned size)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint64_t a = off + k;
        uint8_t b = (a & 1) ? 0 : query_byte(f, a / WORD);
        v |= (uint64_t)b << (8 * k);
    }
    return v;
}

static bus_status pflash_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct pflash *f = opaque;
    *value = f->mode == M_ARRAY ? load_le(f->mem + off, size) : query_read(f, off, size);
    return BUS_OK;
}

/* [off, off + len) of the contents to the file; false (and a note) when
 * the write failed. */
static bool write_through(struct pflash *f, uint64_t off, uint64_t len)
{
    if (!f->bd)
        return true;
    int e = blockdev_write(f->bd, off, f->mem + off, len);
    if (e)
        note(f, "pflash: writing %llu bytes at offset 0x%llx of the image failed: %s", (unsigned long long)len,
             (unsigned long long)off, strerror(-e));
    return e == 0;
}

static void program(struct pflash *f, uint64_t off, unsigned size, uint64_t value)
{
    f->mode = M_STATUS;
    if (f->readonly) {
        f->status |= SR_PROG | SR_LOCKED;
        return;
    }
    store_le(f->mem + off, size, value);
    f->touched = true;
    if (!write_through(f, off, size))
        f->status |= SR_PROG;
}

static void erase(struct pflash *f, uint64_t off)
{
    f->mode = M_STATUS;
    if (f->readonly) {
        f->status |= SR_ERASE | SR_LOCKED;
        return;
    }
    uint64_t base = off & ~(uint64_t)(PFLASH_BLOCK_SIZE - 1);
    memset(f->mem + base, 0xff, PFLASH_BLOCK_SIZE);
    f->touched = true;
    if (!write_through(f, base, PFLASH_BLOCK_SIZE))
        f->status |= SR_ERASE;
}

/* A command sequence error (Intel: SR.4 and SR.5 both set). */
static void sequence_error(struct pflash *f)
{
    f->status |= SR_PROG | SR_ERASE;
    f->mode = M_STATUS;
}

/* The buffer's count word: its low 16 bits (one chip's lane) are the
 * number of bus words - 1; more than the buffer holds is an error. */
static void wb_count(struct pflash *f, uint64_t off, uint64_t value)
{
    uint32_t words = (uint32_t)(value & 0xffff) + 1;
    if (words * WORD > PFLASH_WB_SIZE) {
        sequence_error(f);
        return;
    }
    f->wb_left = words * WORD;
    f->wb_base = (uint32_t)(off & ~(uint64_t)(PFLASH_WB_SIZE - 1));
    memset(f->wb_set, 0, sizeof f->wb_set);
    f->mode = M_WB_DATA;
}

static void wb_data(struct pflash *f, uint64_t off, unsigned size, uint64_t value)
{
    if (off < f->wb_base || off + size > f->wb_base + PFLASH_WB_SIZE) {
        sequence_error(f); /* outside the buffer's window */
        return;
    }
    store_le(f->wb + (off - f->wb_base), size, value);
    memset(f->wb_set + (off - f->wb_base), 1, size);
    f->wb_left = size >= f->wb_left ? 0 : f->wb_left - size;
    if (!f->wb_left)
        f->mode = M_WB_CONF;
}

/* The confirm: the bytes written go to the contents, then to the file
 * as one range. */
static void wb_commit(struct pflash *f)
{
    f->mode = M_STATUS;
    if (f->readonly) {
        f->status |= SR_PROG | SR_LOCKED;
        return;
    }
    unsigned lo = PFLASH_WB_SIZE, hi = 0;
    f->touched = true;
    for (unsigned i = 0; i < PFLASH_WB_SIZE; i++)
        if (f->wb_set[i]) {
            f->mem[f->wb_base + i] = f->wb[i];
            lo = i < lo ? i : lo;
            hi = i + 1;
        }
    if (hi > lo && !write_through(f, f->wb_base + lo, hi - lo))
        f->status |= SR_PROG;
}

/* A write in an idle mode: a new command. Unknown commands (Linux's probe
 * sends AMD's 0xf0 reset) go back to read array, as a chip ignores them. */
static void command(struct pflash *f, uint8_t cmd)
{
    switch (cmd) {
    case 0x10:
    case 0x40: f->mode = M_PROGRAM; break;
    case 0x20: f->mode = M_ERASE; break;
    case 0x50:
        f->status = SR_READY;
        f->mode = M_ARRAY;
        break;
    case 0x60: f->mode = M_LOCK; break;
    case 0x70: f->mode = M_STATUS; break;
    case 0x90: f->mode = M_ID; break;
    case 0x98: f->mode = M_CFI; break;
    case 0xe8: f->mode = M_WB_COUNT; break;
    case 0xb0: /* suspend: nothing runs long enough to suspend */
    case 0xd0: f->mode = M_STATUS; break;
    default: f->mode = M_ARRAY; break;
    }
}

static bus_status pflash_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct pflash *f = opaque;
    uint8_t cmd = (uint8_t)value;
    switch (f->mode) {
    case M_PROGRAM: program(f, off, size, value); break;
    case M_ERASE: cmd == 0xd0 ? erase(f, off) : sequence_error(f); break;
    case M_WB_COUNT: wb_count(f, off, value); break;
    case M_WB_DATA: wb_data(f, off, size, value); break;
    case M_WB_CONF: cmd == 0xd0 ? wb_commit(f) : sequence_error(f); break;
    case M_LOCK: /* set (0x01), clear (0xd0), lock-down (0x2f): the bits are not kept */
        if (cmd != 0x01 && cmd != 0xd0 && cmd != 0x2f)
            sequence_error(f);
        else
            f->mode = M_STATUS;
        break;
    default: command(f, cmd); break;
    }
    return BUS_OK;
}

struct pflash *pflash_create(struct blockdev *b, char *err, size_t errlen)
{
    struct pflash *f = calloc(1, sizeof *f);
    uint8_t *mem = calloc(1, PFLASH_BANK_SIZE); /* untouched pages of a file-less bank cost nothing */
    if (!f || !mem) {
        snprintf(err, errlen, "out of memory for a pflash bank");
        free(f);
        free(mem);
        blockdev_close(b);
        return NULL;
    }
    f->mem = mem;
    f->bd = b;
    pthread_mutex_init(&f->lock, NULL);
    pflash_reset(f);
    if (b) {
        f->readonly = blockdev_readonly(b);
        f->touched = true;
        int e = blockdev_read(b, 0, mem, PFLASH_BANK_SIZE);
        if (e) {
            snprintf(err, errlen, "cannot read the pflash image: %s", strerror(-e));
            pflash_destroy(f);
            return NULL;
        }
    }
    return f;
}

void pflash_destroy(struct pflash *f)
{
    if (!f)
        return;
    if (f->bd) {
        blockdev_flush(f->bd);
        blockdev_close(f->bd);
    }
    pthread_mutex_destroy(&f->lock);
    free(f->mem);
    free(f);
}

void pflash_set_note(struct pflash *f, void (*fn)(void *opaque, const char *line), void *opaque)
{
    f->note = fn;
    f->note_opaque = opaque;
}

pthread_mutex_t *pflash_lock(struct pflash *f) { return &f->lock; }

struct mmio_region pflash_region(struct pflash *f, const char *name, uint64_t base, uint64_t size)
{
    /* clang-format off */
    return (struct mmio_region){ .name = name, .base = base, .size = size, .min_access = 1, .max_access = 8,
                                 .read = pflash_read, .write = pflash_write, .opaque = f, .fetch = f->mem,
                                 .lock = &f->lock };
    /* clang-format on */
}

void pflash_reset(struct pflash *f)
{
    f->mode = M_ARRAY;
    f->status = SR_READY;
    f->wb_left = 0;
    f->wb_base = 0;
}

/* Whether the contents go into the snapshot: nothing else holds them. */
static bool saves_contents(const struct pflash *f) { return !f->bd || blockdev_snapshot(f->bd); }

static bool page_is(const uint8_t *p, uint8_t v)
{
    for (unsigned i = 0; i < PAGE; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Contents as pages: every page that is not all zeros, in order (index,
 * then its bytes; PAGE_FF set: all 0xff, no bytes), then PAGES. */
static void save_pages(const struct pflash *f, struct snapshot_writer *w)
{
    for (uint32_t i = 0; f->touched && i < PAGES; i++) {
        const uint8_t *p = f->mem + (uint64_t)i * PAGE;
        if (page_is(p, 0))
            continue;
        bool ff = page_is(p, 0xff);
        snap_put_u32(w, i | (ff ? PAGE_FF : 0));
        if (!ff)
            snap_put(w, p, PAGE);
    }
    snap_put_u32(w, PAGES);
}

void pflash_save(const struct pflash *f, struct snapshot_writer *w)
{
    snap_put_u8(w, f->mode);
    snap_put_u8(w, f->status);
    snap_put_u32(w, f->wb_left);
    snap_put_u32(w, f->wb_base);
    snap_put(w, f->wb, PFLASH_WB_SIZE);
    snap_put(w, f->wb_set, PFLASH_WB_SIZE);
    snap_put_bool(w, saves_contents(f));
    if (saves_contents(f))
        save_pages(f, w);
    else
        snap_put_u32(w, (uint32_t)crc32(0, f->mem, PFLASH_BANK_SIZE));
}

/* The saved pages, checked (increasing indices, in range) and, unless dry,
 * put in place with every other page zero. */
static void restore_pages(struct pflash *f, struct snapshot_reader *r)
{
    for (uint32_t i = 0; !r->dry && f->touched && i < PAGES; i++) /* zero only what may not be */
        if (!page_is(f->mem + (uint64_t)i * PAGE, 0))
            memset(f->mem + (uint64_t)i * PAGE, 0, PAGE);
    uint32_t next = 0;
    for (;;) {
        uint32_t v = snap_get_u32(r), i = v & ~PAGE_FF;
        if (r->bad || v == PAGES)
            return;
        if (i >= PAGES || i < next) {
            snap_bad(r, "pflash: a page out of order or range");
            return;
        }
        next = i + 1;
        uint8_t *p = f->mem + (uint64_t)i * PAGE;
        if (!r->dry)
            f->touched = true;
        if (v & PAGE_FF) {
            if (!r->dry)
                memset(p, 0xff, PAGE);
        } else if (r->dry) {
            if (PAGE > r->len - r->pos)
                snap_bad(r, "section too short");
            else
                r->pos += PAGE;
        } else {
            snap_get(r, p, PAGE);
        }
    }
}

static bool valid_wb_set(const uint8_t *set)
{
    for (unsigned i = 0; i < PFLASH_WB_SIZE; i++)
        if (set[i] > 1)
            return false;
    return true;
}

bool pflash_restore(struct pflash *f, struct snapshot_reader *r)
{
    uint8_t mode = snap_get_u8(r), status = snap_get_u8(r);
    uint32_t wb_left = snap_get_u32(r), wb_base = snap_get_u32(r);
    static_assert(PFLASH_BANK_SIZE % PFLASH_WB_SIZE == 0, "the buffer's windows tile the bank");
    if (mode >= M_COUNT || wb_left > PFLASH_WB_SIZE || wb_base % PFLASH_WB_SIZE || wb_base >= PFLASH_BANK_SIZE)
        snap_bad(r, "pflash: invalid command state");
    /* The buffer goes straight in when not dry: its bytes are any bytes, its marks checked. */
    uint8_t *wb = r->dry ? malloc(2 * PFLASH_WB_SIZE) : NULL;
    uint8_t *data = r->dry ? wb : f->wb, *set = r->dry ? (wb ? wb + PFLASH_WB_SIZE : NULL) : f->wb_set;
    if (!data) {
        snap_bad(r, "out of memory");
        return false;
    }
    snap_get(r, data, PFLASH_WB_SIZE);
    snap_get(r, set, PFLASH_WB_SIZE);
    if (!r->bad && !valid_wb_set(set))
        snap_bad(r, "pflash: invalid write buffer");
    free(wb);
    bool contents = snap_get_bool(r);
    if (!r->bad && contents != saves_contents(f))
        snap_bad(r, contents ? "pflash: saved without an image file, this bank has one"
                             : "pflash: saved with an image file, this bank has none or a -snapshot one");
    if (!r->bad && contents)
        restore_pages(f, r);
    else if (!r->bad && snap_get_u32(r) != (uint32_t)crc32(0, f->mem, PFLASH_BANK_SIZE))
        snap_bad(r, "pflash: the image file changed since the snapshot");
    if (!snap_end(r) || r->dry)
        return !r->bad;
    f->mode = mode;
    f->status = status;
    f->wb_left = wb_left;
    f->wb_base = wb_base;
    return true;
}
