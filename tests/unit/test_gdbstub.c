/* The gdb stub without a TCP socket: the packet framer (good, truncated, bad
 * checksum, over-long, random bytes), the commands (registers, memory
 * bounds, the target description, hostile arguments), and run control on
 * three harts through a socketpair client with rounds run by hand:
 * breakpoints only other harts reach, stop replies selecting the hart,
 * pending events, vCont per-thread actions, Ctrl-C, watchpoints, and
 * breakpoints leaving every other block translated. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "machine/debug/gdbstub.h"
#include "machine/board/machine.h"

static struct machine *m;
static struct gdbstub *g;
static char reply[GDB_REPLY_SIZE];

static void create(unsigned nharts)
{
    struct rivet_config cfg;
    char err[RIVET_ERR_LEN];
    rivet_config_default(&cfg);
    cfg.ram_size = 1 << 20;
    cfg.nharts = nharts;
    cfg.jit = 1; /* eager: translated code must honour breakpoints too */
    m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    g = gdbstub_create(m, NULL, false, err, sizeof err);
    ck_assert_msg(g != NULL, "%s", err);
    hart_reset(&m->harts[0], RIVET_RAM_BASE);
}

static void setup(void) { create(1); }
static void setup_smp(void) { create(3); }

static int client = -1; /* the test's end of the socketpair (attach) */

static void teardown(void)
{
    gdbstub_destroy(g);
    rivet_destroy(m);
    if (client >= 0)
        close(client);
    client = -1;
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
    ck_assert_int_eq(feed(&rx, "$g#68"), GDB_RX_BAD);        /* wrong checksum */
    ck_assert_int_eq(feed(&rx, "$g#6z"), GDB_RX_BAD);        /* not hex */
    ck_assert_int_eq(feed(&rx, "$qSupported"), GDB_RX_NONE); /* truncated: still waiting */
    ck_assert_int_eq(feed(&rx, "$?#3f"), GDB_RX_PACKET);     /* a new '$' restarts */
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
    const char *bad[] = { "p", "pxyz", "p12345678901234567", "P5", "P5=12", "P5=zz00000000000000", "G00", "pFFFFFFFF" };
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
    /* clang-format off */
    const char *bad[] = { "m", "m80000000", "m80000000,", "m80000000,ffffffff", "M80000000,2:0",
                          "M80000000,1:0g", "X80000000,2:}", "M80000000,1:0000" };
    /* clang-format on */
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cmd(bad[i]);
        ck_assert_msg(reply[0] == 'E', "%s -> %s", bad[i], reply);
    }
}
END_TEST

/* addi a0,a0,1 ; c.addi a0,1 ; sd a0,0(a1) ; j . */
static void load_program(void)
{
    static const uint8_t code[] = {
        0x13, 0x05, 0x15, 0x00, 0x05, 0x05, 0x23, 0xb0, 0xa5, 0x00, 0x6f, 0x00, 0x00, 0x00
    };
    uint8_t *ram = bus_ram_ptr(&m->bus, RIVET_RAM_BASE, sizeof code);
    memcpy(ram, code, sizeof code);
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        hart_reset(&m->harts[i], RIVET_RAM_BASE);
        m->harts[i].x[11] = RIVET_RAM_BASE + 0x800 + 8 * i;
    }
}

/* ---- a client on a socketpair, rounds run by hand ---- */

static void attach(void)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    gdbstub_attach(g, sv[0]);
    client = sv[1];
}

/* Queues a packet for the stub, which reads it at its next round. */
static void send_pkt(const char *body)
{
    char frame[256];
    unsigned sum = 0;
    for (const char *c = body; *c; c++)
        sum += (uint8_t)*c;
    int n = snprintf(frame, sizeof frame, "$%s#%02x", body, sum & 0xff);
    ck_assert_int_eq(write(client, frame, (size_t)n), n);
}

/* The next packet body the stub sent (acks skipped); "" when none waits. */
static const char *recv_pkt(void)
{
    static char body[GDB_REPLY_SIZE];
    size_t n = 0;
    char c = 0, sum[2];
    body[0] = '\0';
    while (recv(client, &c, 1, MSG_DONTWAIT) == 1 && c != '$')
        ;
    if (c != '$')
        return body;
    while (recv(client, &c, 1, MSG_DONTWAIT) == 1 && c != '#' && n < sizeof body - 1)
        body[n++] = c;
    body[n] = '\0';
    ck_assert_int_eq(recv(client, sum, 2, MSG_DONTWAIT), 2);
    return body;
}

