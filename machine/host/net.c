/*
 * The guest's user-mode network: the frame filter, then slirp in this
 * process or in a helper process that rivet restarts when it dies
 * (contract in net.h; the helper's side is net_helper.c).
 */
#define _GNU_SOURCE
#include "machine/host/net.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio_net.h"
#include "machine/host/net_user.h"
#include "rivet.h"
#include "rivet/errfmt.h"

extern char **environ;

enum helper_state {
    HELPER_NONE,     /* slirp runs in this process */
    HELPER_STARTING, /* spawned, its set-up message not yet read */
    HELPER_UP,
    HELPER_DOWN, /* gave up: the link is down */
};

struct net {
    struct net_config cfg;
    struct net_filter *filter;
    struct virtio_device *nic;
    struct net_user *user; /* HELPER_NONE */
    enum helper_state state;
    pid_t pid;                              /* the helper, or 0 */
    int fd;                                 /* our end of the socket pair, or -1 */
    bool lost;                              /* a send found the helper gone */
    uint64_t deaths[NET_HELPER_MAX_DEATHS]; /* when the last helpers died, oldest first */
    unsigned ndeaths;
    uint64_t last_poll_ns;
    char setup_err[RIVET_ERR_LEN]; /* a helper's set-up error */
    uint8_t msg[NET_FILTER_FRAME_MAX + 1];
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void note(struct net *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct net *n, const char *fmt, ...)
{
    char line[RIVET_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    err_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n->cfg.note)
        n->cfg.note(n->cfg.note_opaque, line);
    else
        fprintf(stderr, "rivet: %s\n", line);
}

const char *net_helper_self(void)
{
    static const char self[] = "/proc/self/exe";
    return access(self, X_OK) == 0 ? self : NULL;
}

/* The filter's out(): a checked frame to slirp, here or in the helper. A
 * full socket drops the frame, as a full link does. */
static void to_slirp(void *opaque, const uint8_t *frame, size_t len)
{
    struct net *n = opaque;
    if (n->user) {
        net_user_input(n->user, frame, len);
        return;
    }
    if (n->fd < 0 || n->lost)
        return;
    if (send(n->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
        errno != ENOBUFS && errno != EINTR)
        n->lost = true; /* handled between rounds (net_service), not inside the card's notify */
}

/* slirp's frames for the guest, in-process. */
static void to_guest(void *opaque, const uint8_t *frame, size_t len)
{
    struct net *n = opaque;
    if (n->nic)
        virtio_net_receive(n->nic, frame, len);
}

void net_send(void *opaque, const uint8_t *frame, size_t len)
{
    struct net *n = opaque;
    net_filter_input(n->filter, frame, len, n->cfg.clock_ns ? n->cfg.clock_ns() : now_ns());
}

void net_attach(struct net *n, struct virtio_device *nic) { n->nic = nic; }

void net_filter_counts(const struct net *n, struct net_filter_stats *s) { net_filter_stats(n->filter, s); }

/* The helper's argv: HELPER --net-helper FD [--restrict] [--hostfwd RULE]... */
static char **helper_argv(const struct net *n, char *fdarg)
{
    char **argv = calloc(5 + 2 * n->cfg.nhostfwd, sizeof *argv);
    if (!argv)
        return NULL;
    unsigned k = 0;
    argv[k++] = (char *)n->cfg.helper;
    argv[k++] = (char *)NET_HELPER_ARG;
    argv[k++] = fdarg;
    if (n->cfg.restrict_guest)
        argv[k++] = (char *)"--restrict";
    for (unsigned i = 0; i < n->cfg.nhostfwd; i++) {
        argv[k++] = (char *)"--hostfwd";
        argv[k++] = (char *)n->cfg.hostfwd[i];
    }
    return argv;
}

/* posix_spawn with the child's end of the socket at a fixed descriptor
 * (dup2 to a different number clears close-on-exec), /dev/null as stdin
 * and stdout, default signal dispositions and mask, its own process group. */
static int spawn(struct net *n, int child_end, pid_t *pid)
{
    int target = child_end == 3 ? 4 : 3;
    char fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", target);
    char **argv = helper_argv(n, fdarg);
    if (!argv)
        return ENOMEM;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, child_end, target);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    int rc = posix_spawn(pid, n->cfg.helper, &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    return rc;
}

/* Starts a helper; its set-up message is read later (helper_drain). */
static bool helper_spawn(struct net *n, char *err, size_t errlen)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        err_format(err, errlen, "user network: cannot make a socket pair: %s", strerror(errno));
        return false;
    }
    /* Room for a burst of frames, and for a reassembled 64 KiB datagram. */
    int sz = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    int rc = spawn(n, sv[1], &n->pid);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        n->pid = 0;
        err_format(err, errlen, "user network: cannot start the helper %s: %s", n->cfg.helper, strerror(rc));
        return false;
    }
    n->fd = sv[0];
    n->lost = false;
    n->state = HELPER_STARTING;
    return true;
}

