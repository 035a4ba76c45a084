/*
 * The machine: guest RAM on a bus, the harts, the HTIF device, the time
 * source, and the run loop that schedules the harts. The public face of it is
 * include/rivet.h; this header is for the rest of the core and for tests.
 *
 * Rules of the run loop (machine.c, rivet_run)
 * - Harts run round-robin, MACHINE_SLICE instructions at a time (less when
 *   --max-insns is near). With more than one hart, each hart's LR/SC
 *   reservation is dropped before it runs, since another hart may have
 *   written the reserved address in its slice (an SC may always fail
 *   spuriously, unprivileged spec "Zalrsc", so this is allowed), except
 *   that of a hart sleeping in WRS, whose reservation set is watched
 *   (cpu/resv.h).
 * - A hart the gdb stub holds (h->debug_hold: stopped while gdb runs others,
 *   vCont with per-thread actions) runs nothing and counts as waiting. When
 *   the stub stops a hart in its slice (a breakpoint, a watchpoint: it holds
 *   it), the harts after it in the round run at most as many instructions as
 *   it did, as though they had run side by side until the stop (QEMU runs
 *   them in parallel): each hart progresses while another stops on a
 *   breakpoint again and again, and harts that hit events in that stretch
 *   stop too (the stub reports them one by one).
 * - --max-insns counts retired instructions; a slice in which a runnable hart
 *   retires nothing (it traps in a loop) counts its whole budget, so the limit
 *   also ends a trap storm.
 * - Between rounds, never inside one: the exit request, a stop request, the
 *   instruction limit and the wall clock (read once per round) are checked,
 *   every hart's yield flag is cleared, the time-driven devices are brought
 *   up to date: machine_update_timers (MTIP, Sstc STIP, also the built-in
 *   SBI timer, WRS.STO: timer.c), goldfish_rtc_update, uart_poll for input.
 * - A device wanting the loop's attention sets h->yield on every hart, so the
 *   current hart_run() returns at its next block boundary.
 * - The console's output is written once per round; a failed write is
 *   checked then (terminal.h): the reader gone (EPIPE) ends the run with
 *   RIVET_EXIT_SIGNAL + SIGPIPE and a message, other errors are noted once.
 * - A machine whose harts all wait with no timer ahead and no input that can
 *   still come (a console at EOF counts as none) ends its run (deadlock).
 * - --timeout counts from rivet_create, so loading the guest counts too.
 * - When every hart sits in WFI (or is halted) with no enabled interrupt
 *   pending, the loop sleeps until the earliest timer deadline (CLINT
 *   mtimecmp, Sstc stimecmp, RTC alarm) or until console input arrives
 *   (terminal_wait_input), whichever comes first; it never spins. The sleep
 *   is capped so that what can only be polled is still seen: a stop request
 *   from another thread, MACHINE_IDLE_MAX_NS; display input (queued by the
 *   front end's thread), MACHINE_IDLE_DISPLAY_NS; the gdb socket and the
 *   --expect-script clock, MACHINE_IDLE_NS. Under -icount a pending deadline
 *   is not slept for at all: machine_debug_idle jumps virtual time to it.
 * - The monitor (machine/debug/monitor.h) is served in the I/O step between
 *   rounds (monitor_poll), and its descriptors wake the idle sleep.
 * - While the machine is paused (machine_pause) no round runs: the loop only
 *   serves I/O (console, monitor, network, gdb's socket is not polled) and
 *   sleeps on those descriptors, still checking the exit request, a stop
 *   request and --timeout (which counts wall-clock time, paused or not).
 * - No global state: everything hangs off struct machine.
 *
 * Threads (-accel tcg,thread=multi, the default for -smp > 1; threads.c)
 * - One host thread per hart runs it free (no rounds): each loop serves the
 *   hart's requests (h->req), drives its own timer lines (clint_update_hart,
 *   hart_update_timer_irqs), runs MACHINE_SLICE instructions with
 *   hart_run, adds what retired to m->retired (atomic), and when the hart
 *   waits (WFI, WRS, stopped by HSM) with nothing pending and enabled,
 *   sleeps on its futex h->wake_seq until its own earliest deadline
 *   (mtimecmp, stimecmp, WRS.STO) or a hart_kick (hart_set_pending,
 *   hart_clear_pending, a request, the end).
 * - The caller's thread (rivet_run) is the I/O thread: console input and
 *   output, the RTC alarm, the network, display input, the expect script,
 *   --timeout, signals (hart threads block them all), --max-insns, the exit
 *   request, the deadlock check. It sleeps in ppoll on its input
 *   descriptors and a wake-up pipe (machine_threads_wake_io: console
 *   output, the exit request, the instruction limit) for at most
 *   idle_cap_ns.
 * - Shared state and its rule:
 *     device state        the device's lock (mmu/bus.h): m->locks.uart for
 *                         the UART, .rtc, .fw_cfg, .slot[i] for virtio-mmio slot i;
 *                         CLINT and PLIC have their own.
 *     m->console, the terminal buffers, the expect script, --console-log
 *                         m->locks.console (the console chardev takes it;
 *                         the I/O thread takes it to flush and script).
 *                         Innermost: nothing is taken while holding it.
 *     exit_requested, exit_code, exit_kind
 *                         written once, under m->locks.exit, by
 *                         machine_request_exit_kind (first request wins);
 *                         exit_requested read atomically.
 *     m->retired          atomic add by each hart thread.
 *     a hart's mip, yield, chain_end, wake_seq, sleeping, req*, jc_gen
 *                         atomics (cpu/hart.h).
 *     a hart's TLB        its own thread only; other threads post
 *                         HART_REQ_TLB (remote sfence.vma) and wait for the
 *                         ack, or drop store entries of a page becoming
 *                         code by CAS (cpu/cache.h).
 *     a stopped hart's registers
 *                         written by the hart that starts it (SBI HSM)
 *                         before it clears `halted` (release) and kicks it.
 *     the code cache      cpu/cache.h (its lock; arena recycling stops the
 *                         world: machine_stop_world).
 * - Lock order: device lock -> (PCI INTx lock) -> PLIC lock -> code cache lock -> console lock;
 *   m->mt.lock (parking) is never held while taking another.
 * - Stop the world: the requester marks itself parked, sets HART_REQ_PARK
 *   on every other hart, kicks them and waits until each is parked (a hart
 *   parks only at a slice boundary or while waiting for an ack, never inside
 *   a block or holding a lock), works, then releases them.
 * - Requests that want an answer (remote sfence.vma, remote fence.i): the
 *   requester sets the bit, bumps req_seq, kicks the target and waits for
 *   req_ack to reach its number, serving its own requests meanwhile, so two
 *   harts shooting each other down never deadlock.
 * - --max-insns with threads: each hart runs at most the instructions left
 *   when its slice starts, so the total may overshoot by up to (harts - 1)
 *   slices.
 * - -icount, --trace and semihosting run thread=single (-icount for
 *   determinism; --trace writes one shared file per instruction and
 *   semihosting's host calls are not serialised).
 * - gdb with threads (gdbstub.h): the stub runs on the I/O thread; it stops
 *   the world (self NULL) before it reports a stop, touches hart state or
 *   serves a packet, and holds harts with h->debug_hold (written only while
 *   the world is stopped, or by the hart itself in gdb_debug_stop): a held
 *   hart sleeps like a waiting one.
 * - The I/O thread may stop a world it already holds (the monitor while
 *   paused, a step by gdb recycling the code cache): nested, only the
 *   outermost resume releases it; machine_hart_sync from the I/O thread
 *   while it holds the world flushes the (parked) target itself.
 * - The monitor's stop/cont (machine_pause/resume) stop and release the
 *   world from the I/O thread; its reads of hart state (info registers,
 *   info cpus, x, cpu) stop the world around the read.
 *
 * Reboot (boot.c, machine_reboot)
 * - A reset request (the guest's SBI SRST cold or warm reboot, the sifive
 *   test device's reset, the monitor's system_reset) is an exit request of
 *   kind MACHINE_EXIT_RESET (first request wins, as any exit). With
 *   cfg.no_reboot the run ends there, as it always did; otherwise rivet_run
 *   ends the run loop (with hart threads: every hart thread is joined, so
 *   no hart state, TLB or block is in use), reboots, and starts the loop
 *   again (new hart threads).
 * - The reboot, on the I/O thread with nothing running: one line on stderr
 *   ("rivet: guest reboot (sifive test device)"), the QMP RESET event, every
 *   decoded block dropped, every hart to its power-on state
 *   (hart_power_on: what the board and gdb attached stays), RAM zero again
 *   (bus_ram_reset: a fresh mapping), every device's reset hook (board.h),
 *   then rivet_boot's loading again from the same files, read anew: a file
 *   rebuilt meanwhile is what boots (a kernel developer's loop); one that
 *   can no longer be loaded ends the run with RIVET_EXIT_USAGE and the
 *   loader's message.
 * - What stays: the host side (console, terminal mode, disk images open
 *   and locked with their -snapshot overlays, the network helper and its
 *   connections' host ends, the window), the monitor's and gdb's
 *   connections and state (breakpoints, watchpoints, held harts),
 *   --timeout's start, m->retired (--max-insns) and each hart's raw
 *   instret (the -icount clock), the RTC's time, -S's pause (a machine
 *   paused stays paused).
 */
