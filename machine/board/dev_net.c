/*
 * Board file of virtio-net (board.h, board_virtio_types): one card in
 * cfg.net_slot on the user-mode network (machine/host/net.h): the frame
 * filter, then slirp in the helper process when cfg.net_helper names one.
 */
#include <string.h>

#include "devices/virtio_net.h"
#include "machine/board/board_devs.h"
#include "machine/board/machine.h"
#include "machine/host/net.h"

bool bd_net_create(struct machine *m, char *err, size_t errlen)
{
    if (!m->cfg.net)
        return true;
    if (m->cfg.net_nhostfwd > RIVET_MAX_HOSTFWD) {
        machine_err(err, errlen, "%u hostfwd rules given; rivet takes %d", m->cfg.net_nhostfwd, RIVET_MAX_HOSTFWD);
        return false;
    }
    struct net_config nc = {
        m->cfg.net_hostfwd, m->cfg.net_nhostfwd, m->cfg.net_restrict, m->cfg.net_helper, board_device_note, m, NULL
    };
    m->net = net_create(&nc, err, errlen);
    if (!m->net)
        return false;
    static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    static const uint8_t zero[6];
    const uint8_t *mac = memcmp(m->cfg.net_mac, zero, 6) ? m->cfg.net_mac : qemu_mac;
    m->nic = virtio_net_create(mac, net_send, m->net);
    if (!m->nic) {
        machine_err(err, errlen, "out of memory creating the virtio-net device");
        return false;
    }
    net_attach(m->net, m->nic);
    m->vdevs[m->cfg.net_slot] = m->nic;
    return true;
}

void bd_net_destroy(struct machine *m)
{
    if (m->nic) {
        m->vdevs[m->cfg.net_slot] = NULL;
        virtio_net_destroy(m->nic);
        m->nic = NULL;
    }
    net_destroy(m->net);
    m->net = NULL;
}
