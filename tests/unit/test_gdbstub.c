/* The gdb stub without a socket: the packet framer (good, truncated, bad
 * checksum, over-long, random bytes) and the commands (registers, memory
 * bounds, breakpoints and watchpoints stopping a hart, hostile arguments). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/gdbstub.h"
#include "machine/machine.h"

static struct machine *m;
static struct gdbstub *g;
static char reply[GDB_REPLY_SIZE];

static void setup(void)
{
    struct rivet_config cfg;
    char err[RIVET_ERR_LEN];
    rivet_config_default(&cfg);
    cfg.ram_size = 1 << 20;
    m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    g = gdbstub_create(m, NULL, false, err, sizeof err);
    ck_assert_msg(g != NULL, "%s", err);
    hart_reset(&m->harts[0], RIVET_RAM_BASE);
}

static void teardown(void)
{
    gdbstub_destroy(g);
    rivet_destroy(m);
}

static enum gdb_action cmd(const char *p) { return gdbstub_command(g, p, strlen(p), reply); }

static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s)
{
    enum gdb_rx_event ev = GDB_RX_NONE;
    for (; *s; s++)
        ev = gdb_rx_byte(rx, (uint8_t)*s);
    return ev;
}

START_TEST(rx_good_and_bad)
{
    struct gdb_rx rx;
    gdb_rx_init(&rx);
    ck_assert_int_eq(feed(&rx, "+$g#67"), GDB_RX_PACKET);
    ck_assert_str_eq(rx.buf, "g");
    ck_assert_int_eq(feed(&rx, "$g#68"), GDB_RX_BAD);      /* wrong checksum */
    ck_assert_int_eq(feed(&rx, "$g#6z"), GDB_RX_BAD);      /* not hex */
    ck_assert_int_eq(feed(&rx, "$qSupported"), GDB_RX_NONE); /* truncated: still waiting */
    ck_assert_int_eq(feed(&rx, "$?#3f"), GDB_RX_PACKET);  /* a new '$' restarts */
    ck_assert_str_eq(rx.buf, "?");
    ck_assert_int_eq(gdb_rx_byte(&rx, 0x03), GDB_RX_INTERRUPT);
}
END_TEST

START_TEST(rx_huge_packet)
{
    struct gdb_rx rx;
    gdb_rx_init(&rx);
    gdb_rx_byte(&rx, '$');
    unsigned sum = 0;
    for (int i = 0; i < 3 * GDB_PACKET_SIZE; i++) {
        ck_assert_int_eq(gdb_rx_byte(&rx, 'a'), GDB_RX_NONE);
        sum += 'a';
    }
    char tail[8];
    snprintf(tail, sizeof tail, "#%02x", sum & 0xff);
    ck_assert_int_eq(feed(&rx, tail), GDB_RX_BAD);
    ck_assert_int_eq(feed(&rx, "$g#67"), GDB_RX_PACKET); /* and it recovers */
}
END_TEST

START_TEST(rx_random_bytes)
{
    struct gdb_rx rx;
    gdb_rx_init(&rx);
    srand(1234);
    for (int i = 0; i < 2000000; i++) {
        enum gdb_rx_event ev = gdb_rx_byte(&rx, (uint8_t)(rand() & 0xff));
        ck_assert(rx.len <= GDB_PACKET_SIZE);
        if (ev == GDB_RX_PACKET)
            ck_assert_uint_eq(strlen(rx.buf) <= rx.len, 1);
    }
}
END_TEST

START_TEST(registers)
{
    struct hart *h = &m->harts[0];
    h->x[10] = 0x1122334455667788ull;
    cmd("g");
    ck_assert_uint_eq(strlen(reply), 33 * 16);
    ck_assert_int_eq(strncmp(reply + 10 * 16, "8877665544332211", 16), 0);
    cmd("p20"); /* pc */
    ck_assert_str_eq(reply, "0000008000000000");
    cmd("P5=efbeadde00000000");
    ck_assert_str_eq(reply, "OK");
    ck_assert_uint_eq(h->x[5], 0xdeadbeef);
    cmd("P0=0100000000000000");
    ck_assert_uint_eq(h->x[0], 0);
    cmd("p1041"); /* priv */
    ck_assert_str_eq(reply, "0300000000000000");
    cmd("p41"); /* CSR 0 is ustatus: absent */
    ck_assert_str_eq(reply, "E01");
    cmd("p385"); /* mstatus = 0x300 + 65 */
    ck_assert_uint_eq(strlen(reply), 16);
    cmd("p43"); /* fflags: 4 bytes */
    ck_assert_uint_eq(strlen(reply), 8);
    const char *bad[] = { "p", "pxyz", "p12345678901234567", "P5", "P5=12", "P5=zz00000000000000", "G00",
                          "pFFFFFFFF" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cmd(bad[i]);
        ck_assert_msg(reply[0] == 'E', "%s -> %s", bad[i], reply);
    }
}
END_TEST

