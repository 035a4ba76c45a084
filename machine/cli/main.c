/*
 * rivet: the command-line front end, a thin layer over include/rivet.h.
 * Exit statuses are listed in cli_usage() (machine/cli/cli.c).
 *
 * Signals (the program's own, documented in README "Exit statuses"):
 * SIGINT/SIGTERM stop the run (128+N); SIGPIPE is ignored, so a console
 * whose reader went away is a write error (EPIPE) that ends the run with a
 * message and 141 and the tty restored (machine.c), never a silent death;
 * SIGALRM ends a start-up that outlasts --timeout (124).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cpu/isa.h"
#include "machine/cli/cli.h"
#include "machine/host/display.h"
#include "machine/host/hostfile.h"
#include "machine/host/net.h"
#include "rivet.h"

/* The globals a signal handler needs: the machine to stop, and whether the
 * start-up (before rivet_run, which keeps --timeout itself) is under way. */
static struct machine *volatile running;
static volatile sig_atomic_t starting;
static char startup_timeout_msg[96];

/* Installed before the machine (and its terminal) exists, as terminal.h
 * asks, so the terminal's own handler restores the tty and then calls this. */
static void on_signal(int signo)
{
    struct machine *m = running;
    if (m)
        rivet_request_stop(m, signo);
    else
        _exit(RIVET_EXIT_SIGNAL + signo);
}

/* --timeout covers loading too: a start-up still under way when it runs
 * out ends here (async-signal-safe: write and _exit, after the library
 * restored the tty). */
