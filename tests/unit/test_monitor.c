/* Unit tests of the monitor (issue 23): the JSON reader and writer, HMP
 * and QMP through a channel with a sink, the mux's Ctrl-A c focus, and
 * machine_pause: no instruction runs and the guest's clock stands still. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/board/machine.h"
#include "machine/debug/json.h"
#include "machine/debug/monitor_priv.h"
#include "machine/host/terminal.h"

/* ---- JSON ---- */

START_TEST(test_json_values)
{
    char err[128];
    const char *s = "{\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\", \"a\": 3}";
    struct json *v = json_parse(s, strlen(s), err, sizeof err);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->type, JSON_OBJECT);
    const struct json *a = json_get(v, "a"); /* the last of a repeated member */
    ck_assert_int_eq(a->type, JSON_NUMBER);
    ck_assert(a->integer && a->i64 == 3);
    const struct json *arr = v->child;
    ck_assert_int_eq(arr->type, JSON_ARRAY);
    ck_assert(arr->child->integer && arr->child->i64 == 1);
    ck_assert(!arr->child->next->integer && arr->child->next->number == -25.0);
    ck_assert_int_eq(arr->child->next->next->type, JSON_BOOL);
    ck_assert(arr->child->next->next->boolean && !arr->child->next->next->next->boolean);
    ck_assert_int_eq(arr->child->next->next->next->next->type, JSON_NULL);
    ck_assert_str_eq(json_get(v, "s")->str, "x\xc3\xa9\xf0\x9f\x98\x80\n");
    json_free(v);
}
END_TEST

START_TEST(test_json_refused)
{
    static const char *const bad[] = {
        "",         "{",       "{\"a\" 1}", "[1,]",        "{\"a\":1,}",     "01",
        "1.",       "-",       "tru",       "\"\\u0000\"", "\"\\ud800\"",    "\"\\udc00x\"",
        "\"a\nb\"", "\"\\q\"", "{} {}",     "[1] x",       "\"unterminated",
    };
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        struct json *v = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
        ck_assert_msg(v == NULL, "accepted: %s", bad[i]);
        ck_assert_msg(!strncmp(err, "JSON parse error, ", 18), "message for %s: %s", bad[i], err);
    }
    char deep[2 * JSON_MAX_DEPTH + 4];
    memset(deep, '[', JSON_MAX_DEPTH + 1);
    memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
    ck_assert_ptr_null(json_parse(deep, 2 * JSON_MAX_DEPTH + 2, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "nesting too deep"));
    struct json *ok = json_parse(deep + 1, 2 * JSON_MAX_DEPTH, err, sizeof err); /* exactly the limit */
    ck_assert_ptr_nonnull(ok);
    json_free(ok);
}
END_TEST

START_TEST(test_json_writer)
{
    char mem[64];
    struct json_buf b = { mem, sizeof mem, 0, false };
    jb_string(&b, "a\"\\\n\x01\xff\xc3\xa9", 8);
    ck_assert_int_eq(b.len, strlen("\"a\\\"\\\\\\n\\u0001\\u00ff\xc3\xa9\""));
    ck_assert(!memcmp(mem, "\"a\\\"\\\\\\n\\u0001\\u00ff\xc3\xa9\"", b.len));
    ck_assert(!b.truncated);
    jb_raw(&b, mem, sizeof mem); /* does not fit: dropped, flagged */
    ck_assert(b.truncated);
}
END_TEST

/* ---- a machine and a monitor with a sink ---- */

struct out {
    char text[1 << 16];
    size_t len;
};

static void sink(void *opaque, const char *s, size_t n)
{
    struct out *o = opaque;
    ck_assert(o->len + n < sizeof o->text);
    memcpy(o->text + o->len, s, n);
    o->len += n;
    o->text[o->len] = '\0';
}

static struct machine *m;
static struct monitor *mon;
static struct mon_chan *chan;
static struct out out;

