/*
 * User-mode networking (QEMU's -netdev user) for virtio-net, through
 * libslirp: the guest sees a 10.0.2.0/24 network with a gateway and DNS
 * forwarder at 10.0.2.2 / 10.0.2.3 and a DHCP server handing out 10.0.2.15;
 * its TCP and UDP flows become the host's own sockets, so no privilege is
 * needed. hostfwd rules let host ports reach guest ports.
 *
 * Contract
 * - Everything runs on one thread: the emulation thread when the network
 *   runs in rivet's own process, the helper's loop when it runs in the
 *   helper process (net.h). That thread calls net_user_service() now and
 *   then (it polls at most once per NET_POLL_NS) or adds
 *   net_user_pollfds() to its own poll and calls net_user_dispatch() after.
 * - Frames reach slirp through net_user_input, after the frame filter
 *   (net_filter.h: slirp never sees a frame rivet has not checked);
 *   frames for the guest go to the out() function given at creation.
 * - In-process, slirp's writes to a socket whose peer went away would raise
 *   SIGPIPE: net_user_create sets SIGPIPE to SIG_IGN when it finds the
 *   default there (documented process-wide signal handling).
 * - This is the only file that includes libslirp.
 */
#ifndef RIVET_NET_USER_H
#define RIVET_NET_USER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_POLL_NS     1000000ull /* busy machine: slirp's sockets polled every 1 ms */
#define NET_MAX_FDS     64
#define NET_MAX_HOSTFWD 8

struct net_user;

typedef void (*net_user_out_fn)(void *opaque, const uint8_t *frame, size_t len);

/* hostfwd: QEMU's "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT"
 * rules, where an address may also be IPv6 in brackets ("[::1]"; an empty
 * guest address is 10.0.2.15, the guest's DHCP lease). restrict_guest (QEMU's restrict=on): the guest's own connections
 * go nowhere, only forwarded ones come in. out(): slirp's frames for the
 * guest. NULL (err filled) on failure: a bad rule, a host port in use. */
struct net_user *net_user_create(const char *const *hostfwd, unsigned nhostfwd, bool restrict_guest,
                                 net_user_out_fn out, void *out_opaque, char *err, size_t errlen);
void net_user_destroy(struct net_user *n);

/* A frame from the guest, already through the filter. */
void net_user_input(struct net_user *n, const uint8_t *frame, size_t len);

/* Between rounds: polls slirp's sockets (without blocking) and runs its
 * timers, at most once per NET_POLL_NS. */
void net_user_service(struct net_user *n);

/* For an idle sleep: fills up to max pollfds and lowers *timeout_ns to
 * slirp's next timer; returns how many. After the poll (with revents set,
 * or error), net_user_dispatch() serves them. */
unsigned net_user_pollfds(struct net_user *n, struct pollfd *fds, unsigned max, uint64_t *timeout_ns);
void net_user_dispatch(struct net_user *n, const struct pollfd *fds, unsigned nfds, bool error);

#endif