#ifndef RIVET_MACHINE_H
#define RIVET_MACHINE_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cpu/hart.h"
#include "devices/chardev.h"
#include "devices/htif.h"
#include "devices/irq.h"
#include "firmware/sbi.h"
#include "mmu/bus.h"
#include "rivet.h"

#define MACHINE_SLICE           10000ull     /* instructions per hart per round */
#define MACHINE_IDLE_NS         1000000ull   /* idle sleep cap with gdb or an expect script: 1 ms */
#define MACHINE_IDLE_DISPLAY_NS 16000000ull  /* with display devices: 16 ms, a 60 Hz frame */
#define MACHINE_IDLE_MAX_NS     100000000ull /* otherwise: 100 ms */

/* Why the guest ended the run. */
enum machine_exit { MACHINE_EXIT_GUEST, MACHINE_EXIT_RESET, MACHINE_EXIT_STUCK /* --stuck=exit (log.h) */ };

/* Who asked for a reset (MACHINE_EXIT_RESET): the line on stderr and the
 * QMP RESET event's data say it (machine_reset_text). */
enum machine_reset_cause {
    MACHINE_RESET_SBI_COLD, /* SBI SRST cold reboot (built-in SBI) */
    MACHINE_RESET_SBI_WARM, /* SBI SRST warm reboot */
    MACHINE_RESET_TEST,     /* the sifive test device's 0x7777 (OpenSBI, xv6-style guests) */
    MACHINE_RESET_MONITOR,  /* system_reset, HMP or QMP */
};