static void setup_machine(enum mon_proto proto)
{
    struct rivet_config cfg;
    char err[RIVET_ERR_LEN];
    rivet_config_default(&cfg);
    cfg.ram_size = 1 << 20;
    cfg.nharts = 2;
    m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    struct rivet_boot boot = { .firmware = RIVET_FW_NONE };
    ck_assert(rivet_boot(m, &boot, err, sizeof err));
    mon = monitor_new(m);
    memset(&out, 0, sizeof out);
    chan = mon_attach_sink(mon, proto, sink, &out);
    ck_assert_ptr_nonnull(chan);
}

static void teardown_machine(void)
{
    monitor_free(mon);
    rivet_destroy(m);
}

static const char *feed(const char *s)
{
    out.len = 0;
    out.text[0] = '\0';
    mon_chan_input(chan, (const uint8_t *)s, strlen(s));
    return out.text;
}

START_TEST(test_hmp_memory)
{
    setup_machine(MON_HMP);
    const uint8_t bytes[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xff, 0xfe };
    ck_assert(bus_dma_write(&m->bus, RIVET_RAM_BASE, bytes, sizeof bytes));
    ck_assert_str_eq(feed("xp /2xw 0x80000000\n"), "0000000080000000: 0x44332211 0x88776655\n(rivet) ");
    ck_assert_str_eq(feed("xp /1xg 0x80000000\n"), "0000000080000000: 0x8877665544332211\n(rivet) ");
    ck_assert_str_eq(feed("x/2dh 0x80000008\n"), "0000000080000008:  -257     0\n(rivet) ");
    ck_assert_str_eq(feed("xp /10xb 0x80000000\n"), "0000000080000000: 0x11 0x22 0x33 0x44 0x55 0x66 0x77 0x88\n"
                                                    "0000000080000008: 0xff 0xfe\n(rivet) ");
    /* paging is off in M-mode: x reads the same bytes */
    ck_assert_str_eq(feed("x /1xw 0x80000004\n"), "0000000080000004: 0x88776655\n(rivet) ");
    ck_assert_str_eq(feed("xp /2xg 0x800ffff8\n"),
                     "00000000800ffff8: 0x0000000000000000\nCannot access memory\n(rivet) ");
    ck_assert_str_eq(feed("xp /1xw 0x10000000\n"), "0000000010000000:\nCannot access memory\n(rivet) ");
    ck_assert_str_eq(feed("x /1z 0\n"), "invalid char in format: 'z'\n(rivet) ");
    teardown_machine();
}
END_TEST

START_TEST(test_hmp_commands)
{
    setup_machine(MON_HMP);
    m->harts[1].x[9] = 0xabcdef0123456789ull;
    ck_assert_str_eq(feed("bogus 1 2\n"), "unknown command: 'bogus'\n(rivet) ");
    ck_assert_str_eq(feed("cpu 2\n"), "invalid CPU index\n(rivet) ");
    ck_assert_str_eq(feed("cpu 1\r\n"), "(rivet) "); /* CR LF is one Enter */
    ck_assert_ptr_nonnull(strstr(feed("info registers\n"), " x9/s1    abcdef0123456789"));
    ck_assert_ptr_nonnull(strstr(feed("info cpus\n"), "* CPU #1: pc=0x"));
    ck_assert_str_eq(feed("info status\n"), "VM status: running\n(rivet) ");
    ck_assert_str_eq(feed("stop\n"), "(rivet) ");
    ck_assert(machine_paused(m));
    ck_assert_str_eq(feed("info status\n"), "VM status: paused\n(rivet) ");
    ck_assert_str_eq(feed("c\n"), "(rivet) ");
    ck_assert(!machine_paused(m));
    char longline[MON_LINE_MAX + 10];
    memset(longline, 'a', sizeof longline - 2);
    longline[sizeof longline - 2] = '\n';
    longline[sizeof longline - 1] = '\0';
    ck_assert_str_eq(feed(longline), "line too long (at most 1024 characters): ignored\n(rivet) ");
    ck_assert_str_eq(feed("\x01\x02 info\x7f status\n"), "unknown command: '?"
                                                         "?'\n(rivet) ");
    ck_assert_str_eq(feed("in\x7f\x1b\n"), "unknown command: 'in?"
                                           "?'\n(rivet) ");
    feed("quit\n");
    ck_assert(mon->quit && m->exit_requested && m->exit_code == 0);
    teardown_machine();
}
END_TEST

