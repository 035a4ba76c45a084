/* Unit tests of the console front end: the Ctrl-A escape state machine, the
 * chardev behaviour (buffering, rate limit, EOF, file output) on pipes, and
 * the idle machine's wait for input. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine/host/terminal.h"

#define CA "\x01"

struct sink {
    int quits;
    char msgs[1024];
};

static void on_quit(void *opaque) { ((struct sink *)opaque)->quits++; }

static void on_msg(void *opaque, const char *text)
{
    struct sink *s = opaque;
    strncat(s->msgs, text, sizeof s->msgs - strlen(s->msgs) - 1);
}

static struct sink sink;
static struct mux_state mux;

static void mux_setup(void)
{
    memset(&sink, 0, sizeof sink);
    mux = (struct mux_state){ .quit = on_quit, .quit_opaque = &sink, .msg = on_msg, .msg_opaque = &sink };
}

/* Runs the filter over a string; returns what the guest gets. */
static const char *filter(const char *in, size_t len)
{
    static char out[256];
    size_t n = mux_filter(&mux, (const uint8_t *)in, len, (uint8_t *)out);
    ck_assert_uint_le(n, len);
    out[n] = 0;
    return out;
}

START_TEST(test_mux_passthrough)
{
    ck_assert_str_eq(filter("ls -l\r\x03", 7), "ls -l\r\x03");
    ck_assert_int_eq(sink.quits, 0);
    ck_assert_str_eq(sink.msgs, "");
}
END_TEST

START_TEST(test_mux_double_escape)
{
    ck_assert_str_eq(filter("a" CA CA "b", 4), "a" CA "b");
    ck_assert(!mux.escape);
}
END_TEST

START_TEST(test_mux_quit)
{
    ck_assert_str_eq(filter("ab" CA "xcd", 6), "ab");
    ck_assert_int_eq(sink.quits, 1);
    ck_assert_str_eq(filter("more" CA "x", 6), ""); /* nothing after quit */
    ck_assert_int_eq(sink.quits, 1);
}
END_TEST

START_TEST(test_mux_help_and_monitor)
{
    ck_assert_str_eq(filter(CA "h", 2), "");
    ck_assert_ptr_nonnull(strstr(sink.msgs, "C-a x"));
    ck_assert_ptr_nonnull(strstr(sink.msgs, "C-a C-a"));
    sink.msgs[0] = 0;
    ck_assert_str_eq(filter(CA "cz", 3), "z");
    ck_assert_ptr_nonnull(strstr(sink.msgs, "no monitor"));
    ck_assert_int_eq(sink.quits, 0);
}
END_TEST

START_TEST(test_mux_escape_split_across_reads)
{
    ck_assert_str_eq(filter("q" CA, 2), "q");
    ck_assert(mux.escape);
    ck_assert_str_eq(filter(CA "r", 2), CA "r");
    ck_assert_str_eq(filter(CA, 1), "");
    ck_assert_str_eq(filter("x", 1), "");
    ck_assert_int_eq(sink.quits, 1);
}
END_TEST

START_TEST(test_mux_unknown_escape_dropped)
{
    ck_assert_str_eq(filter(CA "q" CA "\x7f"
                               "w",
                            5),
                     "w");
    ck_assert_int_eq(sink.quits, 0);
}
END_TEST

START_TEST(test_mux_in_place)
{
    char buf[] = "a" CA CA "b" CA "hc";
    size_t n = mux_filter(&mux, (uint8_t *)buf, 7, (uint8_t *)buf);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(buf, "a" CA "bc", 4);
}
END_TEST

static void sleep_ms(long ms)
{
    struct timespec ts = { 0, ms * 1000000l };
    nanosleep(&ts, NULL);
}

/* Reads until `want` bytes arrived or a deadline passed. */
static size_t read_for(struct chardev *c, uint8_t *buf, size_t want)
{
    size_t got = 0;
    for (int i = 0; i < 200 && got < want; i++) {
        got += c->read(c->opaque, buf + got, want - got);
        if (got < want)
            sleep_ms(2);
    }
    return got;
}

