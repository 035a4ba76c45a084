/*
 * The machine object and its run loop (rules in machine.h), behind the
 * public API of include/rivet.h. The virt board's devices are created from
 * the board table (board.h, board.c); boot.c loads the guest and fdt.c
 * describes the same devices to it.
 */
#define _GNU_SOURCE /* ppoll */
#include "machine/board/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "cpu/cache.h"
#include "machine/board/board.h"
#include "devices/clint.h"
#include "devices/goldfish_rtc.h"
#include "devices/uart16550.h"
#include "machine/host/display.h"
#include "machine/debug/debug.h"
#include "machine/debug/log.h"
#include "machine/debug/monitor.h"
#include "machine/host/net.h"
#include "machine/host/net_user.h"
#include "machine/board/semihosting.h"
#include "machine/host/terminal.h"
#include "rivet/errfmt.h"

#define RIVET_PAGE_SIZE 4096ull

void machine_note(struct machine *m, const char *fmt, ...)
{
    char msg[RIVET_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    err_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&m->locks.console); /* any thread (machine.h, "Threads") */
    terminal_flush(m->term);               /* after the guest output that came before it */
    /* The console may have the terminal in raw mode: CR LF ends the line. */
    fprintf(stderr, "rivet: %s%s", msg, isatty(STDERR_FILENO) ? "\r\n" : "\n");
    pthread_mutex_unlock(&m->locks.console);
}

void machine_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vformat(err, errlen, fmt, ap);
    va_end(ap);
}


