/*
 * User-mode networking (QEMU's -netdev user) for virtio-net, through
 * libslirp: the guest sees a 10.0.2.0/24 network with a gateway and DNS
 * forwarder at 10.0.2.2 / 10.0.2.3 and a DHCP server handing out 10.0.2.15;
 * its TCP and UDP flows become the host's own sockets, so no privilege is
 * needed. hostfwd rules let host ports reach guest ports.
 *
 * Contract
 * - Everything runs on the emulation thread. The board calls
 *   net_user_service() between rounds (it polls at most once per
 *   NET_POLL_NS) and, when idle, adds net_user_pollfds() to its sleep and
 *   calls net_user_dispatch() after it.
 * - Frames from the guest reach slirp at once (net_user_send, the
 *   virtio-net backend); frames for the guest go to virtio_net_receive.
 * - This is the only file that includes libslirp.
 */
#ifndef RIVET_NET_USER_H
#define RIVET_NET_USER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/virtio.h"

#define NET_POLL_NS 1000000ull /* busy machine: slirp's sockets polled every 1 ms */
#define NET_MAX_FDS 64
#define NET_MAX_HOSTFWD 8

struct net_user;

/* hostfwd: QEMU's "[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT"
 * rules. restrict_guest (QEMU's restrict=on): the guest's own connections
 * go nowhere, only forwarded ones come in. NULL (err filled) on failure: a
 * bad rule, a host port in use. */
struct net_user *net_user_create(const char *const *hostfwd, unsigned nhostfwd, bool restrict_guest, char *err,
                                 size_t errlen);
void net_user_destroy(struct net_user *n);

/* Where frames for the guest go (a virtio-net device). */
void net_user_attach(struct net_user *n, struct virtio_device *nic);

/* virtio-net's send(): a frame from the guest. */
void net_user_send(void *opaque, const uint8_t *frame, size_t len);

/* Between rounds: polls slirp's sockets (without blocking) and runs its
 * timers, at most once per NET_POLL_NS. */
void net_user_service(struct net_user *n);

/* For an idle sleep: fills up to max pollfds and lowers *timeout_ns to
 * slirp's next timer; returns how many. After the poll (with revents set,
 * or error), net_user_dispatch() serves them. */
unsigned net_user_pollfds(struct net_user *n, struct pollfd *fds, unsigned max, uint64_t *timeout_ns);
void net_user_dispatch(struct net_user *n, const struct pollfd *fds, unsigned nfds, bool error);

#endif
