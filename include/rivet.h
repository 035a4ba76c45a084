/*
 * rivet: the public library interface. The `rivet` program is a thin front
 * end over these few calls; unit tests and other programs may use them too.
 *
 * Usage
 *     struct rivet_config cfg;
 *     rivet_config_default(&cfg);
 *     cfg.ram_size = 256 << 20;
 *     char err[RIVET_ERR_LEN];
 *     struct machine *m = rivet_create(&cfg, err, sizeof err);
 *     struct rivet_boot boot = { .firmware = RIVET_FW_BUILTIN, .kernel = "Image" };
 *     if (!m || !rivet_boot(m, &boot, err, sizeof err)) ... print err ...
 *     (or rivet_load(m, "prog.elf", ...) for a bare M-mode program)
 *     int status = rivet_run(m, err, sizeof err);   (err: why the run ended, or "")
 *     rivet_destroy(m);
 *
 * Contract
 * - Errors are returned, never printed: a failing call fills `err` with one
 *   line (no trailing newline) that names the problem and the file, without
 *   the "rivet: " prefix; a line longer than the buffer keeps its start and
 *   its reason (rivet/errfmt.h). The library never exits the process.
 *   Problems during a run that do not end it (the network helper died and
 *   was restarted, a log or the -snapshot overlay cannot be written, the
 *   entropy file ran out) are reported once each, as one "rivet: " line on
 *   stderr after the console output written so far.
 * - Files named in the config are checked before use (machine/host/hostfile.h):
 *   inputs must be regular files (never a FIFO or device that could hang or
 *   never end) and are read no further than the guest's RAM; outputs may be
 *   regular files, FIFOs or character devices, opened without blocking.
 * - The guest's own console output (HTIF) goes to the host's stdout/stderr;
 *   the UART goes where cfg.serial says (nowhere by default, so a library
 *   user or a unit test never touches the terminal unless it asks to).
 * - No global state: any number of machines may exist in one process; each is
 *   used by one thread at a time. rivet_request_stop() is the exception: it is
 *   async-signal-safe and may be called from a signal handler or other thread.
 */
#ifndef RIVET_H
#define RIVET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RIVET_VERSION "0.1.0"
/* The harts' machine ids (README, "Documented choices"): mvendorid 0 (no
 * JEDEC vendor id, as QEMU), marchid "rivt" in ASCII (non-zero with the
 * MSB clear, the open-source form; rivet holds no entry of RISC-V's
 * registry, whose ids are small numbers, so it cannot be taken for one),
 * mimpid the version as major << 16 | minor << 8 | patch (as QEMU does). */
#define RIVET_MARCHID UINT64_C(0x72697674)
#define RIVET_MIMPID  UINT64_C(0x000100) /* RIVET_VERSION */
#define RIVET_ERR_LEN 1024 /* messages longer than this keep their start and their reason (rivet/errfmt.h) */

/* Process exit statuses (documented in `rivet --help`). A guest verdict is
 * its exit code's low 8 bits, except that a nonzero code whose low 8 bits are
 * zero becomes 1, so a failing guest never looks like a pass. */
enum rivet_exit {
    RIVET_EXIT_PASS = 0,
    RIVET_EXIT_STUCK = 122,    /* --stuck=exit: a hart is stuck (machine/debug/log.h) */
    RIVET_EXIT_EXPECT = 123,   /* an --expect-script wait timed out */
    RIVET_EXIT_LIMIT = 124,    /* --timeout or --max-insns reached, or a deadlock (rivet_run) */
    RIVET_EXIT_USAGE = 125,    /* bad flag, bad file */
    RIVET_EXIT_INTERNAL = 126, /* host failure (out of memory, ...) */
    RIVET_EXIT_SIGNAL = 128,   /* + signal number: stopped by rivet_request_stop; + SIGPIPE (141):
                                * the console's reader went away (a failed write, EPIPE) */
};

#define RIVET_RAM_BASE     0x80000000ull
#define RIVET_MAX_HARTS    8
#define RIVET_TIMEBASE_HZ  10000000ull /* mtime frequency: 10 MHz */
#define RIVET_VIRTIO_SLOTS 8           /* virtio-mmio transports, virtio-mmio-bus.0 .. .7 */
/* Where a virtio device sits: a virtio-mmio slot (0..RIVET_VIRTIO_SLOTS-1),
 * or PCI device d (1..31) on bus pcie.0 at RIVET_PCI_SLOT(d), a virtio-pci
 * function 00:d.0 (device 0 is the host bridge). */
