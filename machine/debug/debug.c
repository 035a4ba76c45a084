/*
 * Debugging and determinism services of the board (contract in debug.h).
 */
#include "machine/debug/debug.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devices/clint.h"
#include "devices/goldfish_rtc.h"
#include "machine/debug/expect.h"
#include "machine/debug/gdbstub.h"
#include "machine/board/machine.h"
#include "machine/host/terminal.h"


struct machine_debug {
    struct machine *m;
    struct gdbstub *gdb;
    struct expect *expect;
    struct terminal *log; /* --console-log: an output-only terminal (buffered, flushed every round) */
    struct chardev log_dev;
    struct chardev inner; /* the console the tee forwards to */
    uint64_t skipped_ns;  /* -icount: virtual time jumped over while idle */
    uint64_t rtc_base_ns; /* the RTC's time at start-up (-icount, -rtc base=DATE) */
};

uint64_t machine_debug_virtual_ns(const struct machine *m)
{
    uint64_t n = m->harts ? rivet_instructions(m) : 0;
    return (n << m->cfg.icount_shift) + (m->debug ? m->debug->skipped_ns : 0);
}

/* The RTC under -icount: its start (rtc_start_ns), then virtual time. */
static uint64_t rtc_virtual_ns(void *opaque)
{
    const struct machine_debug *d = opaque;
    return d->rtc_base_ns + machine_debug_virtual_ns(d->m);
}

/* -rtc base=DATE without -icount: the date, then host time as it passes. */
static uint64_t rtc_fixed_ns(void *opaque)
{
    const struct machine_debug *d = opaque;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - d->m->start.tv_sec) * (int64_t)NS_PER_S + (now.tv_nsec - d->m->start.tv_nsec);
    return d->rtc_base_ns + (ns > 0 ? (uint64_t)ns : 0);
}

/* Where the RTC starts: a fixed date (-rtc base=DATE, or -icount's default,
 * so that a run repeats byte for byte), else the host's time. */
static uint64_t rtc_start_ns(const struct rivet_config *cfg)
{
    if (cfg->rtc_mode == RIVET_RTC_FIXED)
        return (uint64_t)cfg->rtc_base * NS_PER_S;
    if (cfg->icount && cfg->rtc_mode == RIVET_RTC_DEFAULT)
        return (uint64_t)RIVET_ICOUNT_RTC_BASE * NS_PER_S;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec > 0 ? (uint64_t)t.tv_sec * NS_PER_S + (uint64_t)t.tv_nsec : 0;
}

/* The console tee: output to the real console, the log and the script;
 * input from the script first, then the real console. */
static void tee_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct machine_debug *d = opaque;
    chardev_write(&d->inner, buf, len);
    chardev_write(&d->log_dev, buf, len);
    if (d->expect)
        expect_output(d->expect, buf, len);
}

static size_t tee_read(void *opaque, uint8_t *buf, size_t len)
{
    struct machine_debug *d = opaque;
    size_t n = d->expect ? expect_input(d->expect, buf, len) : 0;
    return n ? n : chardev_read(&d->inner, buf, len);
}

static void tee_drained(void *opaque) { chardev_drained(&((struct machine_debug *)opaque)->inner); }

static bool open_tee(struct machine_debug *d, char *err, size_t errlen)
{
    const struct rivet_config *cfg = &d->m->cfg;
    if (cfg->console_log) {
        d->log = terminal_open_file("--console-log", cfg->console_log, err, errlen);
        if (!d->log)
            return false;
        d->log_dev = terminal_chardev(d->log);
    }
    if (cfg->expect_script && !(d->expect = expect_load(cfg->expect_script, err, errlen)))
        return false;
    if (d->log || d->expect) {
        d->inner = d->m->console;
        d->m->console = (struct chardev){ tee_write, tee_read, d, tee_drained };
    }
    return true;
}