static void stub_round(void)
{
    int status;
    ck_assert(!gdbstub_round(g, &status));
}

/* The hart part of a round, the board's own (machine.h), then the yields
 * are cleared as between rounds. */
static void run_harts(void)
{
    ck_assert(machine_run_round(m));
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].yield = false;
}

/* The pc in a 'g' reply (register 32, little-endian hex). */
static uint64_t g_reply_pc(const char *r)
{
    uint64_t v = 0;
    ck_assert_uint_eq(strlen(r), 33 * 16);
    for (int i = 7; i >= 0; i--) {
        unsigned b;
        ck_assert_int_eq(sscanf(r + 32 * 16 + 2 * i, "%2x", &b), 1);
        v = v << 8 | b;
    }
    return v;
}

START_TEST(breakpoint_stops)
{
    load_program();
    cmd("Z0,80000004,2"); /* the compressed instruction */
    ck_assert_str_eq(reply, "OK");
    hart_run(&m->harts[0], 100);
    ck_assert_uint_eq(m->harts[0].pc, RIVET_RAM_BASE + 4);
    ck_assert_uint_eq(m->harts[0].x[10], 1);
    cmd("z0,80000004,2");
    ck_assert_str_eq(reply, "OK");
    ck_assert_ptr_null(m->harts[0].breaks);
}
END_TEST

/* A store to the watched word stops the hart right after it, whatever runs
 * the block (here translated at once). */
START_TEST(watchpoint_stops)
{
    load_program();
    attach();
    send_pkt("Z2,80000800,8");
    send_pkt("vCont;c");
    stub_round();
    ck_assert_str_eq(recv_pkt(), "OK");
    run_harts();
    ck_assert_uint_eq(m->harts[0].pc, RIVET_RAM_BASE + 10); /* after the store */
    ck_assert_uint_eq(load_le(bus_ram_ptr(&m->bus, RIVET_RAM_BASE + 0x800, 8), 8), 2);
    send_pkt("z2,80000800,8");
    send_pkt("vCont;c");
    stub_round();
    ck_assert_str_eq(recv_pkt(), "T05thread:1;watch:80000800;");
    ck_assert_str_eq(recv_pkt(), "OK");
    run_harts();
    ck_assert_uint_gt(m->harts[0].instret, 100); /* on in its loop */
}
END_TEST

/* A breakpoint every hart reaches: each continue stops the next hart, and
 * the stop reply makes it the current one, so a 'g' without Hg reads the
 * hart that stopped (the pc at the breakpoint). */
START_TEST(smp_each_hart_in_turn)
{
    load_program();
    attach();
    send_pkt("Z0,80000004,2");
    send_pkt("vCont;c");
    stub_round();
    ck_assert_str_eq(recv_pkt(), "OK");
    run_harts();
    /* Hart 0 stopped after one instruction; the others ran as far. */
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_uint_eq(m->harts[i].pc, RIVET_RAM_BASE + 4);
        ck_assert_uint_eq(m->harts[i].instret, 1);
    }
    for (unsigned t = 1; t <= 3; t++) {
        char want[64];
        send_pkt("g");
        send_pkt("qC");
        send_pkt("vCont;c");
        stub_round();
        snprintf(want, sizeof want, "T05thread:%u;swbreak:;", t);
        ck_assert_str_eq(recv_pkt(), want);
        ck_assert_uint_eq(g_reply_pc(recv_pkt()), RIVET_RAM_BASE + 4);
        snprintf(want, sizeof want, "QC%u", t);
        ck_assert_str_eq(recv_pkt(), want);
        run_harts();
    }
    for (unsigned i = 0; i < 3; i++) /* each went past it once, then looped */
        ck_assert_uint_eq(m->harts[i].pc, RIVET_RAM_BASE + 10);
}
END_TEST

/* vCont;s:1;c steps hart 0 while the others run a round, in which hart 1
 * hits the breakpoint: the step is reported, hart 1's stop stays pending
 * and the next continue reports it at once, running nothing. */