#define RIVET_PCI_SLOTS    32
#define RIVET_DEV_SLOTS    (RIVET_VIRTIO_SLOTS + RIVET_PCI_SLOTS)
#define RIVET_PCI_SLOT(d)  (RIVET_VIRTIO_SLOTS + (d))
#define RIVET_MAX_HOSTFWD  8 /* hostfwd rules of the user network */
#define RIVET_PFLASH_BANKS 2 /* -drive if=pflash,unit=0|1 */
#define RIVET_PCI_INPUTS   3 /* virtio-keyboard-pci, virtio-tablet-pci, virtio-mouse-pci */

/* Where the UART's bytes go (QEMU -serial). */
enum rivet_serial {
    RIVET_SERIAL_NONE = 0,  /* output dropped, no input (library default) */
    RIVET_SERIAL_STDIO,     /* stdin/stdout, raw tty */
    RIVET_SERIAL_MUX_STDIO, /* the same with the Ctrl-A escape keys (mon:stdio, -nographic) */
    RIVET_SERIAL_FILE,      /* output to serial_path (created or truncated), no input */
};

/* A raw disk image on a virtio-blk device in slot `slot` (virtio-mmio, or
 * RIVET_PCI_SLOT(d) for virtio-blk-pci). */
struct rivet_drive {
    const char *path;
    bool readonly; /* opened read-only; the guest sees VIRTIO_BLK_F_RO */
    unsigned slot; /* 0..RIVET_DEV_SLOTS-1 (above), distinct per device */
};

enum rivet_thread_mode { RIVET_THREAD_DEFAULT = 0, RIVET_THREAD_SINGLE, RIVET_THREAD_MULTI };

enum rivet_rtc_mode { RIVET_RTC_DEFAULT = 0, RIVET_RTC_HOST, RIVET_RTC_FIXED };
#define RIVET_ICOUNT_RTC_BASE 1767225600 /* 2026-01-01T00:00:00Z */

struct rivet_config {
    uint64_t ram_size; /* bytes, a multiple of 4 KiB */
    unsigned nharts;   /* 1..RIVET_MAX_HARTS */
    /* The harts' ISA in QEMU's -cpu spelling, MODEL[,EXT=on|off]... (models
     * rv64, rva22s64, rva23s64, max); NULL = rv64, what rivet implemented
     * before -cpu. A bad one makes rivet_create fail. */
    const char *cpu;
    FILE *trace;        /* non-NULL: one line per retired instruction; not closed by rivet */
    double timeout;     /* wall-clock seconds from rivet_create (loading the guest counts); 0 = no limit */
    uint64_t max_insns; /* instructions retired over all harts; 0 = no limit */
    /* -accel tcg,thread=: how the harts map to host threads (machine.h,
     * "Threads"). RIVET_THREAD_DEFAULT is multi for nharts > 1 and single
     * otherwise; -icount always runs single (multi with icount: rivet_create
     * refuses it). */
    int thread; /* enum rivet_thread_mode */

    /* The virt board. */
    enum rivet_serial serial;
    const char *serial_path; /* RIVET_SERIAL_FILE */
    bool virtio_legacy;      /* virtio-mmio version 1 (force-legacy=true, rivet_config_default's
                                    choice, as QEMU's); false: version 2 */
    bool snapshot;           /* every drive: writes go to an overlay file, the image is untouched */
    bool no_reboot;          /* a reset request ends the run quietly instead of rebooting */
    unsigned ndrives;
    struct rivet_drive drives[RIVET_DEV_SLOTS];
    /* The two CFI flash banks at 0x20000000 and 0x22000000 (-drive
     * if=pflash,unit=N, -pflash): a raw image of exactly 32 MiB each, or
     * NULL (the bank reads zeros and keeps what the guest programs in
     * memory only, as QEMU's). Locked, read-only and -snapshot as drives. */
    const char *pflash[RIVET_PFLASH_BANKS];
    bool pflash_readonly[RIVET_PFLASH_BANKS];
    /* A virtio-rng device in slot rng_slot (virtio-mmio or PCI, as drives). Its bytes come from
     * rng_file when set (read as a stream), else the host's getrandom(); under
     * -icount without rng_file, from a fixed-seed generator, so runs repeat. */
    bool rng;
    unsigned rng_slot;
    const char *rng_file;
    /* A virtio-net device in slot net_slot (virtio-mmio or PCI) on user-mode networking (QEMU's
     * -netdev user: 10.0.2.0/24, gateway 10.0.2.2, DNS 10.0.2.3, the guest
     * 10.0.2.15 by DHCP), with net_mac (all zero: 52:54:00:12:34:56) and
     * QEMU-style hostfwd rules "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT". */
    bool net;
    unsigned net_slot;
    uint8_t net_mac[6];
    unsigned net_nhostfwd;
    const char *net_hostfwd[RIVET_MAX_HOSTFWD];
    bool net_restrict; /* restrict=on: the guest reaches nothing outside; hostfwd still works */
    /* An executable to run libslirp in, a process of its own, so that a
     * crash there takes the link down for a moment instead of the emulator
     * (machine/host/net.h: the rivet program gives "/proc/self/exe", itself,
     * which then runs as `--net-helper`). NULL: slirp runs in this process.
     * Either way every guest frame passes rivet's frame filter first. */
    const char *net_helper;