static void request_exit(struct machine *m, enum machine_exit kind, enum machine_reset_cause cause, uint64_t code)
{
    pthread_mutex_lock(&m->locks.exit);
    bool first = !m->exit_requested;
    if (first) {
        m->exit_kind = kind;
        m->exit_code = code;
        m->reset_cause = cause;
        __atomic_store_n(&m->exit_requested, true, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&m->locks.exit);
    if (!first)
        return;
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        hart_yield(&m->harts[i]);
    machine_threads_wake_io(m);
}

void machine_request_exit_kind(struct machine *m, enum machine_exit kind, uint64_t code)
{
    request_exit(m, kind, MACHINE_RESET_MONITOR, code);
}

void machine_request_reset(struct machine *m, enum machine_reset_cause cause, uint64_t code)
{
    request_exit(m, MACHINE_EXIT_RESET, cause, code);
}

/* clang-format off */
static const struct { const char *text; bool guest; } reset_causes[] = {
    [MACHINE_RESET_SBI_COLD] = { "guest reboot (SBI system reset, cold)", true },
    [MACHINE_RESET_SBI_WARM] = { "guest reboot (SBI system reset, warm)", true },
    [MACHINE_RESET_TEST]     = { "guest reboot (sifive test device)",     true },
    [MACHINE_RESET_MONITOR]  = { "system_reset (monitor)",                false },
};
/* clang-format on */

const char *machine_reset_text(enum machine_reset_cause cause) { return reset_causes[cause].text; }
bool machine_reset_by_guest(enum machine_reset_cause cause) { return reset_causes[cause].guest; }

/* QEMU's ShutdownCause names (qapi/run-state.json). */
const char *machine_reset_qmp_reason(enum machine_reset_cause cause)
{
    return reset_causes[cause].guest ? "guest-reset" : "host-qmp-system-reset";
}

void machine_request_exit(void *opaque, uint64_t code)
{
    struct machine *m = opaque;
    machine_request_exit_kind(m, m->exit_kind, code);
}

void rivet_config_default(struct rivet_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ram_size = 128ull << 20;
    cfg->nharts = 1;
    cfg->virtio_legacy = true; /* QEMU's virt board: virtio-mmio.force-legacy defaults to true */
}

int rivet_guest_status(uint64_t code)
{
    if (code == 0)
        return RIVET_EXIT_PASS;
    /* A failing code must never read as a pass once truncated to 8 bits. */
    return (code & 0xff) ? (int)(code & 0xff) : 1;
}

/* Marks slot s (rivet.h: virtio-mmio, or a PCI device number) used; false
 * (err filled) when it is out of range, the host bridge's, or taken. */
static bool claim_slot(uint64_t *used, unsigned s, char *err, size_t errlen)
{
    if (s >= RIVET_DEV_SLOTS || s == RIVET_PCI_SLOT(0) || (*used >> s) & 1) {
        if (s < RIVET_VIRTIO_SLOTS)
            machine_err(err, errlen, "virtio-mmio-bus.%u: no such slot, or already in use", s);
        else
            machine_err(err, errlen, "PCI slot %u: no such slot, or already in use", s - RIVET_VIRTIO_SLOTS);
        return false;
    }
    *used |= UINT64_C(1) << s;
    return true;
}

static bool check_drives(const struct rivet_config *cfg, char *err, size_t errlen)
{
    uint64_t used = 0;
    if (cfg->ndrives > RIVET_DEV_SLOTS) {
        machine_err(err, errlen, "%u disks given; the board has %d device slots", cfg->ndrives, RIVET_DEV_SLOTS);
        return false;
    }
    for (unsigned i = 0; i < cfg->ndrives; i++)
        if (!claim_slot(&used, cfg->drives[i].slot, err, errlen))
            return false;
    for (unsigned k = 0; k < RIVET_PCI_INPUTS; k++)
        if (cfg->input_slot[k] && !claim_slot(&used, cfg->input_slot[k], err, errlen))
            return false;
    return (!cfg->rng || claim_slot(&used, cfg->rng_slot, err, errlen)) &&
           (!cfg->net || claim_slot(&used, cfg->net_slot, err, errlen));
}

static bool check_config(const struct rivet_config *cfg, char *err, size_t errlen)
{
    if (cfg->nharts < 1 || cfg->nharts > RIVET_MAX_HARTS) {
        machine_err(err, errlen, "%u harts requested; rivet supports 1 to %d", cfg->nharts, RIVET_MAX_HARTS);
        return false;
    }
    if (cfg->ram_size == 0 || cfg->ram_size % RIVET_PAGE_SIZE || cfg->ram_size > UINT64_MAX - RIVET_RAM_BASE) {
        machine_err(err, errlen, "RAM size %llu is not a nonzero multiple of 4 KiB", (unsigned long long)cfg->ram_size);
        return false;
    }
    if (cfg->icount && cfg->thread == RIVET_THREAD_MULTI) {
        machine_err(err, errlen, "-accel tcg,thread=multi: -icount needs thread=single");
        return false;
    }
    if (!(cfg->timeout >= 0) || !isfinite(cfg->timeout)) {
        machine_err(err, errlen, "time limit must be a finite number of seconds");
        return false;
    }
    if (cfg->serial == RIVET_SERIAL_FILE && !cfg->serial_path) {
        machine_err(err, errlen, "serial output file not given");
        return false;
    }
    return check_drives(cfg, err, errlen);
}

static void port_set(void *hart, uint64_t bits) { hart_set_pending(hart, bits); }
static void port_clear(void *hart, uint64_t bits) { hart_clear_pending(hart, bits); }

/* The code cache's arena recycling (cpu/cache.h, "Threads"). */
static void world_stop(void *opaque)
{
    struct machine *m = opaque;
    machine_stop_world(m, machine_current_hart(m));
}

static void world_resume(void *opaque) { machine_resume_world(opaque); }

static bool create_harts(struct machine *m, char *err, size_t errlen)
{
    code_cache_set_world(m->cache, &(struct cache_world){ world_stop, world_resume, m });
    m->harts = calloc(m->cfg.nharts, sizeof *m->harts);
    if (!m->harts) {
        machine_err(err, errlen, "out of memory creating %u harts", m->cfg.nharts);
        return false;
    }
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart *h = &m->harts[i];
        hart_init(h, &m->bus, m->cache, i);
        h->next = i + 1 < m->cfg.nharts ? &m->harts[i + 1] : NULL;
        h->env.opaque = m;
        h->env.read_time = machine_read_time;
        h->trace = m->cfg.trace;
        m->ports[i] = (struct hart_port){ port_set, port_clear, h };
        if (!code_cache_add_hart(m->cache, h)) {
            machine_err(err, errlen, "code cache refused hart %u", i);
            return false;
        }
    }
    return true;
}

/* Ctrl-A x: QEMU quits with status 0. Called from inside uart_poll, so it
 * only asks the loop to stop. */
static void on_console_quit(void *opaque) { machine_request_exit(opaque, 0); }

static bool open_console(struct machine *m, char *err, size_t errlen)
{
    switch (m->cfg.serial) {
    case RIVET_SERIAL_NONE: return true;
    case RIVET_SERIAL_STDIO:
    case RIVET_SERIAL_MUX_STDIO:
        m->term = terminal_open_stdio(m->cfg.serial == RIVET_SERIAL_MUX_STDIO, on_console_quit, m);
        if (!m->term)
            machine_err(err, errlen, "cannot open the console on stdio (already in use by another machine?)");
        break;
    case RIVET_SERIAL_FILE: m->term = terminal_open_file("-serial file:", m->cfg.serial_path, err, errlen); break;
    }
    if (m->term)
        m->console = terminal_chardev(m->term);
    return m->term != NULL;
}

