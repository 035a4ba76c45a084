/*
 * The machine object and its run loop (rules in machine.h), behind the
 * public API of include/rivet.h.
 */
#include "machine/machine.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cache.h"
#include "machine/loader.h"

#define RIVET_PAGE_SIZE 4096ull
#define NS_PER_S 1000000000ull

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static uint64_t ns_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - t0->tv_sec) * (int64_t)NS_PER_S + (now.tv_nsec - t0->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

uint64_t machine_read_time(void *opaque)
{
    const struct machine *m = opaque;
    return ns_since(&m->start) / (NS_PER_S / RIVET_TIMEBASE_HZ);
}

void machine_request_exit(void *opaque, uint64_t code)
{
    struct machine *m = opaque;
    m->exit_requested = true;
    m->exit_code = code;
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].yield = true;
}

void rivet_config_default(struct rivet_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ram_size = 128ull << 20;
    cfg->nharts = 1;
}

int rivet_guest_status(uint64_t code)
{
    if (code == 0)
        return RIVET_EXIT_PASS;
    /* A failing code must never read as a pass once truncated to 8 bits. */
    return (code & 0xff) ? (int)(code & 0xff) : 1;
}

static bool check_config(const struct rivet_config *cfg, char *err, size_t errlen)
{
    if (cfg->nharts < 1 || cfg->nharts > RIVET_MAX_HARTS) {
        set_err(err, errlen, "%u harts requested; rivet supports 1 to %d", cfg->nharts, RIVET_MAX_HARTS);
        return false;
    }
    if (cfg->ram_size == 0 || cfg->ram_size % RIVET_PAGE_SIZE ||
        cfg->ram_size > UINT64_MAX - RIVET_RAM_BASE) {
        set_err(err, errlen, "RAM size %llu is not a nonzero multiple of 4 KiB",
                (unsigned long long)cfg->ram_size);
        return false;
    }
    if (!(cfg->timeout >= 0) || !isfinite(cfg->timeout)) {
        set_err(err, errlen, "time limit must be a finite number of seconds");
        return false;
    }
    return true;
}

static bool create_harts(struct machine *m, char *err, size_t errlen)
{
    m->harts = calloc(m->cfg.nharts, sizeof *m->harts);
    if (!m->harts) {
        set_err(err, errlen, "out of memory creating %u harts", m->cfg.nharts);
        return false;
    }
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart *h = &m->harts[i];
        hart_init(h, &m->bus, m->cache, i);
        h->next = i + 1 < m->cfg.nharts ? &m->harts[i + 1] : NULL;
        h->env.opaque = m;
        h->env.read_time = machine_read_time;
        h->trace = m->cfg.trace;
        if (!code_cache_add_hart(m->cache, h)) {
            set_err(err, errlen, "code cache refused hart %u", i);
            return false;
        }
    }
    return true;
}

struct machine *rivet_create(const struct rivet_config *cfg, char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    if (!check_config(cfg, err, errlen))
        return NULL;
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        set_err(err, errlen, "out of memory creating the machine");
        return NULL;
    }
    m->cfg = *cfg;
    clock_gettime(CLOCK_MONOTONIC, &m->start);
    if (!bus_init(&m->bus, RIVET_RAM_BASE, cfg->ram_size)) {
        set_err(err, errlen, "cannot allocate %llu MiB of guest RAM: %s",
                (unsigned long long)(cfg->ram_size >> 20), strerror(errno));
        free(m);
        return NULL;
    }
    m->cache = code_cache_create(&m->bus);
    if (!m->cache) {
        set_err(err, errlen, "out of memory creating the code cache");
        rivet_destroy(m);
        return NULL;
    }
    if (!create_harts(m, err, errlen)) {
        rivet_destroy(m);
        return NULL;
    }
    return m;
}

void rivet_destroy(struct machine *m)
{
    if (!m)
        return;
    if (m->cache)
        code_cache_destroy(m->cache);
    free(m->harts);
    bus_destroy(&m->bus);
    free(m);
}