START_TEST(memory)
{
    cmd("M80000010,4:deadbeef");
    ck_assert_str_eq(reply, "OK");
    cmd("m80000010,4");
    ck_assert_str_eq(reply, "deadbeef");
    cmd("X80000010,2:}]}}"); /* escaped '}' and '}' */
    ck_assert_str_eq(reply, "OK");
    cmd("m80000010,2");
    ck_assert_str_eq(reply, "7d5d");
    cmd("m4,4"); /* no RAM or device there */
    ck_assert_str_eq(reply, "E14");
    cmd("mfffffffffffffffe,10");
    ck_assert_str_eq(reply, "E14");
    cmd("m800ffffe,8"); /* runs off the end of RAM: a partial read */
    ck_assert_str_eq(reply, "0000");
    cmd("M4,1:00");
    ck_assert_str_eq(reply, "E14");
    const char *bad[] = { "m", "m80000000", "m80000000,", "m80000000,ffffffff", "M80000000,2:0",
                          "M80000000,1:0g", "X80000000,2:}", "M80000000,1:0000" };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cmd(bad[i]);
        ck_assert_msg(reply[0] == 'E', "%s -> %s", bad[i], reply);
    }
}
END_TEST

/* addi a0,a0,1 ; c.addi a0,1 ; sd a0,0(a1) ; j . */
static void load_program(void)
{
    static const uint8_t code[] = { 0x13, 0x05, 0x15, 0x00, 0x05, 0x05, 0x23, 0xb0, 0xa5, 0x00, 0x6f, 0x00, 0x00, 0x00 };
    uint8_t *ram = bus_ram_ptr(&m->bus, RIVET_RAM_BASE, sizeof code);
    memcpy(ram, code, sizeof code);
    m->harts[0].x[11] = RIVET_RAM_BASE + 0x800;
}

START_TEST(breakpoint_stops)
{
    load_program();
    cmd("Z0,80000004,2"); /* the compressed instruction */
    ck_assert_str_eq(reply, "OK");
    hart_run(&m->harts[0], 100);
    ck_assert_uint_eq(m->harts[0].pc, RIVET_RAM_BASE + 4);
    ck_assert_uint_eq(m->harts[0].x[10], 1);
    cmd("?");
    ck_assert_str_eq(reply, "T05thread:1;swbreak:;");
    cmd("z0,80000004,2");
    ck_assert_str_eq(reply, "OK");
    ck_assert(!m->harts[0].debug);
}
END_TEST

START_TEST(watchpoint_stops)
{
    load_program();
    cmd("Z2,80000800,8");
    ck_assert_str_eq(reply, "OK");
    m->harts[0].yield = false;
    hart_run(&m->harts[0], 100);
    ck_assert_uint_eq(m->harts[0].pc, RIVET_RAM_BASE + 10); /* after the store */
    ck_assert_uint_eq(load_le(bus_ram_ptr(&m->bus, RIVET_RAM_BASE + 0x800, 8), 8), 2);
    cmd("?");
    ck_assert_str_eq(reply, "T05thread:1;watch:80000800;");
    cmd("z2,80000800,8");
    ck_assert_str_eq(reply, "OK");
}
END_TEST

START_TEST(queries)
{
    cmd("qSupported:multiprocess+;swbreak+");
    ck_assert_ptr_nonnull(strstr(reply, "PacketSize=1000"));
    cmd("qXfer:features:read:target.xml:0,40");
    ck_assert_int_eq(reply[0], 'm');
    cmd("qXfer:features:read:target.xml:ffffff,40");
    ck_assert_str_eq(reply, "l");
    cmd("qXfer:features:read:other.xml:0,40");
    ck_assert_int_eq(reply[0], 'E');
    cmd("qfThreadInfo");
    ck_assert_str_eq(reply, "m1");
    cmd("Hg1");
    ck_assert_str_eq(reply, "OK");
    cmd("Hg2");
    ck_assert_str_eq(reply, "E01");
    cmd("T2");
    ck_assert_str_eq(reply, "E01");
    ck_assert_int_eq(cmd("vCont;s:1"), GDB_ACT_STEP);
    ck_assert_int_eq(cmd("vCont;c"), GDB_ACT_RESUME);
    ck_assert_int_eq(cmd("vCont;x"), GDB_ACT_REPLY);
    ck_assert_int_eq(cmd("k"), GDB_ACT_KILL);
    cmd("Z9,0,0");
    ck_assert_str_eq(reply, "");
}
END_TEST

/* Random packets from the command alphabet: nothing may crash (run under
 * ASan/UBSan in the sanitizer build) and every reply stays in bounds. */
START_TEST(random_packets)
{
    static const char alphabet[] = "gGpPmMXZzqHTvcsk?0123456789abcdefABCDEF,:;=-}#$xX";
    char pkt[GDB_PACKET_SIZE];
    srand(99);
    for (int i = 0; i < 200000; i++) {
        size_t len = (size_t)rand() % (i % 100 == 0 ? GDB_PACKET_SIZE : 40);
        for (size_t k = 0; k < len; k++)
            pkt[k] = rand() % 8 ? alphabet[rand() % (sizeof alphabet - 1)] : (char)rand();
        if (len && (pkt[0] == 'c' || pkt[0] == 's' || pkt[0] == 'C' || pkt[0] == 'S'))
            pkt[0] = 'g';
        gdbstub_command(g, pkt, len, reply);
        ck_assert(strlen(reply) < GDB_REPLY_SIZE);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gdbstub");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rx_good_and_bad);
    tcase_add_test(tc, rx_huge_packet);
    tcase_add_test(tc, rx_random_bytes);
    tcase_add_test(tc, registers);
    tcase_add_test(tc, memory);
    tcase_add_test(tc, breakpoint_stops);
    tcase_add_test(tc, watchpoint_stops);
    tcase_add_test(tc, queries);
    tcase_add_test(tc, random_packets);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