/* Closes a terminal opened on two test pipes, then the pipes. */
static void close_terminal_and_pipes(struct terminal *t, const int in[2], const int out[2])
{
    terminal_close(t);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
}

START_TEST(test_pipe_input_and_eof)
{
    int in[2], out[2];
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    struct terminal *t = terminal_open_fds(in[0], out[1], true, on_quit, &sink);
    ck_assert_ptr_nonnull(t);
    struct chardev c = terminal_chardev(t);
    uint8_t buf[64];
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0); /* nothing yet */

    ck_assert_int_eq(write(in[1], "hi" CA CA "!", 5), 5);
    size_t n = read_for(&c, buf, 4);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(buf, "hi" CA "!", 4);

    /* Small reads are served from the buffer. */
    ck_assert_int_eq(write(in[1], "xyz", 3), 3);
    ck_assert_uint_eq(read_for(&c, buf, 1), 1);
    ck_assert_uint_eq(buf[0], 'x');
    ck_assert_uint_eq(c.read(c.opaque, buf, 8), 2);
    ck_assert_mem_eq(buf, "yz", 2);

    c.write(c.opaque, (const uint8_t *)"out\r\n", 5);
    terminal_flush(t); /* output is gathered until the run loop flushes */
    char got[8] = { 0 };
    ck_assert_int_eq(read(out[0], got, sizeof got), 5);
    ck_assert_str_eq(got, "out\r\n");

    close(in[1]); /* EOF: reads return 0 without error from then on */
    sleep_ms(5);
    for (int i = 0; i < 10; i++) {
        ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0);
        sleep_ms(2);
    }
    terminal_close(t);
    close(in[0]);
    close(out[0]);
    close(out[1]);
}
END_TEST

/* Guest output waits in the buffer until a flush, a full buffer, a message
 * of rivet's own (which must come after it) or an idle wait. */
START_TEST(test_output_gathered)
{
    int in[2], out[2];
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    struct terminal *t = terminal_open_fds(in[0], out[1], true, NULL, NULL);
    ck_assert_ptr_nonnull(t);
    struct chardev c = terminal_chardev(t);
    char got[64] = { 0 };
    c.write(c.opaque, (const uint8_t *)"ab", 2);
    c.write(c.opaque, (const uint8_t *)"c", 1);
    ck_assert_int_eq(read(out[0], got, sizeof got), -1); /* nothing yet */
    terminal_flush(t);
    ck_assert_int_eq(read(out[0], got, sizeof got), 3);
    ck_assert_mem_eq(got, "abc", 3);
    /* Ctrl-A c answers with a message: after the output before it. */
    c.write(c.opaque, (const uint8_t *)"xy", 2);
    ck_assert_int_eq(write(in[1],
                           "\x01"
                           "c",
                           2),
                     2);
    uint8_t buf[8];
    for (int i = 0; i < 50 && c.read(c.opaque, buf, sizeof buf) == 0; i++)
        sleep_ms(2);
    memset(got, 0, sizeof got);
    ck_assert_int_gt(read(out[0], got, sizeof got - 1), 2);
    ck_assert_mem_eq(got, "xy", 2);
    while (read(out[0], got, sizeof got) > 0) /* the rest of the message */
        ;
    /* An idle wait writes what is pending before it sleeps. */
    c.write(c.opaque, (const uint8_t *)"z", 1);
    terminal_wait_input(t, 1000000, NULL, 0);
    ck_assert_int_eq(read(out[0], got, sizeof got), 1);
    ck_assert_int_eq(got[0], 'z');
    close_terminal_and_pipes(t, in, out);
}
END_TEST