/* The console as every device sees it: m->console_inner under
 * locks.console, so that hart threads and the I/O thread share it. */
static void console_locked_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct machine *m = opaque;
    pthread_mutex_lock(&m->locks.console);
    chardev_write(&m->console_inner, buf, len);
    pthread_mutex_unlock(&m->locks.console);
    machine_threads_wake_io(m); /* the I/O thread writes it out now, not at its next tick */
}

static size_t console_locked_read(void *opaque, uint8_t *buf, size_t len)
{
    struct machine *m = opaque;
    pthread_mutex_lock(&m->locks.console);
    size_t n = chardev_read(&m->console_inner, buf, len);
    pthread_mutex_unlock(&m->locks.console);
    return n;
}

/* The UART's FIFO has room: the I/O thread polls it now (its next round),
 * so a line longer than the FIFO does not wait out the I/O thread's sleep. */
static void console_drained(void *opaque) { machine_threads_wake_io(opaque); }

/* The console under the console lock when threads may run (machine.h,
 * "Threads"): outermost, after the debug layer's wrapping. */
static bool lock_console(struct machine *m)
{
    if (machine_threads_wanted(&m->cfg)) {
        m->console_inner = m->console;
        m->console = (struct chardev){ console_locked_write, console_locked_read, m, console_drained };
    }
    return true;
}

/* The console first (the UART's host side; the debug layer may wrap it),
 * then every device of the board table (board.c). */
static bool create_devices(struct machine *m, char *err, size_t errlen)
{
    return open_console(m, err, errlen) && monitor_create(m, err, errlen) && machine_debug_create(m, err, errlen) &&
           lock_console(m) && board_create_devices(m, err, errlen) && board_map_devices(m, err, errlen);
}

static void init_locks(struct machine_locks *l)
{
    pthread_mutexattr_t rec; /* machine_note takes the console lock, also from under it */
    pthread_mutexattr_init(&rec);
    pthread_mutexattr_settype(&rec, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&l->uart, NULL);
    pthread_mutex_init(&l->rtc, NULL);
    pthread_mutex_init(&l->fw_cfg, NULL);
    pthread_mutex_init(&l->console, &rec);
    pthread_mutexattr_destroy(&rec);
    pthread_mutex_init(&l->exit, NULL);
    for (unsigned i = 0; i < RIVET_DEV_SLOTS; i++)
        pthread_mutex_init(&l->slot[i], NULL);
}

static void destroy_locks(struct machine_locks *l)
{
    pthread_mutex_destroy(&l->uart);
    pthread_mutex_destroy(&l->rtc);
    pthread_mutex_destroy(&l->fw_cfg);
    pthread_mutex_destroy(&l->console);
    pthread_mutex_destroy(&l->exit);
    for (unsigned i = 0; i < RIVET_DEV_SLOTS; i++)
        pthread_mutex_destroy(&l->slot[i]);
}

/* -perfmap: /tmp/perf-PID.map, where perf looks for it, written line by
 * line (a run cut short by a signal or a time limit keeps what it wrote).
 * A stale file of an earlier process with this pid is removed; O_EXCL with
 * O_NOFOLLOW then refuses a file or symlink someone put there meanwhile. */
static bool open_perfmap(struct machine *m, char *err, size_t errlen)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || !(m->perfmap = fdopen(fd, "w"))) {
        machine_err(err, errlen, "-perfmap: %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    setvbuf(m->perfmap, NULL, _IOLBF, 0);
    code_cache_set_perfmap(m->cache, m->perfmap);
    return true;
}

struct machine *rivet_create(const struct rivet_config *cfg, char *err, size_t errlen)
{
    machine_err(err, errlen, "%s", "");
    if (!check_config(cfg, err, errlen))
        return NULL;
    struct isa_set isa;
    if (!isa_parse_cpu(cfg->cpu ? cfg->cpu : ISA_DEFAULT_MODEL, &isa, err, errlen))
        return NULL;
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        machine_err(err, errlen, "out of memory creating the machine");
        return NULL;
    }
    m->cfg = *cfg;
    m->rng_fd = -1;
    init_locks(&m->locks);
    clock_gettime(CLOCK_MONOTONIC, &m->start);
    if (!bus_init(&m->bus, RIVET_RAM_BASE, cfg->ram_size)) {
        machine_err(err, errlen, "cannot allocate %llu MiB of guest RAM: %s", (unsigned long long)(cfg->ram_size >> 20),
                    strerror(errno));
        free(m);
        return NULL;
    }
    m->cache = code_cache_create(&m->bus);
    if (!m->cache) {
        machine_err(err, errlen, "out of memory creating the code cache");
        rivet_destroy(m);
        return NULL;
    }
    code_cache_set_isa(m->cache, &isa); /* before the harts, which copy it */
    if (cfg->jit)
        code_cache_set_jit(m->cache, cfg->jit < 0 ? 0 : 1);
    if (cfg->perfmap && !open_perfmap(m, err, errlen)) {
        rivet_destroy(m);
        return NULL;
    }
    if (!create_harts(m, err, errlen) || !create_devices(m, err, errlen) || !machine_log_create(m, err, errlen) ||
        (cfg->semihosting && !(m->semihost = semihost_create(m, err, errlen)))) {
        rivet_destroy(m);
        return NULL;
    }
    if (cfg->start_paused)
        machine_pause(m);
    return m;
}