START_TEST(smp_pending_event)
{
    load_program();
    attach();
    send_pkt("Z0,80000004,2");
    send_pkt("vCont;c");
    stub_round();
    run_harts(); /* hart 0 stops at the breakpoint */
    send_pkt("vCont;s:1;c");
    stub_round();
    ck_assert_str_eq(recv_pkt(), "OK");
    ck_assert_str_eq(recv_pkt(), "T05thread:1;swbreak:;");
    ck_assert_uint_eq(m->harts[0].pc, RIVET_RAM_BASE + 6); /* stepped at once */
    run_harts();
    ck_assert_uint_eq(m->harts[0].pc, RIVET_RAM_BASE + 6); /* held while the others ran */
    ck_assert_uint_eq(m->harts[1].pc, RIVET_RAM_BASE + 4);
    uint64_t ran2 = m->harts[2].instret, ran0 = m->harts[0].instret;
    send_pkt("vCont;c");
    send_pkt("p20");
    send_pkt("vCont;c:3"); /* scheduler-locking: only hart 2 */
    stub_round();
    ck_assert_str_eq(recv_pkt(), "T05thread:1;");          /* the step first */
    ck_assert_str_eq(recv_pkt(), "T05thread:2;swbreak:;"); /* pending: reported without running */
    ck_assert_str_eq(recv_pkt(), "0400008000000000");
    ck_assert_uint_eq(m->harts[2].instret, ran2);
    ck_assert_uint_eq(m->harts[0].instret, ran0);
    run_harts();
    ck_assert_uint_eq(m->harts[0].instret, ran0); /* held */
    ck_assert_uint_eq(m->harts[1].pc, RIVET_RAM_BASE + 4);
    ck_assert_uint_eq(m->harts[2].pc, RIVET_RAM_BASE + 4); /* ran, hit it */
    send_pkt("vCont;s:2");                                 /* hart 1 alone, one instruction, reported at once */
    send_pkt("vCont;c");
    stub_round();
    ck_assert_str_eq(recv_pkt(), "T05thread:3;swbreak:;");
    ck_assert_str_eq(recv_pkt(), "T05thread:2;");
    ck_assert_uint_eq(m->harts[1].pc, RIVET_RAM_BASE + 6);
    ck_assert_uint_eq(m->harts[0].instret, ran0);
}
END_TEST

/* A pending breakpoint stop is dropped once gdb removes the breakpoint. */
START_TEST(smp_stale_event_dropped)
{
    load_program();
    attach();
    send_pkt("Z0,80000004,2");
    send_pkt("vCont;c");
    stub_round();
    run_harts();
    send_pkt("vCont;s:1;c");
    stub_round();
    run_harts(); /* hart 1's stop pending */
    send_pkt("z0,80000004,2");
    send_pkt("vCont;c");
    stub_round();
    ck_assert_str_eq(recv_pkt(), "OK");
    ck_assert_str_eq(recv_pkt(), "T05thread:1;swbreak:;");
    ck_assert_str_eq(recv_pkt(), "T05thread:1;");
    ck_assert_str_eq(recv_pkt(), "OK");
    ck_assert_str_eq(recv_pkt(), ""); /* nothing more: the machine runs */
    run_harts();
    ck_assert_uint_eq(m->harts[1].pc, RIVET_RAM_BASE + 10);
}
END_TEST

/* Ctrl-C while the harts run: every hart stops, the current one is named
 * with SIGINT; D lets them run on. */
START_TEST(smp_ctrl_c)
{
    load_program();
    attach();
    send_pkt("vCont;c");
    stub_round();
    ck_assert_int_eq(write(client, "\x03", 1), 1);
    send_pkt("D");
    for (unsigned i = 0; i < GDB_POLL_ROUNDS; i++) {
        stub_round();
        run_harts();
    }
    ck_assert_str_eq(recv_pkt(), "T02thread:1;");
    ck_assert_str_eq(recv_pkt(), "OK");
    uint64_t before = m->harts[2].instret;
    run_harts();
    ck_assert_uint_gt(m->harts[2].instret, before);
}
END_TEST

/* Random sessions of run-control packets, thread ids in and out of range:
 * each batch ends with the client shutting its side, which the stub takes
 * as a lost connection (it lets the harts run on). Nothing may crash or
 * hang, and every stop reply names one of the three harts. */