bool machine_debug_create(struct machine *m, char *err, size_t errlen)
{
    const struct rivet_config *cfg = &m->cfg;
    if (!cfg->gdb && !cfg->icount && !cfg->expect_script && !cfg->console_log && cfg->rtc_mode != RIVET_RTC_FIXED)
        return true;
    struct machine_debug *d = calloc(1, sizeof *d);
    if (!d) {
        machine_err(err, errlen, "out of memory");
        return false;
    }
    d->m = m;
    m->debug = d;
    if (cfg->icount_shift > 30) {
        machine_err(err, errlen, "-icount: shift %u out of range (0 to 30)", cfg->icount_shift);
        return false;
    }
    if (!open_tee(d, err, errlen))
        return false;
    if (cfg->gdb && !(d->gdb = gdbstub_create(m, cfg->gdb, cfg->gdb_wait, err, errlen)))
        return false;
    if (cfg->icount || cfg->rtc_mode == RIVET_RTC_FIXED)
        d->rtc_base_ns = rtc_start_ns(cfg);
    return true;
}

void machine_debug_attach_rtc(struct machine *m)
{
    const struct rivet_config *cfg = &m->cfg;
    if (m->debug && (cfg->icount || cfg->rtc_mode == RIVET_RTC_FIXED))
        goldfish_rtc_set_clock(m->rtc, cfg->icount ? rtc_virtual_ns : rtc_fixed_ns, m->debug);
}

void machine_debug_destroy(struct machine *m)
{
    struct machine_debug *d = m->debug;
    if (!d)
        return;
    gdbstub_destroy(d->gdb);
    expect_destroy(d->expect);
    terminal_close(d->log);
    free(d);
    m->debug = NULL;
}

void machine_debug_flush(struct machine *m)
{
    struct machine_debug *d = m->debug;
    if (!d || !d->log)
        return;
    terminal_flush(d->log);
    int e = terminal_take_error(d->log);
    if (e)
        machine_note(m, "--console-log %s: write error: %s; the log stops here", m->cfg.console_log, strerror(e));
}

bool machine_debug_console_round(struct machine *m, int *status, char *err, size_t errlen)
{
    struct machine_debug *d = m->debug;
    machine_debug_flush(m); /* the log is written once per round, like the console */
    return d->expect && expect_step(d->expect, status, err, errlen);
}

bool machine_debug_gdb_round(struct machine *m, int *status, char *err, size_t errlen)
{
    struct machine_debug *d = m->debug;
    if (d->gdb && gdbstub_round(d->gdb, status)) {
        machine_err(err, errlen, "killed by gdb");
        return true;
    }
    return false;
}

bool machine_debug_round(struct machine *m, int *status, char *err, size_t errlen)
{
    return machine_debug_console_round(m, status, err, errlen) || machine_debug_gdb_round(m, status, err, errlen);
}

bool machine_debug_idle(struct machine *m)
{
    struct machine_debug *d = m->debug;
    if (!m->cfg.icount)
        return false;
    uint64_t now = clint_mtime(m->clint);
    uint64_t deadline = machine_next_deadline(m);
    /* Virtual time is a 64-bit count of nanoseconds: a deadline further
     * away than it can reach (a guest may set mtime or mtimecmp anywhere)
     * never fires, like no deadline at all. */
    uint64_t room = UINT64_MAX - machine_debug_virtual_ns(m);
    uint64_t wait_ns = UINT64_MAX;
    if (deadline <= now)
        return true; /* reached since the last update: the next round raises it */
    if (deadline != UINT64_MAX && deadline - now <= room / NS_PER_TICK)
        wait_ns = (deadline - now) * NS_PER_TICK;
    uint64_t alarm = goldfish_rtc_ns_until_alarm(m->rtc);
    if (alarm > 0 && alarm <= room)
        wait_ns = min_u64(wait_ns, alarm);
    if (wait_ns == UINT64_MAX)
        return false; /* nothing will ever fire: only input can wake the harts */
    d->skipped_ns += wait_ns;
    return true;
}