static void destroy_devices(struct machine *m)
{
    board_destroy_devices(m);
    terminal_close(m->term);
}

void rivet_destroy(struct machine *m)
{
    if (!m)
        return;
    monitor_destroy(m); /* its last QMP event says why the run ended */
    semihost_destroy(m->semihost);
    machine_log_destroy(m);
    destroy_devices(m);
    machine_debug_destroy(m);
    if (m->cache)
        code_cache_destroy(m->cache);
    if (m->perfmap)
        fclose(m->perfmap);
    machine_threads_free(m);
    free(m->harts);
    free(m->dtb);
    free(m->boot);
    bus_destroy(&m->bus);
    destroy_locks(&m->locks);
    free(m);
}

void rivet_request_stop(struct machine *m, int signo) { m->stop_signal = signo > 0 ? signo : 1; }

void rivet_restore_terminal(void) { terminal_restore_now(); }

void rivet_code_stats(const struct machine *m, struct rivet_code_stats *s) { code_cache_stats(m->cache, s); }

void rivet_hart_stats(const struct machine *m, unsigned hart, struct rivet_hart_stats *s)
{
    s->instructions = hart < m->cfg.nharts ? m->harts[hart].instret : 0;
    s->cpu_ns = machine_hart_cpu_ns(m, hart);
    machine_hart_sleeps(m, hart, &s->sleeps, &s->late_wakeups);
}

bool rivet_threaded(const struct machine *m) { return m->mt != NULL; }

void rivet_io_stats(const struct machine *m, struct rivet_io_stats *s)
{
    machine_threads_io_sleeps(m, &s->sleeps, &s->late_wakeups);
}

uint64_t rivet_instructions(const struct machine *m)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        n += m->harts[i].instret;
    return n;
}

bool machine_run_round(struct machine *m)
{
    uint64_t stop_limit = UINT64_MAX; /* a hart the debugger stopped got this far into its slice */
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart *h = &m->harts[i];
        uint64_t budget = stop_limit < MACHINE_SLICE ? stop_limit : MACHINE_SLICE;
        if (m->cfg.max_insns) {
            if (m->retired >= m->cfg.max_insns)
                return false;
            if (m->cfg.max_insns - m->retired < budget)
                budget = m->cfg.max_insns - m->retired;
        }
        if (m->cfg.nharts > 1 && !(hart_wfi(h) && hart_wrs(h))) /* a WRS waiter's is watched (cpu/resv.h) */
            h->resv_valid = false;
        bool held = h->debug_hold;
        uint64_t n = hart_run(h, budget);
        if (!held && h->debug_hold && n < stop_limit)
            stop_limit = n;
        /* A hart trapping in a loop retires nothing; charge the slice to the
         * limit anyway, or --max-insns would never end such a run. */
        if (n == 0 && !hart_wfi(h) && !hart_halted(h) && !h->yield && !h->debug_hold)
            n = budget;
        m->retired += n;
        if (m->exit_requested || m->stop_signal)
            break;
    }
    return true;
}

static bool all_waiting(const struct machine *m)
{
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        const struct hart *h = &m->harts[i];
        if (h->debug_hold) /* gdb holds it: it runs nothing, whatever is pending */
            continue;
        if (!(hart_wfi(h) || hart_halted(h)) || (hart_pending(h) & h->mie))
            return false;
    }
    return true;
}

/* Between rounds: failed console writes (terminal.h). The console's reader
 * gone (EPIPE, `rivet ... | head`) ends the run, as SIGPIPE would end
 * another program, but with the tty restored and a message (rivet_run);
 * any other error is noted once and the console output dropped. */
static void note_console_error(struct machine *m, int e)
{
    if (m->cfg.serial == RIVET_SERIAL_FILE)
        machine_note(m, "-serial file:%s: write error: %s; the guest's console output is dropped from now on",
                     m->cfg.serial_path, strerror(e));
    else
        machine_note(m, "console output: write error: %s; the guest's console output is dropped from now on",
                     strerror(e));
}

