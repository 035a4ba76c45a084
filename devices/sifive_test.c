/*
 * SiFive test finisher: see sifive_test.h.
 */
#include "devices/sifive_test.h"

#include <stdlib.h>

#define SIFIVE_TEST_CMD_MASK   0xffffu
#define SIFIVE_TEST_CODE_SHIFT 16

struct sifive_test {
    sifive_test_finish_fn finish;
    void *opaque;
};

struct sifive_test *sifive_test_create(sifive_test_finish_fn finish, void *opaque)
{
    struct sifive_test *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->finish = finish;
    t->opaque = opaque;
    return t;
}

void sifive_test_destroy(struct sifive_test *t) { free(t); }

static bus_status sifive_test_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = 0;
    return BUS_OK;
}

static bus_status sifive_test_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct sifive_test *t = opaque;
    if (offset != 0 || !t->finish)
        return BUS_OK;
    unsigned code = (unsigned)((value >> SIFIVE_TEST_CODE_SHIFT) & SIFIVE_TEST_CMD_MASK);
    switch (value & SIFIVE_TEST_CMD_MASK) {
    case SIFIVE_TEST_PASS_CODE: t->finish(t->opaque, SIFIVE_TEST_PASS, 0); break;
    case SIFIVE_TEST_FAIL_CODE: t->finish(t->opaque, SIFIVE_TEST_FAIL, code); break;
    case SIFIVE_TEST_RESET_CODE: t->finish(t->opaque, SIFIVE_TEST_RESET, 0); break;
    default: break; /* other values do nothing, as on the real finisher */
    }
    return BUS_OK;
}

struct mmio_region sifive_test_region(struct sifive_test *t, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        /* clang-format off */
        .name = "test", .base = base, .size = size, .min_access = 2, .max_access = 4, /* OpenSBI stores 16 bits */
        .read = sifive_test_read, .write = sifive_test_write, .opaque = t,
        /* clang-format on */
    };
}