struct machine {
    struct rivet_config cfg;
    struct bus bus;
    struct code_cache *cache;
    FILE *perfmap;      /* -perfmap's /tmp/perf-PID.map (written under the cache's lock), or NULL */
    struct hart *harts; /* cfg.nharts harts, linked through h->next */
    struct htif htif;
    bool has_htif;
    struct timespec start; /* CLOCK_MONOTONIC at creation: time 0 of mtime */

    /* The virt board's devices (the board table creates them: board.h). */
    struct hart_port ports[RIVET_MAX_HARTS];
    struct clint *clint;
    struct plic *plic;
    struct terminal *term;  /* the UART's host side; NULL for -serial none */
    struct chardev console; /* terminal_chardev(term), or all NULL */
    struct uart16550 *uart;
    struct goldfish_rtc *rtc;
    struct sifive_test *test;
    struct fw_cfg *fw_cfg;
    struct pflash *pflash[RIVET_PFLASH_BANKS];    /* the flash banks (dev_pflash.c), each with its own lock */
    struct blockdev *disks[RIVET_DEV_SLOTS];      /* by slot (rivet.h: virtio-mmio, then PCI) */
    struct virtio_device *vdevs[RIVET_DEV_SLOTS]; /* the device model in each slot */
    struct virtio_mmio *virtio[RIVET_VIRTIO_SLOTS];
    struct pci_host *pci;                     /* the PCIe host bridge (dev_pci.c) */
    struct virtio_pci *vpci[RIVET_PCI_SLOTS]; /* by PCI device number; NULL: none */
    struct virtio_device *rng;                /* virtio-rng (cfg.rng), also in vdevs[cfg.rng_slot] */
    int rng_fd;                               /* cfg.rng_file, or -1 */
    bool rng_seeded_only;                     /* -icount without a file: the seeded stream alone */
    bool rng_failed;                          /* the source ran out or failed (noted once) */
    uint64_t rng_state;                       /* the seeded stream (machine.c, rng_fill) */
    struct virtio_device *nic;                /* virtio-net (cfg.net), also in vdevs[cfg.net_slot] */
    struct net *net;                          /* its user-mode network (machine/host/net.h) */
    uint8_t *rom;                             /* boot ROM contents (virt_map(VIRT_MROM)->size bytes) */
    struct display_board *display;            /* framebuffer and input devices (display.c); NULL: none */