static void check_outputs(struct machine *m)
{
    int e = terminal_take_error(m->term);
    if (e == EPIPE || (m->has_htif && m->htif.out_closed))
        m->console_closed = true;
    else if (e)
        note_console_error(m, e);
}

/* Time-driven device state, between rounds (machine.h). */
static void update_devices(struct machine *m)
{
    machine_update_timers(m);
    goldfish_rtc_update(m->rtc);
    uart_poll(m->uart);
    monitor_poll(m);
    terminal_flush(m->term); /* the round's console output in one write() */
    check_outputs(m);
    display_board_poll(m); /* queued keys and pointer moves into the guest */
    if (m->net)
        net_service(m->net);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].yield = false;
}

/* The longest idle sleep: console input ends it early, but some sources
 * can only be polled between rounds (machine.h). A stop request from a
 * signal interrupts the sleep; one from another thread waits for the cap. */
static uint64_t idle_cap_ns(const struct machine *m)
{
    if (m->cfg.gdb || m->cfg.expect_script)
        return MACHINE_IDLE_NS; /* Ctrl-C from gdb, the script's wait and sleep */
    if (m->display)
        return MACHINE_IDLE_DISPLAY_NS; /* keys and the pointer, queued by the window's thread */
    return MACHINE_IDLE_MAX_NS;
}

/* How long an idle machine may sleep: until the earliest timer deadline not
 * yet raised (machine_next_deadline, the RTC alarm), but at most
 * idle_cap_ns. Deadlines raised are left out: their interrupt is pending,
 * and a hart that masks it must not turn the sleep into a spin. */
static uint64_t idle_wait_ns(const struct machine *m)
{
    uint64_t now = clint_mtime(m->clint);
    uint64_t deadline = machine_next_deadline(m);
    if (deadline <= now)
        return 0; /* reached since the last update: the next one raises it */
    uint64_t wait = idle_cap_ns(m);
    if (deadline != UINT64_MAX && deadline - now < wait / NS_PER_TICK)
        wait = (deadline - now) * NS_PER_TICK;
    uint64_t alarm = goldfish_rtc_ns_until_alarm(m->rtc);
    if (alarm > 0)
        wait = min_u64(wait, alarm);
    return wait;
}

/* Whether anything outside the harts may still wake a machine whose harts
 * all wait with no timer deadline ahead: console input (not at EOF: stdin
 * from /dev/null or a finished pipe can bring nothing more), the window's keys
 * and pointer (virtio-input, the power button), gdb's Ctrl-C, an
 * --expect-script send, a -monitor or -qmp client (the console's monitor
 * needs console input, counted already). Devices answer the guest synchronously (a virtio
 * notify completes at once), so without these nothing else ever raises an
 * interrupt. */
static bool input_possible(const struct machine *m)
{
    return terminal_input_open(m->term) || m->display || m->cfg.gdb || m->cfg.expect_script || m->net ||
           m->cfg.monitor || m->cfg.qmp; /* a user may still look (info registers) and quit */
}

/* With every hart waiting: no timer deadline is ahead, so only input can
 * wake them. Without input possible the guest can never run again (WFI
 * with interrupts off, every hart stopped), and the run ends at once
 * instead of sleeping until --timeout; with cfg.return_on_idle the caller
 * gets control back to deliver input. */
static bool no_deadline_ahead(const struct machine *m)
{
    if (m->cfg.icount)
        return true; /* machine_debug_idle found no deadline virtual time can reach */
    uint64_t deadline = machine_next_deadline(m);
    if (deadline != UINT64_MAX)
        return false; /* ahead, or reached and raised at the next update */
    return goldfish_rtc_ns_until_alarm(m->rtc) == UINT64_MAX;
}

/* Sleeps for the step, or less when console input arrives: then the next
 * round's uart_poll finds it already read. Without input to wait on (no
 * console, a file, stdin at EOF) it is a plain sleep, never a spin. */
static void idle_sleep(const struct machine *m, uint64_t elapsed_ns, uint64_t limit_ns)
{
    uint64_t step = idle_wait_ns(m);
    if (limit_ns && limit_ns > elapsed_ns && limit_ns - elapsed_ns < step)
        step = limit_ns - elapsed_ns;
    struct pollfd net_fds[NET_MAX_FDS + MON_MAX_FDS];
    unsigned nnet = m->net ? net_pollfds(m->net, net_fds, NET_MAX_FDS, &step) : 0;
    unsigned nmon = monitor_pollfds(m, net_fds + nnet, MON_MAX_FDS); /* a command wakes the machine */
    bool slept = terminal_wait_input(m->term, step, net_fds, nnet + nmon);
    if (m->net)
        net_dispatch(m->net, net_fds, nnet, false);
    if (slept)
        return;
    struct timespec ts = { .tv_sec = (time_t)(step / NS_PER_S), .tv_nsec = (long)(step % NS_PER_S) };
    nanosleep(&ts, NULL); /* EINTR is fine: the loop checks for a stop next */
}

