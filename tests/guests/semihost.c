/* Semihosting from the guest's side (machine/board/semihosting.h): the console
 * calls, the clocks, SYS_GET_CMDLINE, SYS_HEAPINFO, bad pointers, files
 * beneath --semihosting-root (and the paths that must be refused), then the
 * exit form chosen at build time:
 *   (default)       SYS_EXIT {ApplicationExit, 42}         -> status 42
 *   -DEXIT_REASON   SYS_EXIT a1 = RunTimeErrorUnknown      -> status 1
 *   -DEXIT_EXTENDED SYS_EXIT_EXTENDED {ApplicationExit, 7} -> status 7
 * run_semihost.py makes the root (in.txt, gone.txt, link_out -> ../outside.txt)
 * and checks what the guest wrote. -DNO_ROOT: run without a root, where
 * every file operation must fail with EACCES. A check that fails exits
 * through the test device with its number; without -semihosting the first
 * call is a plain ebreak, which start.S's default handler turns into 250. */
#include "guest.h"

#define SYS_OPEN                  0x01
#define SYS_CLOSE                 0x02
#define SYS_WRITEC                0x03
#define SYS_WRITE0                0x04
#define SYS_WRITE                 0x05
#define SYS_READ                  0x06
#define SYS_ISERROR               0x08
#define SYS_ISTTY                 0x09
#define SYS_SEEK                  0x0a
#define SYS_FLEN                  0x0c
#define SYS_REMOVE                0x0e
#define SYS_RENAME                0x0f
#define SYS_CLOCK                 0x10
#define SYS_TIME                  0x11
#define SYS_ERRNO                 0x13
#define SYS_GET_CMDLINE           0x15
#define SYS_HEAPINFO              0x16
#define SYS_EXIT                  0x18
#define SYS_EXIT_EXTENDED         0x20
#define SYS_ELAPSED               0x30
#define SYS_TICKFREQ              0x31
#define ADP_APPLICATION_EXIT      0x20026
#define ADP_RUNTIME_ERROR_UNKNOWN 0x20023

#define EBADF  9
#define EACCES 13
#define EFAULT 14

#ifndef EXPECT_CMDLINE
#define EXPECT_CMDLINE "prog x y"
#endif

/* The semihosting sequence, uncompressed and 16-byte aligned so that its
 * three instructions share a page (RISC-V semihosting spec); a function of
 * its own, so the compiler's code around it cannot disturb the alignment. */
long sh_call(long op, long a1);
__asm__(".text\n.balign 16\n.globl sh_call\nsh_call:\n.option push\n.option norvc\n"
        "slli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\nret\n.option pop\n");

static long sh(long op, const void *arg) { return sh_call(op, (long)arg); }

static long sh_raw(long op, long a1) { return sh(op, (const void *)a1); }