START_TEST(smp_random_sessions)
{
    static const char *const forms[] = {
        /* clang-format off */
        "vCont;c", "vCont;s:%x", "vCont;s:%x;c", "vCont;c:%x", "vCont;t:%x", "vCont;S05:%x;c", "vCont;C02",
        "c", "s", "Hg%x", "Hc%x", "Hc-1", "Z0,8000000%x,2", "z0,8000000%x,2", "Z0,80000004,2", "Z2,80000800,8",
        "z2,80000800,8", "?", "g", "qThreadExtraInfo,%x", "p20", "T%x", "qC", "vCont;s:-1", "vCont;x:1",
        /* clang-format on */
    };
    load_program();
    srand(7);
    for (int batch = 0; batch < 200; batch++) {
        attach();
        for (int k = 0; k < 12; k++) {
            char pkt[64];
            snprintf(pkt, sizeof pkt, forms[rand() % (sizeof forms / sizeof forms[0])], rand() % 6);
            send_pkt(pkt);
        }
        ck_assert_int_eq(shutdown(client, SHUT_WR), 0);
        for (unsigned i = 0; i <= GDB_POLL_ROUNDS; i++) { /* the stub notices the end by then */
            stub_round();
            run_harts();
        }
        for (const char *r = recv_pkt(); *r; r = recv_pkt())
            if (r[0] == 'T') {
                unsigned t;
                ck_assert_int_eq(sscanf(r + 3, "thread:%x;", &t), 1);
                ck_assert(t >= 1 && t <= 3);
            }
        close(client);
        client = -1;
        for (unsigned i = 0; i < 3; i++) /* detached: nothing held, no breakpoint left */
            ck_assert(!m->harts[i].debug_hold && !m->harts[i].breaks);
    }
}
END_TEST

/* 0: addi a0,a0,1; 4: j 12; 8: addi a2,a2,1 (never runs); 12: addi a1,a1,1;
 * 16: j 0. The decoder follows both j's: one block is the whole loop. */
static void load_loop(void)
{
    static const uint8_t code[] = { 0x13, 0x05, 0x15, 0x00, 0x6f, 0x00, 0x80, 0x00, 0x13, 0x06,
                                    0x16, 0x00, 0x93, 0x85, 0x15, 0x00, 0x6f, 0xf0, 0x1f, 0xff };
    memcpy(bus_ram_ptr(&m->bus, RIVET_RAM_BASE, sizeof code), code, sizeof code);
    hart_reset(&m->harts[0], RIVET_RAM_BASE);
}

static bool in_jcache(struct hart *h, uint64_t pc)
{
    const struct jcache_entry *j = jcache_slot(h, pc);
    return j->vpc == pc && j->gen == jcache_key(h);
}

/* Breakpoints and watchpoints elsewhere leave the loop's block translated
 * and chained; one on the loop's followed j's stops there at once, though
 * the block was hot in the jump cache. */
START_TEST(breaks_cost_nothing_elsewhere)
{
    struct hart *h = &m->harts[0];
    struct rivet_code_stats st;
    load_loop();
    cmd("Z0,80000008,4"); /* between the instructions, never run */
    cmd("Z0,80002000,4");
    cmd("Z2,80004000,8");
    hart_run(h, 100000);
    ck_assert_uint_ge(h->instret, 100000);
    rivet_code_stats(m, &st);
    ck_assert_uint_ge(st.translated, 1);
    ck_assert(in_jcache(h, RIVET_RAM_BASE));
    ck_assert_uint_eq(h->x[12], 0);
    cmd("Z0,80000004,4"); /* the j the block left out */
    hart_run(h, 100000);
    ck_assert_uint_eq(h->pc, RIVET_RAM_BASE + 4);
    ck_assert(!in_jcache(h, RIVET_RAM_BASE));
    cmd("z0,80000004,4");
    cmd("Z0,80000010,4");  /* the backward j */
    h->yield = false;      /* as the board does between rounds */
    h->debug_hold = false; /* as the stub does when it resumes the hart */
    hart_run(h, 100000);
    ck_assert_uint_eq(h->pc, RIVET_RAM_BASE + 16);
    ck_assert_uint_eq(h->x[10], h->x[11]);
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
    cmd("qThreadExtraInfo,1");
    ck_assert_str_eq(reply, "686172742030"); /* "hart 0" */
    cmd("vCont?");
    ck_assert_str_eq(reply, "vCont;c;C;s;S;t");
    ck_assert_int_eq(cmd("vCont;s:1"), GDB_ACT_RESUME);
    ck_assert_int_eq(gdbstub_resumes(g, 0), 's');
    ck_assert_int_eq(cmd("vCont;c"), GDB_ACT_RESUME);
    ck_assert_int_eq(gdbstub_resumes(g, 0), 'c');
    ck_assert_int_eq(cmd("vCont;t:1"), GDB_ACT_REPLY); /* nothing runs: a stop reply */
    ck_assert_int_eq(reply[0], 'T');
    ck_assert_int_eq(cmd("vCont;x"), GDB_ACT_REPLY);
    ck_assert_int_eq(reply[0], 'E');
    ck_assert_int_eq(gdbstub_resumes(g, 0), 'c'); /* a refused vCont changes nothing */
    ck_assert_int_eq(cmd("k"), GDB_ACT_KILL);
    cmd("Z9,0,0");
    ck_assert_str_eq(reply, "");
}
END_TEST

