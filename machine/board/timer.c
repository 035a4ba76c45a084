/*
 * The board's one timer path (machine.h, "Time"), in order:
 *   machine_clock      the time source: the host's monotonic clock since
 *                      creation, or under -icount the instruction count
 *                      (debug.c), in RIVET_TIMEBASE_HZ ticks;
 *   the CLINT's mtime  that source plus the guest's writes (clint.c); every
 *                      hart's `time` CSR reads it (machine_read_time);
 *   machine_update_timers  between rounds: MTIP from mtimecmp (clint_update),
 *                      STIP from Sstc's stimecmp and the end of WRS.STO waits
 *                      (hart_update_timer_irqs, also called where the guest
 *                      or the built-in SBI writes stimecmp or menvcfg);
 *   machine_next_deadline  the earliest compare none of these raised yet: how
 *                      long an idle machine sleeps (machine.c), how far
 *                      -icount skips (debug.c), and whether a machine whose
 *                      harts all wait can ever wake.
 * The RTC's alarm is in nanoseconds of host time (goldfish_rtc.c).
 */
#include <time.h>

#include "cpu/hart.h"
#include "devices/clint.h"
#include "devices/goldfish_rtc.h"
#include "machine/board/machine.h"
#include "machine/debug/debug.h"

uint64_t machine_ns_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns = (int64_t)(now.tv_sec - t0->tv_sec) * (int64_t)NS_PER_S + (now.tv_nsec - t0->tv_nsec);
    return ns > 0 ? (uint64_t)ns : 0;
}

uint64_t machine_guest_ns(const struct machine *m)
{
    uint64_t now = m->paused ? m->paused_at_ns : machine_ns_since(&m->start);
    return now - m->paused_total_ns;
}

uint64_t machine_clock(void *opaque)
{
    const struct machine *m = opaque;
    if (m->cfg.icount) /* -icount: time follows the instruction count */
        return machine_debug_virtual_ns(m) / NS_PER_TICK;
    return machine_guest_ns(m) / NS_PER_TICK;
}

/* Between rounds: every hart is then outside hart_run, and stays so while
 * paused (the run loop runs no round). With hart threads, the world is
 * stopped first: the hart threads read paused and paused_at_ns through
 * machine_clock, so those change only while every hart thread is parked
 * (park's lock orders the writes before their next read). */
void machine_pause(struct machine *m)
{
    if (m->paused)
        return;
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        hart_yield(&m->harts[i]);
    machine_stop_world(m, NULL); /* with a thread per hart: each parks (machine.h, "Threads") */
    m->paused = true;
    m->paused_at_ns = machine_ns_since(&m->start);
}

/* The CLINT reads machine_clock, which leaves the paused time out; the RTC
 * reads a clock of its own (the host's, or -rtc base='s), so its offset is
 * moved back by the pause instead. Under -icount neither moved. All before
 * the hart threads are released (machine_pause). */
void machine_resume(struct machine *m)
{
    if (!m->paused)
        return;
    uint64_t now = machine_ns_since(&m->start);
    uint64_t paused = now > m->paused_at_ns ? now - m->paused_at_ns : 0;
    m->paused_total_ns += paused;
    m->paused = false;
    if (!m->cfg.icount)
        goldfish_rtc_shift(m->rtc, paused);
    machine_resume_world(m);
}

bool machine_paused(const struct machine *m) { return m->paused; }

/* Every hart's `time` is the CLINT's mtime, so a guest write to mtime moves it too. */
uint64_t machine_read_time(void *opaque)
{
    const struct machine *m = opaque;
    return m->clint ? clint_mtime(m->clint) : machine_clock(opaque);
}

void machine_update_timers(struct machine *m)
{
    clint_update(m->clint);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        hart_update_timer_irqs(&m->harts[i]);
}

uint64_t machine_next_deadline(const struct machine *m)
{
    uint64_t deadline = clint_next_deadline(m->clint);
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        const struct hart *h = &m->harts[i];
        /* With Sstc, STIP is the timer's level (hart_update_timer_irqs):
         * while it is low the compare is still ahead of the last update. */
        if (!hart_halted(h) && (h->menvcfg & MENVCFG_STCE) && !(hart_pending(h) & MIP_STIP))
            deadline = min_u64(deadline, h->stimecmp);
        if (hart_wfi(h) && hart_wrs(h)) /* WRS.STO: the update ends the wait when reached (cpu/resv.h) */
            deadline = min_u64(deadline, h->wrs_deadline);
    }
    return deadline;
}