    /* virtio-keyboard-pci, virtio-tablet-pci and virtio-mouse-pci (in that
     * order, devices/virtio_input.h's kinds): each one's slot,
     * RIVET_PCI_SLOT(d), or 0 for none. They get no host input: the
     * display's own keyboard and tablet (below) do. */
    unsigned input_slot[RIVET_PCI_INPUTS];

    /* The display devices (machine/host/display.h): nonzero sizes give the guest a
     * fb_width x fb_height simple framebuffer in reserved RAM and a
     * virtio-input keyboard and tablet in the highest free virtio-mmio slots. */
    unsigned fb_width, fb_height;

    /* Debugging and determinism (machine/debug/debug.c). All zero = off. */
    const char *gdb;       /* gdb stub: "tcp:[HOST]:PORT" (-s = "tcp::1234"), loopback by default */
    bool gdb_wait;         /* -S: wait for gdb before the first instruction */
    bool icount;           /* -icount: virtual time = instructions << icount_shift ns */
    int jit;               /* --jit: 0 on (default), -1 off (all threaded), 1 eager (cpu/jit.h) */
    bool perfmap;          /* -perfmap: /tmp/perf-PID.map names the translations for perf */
    unsigned icount_shift; /* 0..20 */
    /* -rtc base=: RIVET_RTC_DEFAULT is the host's time, except under -icount,
     * where the RTC starts at RIVET_ICOUNT_RTC_BASE so runs repeat exactly. */
    int rtc_mode;              /* enum rivet_rtc_mode */
    int64_t rtc_base;          /* RIVET_RTC_FIXED: seconds since 1970 at start-up */
    const char *expect_script; /* --expect-script FILE: wait/send/sleep/exit on the UART console */
    const char *console_log;   /* --console-log FILE: every UART output byte teed to FILE */
    /* The monitor (machine/debug/monitor.h): QEMU's -monitor and -qmp values,
     * "stdio", "unix:PATH,server,nowait", "tcp:HOST:PORT,server,nowait";
     * NULL = none. RIVET_SERIAL_MUX_STDIO also reaches the HMP monitor
     * (Ctrl-A c). */
    const char *monitor;
    const char *qmp;
    bool start_paused; /* -S without gdb: paused (machine_pause) until a monitor's cont */
    /* Library callers that feed input themselves (display_key, ...): rivet_run
     * returns RIVET_EXIT_LIMIT ("every hart waits for input") when every hart
     * waits with no timer deadline ahead, instead of sleeping for input. */
    bool return_on_idle;

    /* The headless test harness. All zero = off. */
    bool semihosting;                /* -semihosting: serve the semihosting sequence (machine/board/semihosting.h) */
    bool semihosting_user;           /* ...from U-mode too (-semihosting-config userspace=on) */
    const char *semihosting_root;    /* file operations only beneath this directory; NULL: none allowed */
    const char *semihosting_cmdline; /* SYS_GET_CMDLINE (arg=...); NULL: the kernel's path and -append */
    /* Spike's signature dump (rivet_write_signature): with a path here,
     * rivet_boot refuses a kernel without begin_signature/end_signature;
     * signature_granularity bytes a line (0: Spike's default, 16). */
    const char *signature;
    unsigned signature_granularity;
    /* -d ITEMS: RIVET_LOG_* bits, lines to log_file (NULL: stderr). in_asm,
     * exec and cpu are --trace's lines: the caller sets `trace` for them. */
    unsigned log_items;
    FILE *log_file;
    int stuck; /* enum rivet_stuck: what a stuck hart makes rivet do (machine/debug/log.h) */
};

/* What rivet does when a hart is stuck (--stuck). */
enum rivet_stuck { RIVET_STUCK_WARN = 0, RIVET_STUCK_EXIT, RIVET_STUCK_OFF };