    /* Boot state (boot.c). */
    bool booted;
    bool ram_awaits_snapshot; /* booted with ram_from_snapshot (rivet.h), RAM not restored yet: no run */
    struct sbi_services sbi;  /* the built-in SBI's view of the board (sbi_glue.c) */
    void *dtb;                /* the device tree the guest gets */
    size_t dtb_size;
    uint64_t dtb_addr;

    /* Set by HTIF (on the emulation thread) when the guest asks to exit. */
    bool exit_requested;
    uint64_t exit_code;
    enum machine_exit exit_kind;
    enum machine_reset_cause reset_cause; /* with MACHINE_EXIT_RESET */
    struct rivet_boot *boot;              /* what rivet_boot loaded (a copy): a reboot loads it again */
    unsigned reboots;                     /* reboots so far */
    bool console_closed;                  /* the console's reader went away (EPIPE): the run ends */
    /* Set by rivet_request_stop (any thread, signal handlers): the signal number. */
    volatile sig_atomic_t stop_signal;

    uint64_t retired; /* instructions retired over all harts by rivet_run (atomic) */

    /* Threads (see "Threads" above). */
    struct machine_locks {
        pthread_mutex_t uart, rtc, fw_cfg, slot[RIVET_DEV_SLOTS];
        pthread_mutex_t console, exit;
    } locks;
    struct chardev console_inner; /* what m->console wraps with locks.console */
    struct machine_threads *mt;   /* NULL: thread=single */

    /* machine_pause: paused, since when (host ns since start), and the total
     * time spent paused before that, which the guest's clocks leave out. */
    bool paused;
    uint64_t paused_at_ns;
    uint64_t paused_total_ns;
    /* -monitor, -qmp, Ctrl-A c (machine/debug/monitor.h); NULL when none. */
    struct monitor *monitor;

    /* gdb stub, -icount clock, --expect-script, --console-log (machine/debug/debug.c);
     * NULL when none of them is asked for. */
    struct machine_debug *debug;

    /* Semihosting (semihosting.h); NULL when not asked for. */
    struct semihost *semihost;
    /* -d logging and the stuck watch (log.h); NULL when neither is asked for. */
    struct machine_log *log;
    /* --signature: the kernel's [begin_signature, end_signature) (signature.c). */
    bool has_signature;
    uint64_t sig_begin, sig_end;
};

#define NS_PER_S    1000000000ull
#define NS_PER_TICK (NS_PER_S / RIVET_TIMEBASE_HZ) /* one mtime tick */