START_TEST(test_rate_limit)
{
    int in[2], out[2];
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    struct terminal *t = terminal_open_fds(in[0], out[1], false, NULL, NULL);
    struct chardev c = terminal_chardev(t);
    uint8_t buf[8];
    /* The first call looks at the pipe (empty) and starts the clock; a call
     * less than a millisecond later must not look again, so it misses the
     * byte written in between. */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &a);
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0);
    ck_assert_int_eq(write(in[1], "a", 1), 1);
    size_t got = c.read(c.opaque, buf, sizeof buf);
    clock_gettime(CLOCK_MONOTONIC_COARSE, &b);
    long long dt = (long long)(b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec);
    if (dt < 1000000)
        ck_assert_uint_eq(got, 0);
    ck_assert_uint_eq(got + read_for(&c, buf, 1), 1);
    close_terminal_and_pipes(t, in, out);
}
END_TEST

START_TEST(test_file_backend)
{
    char path[] = "/tmp/rivet_term_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char err[128] = "";
    struct terminal *t = terminal_open_file("-serial file:", path, err, sizeof err);
    ck_assert_ptr_nonnull(t);
    struct chardev c = terminal_chardev(t);
    c.write(c.opaque, (const uint8_t *)"boot\r\n", 6);
    uint8_t buf[4];
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0);
    terminal_close(t);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char got[16] = { 0 };
    ck_assert_uint_eq(fread(got, 1, sizeof got, f), 6);
    fclose(f);
    unlink(path);
    ck_assert_str_eq(got, "boot\r\n");

    t = terminal_open_file("-serial file:", "/nonexistent-dir/x", err, sizeof err);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err, "-serial file: /nonexistent-dir/x: cannot create"));
}
END_TEST

START_TEST(test_stdio_single_instance)
{
    /* Run with stdin from /dev/null so termios stays untouched. */
    int null = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(null, 0);
    int saved = dup(STDIN_FILENO);
    ck_assert_int_ge(dup2(null, STDIN_FILENO), 0);
    struct terminal *t = terminal_open_stdio(true, on_quit, &sink);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_null(terminal_open_stdio(false, NULL, NULL));
    struct chardev c = terminal_chardev(t);
    uint8_t buf[4];
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0); /* EOF, no input */
        sleep_ms(2);
    }
    terminal_close(t);
    t = terminal_open_stdio(false, NULL, NULL);
    ck_assert_ptr_nonnull(t);
    terminal_close(t);
    dup2(saved, STDIN_FILENO);
    close(saved);
    close(null);
}
END_TEST

static long long ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

#define WAIT_LONG_NS 2000000000ull /* 2 s: a wait that returns much sooner did not sleep it out */

/* Input ends the wait at once, and the read right after it gets the bytes
 * even though the rate limit's clock was started a moment before. */
START_TEST(test_wait_wakes_on_input)
{
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    struct terminal *t = terminal_open_fds(in[0], STDERR_FILENO, true, on_quit, &sink);
    struct chardev c = terminal_chardev(t);
    uint8_t buf[8];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(terminal_wait_input(t, 20000000ull, NULL, 0)); /* nothing comes: sleeps to the timeout */
    ck_assert_int_ge(ms_since(&t0), 15);

    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0); /* starts the rate limit's clock */
    ck_assert_int_eq(write(in[1], "ab", 2), 2);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    ck_assert_int_lt(ms_since(&t0), 1000);
    ck_assert_uint_eq(c.read(c.opaque, buf, 1), 1);
    ck_assert_uint_eq(buf[0], 'a');

    /* A byte still buffered: no wait (the descriptor is not looked at). */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(!terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    ck_assert_int_lt(ms_since(&t0), 1000);
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 1);
    ck_assert_uint_eq(buf[0], 'b');

    ck_assert_int_eq(write(in[1], CA "x", 2), 2); /* Ctrl-A x while idle */
    ck_assert(terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    ck_assert_int_eq(sink.quits, 1);
    terminal_close(t);
    close(in[0]);
    close(in[1]);
}
END_TEST

/* At EOF the descriptor stays readable forever: the wait must hand the
 * sleep back to its caller every time rather than return at once as if
 * input had come. */
