/* One-line messages that never lose their reason (include/rivet/errfmt.h,
 * issue 16: a long path used to push "ELF machine is 62" out of the
 * buffer). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rivet.h"
#include "rivet/errfmt.h"

static char path[8192];

static void make_path(size_t len)
{
    memset(path, 'p', len);
    path[0] = '/';
    path[len] = '\0';
}

/* A 600-byte path and its reason fit whole in RIVET_ERR_LEN. */
START_TEST(long_path_fits)
{
    char err[RIVET_ERR_LEN];
    make_path(600);
    err_format(err, sizeof err, "-kernel %s: ELF machine is %u, not RISC-V (%u)", path, 62u, 243u);
    ck_assert_uint_eq(strlen(err), 8 + 600 + 2 + 35);
    ck_assert_ptr_nonnull(strstr(err, "ELF machine is 62, not RISC-V (243)"));
    ck_assert_ptr_null(strstr(err, "..."));
}
END_TEST

/* Longer than the buffer: the start (which option) and the end (why) stay,
 * "..." takes the middle, and the result fills the buffer exactly. */
START_TEST(overlong_keeps_start_and_reason)
{
    char err[RIVET_ERR_LEN];
    make_path(5000);
    err_format(err, sizeof err, "-kernel %s: ELF machine is %u, not RISC-V (%u)", path, 62u, 243u);
    size_t n = strlen(err);
    ck_assert_uint_eq(n, sizeof err - 1);
    ck_assert(strncmp(err, "-kernel /ppp", 12) == 0);
    ck_assert_ptr_nonnull(strstr(err, "..."));
    ck_assert_str_eq(err + n - 35, "ELF machine is 62, not RISC-V (243)");
}
END_TEST

/* Tiny buffers and a NULL one are fine. */
START_TEST(small_buffers)
{
    char err[8];
    err_format(err, sizeof err, "%s", "a long message");
    ck_assert_str_eq(err, "a long ");
    err_format(NULL, 0, "%s", "nowhere");
    char one[1] = { 'x' };
    err_format(one, 1, "%s", "abc");
    ck_assert_int_eq(one[0], '\0');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("errfmt");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, long_path_fits);
    tcase_add_test(tc, overlong_keeps_start_and_reason);
    tcase_add_test(tc, small_buffers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