static inline uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Time (timer.c, where the whole path is described). */
/* Nanoseconds of host time since t0 (CLOCK_MONOTONIC; 0 if before it). */
uint64_t machine_ns_since(const struct timespec *t0);
/* The time source in RIVET_TIMEBASE_HZ ticks since creation (the CLINT's). */
uint64_t machine_clock(void *opaque);
/* mtime in RIVET_TIMEBASE_HZ ticks (hart_env.read_time). */
uint64_t machine_read_time(void *opaque);
/* Drives every timer interrupt line from the current time: MTIP, Sstc's
 * STIP, WRS.STO's end. Between rounds (update_devices). */
void machine_update_timers(struct machine *m);

/* The earliest timer deadline not yet raised, in mtime ticks: a CLINT
 * mtimecmp whose MTIP the last update left low, a running hart's Sstc
 * stimecmp with STIP low, or the end of a WRS.STO wait; UINT64_MAX when
 * none is armed. It may already be behind clint_mtime() (reached since the
 * last update, which the next one raises): callers treat that as no wait,
 * never as no deadline. (The RTC alarm is in nanoseconds: goldfish_rtc.h.) */
uint64_t machine_next_deadline(const struct machine *m);

/* One round of the run loop (above): every hart one slice. Returns false
 * when the instruction limit leaves nothing to run. m->retired counts
 * retired instructions, plus the whole budget of any slice in which a
 * runnable hart retired nothing. Emulation thread; rivet_run calls it, tests
 * may too. */
bool machine_run_round(struct machine *m);

/*
 * Pausing (the monitor's stop and cont). Main (I/O) thread only, between
 * rounds. machine_pause returns with no hart running an instruction, and
 * none runs until machine_resume; the guest's clocks (mtime, so the timers,
 * and the RTC's guest view) stand still meanwhile: on resume they go on
 * from where they stopped, as though no time had passed (timer.c keeps the
 * paused time as an offset; under -icount time only moves with
 * instructions anyway). Devices keep their state; host-side I/O (console
 * output, the network's sockets) is still served. With one host thread per
 * hart, machine_pause will stop those threads before it returns: the
 * contract stays the same. Pausing a paused machine, or resuming a running
 * one, does nothing.
 */
void machine_pause(struct machine *m);
void machine_resume(struct machine *m);
bool machine_paused(const struct machine *m);
/* Host nanoseconds since creation minus the time spent paused: the time
 * the guest's clocks follow (timer.c). */
uint64_t machine_guest_ns(const struct machine *m);

/* HTIF exit callback: records the code and yields every hart. Any thread;
 * the first request of a run wins. */
void machine_request_exit(void *opaque, uint64_t code);
void machine_request_exit_kind(struct machine *m, enum machine_exit kind, uint64_t code);
/* A reset request ("Reboot" above); code is the run's status with
 * cfg.no_reboot. Any thread; the first exit or reset request wins. */
void machine_request_reset(struct machine *m, enum machine_reset_cause cause, uint64_t code);
/* The cause as the stderr line says it ("guest reboot (SBI system reset,
 * cold)"), whether the guest asked, and QEMU's reason for QMP events. */
const char *machine_reset_text(enum machine_reset_cause cause);
bool machine_reset_by_guest(enum machine_reset_cause cause);
const char *machine_reset_qmp_reason(enum machine_reset_cause cause);
/* boot.c: the reboot itself ("Reboot" above); I/O thread, nothing
 * running. false + err when the files cannot be loaded again. */
bool machine_reboot(struct machine *m, char *err, size_t errlen);
static inline bool machine_exiting(const struct machine *m)
{
    return __atomic_load_n(&m->exit_requested, __ATOMIC_ACQUIRE);
}

/* threads.c (see "Threads" above). */
/* Whether this run uses one thread per hart (cfg.thread resolved). */
bool machine_threads_wanted(const struct rivet_config *cfg);
/* Starts a thread per hart (false: none started, run single); ends and
 * joins them. The caller's thread, which then serves I/O (machine.c). */
bool machine_threads_start(struct machine *m);
void machine_threads_end(struct machine *m);
/* Wakes the I/O thread's sleep (any thread); its descriptor; emptying it
 * after each sleep (the I/O thread; timed_out: the sleep ran its whole
 * step, counted as late when a wake-up was posted all the same). */
