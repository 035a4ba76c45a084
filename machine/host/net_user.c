/*
 * -netdev user: libslirp behind virtio-net, served from the emulation
 * thread (net_user.h). slirp gives us its sockets to poll and timers to
 * run; we hand it the guest's frames and pass its frames to the card.
 */
#include "machine/host/net_user.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine/board/machine.h"

struct net_timer {
    SlirpTimerCb cb; /* timer_new's callback, or NULL: a SlirpTimerId timer */
    SlirpTimerId id;
    void *cb_opaque;
    int64_t expire_ms; /* on clock_ns's clock; -1 = not armed */
    struct net_timer *next;
};

struct net_user {
    Slirp *slirp;
    net_user_out_fn out; /* where slirp's frames for the guest go */
    void *out_opaque;
    struct pollfd fds[NET_MAX_FDS];
    unsigned nfds;
    struct net_timer *timers;
    uint64_t last_poll_ns;
};

static int64_t clock_ns(void *opaque)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_user *n = opaque;
    n->out(n->out_opaque, buf, len); /* a dropped frame is what a full card does */
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque) { (void)msg; } /* slirp's complaints about guest frames */

static struct net_timer *add_timer(struct net_user *n, SlirpTimerCb cb, SlirpTimerId id, void *cb_opaque)
{
    struct net_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL; /* slirp treats a missing timer as one that never fires */
    *t = (struct net_timer){ cb, id, cb_opaque, -1, n->timers };
    n->timers = t;
    return t;
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque) { return add_timer(opaque, cb, 0, cb_opaque); }

static void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    return add_timer(opaque, NULL, id, cb_opaque);
}

static void timer_free(void *timer, void *opaque)
{
    struct net_user *n = opaque;
    for (struct net_timer **p = &n->timers; *p; p = &(*p)->next)
        if (*p == timer) {
            *p = (*p)->next;
            free(timer);
            return;
        }
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    if (timer)
        ((struct net_timer *)timer)->expire_ms = expire_ms;
}

static void no_fd(int fd, void *opaque) { (void)fd; } /* we ask slirp for its fds before every poll */
static void no_notify(void *opaque) {}                /* single-threaded: nothing to wake */

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = no_fd,
    .unregister_poll_fd = no_fd,
    .notify = no_notify,
    .timer_new_opaque = timer_new_opaque,
};

/* Fires the due timers. A callback may free or re-arm any timer, so the
 * list is searched afresh after each one (it holds one or two); a timer
 * re-armed into the past waits for the next call. */
static void run_timers(struct net_user *n)
{
    int64_t now_ms = clock_ns(NULL) / 1000000;
    for (unsigned fired = 0; fired < 16; fired++) {
        struct net_timer *t = n->timers;
        while (t && !(t->expire_ms >= 0 && t->expire_ms <= now_ms))
            t = t->next;
        if (!t)
            return;
        t->expire_ms = -1;
        if (t->cb)
            t->cb(t->cb_opaque);
        else
            slirp_handle_timer(n->slirp, t->id, t->cb_opaque);
    }
}

static int add_poll(int fd, int events, void *opaque)
{
    struct net_user *n = opaque;
    if (n->nfds == NET_MAX_FDS)
        return -1; /* polled next time round, when others have closed */
    short ev = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0) | ((events & SLIRP_POLL_OUT) ? POLLOUT : 0) |
                       ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    n->fds[n->nfds] = (struct pollfd){ .fd = fd, .events = ev };
    return (int)n->nfds++;
}

static int get_revents(int idx, void *opaque)
{
    struct net_user *n = opaque;
    if (idx < 0 || (unsigned)idx >= n->nfds)
        return 0;
    short r = n->fds[idx].revents;
    return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

unsigned net_user_pollfds(struct net_user *n, struct pollfd *fds, unsigned max, uint64_t *timeout_ns)
{
    uint32_t timeout_ms = UINT32_MAX;
    n->nfds = 0;
    slirp_pollfds_fill(n->slirp, &timeout_ms, add_poll, n);
    int64_t now_ms = clock_ns(NULL) / 1000000;
    for (const struct net_timer *t = n->timers; t; t = t->next)
        if (t->expire_ms >= 0) {
            int64_t left = t->expire_ms > now_ms ? t->expire_ms - now_ms : 0;
            if ((uint64_t)left < timeout_ms)
                timeout_ms = (uint32_t)left;
        }
    if ((uint64_t)timeout_ms * 1000000 < *timeout_ns)
        *timeout_ns = (uint64_t)timeout_ms * 1000000;
    unsigned k = n->nfds < max ? n->nfds : max;
    memcpy(fds, n->fds, k * sizeof *fds);
    n->nfds = k;
    return k;
}

void net_user_dispatch(struct net_user *n, const struct pollfd *fds, unsigned nfds, bool error)
{
    for (unsigned i = 0; i < n->nfds; i++)
        n->fds[i].revents = i < nfds ? fds[i].revents : 0;
    slirp_pollfds_poll(n->slirp, error, get_revents, n);
    run_timers(n);
}

void net_user_service(struct net_user *n)
{
    uint64_t now_ns = (uint64_t)clock_ns(NULL);
    if (now_ns - n->last_poll_ns < NET_POLL_NS)
        return;
    n->last_poll_ns = now_ns;
    uint64_t timeout = 0;
    struct pollfd fds[NET_MAX_FDS];
    unsigned k = net_user_pollfds(n, fds, NET_MAX_FDS, &timeout);
    int r = k ? poll(fds, k, 0) : 0;
    net_user_dispatch(n, fds, k, r < 0 && errno != EINTR);
}

void net_user_input(struct net_user *n, const uint8_t *frame, size_t len)
{
    if (len <= INT32_MAX)
        slirp_input(n->slirp, frame, (int)len);
}

/* One side of a rule: "IPV4:PORT", "[IPV6]:PORT" or ":PORT" (the address
 * is then def, an IPv4 one). *sa gets the family, address and port;
 * false when malformed. */
struct endpoint {
    union {
        struct sockaddr sa;
        struct sockaddr_in in;
        struct sockaddr_in6 in6;
    } u;
    socklen_t len;
};

static bool parse_endpoint(char *s, struct in_addr def, struct endpoint *e)
{
    char *colon = strrchr(s, ':'), *end;
    if (!colon)
        return false;
    *colon = '\0';
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 1 || p > 65535)
        return false;
    memset(e, 0, sizeof *e);
    size_t n = strlen(s);
    if (s[0] == '[') { /* [IPV6] */
        if (n < 2 || s[n - 1] != ']')
            return false;
        s[n - 1] = '\0';
        e->u.in6.sin6_family = AF_INET6;
        e->u.in6.sin6_port = htons((uint16_t)p);
        e->len = sizeof e->u.in6;
        return inet_pton(AF_INET6, s + 1, &e->u.in6.sin6_addr) == 1;
    }
    e->u.in.sin_family = AF_INET;
    e->u.in.sin_port = htons((uint16_t)p);
    e->u.in.sin_addr = def;
    e->len = sizeof e->u.in;
    return !*s || inet_aton(s, &e->u.in.sin_addr);
}

