/*
 * rivet: the command-line front end, a thin layer over include/rivet.h.
 * Exit statuses are listed in cli_usage() (machine/cli.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/isa.h"
#include "machine/cli.h"
#include "machine/display.h"
#include "rivet.h"

/* The one global: the machine a signal handler should stop. */
static struct machine *volatile running;

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

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
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

static void print_stats(const struct machine *m, const struct timespec *t0)
{
    double s = seconds_since(t0);
    uint64_t n = rivet_instructions(m);
    fprintf(stderr, "rivet: instructions: %llu, seconds: %.3f, MIPS: %.1f\n", (unsigned long long)n, s,
            s > 0 ? (double)n / s / 1e6 : 0.0);
    struct rivet_code_stats c;
    rivet_code_stats(m, &c);
    fprintf(stderr,
            "rivet: blocks: %llu decoded, %llu translated (%llu KiB of host code), %llu refused; "
            "%llu pages invalidated, %llu cache flushes\n",
            (unsigned long long)c.blocks, (unsigned long long)c.translated, (unsigned long long)(c.host_bytes >> 10),
            (unsigned long long)c.refused, (unsigned long long)c.invalidations, (unsigned long long)c.flushes);
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

static int run(const struct cli_options *o, FILE *trace)
{
    char err[RIVET_ERR_LEN];
    struct rivet_config cfg = o->cfg;
    struct timespec t0;
    cfg.trace = trace;
    const char *note;
    enum display_kind display = display_setup(o->display, o->boot.firmware != RIVET_FW_NONE && !o->dumpdtb,
                                              o->screenshot != NULL, &cfg, &note);
    if (note && display == DISPLAY_SDL)
        return fail(RIVET_EXIT_USAGE, note);
    if (note && isatty(STDERR_FILENO)) /* a hint for a person; scripts keep a clean stderr */
        fprintf(stderr, "rivet: %s\n", note);
    install_signals();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct machine *m = rivet_create(&cfg, err, sizeof err);
    if (!m)
        return fail(RIVET_EXIT_USAGE, err);
    running = m;
    int status;
    struct display_sdl *window = NULL;
    if (o->dumpdtb)
        status = dump_dtb(m, o, err, sizeof err);
    else if (!rivet_boot(m, &o->boot, err, sizeof err))
        status = fail(RIVET_EXIT_USAGE, err);
    else if (display == DISPLAY_SDL && !(window = display_sdl_open(m, err, sizeof err)))
        status = fail(RIVET_EXIT_USAGE, err);
    else {
        status = rivet_run(m, err, sizeof err);
        fflush(stdout);
        if (err[0])
            fprintf(stderr, "rivet: %s\n", err);
        display_sdl_close(window);
        if (o->screenshot && !screenshot_on_exit(m, o->screenshot, err, sizeof err))
            status = fail(RIVET_EXIT_INTERNAL, err);
        if (o->stats)
            print_stats(m, &t0);
    }
    running = NULL;
    rivet_destroy(m);
    return status;
}

static int run_options(struct cli_options *o)
{
    char err[RIVET_ERR_LEN];
    FILE *trace = NULL;
    if (o->trace) {
        trace = o->trace_path ? fopen(o->trace_path, "w") : stderr;
        if (!trace) {
            snprintf(err, sizeof err, "--trace: cannot open '%s': %s", o->trace_path, strerror(errno));
            return fail(RIVET_EXIT_USAGE, err);
        }
    }
    int status = run(o, trace);
    if (trace && trace != stderr && fclose(trace) != 0) {
        snprintf(err, sizeof err, "--trace: error writing '%s': %s", o->trace_path, strerror(errno));
        return fail(RIVET_EXIT_INTERNAL, err);
    }
    return status;
}

int main(int argc, char **argv)
{
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
    case CLI_CPU_HELP:
        isa_help(stdout);
        status = 0;
        break;
    case CLI_ERROR:
        status = fail(RIVET_EXIT_USAGE, err);
        break;
    default:
        status = run_options(&o);
        break;
    }
    cli_free(&o);
    return status;
}