void machine_threads_wake_io(struct machine *m);
int machine_threads_wake_fd(struct machine *m);
void machine_threads_drain_wake(struct machine *m, bool timed_out);
/* The I/O thread's sleeps and late ones (its own thread, or after the run). */
void machine_threads_io_sleeps(const struct machine *m, uint64_t *sleeps, uint64_t *late);
/* Bumped by every hart thread that goes to sleep (the deadlock check). */
uint32_t machine_threads_activity(struct machine *m);
/* Every hart thread sleeps with no timer deadline of its own (a WFI, WRS
 * or HSM stop that only an interrupt from outside can end). Any thread;
 * each hart publishes its own state, nobody reads another's registers. */
bool machine_threads_all_idle(struct machine *m);
/* Stops every other hart at a slice boundary (self: the calling hart, or
 * NULL from the I/O thread, which may nest stops: "Threads" above) until
 * machine_resume_world. No-op with one thread. */
void machine_stop_world(struct machine *m, struct hart *self);
/* Whether the hart threads run (between machine_threads_start and _end). */
bool machine_threads_on(const struct machine *m);
void machine_resume_world(struct machine *m);
/* Makes target reach a slice boundary (flushing its TLB first when tlb)
 * before returning: remote sfence.vma / fence.i. self may be target (then
 * done at once) or NULL (not a hart). Any hart's thread. */
void machine_hart_sync(struct machine *m, struct hart *self, struct hart *target, bool tlb);
/* SBI HSM hart_start: a stopped target leaves its stopped state at pc
 * with a0 = its hart id, a1 = arg, its registers written by its own thread
 * (HART_REQ_START, cpu/hart.h) when hart threads run, here otherwise.
 * false: the target is not stopped, or another hart's start won it. Any
 * thread. machine_hart_state gives STOPPED, START_PENDING or STARTED. */
bool machine_hart_start(struct machine *m, struct hart *target, uint64_t pc, uint64_t arg);
enum sbi_hart_state machine_hart_state(const struct hart *h);
/* The hart whose thread is calling, or NULL (thread=single: NULL too). */
struct hart *machine_current_hart(struct machine *m);
/* Per-hart host CPU time of the last run in ns (0 with thread=single). */
uint64_t machine_hart_cpu_ns(const struct machine *m, unsigned hart);
/* The hart thread's sleeps over the run, and those that ran to their
 * timeout with a reason to wake and no kick (threads.c). After the join. */
void machine_hart_sleeps(const struct machine *m, unsigned hart, uint64_t *sleeps, uint64_t *late);
void machine_threads_free(struct machine *m);

/* Fills err (when non-NULL) with one formatted line (rivet/errfmt.h: an
 * overlong one keeps its start and its reason). */
void machine_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A problem during the run that does not end it (the network helper
 * restarted, a log or overlay that cannot be written, an entropy file at
 * its end): one line "rivet: ..." on stderr, after the console output
 * written so far. Callers report each kind of problem once. Emulation
 * thread. */
void machine_note(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* signature.c: checks the kernel's begin_signature/end_signature when
 * cfg.signature asks for a dump, and records them; false + err when they
 * are missing or not RAM. */
struct load_info;
bool machine_signature_setup(struct machine *m, const struct load_info *kernel, char *err, size_t errlen);

/* sbi_glue.c: fills m->sbi and sets every hart's env.sbi_ecall hook. */
void machine_attach_sbi(struct machine *m);
/* The M-mode state OpenSBI leaves for the next stage: delegation, counters,
 * Sstc enabled, PMP open. For the built-in SBI, before entering S-mode. */
void machine_sbi_prepare_hart(struct hart *h);
/* The hart runs at pc in S-mode with a0, a1 set, satp = 0, SIE clear. */
void machine_sbi_enter_s(struct hart *h, uint64_t pc, uint64_t a0, uint64_t a1);

#endif