static bool add_hostfwd(struct net_user *n, const char *rule, char *err, size_t errlen)
{
    char buf[128];
    if (snprintf(buf, sizeof buf, "%s", rule) >= (int)sizeof buf) {
        machine_err(err, errlen, "hostfwd=%s: rule too long", rule);
        return false;
    }
    char *p = buf;
    bool udp = false;
    if (!strncmp(p, "tcp:", 4) || !strncmp(p, "udp:", 4)) {
        udp = p[0] == 'u';
        p += 4;
    } else if (*p == ':') {
        p++; /* empty protocol: tcp */
    } else {
        machine_err(err, errlen, "hostfwd=%s: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", rule);
        return false;
    }
    char *dash = strchr(p, '-');
    struct in_addr any = { htonl(INADDR_ANY) }, guest_v4;
    inet_aton("10.0.2.15", &guest_v4);
    struct endpoint host, guest;
    if (dash)
        *dash = '\0';
    if (!dash || !parse_endpoint(p, any, &host) || !parse_endpoint(dash + 1, guest_v4, &guest)) {
        machine_err(err, errlen, "hostfwd=%s: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT", rule);
        return false;
    }
    /* An IPv6 host address listens on IPv6 only, so that a rule for the
     * same port on IPv4 can sit beside it. */
    int flags = (udp ? SLIRP_HOSTFWD_UDP : 0) | (host.u.sa.sa_family == AF_INET6 ? SLIRP_HOSTFWD_V6ONLY : 0);
    if (slirp_add_hostxfwd(n->slirp, &host.u.sa, host.len, &guest.u.sa, guest.len, flags) < 0) {
        uint16_t port = host.u.sa.sa_family == AF_INET6 ? host.u.in6.sin6_port : host.u.in.sin_port;
        machine_err(err, errlen, "hostfwd=%s: cannot listen on host port %d: %s", rule, ntohs(port), strerror(errno));
        return false;
    }
    return true;
}

struct net_user *net_user_create(const char *const *hostfwd, unsigned nhostfwd, bool restrict_guest,
                                 net_user_out_fn out, void *out_opaque, char *err, size_t errlen)
{
    struct net_user *n = calloc(1, sizeof *n);
    if (!n) {
        machine_err(err, errlen, "out of memory creating the user network");
        return NULL;
    }
    n->out = out;
    n->out_opaque = out_opaque;
    SlirpConfig cfg = { .version = 4, .in_enabled = true, .restricted = restrict_guest };
    inet_aton("10.0.2.0", &cfg.vnetwork);
    inet_aton("255.255.255.0", &cfg.vnetmask);
    inet_aton("10.0.2.2", &cfg.vhost);
    inet_aton("10.0.2.15", &cfg.vdhcp_start);
    inet_aton("10.0.2.3", &cfg.vnameserver);
    /* IPv6 as QEMU's user network: slirp answers router solicitations for
     * fec0::/64 (the guest configures a global address by SLAAC) and is
     * fec0::2 (the host) and fec0::3 (DNS). */
    cfg.in6_enabled = true;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    n->slirp = slirp_new(&cfg, &callbacks, n);
    if (!n->slirp) {
        machine_err(err, errlen, "cannot start the user network (libslirp)");
        free(n);
        return NULL;
    }
    /* A guest's TCP peer that goes away must not kill the process with
     * SIGPIPE (slirp writes to its sockets without MSG_NOSIGNAL). */
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
    for (unsigned i = 0; i < nhostfwd; i++)
        if (!add_hostfwd(n, hostfwd[i], err, errlen)) {
            net_user_destroy(n);
            return NULL;
        }
    return n;
}

void net_user_destroy(struct net_user *n)
{
    if (!n)
        return;
    slirp_cleanup(n->slirp); /* frees its timers through timer_free */
    while (n->timers) {
        struct net_timer *t = n->timers;
        n->timers = t->next;
        free(t);
    }
    free(n);
}
