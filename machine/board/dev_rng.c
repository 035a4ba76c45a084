/*
 * Board file of virtio-rng (board.h, board_virtio_types): one device in
 * cfg.rng_slot, and its entropy source (rivet.h, cfg.rng): a file, the
 * host's getrandom(), or under -icount without a file a seeded stream.
 */
#include <errno.h>
#include <sys/random.h>
#include <string.h>
#include <unistd.h>

#include "devices/virtio_rng.h"
#include "machine/board/board_devs.h"
#include "machine/board/machine.h"
#include "machine/host/hostfile.h"

/* splitmix64: the fixed-seed stream virtio-rng gives under -icount
 * without a file (documented as repeatable, not as entropy). */
static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_stream(uint64_t *state, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = rng_next(state);
        memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
    }
}

/* virtio-rng's source (rivet.h, cfg.rng): the file, the host's getrandom(),
 * or the seeded stream. What the source cannot give now, nobody gives: a
 * file at its end (or failing) leaves the guest's request waiting
 * (virtio_rng.h), with one note on stderr. The file is read without
 * blocking, so a slow device never stalls the guest. */
static size_t rng_fill(void *opaque, uint8_t *buf, size_t n)
{
    struct machine *m = opaque;
    if (m->rng_seeded_only) {
        rng_stream(&m->rng_state, buf, n);
        return n;
    }
    for (;;) {
        ssize_t r = m->rng_fd >= 0 ? read(m->rng_fd, buf, n) : getrandom(buf, n, 0);
        if (r > 0)
            return (size_t)r;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0; /* a device with nothing yet: the next request asks again */
        if (!m->rng_failed) {
            m->rng_failed = true;
            if (r == 0)
                machine_note(m, "rng-random %s: end of file; the guest's entropy requests wait from now on",
                             m->cfg.rng_file);
            else
                machine_note(m, "virtio-rng: cannot read %s: %s; the guest's entropy requests wait from now on",
                             m->cfg.rng_file ? m->cfg.rng_file : "getrandom()", strerror(errno));
        }
        return 0;
    }
}

/* -object rng-random,filename=F: a regular file or a character device
 * (/dev/urandom, /dev/hwrng), opened without blocking and kept so. */
bool bd_rng_create(struct machine *m, char *err, size_t errlen)
{
    if (!m->cfg.rng)
        return true;
    m->rng_seeded_only = m->cfg.icount && !m->cfg.rng_file;
    m->rng_state = RIVET_ICOUNT_RTC_BASE;
    if (m->cfg.rng_file) {
        m->rng_fd =
            hostfile_open_input("rng-random", m->cfg.rng_file, HOSTFILE_CHARDEV | HOSTFILE_KEEP_NONBLOCK, err, errlen);
        if (m->rng_fd < 0)
            return false;
    }
    m->rng = virtio_rng_create(rng_fill, m);
    if (!m->rng) {
        machine_err(err, errlen, "out of memory creating the virtio-rng device");
        return false;
    }
    m->vdevs[m->cfg.rng_slot] = m->rng;
    return true;
}

void bd_rng_destroy(struct machine *m)
{
    if (m->rng) {
        m->vdevs[m->cfg.rng_slot] = NULL;
        virtio_rng_destroy(m->rng);
        m->rng = NULL;
    }
    if (m->rng_fd >= 0)
        close(m->rng_fd);
    m->rng_fd = -1;
}
