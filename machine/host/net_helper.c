/*
 * The user-network helper process (net.h): libslirp behind one end of a
 * SOCK_SEQPACKET socket pair, in a poll loop of its own. rivet runs it as
 *     rivet --net-helper FD [--restrict] [--hostfwd RULE]...
 * It reports its set-up (NET_HELPER_READY, or NET_HELPER_ERROR and the
 * line), then moves frames: each message from rivet is one checked frame
 * for slirp, each frame slirp makes for the guest goes back as one message.
 * When rivet closes its end (or dies), the helper cleans up and exits.
 * Whatever crashes here crashes only this process.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "machine/host/net.h"
#include "machine/host/net_user.h"
#include "rivet.h"

#define HELPER_IDLE_MS 1000 /* the longest poll when slirp has no timer due */
#define HELPER_BURST   256  /* frames taken from rivet before slirp's sockets get a turn */

struct helper {
    int fd;
    bool parent_gone;
    struct net_user *user;
    uint8_t msg[NET_FILTER_FRAME_MAX + 1];
};

/* slirp's frames for the guest. A full socket drops the frame (rivet is
 * slow to read: the guest's link is full), never blocks slirp. */
static void to_parent(void *opaque, const uint8_t *frame, size_t len)
{
    struct helper *h = opaque;
    if (send(h->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && (errno == EPIPE || errno == ECONNRESET))
        h->parent_gone = true;
}

/* Frames from rivet, a burst at a time; false when rivet is gone. */
static bool from_parent(struct helper *h)
{
    for (unsigned i = 0; i < HELPER_BURST; i++) {
        ssize_t r = recv(h->fd, h->msg, sizeof h->msg, MSG_DONTWAIT | MSG_TRUNC);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (r <= 0)
            return false;
        if ((size_t)r < sizeof h->msg)
            net_user_input(h->user, h->msg, (size_t)r);
    }
    return true;
}

static void loop(struct helper *h)
{
    while (!h->parent_gone) {
        struct pollfd fds[1 + NET_MAX_FDS];
        uint64_t timeout_ns = HELPER_IDLE_MS * 1000000ull;
        unsigned k = net_user_pollfds(h->user, fds + 1, NET_MAX_FDS, &timeout_ns);
        fds[0] = (struct pollfd){ .fd = h->fd, .events = POLLIN };
        int r = poll(fds, k + 1, (int)(timeout_ns / 1000000));
        net_user_dispatch(h->user, fds + 1, k, r < 0 && errno != EINTR);
        if (r > 0 && fds[0].revents && !from_parent(h))
            return;
    }
}

/* argv: HELPER --net-helper FD [--restrict] [--hostfwd RULE]... */
static bool parse(int argc, char **argv, int *fd, bool *restrict_guest, const char **hostfwd, unsigned *n)
{
    char *end;
    if (argc < 3)
        return false;
    long v = strtol(argv[2], &end, 10);
    if (*end || v < 0 || v > 1 << 20)
        return false;
    *fd = (int)v;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--restrict"))
            *restrict_guest = true;
        else if (!strcmp(argv[i], "--hostfwd") && i + 1 < argc && *n < RIVET_MAX_HOSTFWD)
            hostfwd[(*n)++] = argv[++i];
        else
            return false;
    }
    return true;
}

int net_helper_main(int argc, char **argv)
{
    struct helper *h = calloc(1, sizeof *h);
    const char *hostfwd[RIVET_MAX_HOSTFWD];
    unsigned nhostfwd = 0;
    bool restrict_guest = false;
    if (!h || !parse(argc, argv, &h->fd, &restrict_guest, hostfwd, &nhostfwd)) {
        fprintf(stderr, "rivet: %s is rivet's own user-network helper, not for use by hand\n", NET_HELPER_ARG);
        free(h);
        return RIVET_EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN); /* a peer gone is an error return, for slirp and for us */
    char err[RIVET_ERR_LEN + 1];
    h->user = net_user_create(hostfwd, nhostfwd, restrict_guest, to_parent, h, err + 1, sizeof err - 1);
    err[0] = h->user ? NET_HELPER_READY : NET_HELPER_ERROR;
    size_t len = h->user ? 1 : 1 + strlen(err + 1);
    int status = send(h->fd, err, len, MSG_NOSIGNAL) == (ssize_t)len && h->user ? 0 : 1;
    if (status == 0)
        loop(h);
    net_user_destroy(h->user);
    close(h->fd);
    free(h);
    return status;
}