/* The whole target description through qXfer, in 0x200-byte pieces. */
static void read_tdesc(char *xml, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char q[64];
        snprintf(q, sizeof q, "qXfer:features:read:target.xml:%zx,200", n);
        cmd(q);
        ck_assert(reply[0] == 'm' || reply[0] == 'l');
        for (const char *c = reply + 1; *c; c++) {
            char ch = *c == '}' ? (char)(*++c ^ 0x20) : *c;
            ck_assert_uint_lt(n, cap - 1);
            xml[n++] = ch;
        }
        if (reply[0] == 'l')
            break;
    }
    xml[n] = '\0';
}

/* Every CSR the hart has is in the csr feature by its spec name, and reads
 * and writes by that regnum (gdb's: 65 + the CSR number). */
START_TEST(target_description_csrs)
{
    static char xml[GDB_REPLY_SIZE * 8];
    read_tdesc(xml, sizeof xml);
    const char *want[] = { "name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"833\"",
                           "name=\"mscratch\" bitsize=\"64\" type=\"int\" regnum=\"897\"",
                           /* clang-format off */
                           "name=\"satp\"", "name=\"stimecmp\"", "name=\"mcountinhibit\"",
                           "name=\"pmpcfg0\"", "name=\"pmpaddr63\"", "name=\"mhpmcounter31\"",
                           "name=\"mhpmevent3\"", "name=\"hpmcounter3\"", "name=\"tselect\"",
                           "name=\"cycle\"", "name=\"fcsr\"",
                           /* clang-format on */
                           "<feature name=\"org.gnu.gdb.riscv.virtual\">\n<reg name=\"priv\"" };
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(xml, want[i]), "missing %s", want[i]);
    ck_assert_ptr_null(strstr(xml, "name=\"csr"));       /* every CSR has its name */
    ck_assert_ptr_null(strstr(xml, "name=\"ustatus\"")); /* and absent ones are absent */
    ck_assert_ptr_nonnull(strstr(xml, "</target>"));
    cmd("P381=0500000000000000"); /* mscratch = 5 */
    ck_assert_str_eq(reply, "OK");
    ck_assert_uint_eq(m->harts[0].mscratch, 5);
    cmd("p381");
    ck_assert_str_eq(reply, "0500000000000000");
    cmd("pf55"); /* mhartid: 65 + 0xf14 */
    ck_assert_str_eq(reply, "0000000000000000");
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
    tcase_add_test(tc, target_description_csrs);
    tcase_add_test(tc, breaks_cost_nothing_elsewhere);
    suite_add_tcase(s, tc);
    TCase *smp = tcase_create("smp");
    tcase_add_checked_fixture(smp, setup_smp, teardown);
    tcase_set_timeout(smp, 60);
    tcase_add_test(smp, smp_each_hart_in_turn);
    tcase_add_test(smp, smp_pending_event);
    tcase_add_test(smp, smp_stale_event_dropped);
    tcase_add_test(smp, smp_ctrl_c);
    tcase_add_test(smp, smp_random_sessions);
    suite_add_tcase(s, smp);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