/* -d items (QEMU's names; machine/debug/log.h). */
#define RIVET_LOG_INT          0x01u /* traps and interrupts taken */
#define RIVET_LOG_CPU_RESET    0x02u /* the harts' state at reset */
#define RIVET_LOG_GUEST_ERRORS 0x04u /* refused MMIO: unmapped, bad size, a register the device refuses */
#define RIVET_LOG_UNIMP        0x08u /* instructions and CSRs rivet does not implement */
#define RIVET_LOG_IN_ASM       0x10u /* the three trace items: --trace's lines */
#define RIVET_LOG_EXEC         0x20u
#define RIVET_LOG_CPU          0x40u
#define RIVET_LOG_TRACE        (RIVET_LOG_IN_ASM | RIVET_LOG_EXEC | RIVET_LOG_CPU)

/* What runs first (QEMU -bios). */
enum rivet_firmware {
    RIVET_FW_NONE,    /* -bios none: the kernel itself in M-mode at its entry */
    RIVET_FW_BUILTIN, /* no -bios: rivet's SBI; the kernel in S-mode at 0x80200000 */
    RIVET_FW_FILE,    /* -bios FILE: the firmware in M-mode at 0x80000000, kernel at 0x80200000 */
};

struct rivet_boot {
    enum rivet_firmware firmware;
    const char *bios;   /* RIVET_FW_FILE: ELF or raw image */
    const char *kernel; /* ELF, Linux Image or raw; may be NULL (no kernel) */
    const char *initrd; /* optional */
    const char *append; /* optional: /chosen bootargs */
    const char *dtb;    /* optional: a device tree blob replacing the generated one */
    /* Set when rivet_loadvm replaces RAM next: every file is opened and
     * checked and its place in RAM worked out as usual (the same errors),
     * but nothing is read into RAM, which a restore would throw away (a
     * clone's start-up, issue 23). rivet_run refuses such a machine until a
     * restore has succeeded; a reboot loads the images for real. */
    bool ram_from_snapshot;
};

struct machine;

/* 128 MiB, one hart, no trace, no limits. */
void rivet_config_default(struct rivet_config *cfg);

/* NULL on failure (err filled). */
struct machine *rivet_create(const struct rivet_config *cfg, char *err, size_t errlen);

/* Loads the firmware, kernel, initrd and device tree and resets the harts
 * the way QEMU's virt boot ROM leaves them: a0 = hart id, a1 = device tree
 * address, a2 = fw_dynamic_info (in the boot ROM at 0x1000), pc = the
 * firmware's (or with -bios none the kernel's) entry, M-mode. With the
 * built-in SBI, hart 0 starts in S-mode at the kernel and the others wait
 * (stopped) for an SBI hart_start. An ELF (kernel, or -bios none program)
 * defining `tohost` gets an HTIF device there. Call once. */
bool rivet_boot(struct machine *m, const struct rivet_boot *boot, char *err, size_t errlen);

/* rivet_boot with RIVET_FW_NONE and `path` as the kernel: an ELF (PT_LOAD
 * segments at their physical addresses) or a raw image at RIVET_RAM_BASE. */
bool rivet_load(struct machine *m, const char *path, char *err, size_t errlen);

/* Snapshots (machine/board/snapshot.h): the whole machine to a file, and
 * back. rivet_loadvm goes after rivet_boot (the same options as when the
 * file was saved) and before rivet_run; it checks everything in the file
 * before it changes anything, and err then names the option that differs
 * ("-loadvm FILE: made with -smp 4, this machine has -smp 2"). */
bool rivet_savevm(struct machine *m, const char *path, char *err, size_t errlen);
bool rivet_loadvm(struct machine *m, const char *path, char *err, size_t errlen);

/* Writes the device tree the guest gets (after rivet_boot) to path. */
bool rivet_dump_dtb(struct machine *m, const char *path, char *err, size_t errlen);

/* Instructions retired over all harts so far. */
uint64_t rivet_instructions(const struct machine *m);
/* One hart's share: instructions retired, and the host CPU time its thread
 * used in the last rivet_run with thread=multi (0 with thread=single, where
 * the harts share the caller's thread). After rivet_run; hart < nharts. */