static uint64_t timeout_ns(double seconds)
{
    if (seconds <= 0)
        return 0;
    double ns = seconds * (double)NS_PER_S;
    return ns >= 1.8e19 ? UINT64_MAX : (ns < 1 ? 1 : (uint64_t)ns);
}

/* A run loop's answer that is no status: reboot, then run again. */
#define RUN_REBOOT (-1)

/* The guest ended the run (its verdict), or asked for a reset: a reboot
 * unless cfg.no_reboot, with which the run ends as the guest's verdict. */
static int guest_exit(struct machine *m, char *err, size_t errlen)
{
    fflush(stdout);
    if (m->exit_kind == MACHINE_EXIT_STUCK) {
        machine_err(err, errlen, "a hart is stuck (--stuck=exit)");
        return RIVET_EXIT_STUCK;
    }
    if (m->exit_kind == MACHINE_EXIT_RESET && !m->cfg.no_reboot)
        return RUN_REBOOT;
    return rivet_guest_status(m->exit_code);
}

/* When the run ends, whatever the reason: the console output and the log
 * still gathered are written, and a write error is noted once (EPIPE
 * quietly: the reader has gone, the run was over anyway). */
static int end_run(struct machine *m, int status)
{
    terminal_flush(m->term);
    int e = terminal_take_error(m->term);
    if (e && e != EPIPE)
        note_console_error(m, e);
    machine_debug_flush(m);
    return status;
}

static int run_loop(struct machine *m, char *err, size_t errlen);
static int run_loop_threads(struct machine *m, char *err, size_t errlen);
static void paused_step(struct machine *m, uint64_t elapsed_ns, uint64_t limit_ns);

/* One boot's run: on hart threads, or on this one (also when no thread
 * could start). RUN_REBOOT, or the run's status. */
static int run_once(struct machine *m, char *err, size_t errlen)
{
    if (machine_threads_wanted(&m->cfg) && machine_threads_start(m)) {
        int status = run_loop_threads(m, err, errlen);
        machine_threads_end(m); /* every hart thread joined: a reboot touches no running hart */
        return status;
    }
    return run_loop(m, err, errlen);
}

int rivet_run(struct machine *m, char *err, size_t errlen)
{
    if (m->ram_awaits_snapshot) { /* the images were never read into RAM */
        machine_err(err, errlen, "booted for a snapshot's RAM, and no snapshot was restored");
        return RIVET_EXIT_USAGE;
    }
    for (;;) {
        int status = run_once(m, err, errlen);
        if (status != RUN_REBOOT)
            return end_run(m, status);
        if (!machine_reboot(m, err, errlen))
            return end_run(m, RIVET_EXIT_USAGE);
    }
}

/* ---- thread=multi: the I/O thread (machine.h, "Threads") ---- */

/* What ends a threaded run besides the console: the guest's exit, a
 * signal, the instruction limit, the time limit. */
static bool threads_should_end(struct machine *m, uint64_t elapsed, uint64_t limit_ns, int *status, char *err,
                               size_t errlen)
{
    if (machine_exiting(m)) {
        *status = guest_exit(m, err, errlen);
    } else if (m->stop_signal) {
        machine_err(err, errlen, "stopped by signal %d", (int)m->stop_signal);
        *status = RIVET_EXIT_SIGNAL + m->stop_signal;
    } else if (m->cfg.max_insns && __atomic_load_n(&m->retired, __ATOMIC_RELAXED) >= m->cfg.max_insns) {
        machine_err(err, errlen, "instruction limit of %llu reached", (unsigned long long)m->cfg.max_insns);
        *status = RIVET_EXIT_LIMIT;
    } else if (limit_ns && elapsed >= limit_ns) {
        machine_err(err, errlen, "time limit of %g s reached", m->cfg.timeout);
        *status = RIVET_EXIT_LIMIT;
    } else {
        return false;
    }
    return true;
}

static void lock_slots(struct machine *m, bool lock)
{
    for (unsigned i = 0; i < RIVET_DEV_SLOTS; i++)
        (lock ? pthread_mutex_lock : pthread_mutex_unlock)(&m->locks.slot[i]);
}

