/*
 * The guest's user-mode network (-netdev user): virtio-net's backend.
 *
 * Two layers stand between a guest frame and libslirp, so that no frame can
 * crash or hang rivet whatever the library does (issue 16):
 * 1. The frame filter (net_filter.h) checks every frame's headers and
 *    reassembles IPv4 fragments itself; slirp only ever gets whole, sane
 *    datagrams.
 * 2. With cfg.net_helper set (the rivet program sets it), slirp runs in a
 *    helper process of its own, started with posix_spawn (exec, never a
 *    bare fork: rivet has other threads) as `HELPER --net-helper FD
 *    [--restrict] [--hostfwd RULE]...` and connected by a SOCK_SEQPACKET
 *    socket pair, one frame per message. The helper reports its set-up
 *    (hostfwd ports bound, or the error) before the guest starts, so a
 *    port in use is still a start-up error. If it dies later (a crash in
 *    the library), rivet notes it on stderr in one line and starts a new
 *    one with the same configuration; the guest's open connections are
 *    lost, the guest itself runs on. After NET_HELPER_MAX_DEATHS deaths
 *    within NET_HELPER_DEATH_WINDOW_NS it gives up: one more line, the
 *    card's link goes down (VIRTIO_NET_S_LINK_UP clear) and its frames are
 *    dropped. slirp's sockets and timers live in the helper's own poll
 *    loop (net_helper.c); the emulation thread only moves frames.
 *    Without cfg.net_helper (unit tests, fuzz targets, library users)
 *    slirp runs in rivet's process, behind the same filter.
 *
 * Which helper: the rivet program runs itself again (net_helper_self():
 * "/proc/self/exe", which names the very binary that is running even if
 * the file was replaced since, so the two sides always speak the same
 * protocol), and main() hands `--net-helper` to net_helper_main() before
 * anything else. The helper ignores SIGPIPE, sits in its own process group
 * (Ctrl-C on the terminal does not reach it) with /dev/null as stdin and
 * stdout, and exits when rivet closes its end of the socket.
 *
 * Threading: the emulation thread only (like net_user.h): net_service()
 * between rounds (at most once per NET_POLL_NS), net_pollfds() and
 * net_dispatch() around an idle sleep.
 */
#ifndef RIVET_NET_H
#define RIVET_NET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio.h"
#include "machine/host/net_filter.h"

#define NET_HELPER_ARG             "--net-helper"
#define NET_HELPER_START_NS        (10ull * 1000000000ull) /* longest wait for the helper's set-up */
#define NET_HELPER_MAX_DEATHS      5
#define NET_HELPER_DEATH_WINDOW_NS (60ull * 1000000000ull)
/* The helper's first message: NET_HELPER_READY, or NET_HELPER_ERROR and
 * the error line. Every later message, both ways, is one Ethernet frame. */
#define NET_HELPER_READY           'R'
#define NET_HELPER_ERROR           'E'

struct net_config {
    const char *const *hostfwd; /* QEMU hostfwd rules (net_user.h) */
    unsigned nhostfwd;
    bool restrict_guest;
    const char *helper; /* the helper executable, or NULL: slirp in this process */
    /* A problem during the run (the helper died, gave up): one line, no
     * "rivet: " prefix. NULL: stderr. */
    void (*note)(void *opaque, const char *line);
    void *note_opaque;
    /* The frame filter's clock (fragment timeouts), in ns. NULL:
     * CLOCK_MONOTONIC (a fuzz target gives its own). */
    uint64_t (*clock_ns)(void);
};

struct net;

/* Starts the network (and the helper, waiting for its set-up). NULL + err
 * on failure: a bad hostfwd rule, a port in use, no helper. */
struct net *net_create(const struct net_config *cfg, char *err, size_t errlen);
void net_destroy(struct net *n); /* NULL is accepted; ends the helper */
/* loadvm (machine/board/snapshot.h): every connection of the guest's is
 * dropped (a new slirp: a new helper, or a new in-process instance) and
 * the card's link goes down and up, so the guest sees a link reset.
 * NULL is accepted. The I/O thread. */
void net_reset_connections(struct net *n);

/* Where the guest's frames come back to (the virtio-net card). */
void net_attach(struct net *n, struct virtio_device *nic);

/* virtio-net's send(): a frame from the guest, into the filter. */
void net_send(void *opaque, const uint8_t *frame, size_t len);

/* Between rounds: moves frames and keeps slirp (or the helper) going; at
 * most once per NET_POLL_NS. */
void net_service(struct net *n);

/* For an idle sleep: fills up to max pollfds and may lower *timeout_ns;
 * returns how many. After the poll (revents set, or error), net_dispatch(). */
unsigned net_pollfds(struct net *n, struct pollfd *fds, unsigned max, uint64_t *timeout_ns);
void net_dispatch(struct net *n, const struct pollfd *fds, unsigned nfds, bool error);

/* What the frame filter did so far. */
void net_filter_counts(const struct net *n, struct net_filter_stats *s);

/* The rivet program's helper: "/proc/self/exe" when it can be executed,
 * else NULL (slirp then runs in-process). */
const char *net_helper_self(void);

/* The helper process's main (net_helper.c): argv as above. */
int net_helper_main(int argc, char **argv);

#endif