struct rivet_hart_stats {
    uint64_t instructions;
    uint64_t cpu_ns;
    uint64_t sleeps;       /* the hart thread's sleeps (WFI, stopped, held) */
    uint64_t late_wakeups; /* of those, ran to their timeout with a reason to wake: a lost wake-up */
};
void rivet_hart_stats(const struct machine *m, unsigned hart, struct rivet_hart_stats *s);
/* Whether the last rivet_run ran one host thread per hart. */
bool rivet_threaded(const struct machine *m);
/* The I/O thread's sleeps in a threaded run, and those that ran to their
 * time limit although a hart had posted a wake-up (a lost wake-up: console
 * output and device work then wait). After rivet_run; zeros otherwise. */
struct rivet_io_stats {
    uint64_t sleeps;
    uint64_t late_wakeups;
};
void rivet_io_stats(const struct machine *m, struct rivet_io_stats *s);

/* What the decoded-block cache and the translator (cpu/jit.h) did so far. */
struct rivet_code_stats {
    uint64_t blocks;        /* blocks decoded */
    uint64_t translated;    /* blocks translated to host code */
    uint64_t refused;       /* translations that did not fit (those blocks stay threaded) */
    uint64_t host_bytes;    /* host code written, all translations */
    uint64_t flushes;       /* times both arenas were recycled at once */
    uint64_t invalidations; /* writes that invalidated blocks (only those they touched) */
    uint64_t links;         /* exits of translations linked straight to their target's */
    uint64_t unlinks;       /* links undone because their target was dropped */
    /* Translated code, summed over the harts: */
    uint64_t helper_calls;  /* calls of an instruction's general semantics */
    uint64_t exit_jc_hit;   /* exits but jalr's on into the next block through the inline jump-cache probe */
    uint64_t exit_jc_miss;  /* exits but jalr's whose probe missed (back to the run loop) */
    uint64_t exit_ind_hit;  /* jalr's (returns, calls through registers) on through their inline probe */
    uint64_t exit_ind_miss; /* jalr's whose probe missed */
    uint64_t exit_limit;    /* exits at the end of a chain: slice end, interrupt or stop request */
    uint64_t exit_trap;     /* exits by a trap */
    uint64_t exit_end;      /* exits by an instruction that ends its block (CSR write, fence.i, ecall...) */
    uint64_t exit_jump;     /* exits by a jump the semantics made (xRET) */
};
void rivet_code_stats(const struct machine *m, struct rivet_code_stats *s);

/* Runs until the guest exits (returns its verdict, see enum rivet_exit), a
 * limit is reached (RIVET_EXIT_LIMIT), or a stop is requested. Guest exits:
 * HTIF exit, the sifive test device (pass 0x5555 -> 0; fail 0x3333 with code
 * c -> rivet_guest_status(c); reset 0x7777 -> 0), SBI system reset (shutdown
 * or reboot -> 0, reason "system failure" -> 1), Ctrl-A x on the console
 * (-> 0). A reset request (the test device's reset, SBI SRST cold or warm
 * reboot, the monitor's system_reset) reboots the machine and the run goes
 * on, on the same threads' rules, with the same limits (machine.h,
 * "Reboot"); with cfg.no_reboot it ends the run instead, with the status
 * above. A reboot whose files cannot be loaded again ends the run with
 * RIVET_EXIT_USAGE. When the run did not end by the guest's verdict, err
 * says why ("time limit of 5 s reached"); otherwise err is "". Harts that
 * all wait (WFI, stopped) sleep until the next timer deadline or input; when
 * no deadline is ahead and no input can come (no stdio console, window, gdb
 * or expect script), nothing can wake them and the run ends at once with
 * RIVET_EXIT_LIMIT. */
int rivet_run(struct machine *m, char *err, size_t errlen);

/* With cfg.signature: writes the signature to f from guest RAM as it is
 * now (call it once the run ended, whatever the way; rivet_boot checked the
 * symbols). Spike's format: one line per granule, its bytes in hex from the
 * highest address down, the last granule padded with zeros. false + err on
 * a write error or when the kernel was never loaded. */
bool rivet_write_signature(struct machine *m, FILE *f, char *err, size_t errlen);

/* Async-signal-safe: makes rivet_run return RIVET_EXIT_SIGNAL + signo soon. */
void rivet_request_stop(struct machine *m, int signo);

/* Async-signal-safe: writes out the guest console output still buffered
 * and puts the terminal back in the mode rivet found it in, for a front
 * end's own handler that ends the process at once (the rivet program's
 * start-up --timeout). */
void rivet_restore_terminal(void);

void rivet_destroy(struct machine *m);

/* Maps a guest exit code to a process exit status (see enum rivet_exit). */
int rivet_guest_status(uint64_t code);

#endif