/* update_devices' I/O part, each device under its lock; the harts drive
 * their own timers. */
static void update_io(struct machine *m)
{
    pthread_mutex_lock(&m->locks.rtc);
    goldfish_rtc_update(m->rtc);
    pthread_mutex_unlock(&m->locks.rtc);
    pthread_mutex_lock(&m->locks.uart);
    uart_poll(m->uart);
    pthread_mutex_unlock(&m->locks.uart);
    pthread_mutex_lock(&m->locks.console);
    terminal_flush(m->term);
    check_outputs(m);
    pthread_mutex_unlock(&m->locks.console);
    if (m->display) {
        lock_slots(m, true);
        display_board_poll(m);
        lock_slots(m, false);
    }
    if (m->net) {
        pthread_mutex_lock(&m->locks.slot[m->cfg.net_slot]);
        net_service(m->net);
        pthread_mutex_unlock(&m->locks.slot[m->cfg.net_slot]);
    }
    monitor_poll(m); /* its reads of hart state stop the world (machine.h) */
}

/* The I/O thread's sleep: until console input, a network descriptor, a
 * wake-up (machine_threads_wake_io), the RTC alarm or idle_cap_ns. */
static void io_sleep(struct machine *m, uint64_t elapsed_ns, uint64_t limit_ns)
{
    uint64_t step = idle_cap_ns(m);
    pthread_mutex_lock(&m->locks.rtc);
    uint64_t alarm = goldfish_rtc_ns_until_alarm(m->rtc);
    pthread_mutex_unlock(&m->locks.rtc);
    step = min_u64(step, alarm);
    if (limit_ns && limit_ns > elapsed_ns && limit_ns - elapsed_ns < step)
        step = limit_ns - elapsed_ns;
    struct pollfd fds[NET_MAX_FDS + MON_MAX_FDS + 2];
    unsigned nnet = 0, n;
    if (m->net) {
        pthread_mutex_lock(&m->locks.slot[m->cfg.net_slot]);
        nnet = net_pollfds(m->net, fds, NET_MAX_FDS, &step);
        pthread_mutex_unlock(&m->locks.slot[m->cfg.net_slot]);
    }
    n = nnet;
    fds[n++] = (struct pollfd){ .fd = machine_threads_wake_fd(m), .events = POLLIN };
    n += monitor_pollfds(m, fds + n, MON_MAX_FDS); /* a command wakes the I/O thread */
    pthread_mutex_lock(&m->locks.console);
    int tfd = terminal_poll_fd(m->term);
    pthread_mutex_unlock(&m->locks.console);
    if (tfd >= 0)
        fds[n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
    struct timespec ts = { .tv_sec = (time_t)(step / NS_PER_S), .tv_nsec = (long)(step % NS_PER_S) };
    int r = ppoll(fds, n, &ts, NULL); /* EINTR: a signal, checked next */
    machine_threads_drain_wake(m, r == 0);
    if (r > 0 && tfd >= 0 && fds[n - 1].revents) {
        pthread_mutex_lock(&m->locks.console);
        terminal_refill(m->term);
        pthread_mutex_unlock(&m->locks.console);
    }
    if (m->net) {
        for (unsigned i = 0; i < nnet && r <= 0; i++)
            fds[i].revents = 0;
        pthread_mutex_lock(&m->locks.slot[m->cfg.net_slot]);
        net_dispatch(m->net, fds, nnet, false);
        pthread_mutex_unlock(&m->locks.slot[m->cfg.net_slot]);
    }
}

/* Every hart waits, nothing can wake them (run_loop's rule), and no hart
 * went to sleep while this looked (the activity count stayed). */
static bool threads_dead(struct machine *m, char *err, size_t errlen, int *status)
{
    uint32_t before = machine_threads_activity(m);
    if (!machine_threads_all_idle(m))
        return false;
    pthread_mutex_lock(&m->locks.rtc);
    uint64_t alarm = goldfish_rtc_ns_until_alarm(m->rtc);
    pthread_mutex_unlock(&m->locks.rtc);
    if (alarm != UINT64_MAX || (input_possible(m) && !m->cfg.return_on_idle))
        return false;
    if (machine_threads_activity(m) != before || !machine_threads_all_idle(m))
        return false;
    if (!input_possible(m))
        machine_err(err, errlen,
                    "every hart waits for an interrupt and nothing is left to raise one "
                    "(no timer armed, no input)");
    else
        machine_err(err, errlen, "every hart waits for input");
    *status = RIVET_EXIT_LIMIT;
    return true;
}

static int run_loop_threads(struct machine *m, char *err, size_t errlen)
{
    uint64_t limit_ns = timeout_ns(m->cfg.timeout);
    machine_err(err, errlen, "%s", "");
    for (;;) {
        int status;
        if (m->debug) { /* the expect script and the console log: the console's */
            pthread_mutex_lock(&m->locks.console);
            bool end = machine_debug_console_round(m, &status, err, errlen);
            pthread_mutex_unlock(&m->locks.console);
            if (end || machine_debug_gdb_round(m, &status, err, errlen))
                return status;
        }
        uint64_t elapsed = machine_ns_since(&m->start);
        if (threads_should_end(m, elapsed, limit_ns, &status, err, errlen))
            return status;
        update_io(m);
        if (machine_exiting(m)) /* Ctrl-A x, read by uart_poll */
            return guest_exit(m, err, errlen);
        if (m->console_closed) {
            machine_err(err, errlen, "the console output was closed (its reader went away); stopping");
            return RIVET_EXIT_SIGNAL + SIGPIPE;
        }
        if (threads_dead(m, err, errlen, &status))
            return status;
        io_sleep(m, elapsed, limit_ns);
    }
}

static int run_loop(struct machine *m, char *err, size_t errlen)
{
    const struct timespec *t0 = &m->start; /* --timeout counts the start-up too */
    uint64_t limit_ns = timeout_ns(m->cfg.timeout);
    machine_err(err, errlen, "%s", "");
    for (;;) {
        int debug_status; /* gdb stub, --expect-script: between rounds, before the first */
        if (m->debug && machine_debug_round(m, &debug_status, err, errlen))
            return debug_status;
        bool budget_left = m->paused || machine_run_round(m); /* paused: no hart runs (machine.h) */
        if (m->exit_requested)
            return guest_exit(m, err, errlen);
        if (m->stop_signal) {
            machine_err(err, errlen, "stopped by signal %d", (int)m->stop_signal);
            return RIVET_EXIT_SIGNAL + m->stop_signal;
        }
        if (!budget_left || (m->cfg.max_insns && m->retired >= m->cfg.max_insns)) {
            machine_err(err, errlen, "instruction limit of %llu reached", (unsigned long long)m->cfg.max_insns);
            return RIVET_EXIT_LIMIT;
        }
        uint64_t elapsed = machine_ns_since(t0);
        if (limit_ns && elapsed >= limit_ns) {
            machine_err(err, errlen, "time limit of %g s reached", m->cfg.timeout);
            return RIVET_EXIT_LIMIT;
        }
        update_devices(m);
        if (m->exit_requested) /* Ctrl-A x, read by uart_poll */
            return guest_exit(m, err, errlen);
        if (m->console_closed) {
            machine_err(err, errlen, "the console output was closed (its reader went away); stopping");
            return RIVET_EXIT_SIGNAL + SIGPIPE;
        }
        if (m->paused) {
            paused_step(m, elapsed, limit_ns);
            continue;
        }
        if (!all_waiting(m) || (m->debug && machine_debug_idle(m)))
            continue;
        bool only_input_can_wake = no_deadline_ahead(m);
        if (only_input_can_wake && !input_possible(m)) {
            machine_err(err, errlen,
                        "every hart waits for an interrupt and nothing is left to raise one "
                        "(no timer armed, no input)");
            return RIVET_EXIT_LIMIT;
        }
        if (only_input_can_wake && m->cfg.return_on_idle) {
            machine_err(err, errlen, "every hart waits for input");
            return RIVET_EXIT_LIMIT;
        }
        idle_sleep(m, elapsed, limit_ns);
    }
}

/* Paused (machine_pause): update_devices has served the I/O; sleep until a
 * monitor command, console or network input, or the idle cap. The timers
 * are not consulted: the guest's clocks stand still. */
static void paused_step(struct machine *m, uint64_t elapsed_ns, uint64_t limit_ns)
{
    uint64_t step = MACHINE_IDLE_MAX_NS;
    if (limit_ns && limit_ns > elapsed_ns && limit_ns - elapsed_ns < step)
        step = limit_ns - elapsed_ns;
    struct pollfd fds[NET_MAX_FDS + MON_MAX_FDS];
    unsigned nnet = m->net ? net_pollfds(m->net, fds, NET_MAX_FDS, &step) : 0;
    unsigned nmon = monitor_pollfds(m, fds + nnet, MON_MAX_FDS);
    bool slept = terminal_wait_input(m->term, step, fds, nnet + nmon);
    if (m->net)
        net_dispatch(m->net, fds, nnet, false);
    if (!slept) {
        struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 }; /* 10 ms: nothing to wait on */
        nanosleep(&ts, NULL);
    }
}