bool rivet_load(struct machine *m, const char *path, char *err, size_t errlen)
{
    struct load_info info;
    set_err(err, errlen, "%s", "");
    if (!load_image(&m->bus, path, &info, err, errlen))
        return false;
    if (info.has_tohost) {
        if (!htif_init(&m->htif, &m->bus, info.tohost, info.has_fromhost, info.fromhost,
                       machine_request_exit, m)) {
            set_err(err, errlen, "%s: tohost/fromhost (0x%llx/0x%llx) are not aligned words in RAM",
                    path, (unsigned long long)info.tohost, (unsigned long long)info.fromhost);
            return false;
        }
        m->has_htif = true;
    }
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart *h = &m->harts[i];
        hart_reset(h, info.entry);
        h->x[10] = i; /* a0: hart id */
        h->x[11] = 0; /* a1: device tree address; none is built yet */
    }
    return true;
}

void rivet_request_stop(struct machine *m, int signo)
{
    m->stop_signal = signo > 0 ? signo : 1;
}

/* One round: every hart runs one slice. Returns false when the instruction
 * limit leaves nothing to run. m->retired counts retired instructions, plus
 * the whole budget of any slice in which a runnable hart retired nothing. */
static bool run_round(struct machine *m)
{
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart *h = &m->harts[i];
        uint64_t budget = MACHINE_SLICE;
        if (m->cfg.max_insns) {
            if (m->retired >= m->cfg.max_insns)
                return false;
            if (m->cfg.max_insns - m->retired < budget)
                budget = m->cfg.max_insns - m->retired;
        }
        if (m->cfg.nharts > 1)
            h->resv_valid = false;
        uint64_t n = hart_run(h, budget);
        /* A hart trapping in a loop retires nothing; charge the slice to the
         * limit anyway, or --max-insns would never end such a run. */
        if (n == 0 && !h->wfi && !h->halted && !h->yield)
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
        if (!(h->wfi || h->halted) || (hart_pending(h) & h->mie))
            return false;
    }
    return true;
}

static void idle_sleep(const struct machine *m, uint64_t elapsed_ns, uint64_t limit_ns)
{
    uint64_t step = MACHINE_IDLE_NS;
    if (limit_ns && limit_ns > elapsed_ns && limit_ns - elapsed_ns < step)
        step = limit_ns - elapsed_ns;
    struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)step };
    nanosleep(&ts, NULL); /* EINTR is fine: the loop checks for a stop next */
}

static uint64_t timeout_ns(double seconds)
{
    if (seconds <= 0)
        return 0;
    double ns = seconds * (double)NS_PER_S;
    return ns >= 1.8e19 ? UINT64_MAX : (ns < 1 ? 1 : (uint64_t)ns);
}

int rivet_run(struct machine *m, char *err, size_t errlen)
{
    struct timespec t0;
    uint64_t limit_ns = timeout_ns(m->cfg.timeout);
    set_err(err, errlen, "%s", "");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        bool budget_left = run_round(m);
        if (m->exit_requested) {
            fflush(stdout);
            return rivet_guest_status(m->exit_code);
        }
        if (m->stop_signal) {
            set_err(err, errlen, "stopped by signal %d", (int)m->stop_signal);
            return RIVET_EXIT_SIGNAL + m->stop_signal;
        }
        if (!budget_left || (m->cfg.max_insns && m->retired >= m->cfg.max_insns)) {
            set_err(err, errlen, "instruction limit of %llu reached",
                    (unsigned long long)m->cfg.max_insns);
            return RIVET_EXIT_LIMIT;
        }
        uint64_t elapsed = ns_since(&t0);
        if (limit_ns && elapsed >= limit_ns) {
            set_err(err, errlen, "time limit of %g s reached", m->cfg.timeout);
            return RIVET_EXIT_LIMIT;
        }
        for (unsigned i = 0; i < m->cfg.nharts; i++) {
            m->harts[i].yield = false;
            hart_tick(&m->harts[i]);
        }
        if (all_waiting(m))
            idle_sleep(m, elapsed, limit_ns);
    }
}
