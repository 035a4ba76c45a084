/* Block backend: sizes, reads/writes against a temporary image, read-only
 * and snapshot modes, the image lock, and error messages. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/blockdev.h"

#define IMG_BYTES (64 * 1024)

static char path[64];

static uint8_t pattern(uint64_t off) { return (uint8_t)(off * 131 + (off >> 9)); }

static void make_image(void)
{
    strcpy(path, "/tmp/rivet_bd_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    uint8_t buf[IMG_BYTES];
    for (unsigned i = 0; i < IMG_BYTES; i++)
        buf[i] = pattern(i);
    ck_assert_int_eq(write(fd, buf, sizeof(buf)), IMG_BYTES);
    close(fd);
}

static void file_bytes(uint64_t off, void *dst, size_t len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, (long)off, SEEK_SET);
    ck_assert_uint_eq(fread(dst, 1, len, f), len);
    fclose(f);
}

static void setup(void) { make_image(); }
static void teardown(void) { unlink(path); }

START_TEST(read_write_flush)
{
    char err[256];
    struct blockdev *b = blockdev_open(path, false, false, err, sizeof(err));
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(blockdev_size(b), IMG_BYTES);
    ck_assert(!blockdev_readonly(b));
    uint8_t buf[1000], got[1000];
    ck_assert_int_eq(blockdev_read(b, 4000, buf, sizeof(buf)), 0);
    for (unsigned i = 0; i < sizeof(buf); i++)
        ck_assert_uint_eq(buf[i], pattern(4000 + i));
    memset(buf, 0xa5, sizeof(buf));
    ck_assert_int_eq(blockdev_write(b, 5000, buf, sizeof(buf)), 0);
    ck_assert_int_eq(blockdev_flush(b), 0);
    file_bytes(5000, got, sizeof(got));
    ck_assert_mem_eq(got, buf, sizeof(buf));
    /* Out of range, including offsets that would overflow. */
    ck_assert_int_eq(blockdev_read(b, IMG_BYTES - 10, buf, 11), -EINVAL);
    ck_assert_int_eq(blockdev_write(b, UINT64_MAX - 4, buf, 10), -EINVAL);
    ck_assert_int_eq(blockdev_read(b, IMG_BYTES, buf, 0), 0);
    blockdev_close(b);
}
END_TEST

START_TEST(readonly_refuses_writes)
{
    char err[256];
    struct blockdev *b = blockdev_open(path, true, false, err, sizeof(err));
    ck_assert_ptr_nonnull(b);
    ck_assert(blockdev_readonly(b));
    uint8_t buf[16] = { 1 }, got[16];
    ck_assert_int_eq(blockdev_write(b, 0, buf, sizeof(buf)), -EROFS);
    file_bytes(0, got, sizeof(got));
    ck_assert_uint_eq(got[0], pattern(0));
    blockdev_close(b);
}
END_TEST

START_TEST(snapshot_overlay)
{
    char err[256];
    struct blockdev *b = blockdev_open(path, false, true, err, sizeof(err));
    ck_assert_ptr_nonnull(b);
    ck_assert(!blockdev_readonly(b));
    /* A write straddling two 4 KiB blocks, and many blocks to grow the table. */
    uint8_t buf[600], got[IMG_BYTES];
    memset(buf, 0x5a, sizeof(buf));
    ck_assert_int_eq(blockdev_write(b, 4096 - 300, buf, sizeof(buf)), 0);
    for (unsigned blk = 2; blk < IMG_BYTES / 4096; blk++)
        ck_assert_int_eq(blockdev_write(b, blk * 4096 + 7, &blk, 1), 0);
    ck_assert_int_eq(blockdev_flush(b), 0);
    ck_assert_int_eq(blockdev_read(b, 0, got, IMG_BYTES), 0);
    for (unsigned i = 0; i < IMG_BYTES; i++) {
        uint8_t want = pattern(i);
        if (i >= 4096 - 300 && i < 4096 + 300)
            want = 0x5a;
        else if (i >= 2 * 4096 && i % 4096 == 7)
            want = (uint8_t)(i / 4096);
        ck_assert_uint_eq(got[i], want);
    }
    blockdev_close(b);
    file_bytes(0, got, IMG_BYTES);
    for (unsigned i = 0; i < IMG_BYTES; i++)
        ck_assert_uint_eq(got[i], pattern(i));
}
END_TEST

START_TEST(lock_refuses_second_user)
{
    char err[256] = "", want[256];
    struct blockdev *a = blockdev_open(path, false, false, err, sizeof(err));
    ck_assert_ptr_nonnull(a);
    snprintf(want, sizeof(want), "%s: image is in use by another process (locked)", path);
    ck_assert_ptr_null(blockdev_open(path, false, false, err, sizeof(err)));
    ck_assert_str_eq(err, want);
    err[0] = 0;
    ck_assert_ptr_null(blockdev_open(path, false, true, err, sizeof(err)));
    ck_assert_str_eq(err, want);
    blockdev_close(a);
    /* Readers share; a writer is then refused. */
    struct blockdev *r1 = blockdev_open(path, true, false, err, sizeof(err));
    struct blockdev *r2 = blockdev_open(path, false, true, err, sizeof(err));
    ck_assert_ptr_nonnull(r1);
    ck_assert_ptr_nonnull(r2);
    ck_assert_ptr_null(blockdev_open(path, false, false, err, sizeof(err)));
    ck_assert_str_eq(err, want);
    blockdev_close(r1);
    blockdev_close(r2);
    a = blockdev_open(path, false, false, err, sizeof(err));
    ck_assert_ptr_nonnull(a);
    blockdev_close(a);
}
END_TEST

START_TEST(open_errors_name_the_file)
{
    char err[256];
    ck_assert_ptr_null(blockdev_open("/nonexistent/rivet.img", false, false, err, sizeof(err)));
    ck_assert_str_eq(err, "/nonexistent/rivet.img: No such file or directory");
    ck_assert_ptr_null(blockdev_open("/tmp", false, false, err, sizeof(err)));
    ck_assert_str_eq(err, "/tmp: not a regular file or block device");
    ck_assert_ptr_null(blockdev_open("/tmp", true, false, err, sizeof(err)));
    ck_assert_str_eq(err, "/tmp: not a regular file or block device");
    ck_assert_ptr_null(blockdev_open("/dev/null", true, false, err, sizeof(err)));
    ck_assert_str_eq(err, "/dev/null: not a regular file or block device");
    blockdev_close(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("blockdev");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, read_write_flush);
    tcase_add_test(tc, readonly_refuses_writes);
    tcase_add_test(tc, snapshot_overlay);
    tcase_add_test(tc, lock_refuses_second_user);
    tcase_add_test(tc, open_errors_name_the_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
