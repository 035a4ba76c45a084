/*
 * rivet: the command-line front end, a thin layer over include/rivet.h.
 * Exit statuses are listed in cli_usage() (machine/cli.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "machine/cli.h"
#include "rivet.h"

/* The one global: the machine a signal handler should stop. */
static struct machine *volatile running;

static void on_signal(int signo)
{
    struct machine *m = running;
    if (m)
        rivet_request_stop(m, signo);
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

static int run(const struct cli_options *o, FILE *trace)
{
    char err[RIVET_ERR_LEN];
    struct rivet_config cfg = o->cfg;
    cfg.trace = trace;
    struct machine *m = rivet_create(&cfg, err, sizeof err);
    if (!m)
        return fail(RIVET_EXIT_INTERNAL, err);
    if (!rivet_load(m, o->kernel, err, sizeof err)) {
        rivet_destroy(m);
        return fail(RIVET_EXIT_USAGE, err);
    }
    running = m;
    install_signals();
    int status = rivet_run(m, err, sizeof err);
    running = NULL;
    fflush(stdout);
    if (err[0])
        fprintf(stderr, "rivet: %s\n", err);
    rivet_destroy(m);
    return status;
}

int main(int argc, char **argv)
{
    struct cli_options o;
    char err[RIVET_ERR_LEN];
    switch (cli_parse(argc, argv, &o, err, sizeof err)) {
    case CLI_HELP:
        fputs(cli_usage(), stdout);
        return 0;
    case CLI_VERSION:
        fputs(cli_version(), stdout);
        return 0;
    case CLI_ERROR:
        return fail(RIVET_EXIT_USAGE, err);
    case CLI_RUN:
        break;
    }
    FILE *trace = NULL;
    if (o.trace) {
        trace = o.trace_path ? fopen(o.trace_path, "w") : stderr;
        if (!trace) {
            snprintf(err, sizeof err, "--trace: cannot open '%s': %s", o.trace_path, strerror(errno));
            return fail(RIVET_EXIT_USAGE, err);
        }
    }
    int status = run(&o, trace);
    if (trace && trace != stderr && fclose(trace) != 0) {
        snprintf(err, sizeof err, "--trace: error writing '%s': %s", o.trace_path, strerror(errno));
        return fail(RIVET_EXIT_INTERNAL, err);
    }
    return status;
}
