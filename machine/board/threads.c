/*
 * One host thread per hart (-accel tcg,thread=multi): the hart threads'
 * loop, their sleep, requests between threads and stopping the world. The
 * rules are in machine.h, "Threads"; the I/O thread's loop is machine.c's.
 */
#define _GNU_SOURCE /* pipe2 */
#include "machine/board/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "devices/clint.h"

#define HART_SLEEP_MAX_NS 1000000000ull /* a sleeping hart looks again at least once a second */

struct hart_thread {
    struct machine *m;
    struct hart *h;
    pthread_t tid;
    bool started;      /* the I/O thread's: created, to join */
    pthread_t self;    /* written by the thread itself before it runs the hart */
    uint32_t running;  /* atomic: self is set */
    uint32_t idle;     /* atomic: asleep with no deadline of its own (machine_threads_all_idle) */
    uint32_t idle_seq; /* atomic: the hart's wake_seq it went idle at (a kick since moves it) */
};

struct machine_threads {
    struct hart_thread t[RIVET_MAX_HARTS];
    uint64_t cpu_ns[RIVET_MAX_HARTS]; /* each hart thread's CPU time when it ended */
    /* Written by each hart's own thread, read after it is joined: its
     * sleeps, and those that ran to their timeout although something that
     * should have woken it (a request, a stop, an enabled pending
     * interrupt) was there and no kick came (a lost wake-up: --stats). */
    uint64_t sleeps[RIVET_MAX_HARTS], late_wakeups[RIVET_MAX_HARTS];
    pthread_mutex_t lock; /* nlive, nparked, and the wait for them */
    pthread_cond_t cond;
    unsigned nlive, nparked;
    bool on;           /* hart threads run (between start and end) */
    uint32_t stop_req; /* atomic: the world is (being) stopped */
    unsigned io_depth; /* under lock: the I/O thread's nested stops of the world it holds */
    uint32_t end;      /* atomic: hart threads leave their loops */
    uint32_t activity; /* atomic: bumped by each hart going to sleep */
    uint32_t io_woken; /* atomic: a byte is in wake_pipe (one is enough) */
    int wake_pipe[2];  /* the I/O thread's wake-up (non-blocking) */
    /* The I/O thread's own: its sleeps, and those that ran to their timeout
     * although a wake-up was posted (io_woken set): a lost wake-up. */
    uint64_t io_sleeps, io_late;
};

/* The machine's threads while they run, else NULL (thread=single). */
static struct machine_threads *active(const struct machine *m) { return m->mt && m->mt->on ? m->mt : NULL; }

bool machine_threads_on(const struct machine *m) { return active(m) != NULL; }

bool machine_threads_wanted(const struct rivet_config *cfg)
{
    /* machine.h: these run on the round-robin loop. */
    if (cfg->icount || cfg->trace || cfg->semihosting)
        return false;
    if (cfg->thread != RIVET_THREAD_DEFAULT)
        return cfg->thread == RIVET_THREAD_MULTI;
    return cfg->nharts > 1;
}