static size_t len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int same(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static long sh_open(const char *path, long mode)
{
    long blk[3] = { (long)path, mode, (long)len(path) };
    return sh(SYS_OPEN, blk);
}

static long sh_errno(void) { return sh(SYS_ERRNO, 0); }

static void console(void)
{
    sh(SYS_WRITE0, "semihost write0\n");
    char c = 'c';
    sh(SYS_WRITEC, &c);
    c = '\n';
    sh(SYS_WRITEC, &c);
    long tt = sh_open(":tt", 4);
    CHECK(1, tt > 0);
    static const char msg[] = "semihost tt write\n";
    long blk[3] = { tt, (long)msg, sizeof msg - 1 };
    CHECK(2, sh(SYS_WRITE, blk) == 0);
    CHECK(3, sh(SYS_ISTTY, &tt) == 1);
    CHECK(4, sh(SYS_CLOSE, &tt) == 0);
}

static void cmdline_and_clocks(void)
{
    char buf[128];
    long blk[2] = { (long)buf, sizeof buf };
    CHECK(10, sh(SYS_GET_CMDLINE, blk) == 0);
    CHECK(11, blk[1] == (long)len(EXPECT_CMDLINE) && same(buf, EXPECT_CMDLINE, sizeof EXPECT_CMDLINE));
    long small[2] = { (long)buf, 3 };
    CHECK(12, sh(SYS_GET_CMDLINE, small) == -1);
    CHECK(13, sh(SYS_TICKFREQ, 0) == TIMEBASE_HZ);
    long ticks = -1;
    CHECK(14, sh(SYS_ELAPSED, &ticks) == 0 && ticks > 0);
    CHECK(15, sh(SYS_CLOCK, 0) >= 0);
    CHECK(16, sh(SYS_TIME, 0) > 1600000000); /* the RTC follows the host clock: after 2020 */
    long heap[4] = { 0 }, *p = heap;
    CHECK(17, sh(SYS_HEAPINFO, &p) == 0);
    extern char __bss_end[]; /* the loaded image's end (the stacks are not loaded) */
    CHECK(18, heap[0] >= (long)__bss_end && heap[0] <= heap[1] && heap[2] == (long)(RAM_BASE + (128UL << 20)) &&
                  heap[3] < heap[2]);
    long v = -1;
    CHECK(19, sh(SYS_ISERROR, &v) == 1);
    v = 5;
    CHECK(20, sh(SYS_ISERROR, &v) == 0);
}

/* Pointers and lengths the host must check: -1 and EFAULT, never a crash. */
static void bad_pointers(void)
{
    CHECK(30, sh_raw(SYS_WRITE0, 0) == -1 && sh_errno() == EFAULT);
    CHECK(31, sh_raw(SYS_OPEN, 0x10) == -1 && sh_errno() == EFAULT);
    long tt = sh_open(":tt", 4);
    long blk[3] = { tt, (long)(RAM_BASE + (128UL << 20) - 8), 64 }; /* runs off the end of RAM */
    CHECK(32, sh(SYS_WRITE, blk) == -1 && sh_errno() == EFAULT);
    blk[1] = -1L;
    CHECK(33, sh(SYS_WRITE, blk) == -1 && sh_errno() == EFAULT);
    long cl[2] = { 0x1000, 256 };
    CHECK(34, sh(SYS_GET_CMDLINE, cl) == -1 && sh_errno() == EFAULT);
    long bogus = 99;
    CHECK(35, sh(SYS_CLOSE, &bogus) == -1 && sh_errno() == EBADF);
    CHECK(36, sh(SYS_CLOSE, &tt) == 0);
}

#ifndef NO_ROOT
static void refused(const char *path, int n) { CHECK(n, sh_open(path, 0) == -1 && sh_errno() != 0); }

static void files(void)
{
    long h = sh_open("in.txt", 1); /* rb */
    CHECK(40, h > 0);
    CHECK(41, sh(SYS_FLEN, &h) == 12);
    char buf[16] = { 0 };
    long rd[3] = { h, (long)buf, 5 };
    CHECK(42, sh(SYS_READ, rd) == 0 && same(buf, "hello", 5));
    long sk[2] = { h, 6 };
    CHECK(43, sh(SYS_SEEK, sk) == 0);
    long rest[3] = { h, (long)buf, 16 };
    CHECK(44, sh(SYS_READ, rest) == 10 && same(buf, "world\n", 6)); /* 6 of 16 read */
    CHECK(45, sh(SYS_READ, rest) == 16);                            /* end of file */
    CHECK(46, sh(SYS_ISTTY, &h) == 0);
    CHECK(47, sh(SYS_CLOSE, &h) == 0);

    /* Nothing outside the root opens, whatever the spelling. */
    refused("../outside.txt", 50);
    CHECK(51, sh_errno() == EACCES);
    refused("/etc/passwd", 52);
    CHECK(53, sh_errno() == EACCES);
    refused("sub/../in.txt", 54);
    refused("link_out", 55); /* a symlink to ../outside.txt */
    refused("missing.txt", 56);

    long w = sh_open("out.txt", 4); /* w */
    CHECK(60, w > 0);
    static const char text[] = "written by the guest\n";
    long wr[3] = { w, (long)text, sizeof text - 1 };
    CHECK(61, sh(SYS_WRITE, wr) == 0);
    CHECK(62, sh(SYS_CLOSE, &w) == 0);
    static const char from[] = "out.txt", to[] = "renamed.txt", gone[] = "gone.txt", esc[] = "../escaped.txt";
    long rn[4] = { (long)from, sizeof from - 1, (long)to, sizeof to - 1 };
    CHECK(63, sh(SYS_RENAME, rn) == 0);
    long rm[2] = { (long)gone, sizeof gone - 1 };
    CHECK(64, sh(SYS_REMOVE, rm) == 0);
    long out[4] = { (long)to, sizeof to - 1, (long)esc, sizeof esc - 1 };
    CHECK(65, sh(SYS_RENAME, out) == -1 && sh_errno() == EACCES);
}

#else
static void no_root(void)
{
    CHECK(70, sh_open("in.txt", 0) == -1 && sh_errno() == EACCES);
    static const char gone[] = "gone.txt";
    long rm[2] = { (long)gone, sizeof gone - 1 };
    CHECK(71, sh(SYS_REMOVE, rm) == -1 && sh_errno() == EACCES);
}
#endif

int main(uint64_t hartid, uint64_t dtb)
{
    CSR_WRITE(mtvec, m_trap_entry); /* without -semihosting: the ebreak lands here */
    console();
    cmdline_and_clocks();
    bad_pointers();
#ifdef NO_ROOT
    no_root();
#else
    files();
#endif
    sh(SYS_WRITE0, "semihost ok\n");
#if defined(EXIT_REASON)
    sh_raw(SYS_EXIT, ADP_RUNTIME_ERROR_UNKNOWN);
#elif defined(EXIT_EXTENDED)
    long blk[2] = { ADP_APPLICATION_EXIT, 7 };
    sh(SYS_EXIT_EXTENDED, blk);
#else
    long blk[2] = { ADP_APPLICATION_EXIT, 42 };
    sh(SYS_EXIT, blk);
#endif
    fail(99); /* the exit call returned */
}