/* Closes our end, makes sure the helper is gone, and says how it ended. */
static void helper_reap(struct net *n, char *why, size_t whylen)
{
    if (n->fd >= 0)
        close(n->fd);
    n->fd = -1;
    snprintf(why, whylen, "gone");
    if (n->pid <= 0)
        return;
    int st = 0;
    pid_t r = 0;
    /* It exits by itself once our end is closed; give it a moment. */
    for (int i = 0; i < 100 && (r = waitpid(n->pid, &st, WNOHANG)) == 0; i++) {
        struct timespec ts = { 0, 10000000 };
        nanosleep(&ts, NULL);
    }
    if (r == 0) {
        kill(n->pid, SIGKILL);
        r = waitpid(n->pid, &st, 0);
    }
    if (r == n->pid && WIFSIGNALED(st))
        snprintf(why, whylen, "killed by signal %d, %s", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else if (r == n->pid && WIFEXITED(st))
        snprintf(why, whylen, "exited with status %d", WEXITSTATUS(st));
    n->pid = 0;
}

/* Counts a death now; true when there were NET_HELPER_MAX_DEATHS of them
 * within NET_HELPER_DEATH_WINDOW_NS. */
static bool too_many_deaths(struct net *n)
{
    uint64_t now = now_ns();
    if (n->ndeaths == NET_HELPER_MAX_DEATHS) {
        memmove(n->deaths, n->deaths + 1, (NET_HELPER_MAX_DEATHS - 1) * sizeof n->deaths[0]);
        n->ndeaths--;
    }
    n->deaths[n->ndeaths++] = now;
    return n->ndeaths == NET_HELPER_MAX_DEATHS && now - n->deaths[0] < NET_HELPER_DEATH_WINDOW_NS;
}

static void link_down(struct net *n)
{
    n->state = HELPER_DOWN;
    if (n->nic)
        virtio_net_set_link(n->nic, false);
}

/* The helper is gone (it crashed, or failed its set-up after a restart):
 * one line, then a new helper, unless they keep dying. */
static void helper_lost(struct net *n)
{
    char why[96], err[RIVET_ERR_LEN];
    helper_reap(n, why, sizeof why);
    if (n->setup_err[0]) {
        snprintf(why, sizeof why, "%s", "its set-up failed");
        note(n, "user network: %s", n->setup_err);
        n->setup_err[0] = '\0';
    }
    if (too_many_deaths(n)) {
        note(n, "user network: the helper process died %d times within %llu s (last: %s); the network stays down",
             NET_HELPER_MAX_DEATHS, (unsigned long long)(NET_HELPER_DEATH_WINDOW_NS / 1000000000ull), why);
        link_down(n);
        return;
    }
    note(n, "user network: the helper process died (%s); restarting it (the guest's open connections are lost)", why);
    if (!helper_spawn(n, err, sizeof err)) {
        note(n, "%s; the network stays down", err);
        link_down(n);
    }
}

/* One message from the helper: its set-up result first, then frames. */
static void helper_message(struct net *n, size_t len)
{
    if (n->state != HELPER_STARTING) {
        if (n->nic)
            virtio_net_receive(n->nic, n->msg, len);
        return;
    }
    if (len >= 1 && n->msg[0] == NET_HELPER_READY) {
        n->state = HELPER_UP;
        return;
    }
    size_t k = len > 1 ? len - 1 : 0;
    err_format(n->setup_err, sizeof n->setup_err, "%.*s", (int)k, (const char *)n->msg + 1);
    n->lost = true; /* it exits after an error */
}

/* Reads what the helper sent; notices when it went away. */
static void helper_drain(struct net *n)
{
    for (unsigned i = 0; n->fd >= 0 && !n->lost && i < 4096; i++) {
        ssize_t r = recv(n->fd, n->msg, sizeof n->msg, MSG_DONTWAIT | MSG_TRUNC);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (r <= 0) {
            n->lost = true; /* EOF: the helper died or closed its end */
            return;
        }
        if ((size_t)r <= sizeof n->msg - 1)
            helper_message(n, (size_t)r);
    }
}

static void helper_service(struct net *n)
{
    helper_drain(n);
    if (n->lost && n->state != HELPER_DOWN)
        helper_lost(n);
}

/* Start-up: waits (bounded) for the first helper's set-up message, so a
 * bad rule or a port in use fails rivet_create. */
static bool helper_wait_ready(struct net *n, char *err, size_t errlen)
{
    uint64_t deadline = now_ns() + NET_HELPER_START_NS;
    while (n->state == HELPER_STARTING && !n->lost) {
        uint64_t now = now_ns();
        if (now >= deadline) {
            err_format(err, errlen, "user network: the helper %s did not report its set-up within %llu s",
                       n->cfg.helper, (unsigned long long)(NET_HELPER_START_NS / 1000000000ull));
            return false;
        }
        struct pollfd p = { .fd = n->fd, .events = POLLIN };
        if (poll(&p, 1, (int)((deadline - now) / 1000000 + 1)) > 0)
            helper_drain(n);
    }
    if (n->state == HELPER_UP && !n->lost)
        return true;
    char why[96];
    helper_reap(n, why, sizeof why);
    if (n->setup_err[0])
        err_format(err, errlen, "%s", n->setup_err);
    else
        err_format(err, errlen, "user network: the helper %s ended during its set-up (%s)", n->cfg.helper, why);
    return false;
}

struct net *net_create(const struct net_config *cfg, char *err, size_t errlen)
{
    struct net *n = calloc(1, sizeof *n);
    if (!n || !(n->filter = net_filter_create(to_slirp, n))) {
        err_format(err, errlen, "out of memory creating the user network");
        free(n);
        return NULL;
    }
    n->cfg = *cfg;
    n->fd = -1;
    bool ok;
    if (!cfg->helper) {
        n->state = HELPER_NONE;
        n->user = net_user_create(cfg->hostfwd, cfg->nhostfwd, cfg->restrict_guest, to_guest, n, err, errlen);
        ok = n->user != NULL;
    } else {
        ok = helper_spawn(n, err, errlen) && helper_wait_ready(n, err, errlen);
    }
    if (!ok) {
        net_destroy(n);
        return NULL;
    }
    return n;
}

/* loadvm: a fresh slirp (in process, or a new helper), the link down and
 * up around it. A helper's set-up result arrives later, as at a restart. */
void net_reset_connections(struct net *n)
{
    if (!n)
        return;
    if (n->nic)
        virtio_net_set_link(n->nic, false);
    char err[RIVET_ERR_LEN], why[96];
    if (n->state == HELPER_NONE) {
        struct net_user *u =
            net_user_create(n->cfg.hostfwd, n->cfg.nhostfwd, n->cfg.restrict_guest, to_guest, n, err, sizeof err);
        if (!u) {
            note(n, "%s; the old connections stay", err);
        } else {
            net_user_destroy(n->user);
            n->user = u;
        }
    } else if (n->state != HELPER_DOWN) {
        helper_reap(n, why, sizeof why);
        if (!helper_spawn(n, err, sizeof err)) {
            note(n, "%s; the network stays down", err);
            link_down(n);
            return;
        }
    }
    if (n->nic && n->state != HELPER_DOWN)
        virtio_net_set_link(n->nic, true);
}

void net_destroy(struct net *n)
{
    if (!n)
        return;
    char why[96];
    net_user_destroy(n->user);
    helper_reap(n, why, sizeof why);
    net_filter_destroy(n->filter);
    free(n);
}

void net_service(struct net *n)
{
    uint64_t now = now_ns();
    if (now - n->last_poll_ns < NET_POLL_NS)
        return;
    n->last_poll_ns = now;
    if (n->user)
        net_user_service(n->user);
    else
        helper_service(n);
}

unsigned net_pollfds(struct net *n, struct pollfd *fds, unsigned max, uint64_t *timeout_ns)
{
    if (n->user)
        return net_user_pollfds(n->user, fds, max, timeout_ns);
    if (n->fd < 0 || max == 0)
        return 0;
    fds[0] = (struct pollfd){ .fd = n->fd, .events = POLLIN };
    return 1;
}

void net_dispatch(struct net *n, const struct pollfd *fds, unsigned nfds, bool error)
{
    if (n->user) {
        net_user_dispatch(n->user, fds, nfds, error);
        return;
    }
    if (nfds && fds[0].revents)
        helper_service(n);
}