START_TEST(test_wait_after_eof)
{
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    struct terminal *t = terminal_open_fds(in[0], STDERR_FILENO, false, NULL, NULL);
    struct chardev c = terminal_chardev(t);
    uint8_t buf[8];
    ck_assert_int_eq(write(in[1], "z", 1), 1);
    close(in[1]);
    ck_assert(terminal_wait_input(t, WAIT_LONG_NS, NULL, 0)); /* the last byte */
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 3; i++)
        ck_assert(!terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    ck_assert_int_lt(ms_since(&t0), 1000);
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0);
    terminal_close(t);
    close(in[0]);
}
END_TEST

/* No input to wait on: NULL, the file backend, /dev/null. */
START_TEST(test_wait_without_input)
{
    ck_assert(!terminal_wait_input(NULL, WAIT_LONG_NS, NULL, 0));
    struct terminal *t = terminal_open_fds(-1, STDERR_FILENO, false, NULL, NULL);
    ck_assert(!terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    terminal_close(t);
    int null = open("/dev/null", O_RDONLY);
    ck_assert_int_ge(null, 0);
    t = terminal_open_fds(null, STDERR_FILENO, false, NULL, NULL);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 3; i++)
        ck_assert(!terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    ck_assert_int_lt(ms_since(&t0), 1000);
    terminal_close(t);
    close(null);
}
END_TEST

/* Other sources of input (the network's sockets) end the sleep too, with
 * or without a console, and get their revents; the console's input is not
 * consumed by them. */
START_TEST(test_wait_on_extra_fds)
{
    int in[2], net[2];
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(net), 0);
    struct pollfd extra = { .fd = net[0], .events = POLLIN };
    struct timespec t0;
    /* No console at all: the extra descriptor alone is waited on. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(terminal_wait_input(NULL, 20000000ull, &extra, 1));
    ck_assert_int_ge(ms_since(&t0), 15);
    ck_assert_int_eq(extra.revents, 0);
    ck_assert_int_eq(write(net[1], "n", 1), 1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(terminal_wait_input(NULL, WAIT_LONG_NS, &extra, 1));
    ck_assert_int_lt(ms_since(&t0), 1000);
    ck_assert(extra.revents & POLLIN);
    /* With a console that stays silent. */
    struct terminal *t = terminal_open_fds(in[0], STDERR_FILENO, false, on_quit, &sink);
    extra.revents = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert(terminal_wait_input(t, WAIT_LONG_NS, &extra, 1));
    ck_assert_int_lt(ms_since(&t0), 1000);
    ck_assert(extra.revents & POLLIN);
    struct chardev c = terminal_chardev(t);
    uint8_t buf[4];
    ck_assert_uint_eq(c.read(c.opaque, buf, sizeof buf), 0);
    terminal_close(t);
    close(in[0]), close(in[1]), close(net[0]), close(net[1]);
}
END_TEST

/* A write that fails drops the terminal's output from then on, and its
 * errno is handed out once: EPIPE when the reader went away (the board
 * ends the run), ENOSPC for -serial file:/dev/full (the board notes it). */
START_TEST(test_write_errors_reported_once)
{
    signal(SIGPIPE, SIG_IGN); /* as the rivet program does */
    int out[2];
    ck_assert_int_eq(pipe(out), 0);
    struct terminal *t = terminal_open_fds(-1, out[1], false, NULL, NULL);
    struct chardev c = terminal_chardev(t);
    c.write(c.opaque, (const uint8_t *)"one", 3);
    terminal_flush(t);
    ck_assert_int_eq(terminal_take_error(t), 0);
    close(out[0]); /* `| head` has exited */
    c.write(c.opaque, (const uint8_t *)"two", 3);
    terminal_flush(t);
    ck_assert_int_eq(terminal_take_error(t), EPIPE);
    c.write(c.opaque, (const uint8_t *)"three", 5);
    terminal_flush(t);
    ck_assert_int_eq(terminal_take_error(t), 0); /* once */
    terminal_close(t);
    close(out[1]);
    char err[256] = "";
    t = terminal_open_file("--console-log", "/dev/full", err, sizeof err);
    ck_assert_msg(t != NULL, "%s", err);
    c = terminal_chardev(t);
    c.write(c.opaque, (const uint8_t *)"x", 1);
    terminal_flush(t);
    ck_assert_int_eq(terminal_take_error(t), ENOSPC);
    terminal_close(t);
}
END_TEST