static void on_startup_alarm(int signo)
{
    if (!starting)
        return;
    rivet_restore_terminal();
    ssize_t n = write(STDERR_FILENO, startup_timeout_msg, strlen(startup_timeout_msg));
    (void)n;
    _exit(RIVET_EXIT_LIMIT);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_startup_alarm;
    sigaction(SIGALRM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void arm_startup_timer(double seconds)
{
    if (seconds <= 0)
        return;
    snprintf(startup_timeout_msg, sizeof startup_timeout_msg, "rivet: time limit of %g s reached during start-up\n",
             seconds);
    struct itimerval it = { .it_value = { .tv_sec = (time_t)seconds,
                                          .tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6) } };
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
        it.it_value.tv_usec = 1;
    starting = 1;
    setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_startup_timer(void)
{
    struct itimerval off = { 0 };
    setitimer(ITIMER_REAL, &off, NULL);
    starting = 0;
}

static int fail(int status, const char *msg)
{
    fprintf(stderr, "rivet: %s\n", msg);
    return status;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_stats(const struct machine *m, unsigned nharts, const struct timespec *t0)
{
    double s = seconds_since(t0);
    uint64_t n = rivet_instructions(m);
    fprintf(stderr, "rivet: instructions: %llu, seconds: %.3f, MIPS: %.1f\n", (unsigned long long)n, s,
            s > 0 ? (double)n / s / 1e6 : 0.0);
    for (unsigned i = 0; i < nharts && nharts > 1; i++) {
        struct rivet_hart_stats h;
        rivet_hart_stats(m, i, &h);
        if (rivet_threaded(m))
            fprintf(stderr, "rivet: hart %u: instructions: %llu, CPU seconds: %.3f, sleeps: %llu (woken late: %llu)\n",
                    i, (unsigned long long)h.instructions, (double)h.cpu_ns / 1e9, (unsigned long long)h.sleeps,
                    (unsigned long long)h.late_wakeups);
        else
            fprintf(stderr, "rivet: hart %u: instructions: %llu (one thread for all harts)\n", i,
                    (unsigned long long)h.instructions);
    }
    if (rivet_threaded(m)) {
        struct rivet_io_stats io;
        rivet_io_stats(m, &io);
        fprintf(stderr, "rivet: I/O thread: sleeps: %llu (woken late: %llu)\n", (unsigned long long)io.sleeps,
                (unsigned long long)io.late_wakeups);
    }
    struct rivet_code_stats c;
    rivet_code_stats(m, &c);
    fprintf(stderr,
            "rivet: blocks: %llu decoded, %llu translated (%llu KiB of host code), %llu refused; "
            "%llu pages invalidated, %llu cache flushes\n",
            (unsigned long long)c.blocks, (unsigned long long)c.translated, (unsigned long long)(c.host_bytes >> 10),
            (unsigned long long)c.refused, (unsigned long long)c.invalidations, (unsigned long long)c.flushes);
    if (c.translated)
        fprintf(stderr,
                "rivet: translated code: %llu links made, %llu undone; %llu helper calls; exits: %llu on through "
                "the jump cache, %llu missed it; jalr: %llu inline hits, %llu misses; %llu at the chain's end, "
                "%llu traps, %llu block ends, %llu helper jumps\n",
                (unsigned long long)c.links, (unsigned long long)c.unlinks, (unsigned long long)c.helper_calls,
                (unsigned long long)c.exit_jc_hit, (unsigned long long)c.exit_jc_miss,
                (unsigned long long)c.exit_ind_hit, (unsigned long long)c.exit_ind_miss,
                (unsigned long long)c.exit_limit, (unsigned long long)c.exit_trap, (unsigned long long)c.exit_end,
                (unsigned long long)c.exit_jump);
}

/* -machine virt,dumpdtb=FILE: the tree the guest would get, then exit 0. */
static int dump_dtb(struct machine *m, const struct cli_options *o, char *err, size_t errlen)
{
    struct rivet_boot boot = o->boot;
    if (!boot.kernel && boot.firmware == RIVET_FW_BUILTIN)
        boot.firmware = RIVET_FW_NONE; /* the same tree; nothing to run */
    if (!rivet_boot(m, &boot, err, errlen) || !rivet_dump_dtb(m, o->dumpdtb, err, errlen))
        return fail(RIVET_EXIT_USAGE, err);
    return 0;
}

/* The files rivet writes, opened before the guest starts so that a bad
 * path is a start-up error (125), not a surprise at exit (hostfile.h). */
struct outputs {
    FILE *trace, *screenshot, *signature, *log;
};

static FILE *open_output(const char *what, const char *path, char *err, size_t errlen)
{
    int fd = hostfile_open_output(what, path, err, errlen);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (fd >= 0 && !f) {
        snprintf(err, errlen, "%s %s: out of memory", what, path);
        close(fd);
    }
    return f;
}

/* Closes what a start-up error leaves open. */
static void close_outputs(struct outputs *out)
{
    if (out->trace && out->trace != stderr && out->trace != out->log)
        fclose(out->trace);
    if (out->screenshot)
        fclose(out->screenshot);
    if (out->signature)
        fclose(out->signature);
    if (out->log)
        fclose(out->log);
}

/* Opens every output file before the guest starts. -d in_asm, exec and cpu
 * are --trace's lines, written into the -D log unless --trace says where. */
static bool open_outputs(const struct cli_options *o, struct rivet_config *cfg, struct outputs *out, char *err,
                         size_t errlen)
{
    if (o->log_path && !(out->log = open_output("-D", o->log_path, err, errlen)))
        return false;
    if (out->log)
        setvbuf(out->log, NULL, _IOLBF, 0); /* whole lines survive a killed run */
    if (o->trace)
        out->trace = o->trace_path ? open_output("--trace", o->trace_path, err, errlen) : stderr;
    else if (cfg->log_items & RIVET_LOG_TRACE)
        out->trace = out->log ? out->log : stderr;
    if ((o->trace && !out->trace) ||
        (o->screenshot && !(out->screenshot = open_output("--screenshot-on-exit", o->screenshot, err, errlen))) ||
        (cfg->signature && !o->dumpdtb &&
         !(out->signature = open_output("--signature", cfg->signature, err, errlen)))) {
        close_outputs(out);
        return false;
    }
    cfg->trace = out->trace;
    cfg->log_file = out->log;
    return true;
}

static int run_machine(const struct cli_options *o, struct rivet_config *cfg, enum display_kind display,
                       struct outputs *out)
{
    char err[RIVET_ERR_LEN];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct machine *m = rivet_create(cfg, err, sizeof err);
    if (!m)
        return fail(RIVET_EXIT_USAGE, err);
    running = m;
    int status;
    struct display_sdl *window = NULL;
    struct rivet_boot boot = o->boot;
    boot.ram_from_snapshot = o->loadvm != NULL; /* checked, not read: the snapshot replaces RAM */
    if (o->dumpdtb)
        status = dump_dtb(m, o, err, sizeof err);
    else if (!rivet_boot(m, &boot, err, sizeof err))
        status = fail(RIVET_EXIT_USAGE, err);
    else if (o->loadvm && !rivet_loadvm(m, o->loadvm, err, sizeof err))
        status = fail(RIVET_EXIT_USAGE, err);
    else if (display == DISPLAY_SDL && !(window = display_sdl_open(m, err, sizeof err)))
        status = fail(RIVET_EXIT_USAGE, err);
    else {
        disarm_startup_timer(); /* rivet_run keeps --timeout from here */
        status = rivet_run(m, err, sizeof err);
        fflush(stdout);
        if (err[0])
            fprintf(stderr, "rivet: %s\n", err);
        display_sdl_close(window);
        if (out->signature && !rivet_write_signature(m, out->signature, err, sizeof err))
            status = fail(RIVET_EXIT_INTERNAL, err);
        if (out->screenshot && !screenshot_on_exit(m, out->screenshot, o->screenshot, err, sizeof err))
            status = fail(RIVET_EXIT_INTERNAL, err);
        out->screenshot = NULL; /* closed by screenshot_on_exit */
        if (o->stats)
            print_stats(m, o->cfg.nharts, &t0);
    }
    disarm_startup_timer();
    running = NULL;
    rivet_destroy(m);
    return status;
}

static int run(const struct cli_options *o)
{
    char err[RIVET_ERR_LEN];
    struct rivet_config cfg = o->cfg;
    struct outputs out = { NULL, NULL, NULL, NULL };
    const char *note;
    install_signals();
    arm_startup_timer(cfg.timeout);
    enum display_kind display =
        display_setup(o->display, o->boot.firmware != RIVET_FW_NONE && !o->dumpdtb, o->screenshot != NULL, &cfg, &note);
    if (note && display == DISPLAY_SDL)
        return fail(RIVET_EXIT_USAGE, note);
    if (note && isatty(STDERR_FILENO)) /* a hint for a person; scripts keep a clean stderr */
        fprintf(stderr, "rivet: %s\n", note);
    if (!open_outputs(o, &cfg, &out, err, sizeof err))
        return fail(RIVET_EXIT_USAGE, err);
    cfg.net_helper = net_helper_self(); /* the user network in a process of its own (net.h) */
    int status = run_machine(o, &cfg, display, &out);
    if (out.screenshot)
        fclose(out.screenshot);
    if (out.signature && fclose(out.signature) != 0) {
        snprintf(err, sizeof err, "--signature %s: write error: %s", cfg.signature, strerror(errno));
        status = fail(RIVET_EXIT_INTERNAL, err);
    }
    if (out.trace && out.trace != stderr && out.trace != out.log && fclose(out.trace) != 0) {
        snprintf(err, sizeof err, "--trace %s: write error: %s", o->trace_path, strerror(errno));
        status = fail(RIVET_EXIT_INTERNAL, err);
    }
    if (out.log && fclose(out.log) != 0) {
        snprintf(err, sizeof err, "-D %s: write error: %s", o->log_path, strerror(errno));
        status = fail(RIVET_EXIT_INTERNAL, err);
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], NET_HELPER_ARG)) /* rivet re-executed as its own network helper */
        return net_helper_main(argc, argv);
    struct cli_options o;
    char err[RIVET_ERR_LEN];
    int status;
    switch (cli_parse(argc, argv, &o, err, sizeof err)) {
    case CLI_HELP:
        fputs(cli_usage(), stdout);
        status = 0;
        break;
    case CLI_VERSION:
        fputs(cli_version(), stdout);
        status = 0;
        break;
    case CLI_LOG_HELP:
        fputs(cli_log_help(), stdout);
        status = 0;
        break;
    case CLI_CPU_HELP:
        isa_help(stdout);
        status = 0;
        break;
    case CLI_ERROR: status = fail(RIVET_EXIT_USAGE, err); break;
    default: status = run(&o); break;
    }
    cli_free(&o);
    return status;
}