static struct machine_threads *threads_new(void)
{
    struct machine_threads *mt = calloc(1, sizeof *mt);
    if (!mt)
        return NULL;
    if (pipe2(mt->wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        free(mt);
        return NULL;
    }
    pthread_mutex_init(&mt->lock, NULL);
    pthread_cond_init(&mt->cond, NULL);
    return mt;
}

void machine_threads_free(struct machine *m)
{
    struct machine_threads *mt = m->mt;
    if (!mt)
        return;
    close(mt->wake_pipe[0]);
    close(mt->wake_pipe[1]);
    pthread_mutex_destroy(&mt->lock);
    pthread_cond_destroy(&mt->cond);
    free(mt);
    m->mt = NULL;
}

/* ---- the I/O thread's wake-up ---- */

void machine_threads_wake_io(struct machine *m)
{
    if (active(m) && !__atomic_exchange_n(&m->mt->io_woken, 1, __ATOMIC_SEQ_CST)) {
        char c = 0;
        ssize_t r = write(m->mt->wake_pipe[1], &c, 1); /* full: a wake-up is pending anyway */
        (void)r;
    }
}

int machine_threads_wake_fd(struct machine *m) { return m->mt ? m->mt->wake_pipe[0] : -1; }

/* Empties the pipe first, then clears io_woken. A waker that finds
 * io_woken set writes nothing: what it posted must be seen by the I/O
 * thread's next round, which starts after the clear, so every such waker
 * came before it. The other order loses wake-ups: a waker between the
 * clear and the read has its byte eaten and leaves io_woken set with the
 * pipe empty, and every later waker then writes nothing, so the I/O thread
 * sleeps out its whole step (a console line from a hart thread late by up
 * to MACHINE_IDLE_MAX_NS). An extra byte left by a waker between the read
 * and the clear only costs a spurious round. */
void machine_threads_drain_wake(struct machine *m, bool timed_out)
{
    char buf[64];
    struct machine_threads *mt = m->mt;
    if (!mt)
        return;
    mt->io_sleeps++;
    if (timed_out && __atomic_load_n(&mt->io_woken, __ATOMIC_SEQ_CST))
        mt->io_late++;
    while (read(mt->wake_pipe[0], buf, sizeof buf) > 0)
        ;
    __atomic_store_n(&mt->io_woken, 0, __ATOMIC_SEQ_CST);
}

void machine_threads_io_sleeps(const struct machine *m, uint64_t *sleeps, uint64_t *late)
{
    *sleeps = m->mt ? m->mt->io_sleeps : 0;
    *late = m->mt ? m->mt->io_late : 0;
}

uint32_t machine_threads_activity(struct machine *m)
{
    return m->mt ? __atomic_load_n(&m->mt->activity, __ATOMIC_SEQ_CST) : 0;
}

/* ---- parking and stopping the world ---- */

/* A hart at a slice boundary while the world is stopped: counted, it
 * waits until the stopper is done. */
static void park(struct machine_threads *mt)
{
    pthread_mutex_lock(&mt->lock);
    mt->nparked++;
    pthread_cond_broadcast(&mt->cond);
    while (__atomic_load_n(&mt->stop_req, __ATOMIC_ACQUIRE) && !__atomic_load_n(&mt->end, __ATOMIC_ACQUIRE))
        pthread_cond_wait(&mt->cond, &mt->lock);
    mt->nparked--;
    pthread_mutex_unlock(&mt->lock);
}

/* The HSM start of a claimed, stopped hart (cpu/hart.h): its registers,
 * then `halted` (release: whoever sees it clear sees them), then the claim. */
static void start_now(struct hart *h)
{
    machine_sbi_enter_s(h, h->start_pc, h->mhartid, h->start_arg);
    __atomic_store_n(&h->halted, false, __ATOMIC_RELEASE);
    __atomic_store_n(&h->start_claim, 0, __ATOMIC_RELEASE);
}

bool machine_hart_start(struct machine *m, struct hart *target, uint64_t pc, uint64_t arg)
{
    uint32_t unclaimed = 0;
    if (!__atomic_compare_exchange_n(&target->start_claim, &unclaimed, 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return false;
    if (!hart_halted(target)) {
        __atomic_store_n(&target->start_claim, 0, __ATOMIC_RELEASE);
        return false;
    }
    target->start_pc = pc;
    target->start_arg = arg;
    /* The target's thread sleeps while halted and wakes for the request; a
     * target that is parked applies it once the world resumes. Without hart
     * threads nothing else runs the target: done here. */
    if (active(m))
        __atomic_fetch_or(&target->req, HART_REQ_START, __ATOMIC_SEQ_CST);
    else
        start_now(target);
    hart_kick(target);
    return true;
}

/* The claim first: a start finishing between the two reads leaves the
 * claim clear and `halted` clear, read as STARTED, as it is. */
enum sbi_hart_state machine_hart_state(const struct hart *h)
{
    bool claimed = __atomic_load_n(&h->start_claim, __ATOMIC_ACQUIRE) != 0;
    if (!hart_halted(h))
        return SBI_HSM_STARTED;
    return claimed ? SBI_HSM_START_PENDING : SBI_HSM_STOPPED;
}

/* The hart's requests (machine.h): the TLB flush, the HSM start, the acknowledgement of
 * every request seen, parking. Its own thread, at a slice boundary. */
static void serve_requests(struct machine_threads *mt, struct hart *h)
{
    uint32_t seq = __atomic_load_n(&h->req_seq, __ATOMIC_SEQ_CST);
    uint32_t bits = __atomic_exchange_n(&h->req, 0, __ATOMIC_SEQ_CST);
    if (bits & HART_REQ_TLB)
        hart_flush_tlb(h);
    if (bits & HART_REQ_START)
        start_now(h);
    if (seq != __atomic_load_n(&h->req_ack, __ATOMIC_RELAXED))
        __atomic_store_n(&h->req_ack, seq, __ATOMIC_RELEASE);
    if (__atomic_load_n(&mt->stop_req, __ATOMIC_SEQ_CST))
        park(mt);
}

/* The I/O thread (self NULL) stopping a world it already holds (the gdb
 * stub stepping a hart whose code recycles the cache arena, the monitor
 * reading a paused machine): counted, so only the outermost resume
 * releases it. Under mt->lock. */
static bool io_nested(struct machine_threads *mt, const struct hart *self)
{
    if (self || !mt->io_depth)
        return false;
    mt->io_depth++;
    return true;
}

void machine_stop_world(struct machine *m, struct hart *self)
{
    struct machine_threads *mt = active(m);
    if (!mt)
        return;
    pthread_mutex_lock(&mt->lock);
    if (io_nested(mt, self)) {
        pthread_mutex_unlock(&mt->lock);
        return;
    }
    while (__atomic_load_n(&mt->stop_req, __ATOMIC_ACQUIRE)) { /* another stopper first: a hart parks */
        mt->nparked += self ? 1u : 0u;                         /* the I/O thread is no hart: it only waits */
        pthread_cond_broadcast(&mt->cond);
        while (__atomic_load_n(&mt->stop_req, __ATOMIC_ACQUIRE))
            pthread_cond_wait(&mt->cond, &mt->lock);
        mt->nparked -= self ? 1u : 0u;
    }
    __atomic_store_n(&mt->stop_req, 1, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        if (&m->harts[i] != self)
            hart_yield(&m->harts[i]); /* out of hart_run, or awake, to park */
    unsigned others = mt->nlive - (self ? 1u : 0u);
    while (mt->nparked < others) {
        pthread_cond_wait(&mt->cond, &mt->lock);
        others = mt->nlive - (self ? 1u : 0u);
    }
    if (!self)
        mt->io_depth = 1;
    pthread_mutex_unlock(&mt->lock);
}

void machine_resume_world(struct machine *m)
{
    struct machine_threads *mt = active(m);
    if (!mt)
        return;
    pthread_mutex_lock(&mt->lock);
    if (mt->io_depth > 1) { /* an inner stop of the I/O thread's (io_nested) */
        mt->io_depth--;
        pthread_mutex_unlock(&mt->lock);
        return;
    }
    mt->io_depth = 0;
    __atomic_store_n(&mt->stop_req, 0, __ATOMIC_SEQ_CST);
    pthread_cond_broadcast(&mt->cond);
    pthread_mutex_unlock(&mt->lock);
}

/* Whether the I/O thread holds the world stopped (every hart parked). */
static bool io_holds_world(struct machine_threads *mt)
{
    pthread_mutex_lock(&mt->lock);
    bool held = mt->io_depth > 0;
    pthread_mutex_unlock(&mt->lock);
    return held;
}

struct hart *machine_current_hart(struct machine *m)
{
    if (!active(m))
        return NULL;
    pthread_t me = pthread_self();
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        if (__atomic_load_n(&m->mt->t[i].running, __ATOMIC_ACQUIRE) && pthread_equal(m->mt->t[i].self, me))
            return &m->harts[i];
    return NULL;
}

void machine_hart_sync(struct machine *m, struct hart *self, struct hart *target, bool tlb)
{
    struct machine_threads *mt = active(m);
    /* The I/O thread running a parked hart's instruction (gdb's step) with
     * the world held: every target is parked too, so it is done here. */
    if (!mt || target == self || (!self && io_holds_world(mt))) {
        if (tlb)
            hart_flush_tlb(target);
        return;
    }
    if (tlb)
        __atomic_fetch_or(&target->req, HART_REQ_TLB, __ATOMIC_SEQ_CST);
    uint32_t want = __atomic_add_fetch(&target->req_seq, 1, __ATOMIC_SEQ_CST);
    hart_yield(target);
    /* Serving our own requests meanwhile: two harts syncing each other, or
     * a stop of the world, never deadlock. */
    while ((int32_t)(__atomic_load_n(&target->req_ack, __ATOMIC_ACQUIRE) - want) < 0 &&
           !__atomic_load_n(&mt->end, __ATOMIC_ACQUIRE)) {
        if (self)
            serve_requests(mt, self);
        sched_yield();
    }
}

/* ---- the hart thread ---- */

/* Also a hart the gdb stub holds (h->debug_hold, written only while the
 * world is stopped or by the hart itself): it sleeps until released. */
static bool hart_waits(const struct hart *h)
{
    return hart_halted(h) || h->debug_hold || (hart_wfi(h) && !(hart_pending(h) & h->mie));
}

/* Whether the run is over for the harts: the guest asked to exit, or the
 * instruction limit is reached (the I/O thread ends the run). */
static bool run_over(const struct machine *m)
{
    return machine_exiting(m) ||
           (m->cfg.max_insns && __atomic_load_n(&m->retired, __ATOMIC_RELAXED) >= m->cfg.max_insns);
}

/* What a kicker posts before it kicks: a request, a stop, the end. */
static bool kicked_for(const struct machine *m, const struct hart *h)
{
    const struct machine_threads *mt = m->mt;
    return __atomic_load_n(&mt->end, __ATOMIC_SEQ_CST) || __atomic_load_n(&mt->stop_req, __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&h->req, __ATOMIC_SEQ_CST) ||
           __atomic_load_n(&h->req_seq, __ATOMIC_SEQ_CST) != __atomic_load_n(&h->req_ack, __ATOMIC_RELAXED);
}

/* Anything that must end the hart's sleep now. */
static bool must_wake(const struct machine *m, const struct hart *h)
{
    return kicked_for(m, h) || (!run_over(m) && !hart_waits(h));
}

/* The hart's own earliest timer deadline not yet raised, in mtime ticks
 * (timer.c's machine_next_deadline, for one hart); UINT64_MAX: none. */
static uint64_t own_deadline(const struct machine *m, const struct hart *h)
{
    if (hart_halted(h) || h->debug_hold)
        return UINT64_MAX;
    uint64_t deadline = clint_next_deadline_hart(m->clint, (unsigned)(h - m->harts));
    if ((h->menvcfg & MENVCFG_STCE) && !(hart_pending(h) & MIP_STIP))
        deadline = min_u64(deadline, h->stimecmp);
    if (hart_wfi(h) && hart_wrs(h))
        deadline = min_u64(deadline, h->wrs_deadline);
    return deadline;
}

/* Nanoseconds until that deadline, at most HART_SLEEP_MAX_NS. */
static uint64_t wait_ns(const struct machine *m, uint64_t deadline)
{
    uint64_t now = clint_mtime(m->clint);
    if (deadline <= now)
        return 0;
    uint64_t ticks = deadline - now;
    return ticks >= HART_SLEEP_MAX_NS / NS_PER_TICK ? HART_SLEEP_MAX_NS : ticks * NS_PER_TICK;
}

bool machine_threads_all_idle(struct machine *m)
{
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        const struct hart_thread *t = m->mt ? &m->mt->t[i] : NULL;
        /* Kicked since it went idle (an IPI on its way): not idle any more. */
        if (!t || !__atomic_load_n(&t->idle, __ATOMIC_SEQ_CST) ||
            __atomic_load_n(&m->harts[i].wake_seq, __ATOMIC_SEQ_CST) != __atomic_load_n(&t->idle_seq, __ATOMIC_SEQ_CST))
            return false;
    }
    return true;
}

/* Sleeps until a kick (hart_kick: wake_seq moved) or ns pass. `sleeping`
 * is set before the last look at what wakes it, and kickers change that
 * before they look at `sleeping` (both seq_cst): no wake-up is lost. */
static void hart_sleep(struct machine *m, struct hart *h, uint64_t ns, bool idle)
{
    struct hart_thread *t = &m->mt->t[h - m->harts];
    uint32_t seq = __atomic_load_n(&h->wake_seq, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->sleeping, 1, __ATOMIC_SEQ_CST);
    if (ns && !must_wake(m, h)) {
        __atomic_store_n(&t->idle_seq, seq, __ATOMIC_SEQ_CST);
        __atomic_store_n(&t->idle, idle, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&m->mt->activity, 1, __ATOMIC_SEQ_CST);
        struct timespec ts = { .tv_sec = (time_t)(ns / NS_PER_S), .tv_nsec = (long)(ns % NS_PER_S) };
        long r = syscall(SYS_futex, &h->wake_seq, FUTEX_WAIT_PRIVATE, seq, &ts, NULL, 0);
        unsigned id = (unsigned)(h - m->harts);
        m->mt->sleeps[id]++;
        /* Timed out with no kick although a reason to wake was there: a
         * kicker that posts and then kicks may still be between the two,
         * so this is a diagnostic count, not an assertion. */
        if (r < 0 && errno == ETIMEDOUT && __atomic_load_n(&h->wake_seq, __ATOMIC_SEQ_CST) == seq &&
            (kicked_for(m, h) || (hart_wfi(h) && (hart_pending(h) & h->mie))))
            m->mt->late_wakeups[id]++;
    }
    __atomic_store_n(&t->idle, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->sleeping, 0, __ATOMIC_SEQ_CST);
}

/* One slice: at most what --max-insns leaves (machine.h: the overshoot). */
static void run_slice(struct machine *m, struct hart *h)
{
    uint64_t budget = MACHINE_SLICE;
    if (m->cfg.max_insns) {
        uint64_t done = __atomic_load_n(&m->retired, __ATOMIC_RELAXED);
        if (done >= m->cfg.max_insns)
            return;
        budget = min_u64(budget, m->cfg.max_insns - done);
    }
    uint64_t n = hart_run(h, budget);
    /* A hart trapping in a loop retires nothing: charge the slice (machine.h). */
    if (n == 0 && !hart_wfi(h) && !hart_halted(h) && !__atomic_load_n(&h->yield, __ATOMIC_RELAXED))
        n = budget;
    uint64_t total = __atomic_add_fetch(&m->retired, n, __ATOMIC_RELAXED);
    if (m->cfg.max_insns && total >= m->cfg.max_insns)
        machine_threads_wake_io(m);
}

static void *hart_main(void *arg)
{
    struct hart_thread *t = arg;
    struct machine *m = t->m;
    struct machine_threads *mt = m->mt;
    struct hart *h = t->h;
    unsigned id = (unsigned)(h - m->harts);
    t->self = pthread_self();
    __atomic_store_n(&t->running, 1, __ATOMIC_RELEASE);
    for (;;) {
        __atomic_store_n(&h->yield, false, __ATOMIC_SEQ_CST); /* before looking at what yields it */
        serve_requests(mt, h);
        if (__atomic_load_n(&mt->end, __ATOMIC_ACQUIRE))
            break;
        if (run_over(m)) {
            hart_sleep(m, h, HART_SLEEP_MAX_NS, false);
            continue;
        }
        clint_update_hart(m->clint, id); /* its own timer lines: no round to wait for */
        hart_update_timer_irqs(h);
        if (hart_waits(h)) {
            uint64_t deadline = own_deadline(m, h);
            hart_sleep(m, h, wait_ns(m, deadline), deadline == UINT64_MAX);
        } else
            run_slice(m, h);
    }
    struct timespec cpu;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
        mt->cpu_ns[id] = (uint64_t)cpu.tv_sec * NS_PER_S + (uint64_t)cpu.tv_nsec;
    __atomic_store_n(&t->running, 0, __ATOMIC_RELEASE);
    pthread_mutex_lock(&mt->lock);
    mt->nlive--;
    pthread_cond_broadcast(&mt->cond);
    pthread_mutex_unlock(&mt->lock);
    return NULL;
}

bool machine_threads_start(struct machine *m)
{
    if (!m->mt && !(m->mt = threads_new()))
        return false;
    struct machine_threads *mt = m->mt;
    mt->end = 0;
    mt->stop_req = m->paused;           /* -S with a monitor: the harts park until cont */
    mt->io_depth = m->paused ? 1u : 0u; /* held by the I/O thread (machine_pause's) */
    mt->on = true;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* signals go to the I/O thread */
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        struct hart_thread *t = &mt->t[i];
        *t = (struct hart_thread){ .m = m, .h = &m->harts[i] };
        pthread_mutex_lock(&mt->lock);
        mt->nlive++;
        pthread_mutex_unlock(&mt->lock);
        t->started = pthread_create(&t->tid, NULL, hart_main, t) == 0;
        if (!t->started) {
            pthread_mutex_lock(&mt->lock);
            mt->nlive--;
            pthread_mutex_unlock(&mt->lock);
            break;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!mt->t[m->cfg.nharts - 1].started) { /* out of threads: run on one */
        machine_threads_end(m);
        return false;
    }
    return true;
}

void machine_threads_end(struct machine *m)
{
    struct machine_threads *mt = m->mt;
    if (!mt)
        return;
    pthread_mutex_lock(&mt->lock);
    __atomic_store_n(&mt->end, 1, __ATOMIC_SEQ_CST); /* parked harts leave too (a paused machine ends) */
    pthread_cond_broadcast(&mt->cond);
    pthread_mutex_unlock(&mt->lock);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        hart_yield(&m->harts[i]);
    for (unsigned i = 0; i < m->cfg.nharts; i++) {
        if (mt->t[i].started)
            pthread_join(mt->t[i].tid, NULL);
        mt->t[i].started = false;
    }
    mt->on = false;
}

uint64_t machine_hart_cpu_ns(const struct machine *m, unsigned hart)
{
    return m->mt && hart < RIVET_MAX_HARTS ? m->mt->cpu_ns[hart] : 0;
}

void machine_hart_sleeps(const struct machine *m, unsigned hart, uint64_t *sleeps, uint64_t *late)
{
    bool ok = m->mt && hart < RIVET_MAX_HARTS;
    *sleeps = ok ? m->mt->sleeps[hart] : 0;
    *late = ok ? m->mt->late_wakeups[hart] : 0;
}
