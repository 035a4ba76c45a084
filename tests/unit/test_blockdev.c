/* Block backend: sizes, reads/writes against a temporary image, read-only
 * and snapshot modes, the image lock, and error messages. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

/* Resident memory of this process, in bytes. */
static uint64_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%lu %lu", &size, &resident), 2);
    fclose(f);
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int dir_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Issue 16: the -snapshot overlay lives on disk, in an unnamed file in
 * $TMPDIR; a guest writing one sector into each of 8192 blocks (32 MiB of
 * blocks) costs the host a bitmap, not 4 KiB of memory per block. */
START_TEST(snapshot_overlay_on_disk)
{
    char big[] = "/tmp/rivet_bd_big_XXXXXX", dir[] = "/tmp/rivet_bd_tmp_XXXXXX", err[256];
    int fd = mkstemp(big);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 1ll << 30), 0); /* 1 GiB, sparse */
    close(fd);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    setenv("TMPDIR", dir, 1);
    struct blockdev *b = blockdev_open(big, false, true, err, sizeof(err));
    ck_assert_msg(b != NULL, "%s", err);
    ck_assert_int_eq(dir_entries(dir), 0); /* the overlay has no name */
    uint8_t sector[512];
    uint64_t before = rss_bytes();
    for (uint64_t blk = 0; blk < 8192; blk++) {
        memset(sector, (int)(blk & 0xff), sizeof sector);
        ck_assert_int_eq(blockdev_write(b, blk * 4096 + 512, sector, sizeof sector), 0);
    }
    uint64_t grown = rss_bytes() - before;
    ck_assert_msg(grown < (8u << 20), "resident memory grew by %llu bytes for 8192 written blocks",
                  (unsigned long long)grown);
    uint8_t got[4096];
    ck_assert_int_eq(blockdev_read(b, 77 * 4096, got, sizeof got), 0);
    for (unsigned i = 0; i < sizeof got; i++)
        ck_assert_uint_eq(got[i], i >= 512 && i < 1024 ? 77 : 0);
    blockdev_close(b);
    ck_assert_int_eq(dir_entries(dir), 0);
    struct stat st;
    ck_assert_int_eq(stat(big, &st), 0);
    ck_assert_int_eq(st.st_blocks, 0); /* the image itself untouched */
    unlink(big);
    rmdir(dir);
    unsetenv("TMPDIR");
}
END_TEST

static int notes;
static char note_line[512];
static void on_note(void *opaque, const char *line)
{
    notes++;
    snprintf(note_line, sizeof note_line, "%s", line);
}

/* When the overlay cannot be written (here a file size limit, as a full
 * disk would), the guest's write fails and the first failure is noted. */
START_TEST(snapshot_overlay_write_error)
{
    char err[256];
    struct blockdev *b = blockdev_open(path, false, true, err, sizeof(err));
    ck_assert_msg(b != NULL, "%s", err);
    blockdev_set_note(b, on_note, NULL);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = (struct rlimit){ 16384, old.rlim_max };
    uint8_t buf[512];
    memset(buf, 0x5a, sizeof buf);
    /* No assertion while the limit stands: Check writes files too. */
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    int rc1 = blockdev_write(b, 4096, buf, sizeof buf);
    int rc2 = blockdev_write(b, 32768, buf, sizeof buf);
    int rc3 = blockdev_write(b, 40960, buf, sizeof buf);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(rc1, 0);
    ck_assert_int_eq(rc2, -EFBIG);
    ck_assert_int_eq(rc3, -EFBIG);
    ck_assert_int_eq(notes, 1);
    ck_assert_ptr_nonnull(strstr(note_line, path));
    ck_assert_ptr_nonnull(strstr(note_line, "File too large"));
    uint8_t got[512];
    ck_assert_int_eq(blockdev_read(b, 4096, got, sizeof got), 0);
    ck_assert_mem_eq(got, buf, sizeof buf);
    ck_assert_int_eq(blockdev_read(b, 32768, got, sizeof got), 0); /* the image's bytes: the write never happened */
    for (unsigned i = 0; i < sizeof got; i++)
        ck_assert_uint_eq(got[i], pattern(32768 + i));
    blockdev_close(b);
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
    tcase_add_test(tc, snapshot_overlay_on_disk);
    tcase_add_test(tc, snapshot_overlay_write_error);
    tcase_add_test(tc, lock_refuses_second_user);
    tcase_add_test(tc, open_errors_name_the_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