/* Input ends at EOF, once the bytes read before it are taken: then the
 * board knows nothing more can come from the console (stdin </dev/null). */
START_TEST(test_input_open_until_eof)
{
    int in[2];
    ck_assert_int_eq(pipe(in), 0);
    struct terminal *t = terminal_open_fds(in[0], STDERR_FILENO, false, NULL, NULL);
    struct chardev c = terminal_chardev(t);
    uint8_t buf[8];
    ck_assert(terminal_input_open(t));
    ck_assert_int_eq(write(in[1], "ab", 2), 2);
    close(in[1]);
    ck_assert(terminal_wait_input(t, WAIT_LONG_NS, NULL, 0));
    ck_assert_uint_eq(c.read(c.opaque, buf, 1), 1);
    ck_assert(terminal_input_open(t)); /* "b" still waits */
    ck_assert_uint_eq(c.read(c.opaque, buf, 1), 1);
    for (int i = 0; i < 100 && terminal_input_open(t); i++) { /* the next refill, past the rate limit, reads EOF */
        sleep_ms(2);
        ck_assert_uint_eq(c.read(c.opaque, buf, 1), 0);
    }
    ck_assert(!terminal_input_open(t));
    terminal_close(t);
    close(in[0]);
    ck_assert(!terminal_input_open(NULL));
    t = terminal_open_fds(-1, STDERR_FILENO, false, NULL, NULL);
    ck_assert(!terminal_input_open(t));
    terminal_close(t);
}
END_TEST

/* A crash (here abort(), as a failed assert in a library would) still
 * writes out what the guest printed and was waiting in the buffer, then
 * dies of the same signal. */
START_TEST(test_crash_flushes_output)
{
    int out[2];
    ck_assert_int_eq(pipe(out), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        close(out[0]);
        struct terminal *t = terminal_open_fds(-1, out[1], false, NULL, NULL);
        struct chardev c = terminal_chardev(t);
        c.write(c.opaque, (const uint8_t *)"last words\n", 11);
        abort();
    }
    close(out[1]);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFSIGNALED(st));
    ck_assert_int_eq(WTERMSIG(st), SIGABRT);
    char got[32] = { 0 };
    ck_assert_int_eq(read(out[0], got, sizeof got - 1), 11);
    ck_assert_str_eq(got, "last words\n");
    close(out[0]);
}
END_TEST

static Suite *terminal_suite(void)
{
    Suite *s = suite_create("terminal");
    TCase *tm = tcase_create("mux");
    tcase_add_checked_fixture(tm, mux_setup, NULL);
    tcase_add_test(tm, test_mux_passthrough);
    tcase_add_test(tm, test_mux_double_escape);
    tcase_add_test(tm, test_mux_quit);
    tcase_add_test(tm, test_mux_help_and_monitor);
    tcase_add_test(tm, test_mux_escape_split_across_reads);
    tcase_add_test(tm, test_mux_unknown_escape_dropped);
    tcase_add_test(tm, test_mux_in_place);
    suite_add_tcase(s, tm);
    TCase *tc = tcase_create("chardev");
    tcase_add_checked_fixture(tc, mux_setup, NULL);
    tcase_add_test(tc, test_pipe_input_and_eof);
    tcase_add_test(tc, test_output_gathered);
    tcase_add_test(tc, test_rate_limit);
    tcase_add_test(tc, test_file_backend);
    tcase_add_test(tc, test_stdio_single_instance);
    tcase_add_test(tc, test_wait_wakes_on_input);
    tcase_add_test(tc, test_wait_after_eof);
    tcase_add_test(tc, test_wait_without_input);
    tcase_add_test(tc, test_wait_on_extra_fds);
    tcase_add_test(tc, test_write_errors_reported_once);
    tcase_add_test(tc, test_input_open_until_eof);
    tcase_add_test(tc, test_crash_flushes_output);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(terminal_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