START_TEST(test_qmp_framing)
{
    setup_machine(MON_QMP);
    ck_assert_str_eq(feed("{\"execute\": \"query-status\"}\n"),
                     "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Expecting capabilities negotiation "
                     "with 'qmp_capabilities'\"}}\r\n");
    ck_assert_str_eq(feed("{\"execute\":\n\"qmp_capabilities\"}"), "{\"return\": {}}\r\n"); /* across lines */
    feed("{\"execute\": \"query-");
    ck_assert_int_eq(out.len, 0); /* half an object: nothing yet */
    const char *want = "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, "
                       "\"id\": [1, \"}\"]}\r\n{\"timestamp\": {\"seconds\": ";
    ck_assert_str_eq(feed("status\", \"id\": [1, \"}\"]}{\"execute\": \"stop\"}"), out.text);
    ck_assert_msg(!strncmp(out.text, want, strlen(want)), "got %s", out.text);
    ck_assert_ptr_nonnull(strstr(out.text, "\"event\": \"STOP\"}\r\n{\"return\": {}}\r\n"));
    ck_assert_str_eq(
        feed("junk { here\n"),
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, invalid token at offset 0\"}}\r\n");
    ck_assert_str_eq(
        feed("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info status\"}}"),
        "{\"return\": \"VM status: paused\\n\"}\r\n");
    ck_assert_str_eq(
        feed("{\"execute\": \"stop\", \"bogus\": 1}"),
        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input member 'bogus' is unexpected\"}}\r\n");
    teardown_machine();
}
END_TEST

/* ---- the mux's focus ---- */

static struct out mux_seen;
static int focus_calls;
static void mux_input(void *opaque, const uint8_t *buf, size_t n) { sink(opaque, (const char *)buf, n); }
static void mux_focus(void *opaque, bool on) { (void)opaque, (void)on, focus_calls++; }

START_TEST(test_mux_focus)
{
    struct mux_state st = { .monitor = mux_input, .focus = mux_focus, .monitor_opaque = &mux_seen };
    uint8_t buf[64];
    const char in[] = "ab\x01"
                      "cinfo\x01\x01"
                      "x\x01"
                      "cz";
    size_t n = mux_filter(&st, (const uint8_t *)in, sizeof in - 1, buf);
    ck_assert_int_eq(n, 3);
    ck_assert(!memcmp(buf, "abz", 3));
    ck_assert_str_eq(mux_seen.text, "info\x01x");
    ck_assert_int_eq(focus_calls, 2);
    ck_assert(!st.monitor_focus);
}
END_TEST

/* ---- pausing ---- */

START_TEST(test_pause_clock)
{
    setup_machine(MON_HMP);
    machine_pause(m);
    uint64_t at = machine_clock(m);
    struct timespec ts = { 0, 60 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    ck_assert_uint_eq(machine_clock(m), at); /* mtime stands still while paused */
    machine_resume(m);
    /* The 60 ms paused are left out for good. */
    ck_assert_uint_ge(machine_ns_since(&m->start), machine_guest_ns(m) + 60 * 1000 * 1000);
    m->cfg.timeout = 0.3;
    machine_pause(m);
    char err[RIVET_ERR_LEN];
    uint64_t before = rivet_instructions(m);
    ck_assert_int_eq(rivet_run(m, err, sizeof err), RIVET_EXIT_LIMIT);
    ck_assert_uint_eq(rivet_instructions(m), before); /* no hart ran while paused */
    teardown_machine();
}
END_TEST

static Suite *monitor_suite(void)
{
    Suite *s = suite_create("monitor");
    TCase *tj = tcase_create("json");
    tcase_add_test(tj, test_json_values);
    tcase_add_test(tj, test_json_refused);
    tcase_add_test(tj, test_json_writer);
    suite_add_tcase(s, tj);
    TCase *tm = tcase_create("monitor");
    tcase_add_test(tm, test_hmp_memory);
    tcase_add_test(tm, test_hmp_commands);
    tcase_add_test(tm, test_qmp_framing);
    tcase_add_test(tm, test_mux_focus);
    tcase_add_test(tm, test_pause_clock);
    tcase_set_timeout(tm, 30);
    suite_add_tcase(s, tm);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(monitor_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
