/*
 * Semihosting operations (contract in semihosting.h). Operation numbers,
 * parameter blocks and results: Arm "Semihosting for AArch32 and AArch64",
 * section "Semihosting operations", 64-bit forms.
 */
#define _GNU_SOURCE /* O_PATH */
#include "machine/board/semihosting.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "devices/uart16550.h"
#include "machine/board/machine.h"
#include "machine/board/memmap.h"
#include "machine/host/terminal.h"

/* Operation numbers. */
#define SYS_OPEN          0x01
#define SYS_CLOSE         0x02
#define SYS_WRITEC        0x03
#define SYS_WRITE0        0x04
#define SYS_WRITE         0x05
#define SYS_READ          0x06
#define SYS_READC         0x07
#define SYS_ISERROR       0x08
#define SYS_ISTTY         0x09
#define SYS_SEEK          0x0a
#define SYS_FLEN          0x0c
#define SYS_REMOVE        0x0e
#define SYS_RENAME        0x0f
#define SYS_CLOCK         0x10
#define SYS_TIME          0x11
#define SYS_ERRNO         0x13
#define SYS_GET_CMDLINE   0x15
#define SYS_HEAPINFO      0x16
#define SYS_EXIT          0x18
#define SYS_EXIT_EXTENDED 0x20
#define SYS_ELAPSED       0x30
#define SYS_TICKFREQ      0x31

#define ADP_STOPPED_FIRST            0x20000u
#define ADP_STOPPED_LAST             0x20029u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* SYS_OPEN modes 0..11 are fopen's r, rb, r+, r+b, w, wb, w+, w+b, a, ab,
 * a+, a+b: mode / 4 is the kind, bit 1 the "+". */
#define OPEN_MODES    12
#define FIELD         8 /* bytes of a parameter-block field (64-bit) */
#define PATH_MAX_LEN  4096
#define MAX_HANDLES   32
#define CMDLINE_MAX   4096
#define STACK_SIZE    (64u << 10) /* SYS_HEAPINFO: the stack at the top of RAM */
#define READC_WAIT_NS 10000000ull
#define RET_ERR       UINT64_MAX /* -1 */

/* ":semihosting-features": magic "SHFB", then feature byte 0:
 * SH_EXT_EXIT_EXTENDED (bit 0) and SH_EXT_STDOUT_STDERR (bit 1). */
static const uint8_t features[] = { 'S', 'H', 'F', 'B', 0x03 };

enum sh_kind { SH_FREE = 0, SH_HOST, SH_TT_IN, SH_TT_OUT, SH_TT_ERR, SH_FEATURES };
struct sh_file {
    enum sh_kind kind;
    int fd;       /* SH_HOST */
    uint64_t pos; /* SH_FEATURES */
};

struct semihost {
    struct machine *m;
    int root; /* the root directory (O_PATH), or -1: no file access */
    bool user;
    bool force_walk;
    const char *cfg_cmdline;
    char *cmdline; /* SYS_GET_CMDLINE's string */
    uint64_t image_end;
    uint64_t err;                      /* SYS_ERRNO */
    unsigned nhost;                    /* open SH_HOST handles */
    struct sh_file files[MAX_HANDLES]; /* handle = index + 1 */
};

/* ---- guest memory ---- */

/* Every page of [va, va + len) translates for acc and is RAM; *pa_first is
 * the first byte's physical address. Page by page: len is bounded by the
 * callers (SEMIHOST_MAX_IO, PATH_MAX_LEN, CMDLINE_MAX). */
static bool page_pa(struct hart *h, uint64_t va, uint64_t n, bool write, uint64_t *pa)
{
    uint64_t tval;
    if (mmu_translate(&h->mmu, va, write ? ACC_STORE : ACC_LOAD, (unsigned)n, pa, &tval) != 0)
        return false;
    return bus_ram_ptr(h->mmu.bus, *pa, n) != NULL;
}

static uint64_t page_chunk(uint64_t va, uint64_t len)
{
    uint64_t room = PAGE_SIZE - (va & (PAGE_SIZE - 1));
    return len < room ? len : room;
}

/* Copies between guest virtual memory and buf; false (nothing promised
 * about what was copied) when a byte is not accessible RAM. Writes go
 * through bus_dma_write, which drops decoded code they overwrite. */
static bool guest_copy(struct hart *h, uint64_t va, void *buf, uint64_t len, bool write)
{
    uint8_t *p = buf;
    while (len) {
        uint64_t n = page_chunk(va, len), pa;
        if (va + n < va || !page_pa(h, va, n, write, &pa))
            return false;
        if (!(write ? bus_dma_write(h->mmu.bus, pa, p, n) : bus_dma_read(h->mmu.bus, pa, p, n)))
            return false;
        va += n;
        p += n;
        len -= n;
    }
    return true;
}

/* Whether every byte of [va, va + len) is accessible, before any host I/O. */
static bool guest_range_ok(struct hart *h, uint64_t va, uint64_t len, bool write)
{
    while (len) {
        uint64_t n = page_chunk(va, len), pa;
        if (va + n < va || !page_pa(h, va, n, write, &pa))
            return false;
        va += n;
        len -= n;
    }
    return true;
}

/* n 64-bit fields of the parameter block at a1. */
static bool read_fields(struct hart *h, uint64_t a1, uint64_t *f, unsigned n)
{
    uint8_t buf[4 * FIELD];
    if (!guest_copy(h, a1, buf, (uint64_t)n * FIELD, false))
        return false;
    for (unsigned i = 0; i < n; i++)
        f[i] = load_le(buf + i * FIELD, FIELD);
    return true;
}

static bool write_field(struct hart *h, uint64_t va, uint64_t v)
{
    uint8_t buf[FIELD];
    store_le(buf, FIELD, v);
    return guest_copy(h, va, buf, FIELD, true);
}

static uint64_t fail(struct semihost *s, int e)
{
    s->err = (uint64_t)e;
    return RET_ERR;
}

/* A guest string of len bytes (its NUL not counted) into buf, NUL added;
 * false with s->err set when too long, unreadable or holding a NUL. */
static bool guest_string(struct semihost *s, struct hart *h, uint64_t va, uint64_t len, char *buf, size_t cap)
{
    if (len >= cap) {
        s->err = ENAMETOOLONG;
        return false;
    }
    if (!guest_copy(h, va, buf, len, false)) {
        s->err = EFAULT;
        return false;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        s->err = EINVAL;
        return false;
    }
    return true;
}

/* ---- paths beneath the root ---- */

/* Refuses what could leave the root whatever the file system holds: an
 * absolute path or a ".." component; errno value or 0. */
static int path_refused(const struct semihost *s, const char *path)
{
    if (s->root < 0 || path[0] == '/')
        return EACCES;
    if (!path[0])
        return ENOENT;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return EACCES;
        p += n;
        p += *p == '/';
    }
    return 0;
}

/* openat with O_NOFOLLOW on every component: no symlink is followed, so
 * nothing leads out of dirfd. */
static int walk_open(int dirfd, const char *path, int flags, mode_t mode)
{
    char buf[PATH_MAX_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    int cur = dirfd;
    char *comp = buf, *slash;
    while ((slash = strchr(comp, '/')) != NULL) {
        *slash = '\0';
        int next = *comp ? openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : dup(cur);
        int e = errno;
        if (cur != dirfd)
            close(cur);
        if (next < 0) {
            errno = e;
            return -1;
        }
        cur = next;
        comp = slash + 1;
    }
    int fd = openat(cur, *comp ? comp : ".", flags | O_NOFOLLOW, mode);
    int e = errno;
    if (cur != dirfd)
        close(cur);
    errno = e;
    return fd;
}

/* Opens path beneath the root; -1 with errno. */
static int open_beneath(struct semihost *s, const char *path, int flags, mode_t mode)
{
    int e = path_refused(s, path);
    if (e) {
        errno = e;
        return -1;
    }
    if (!s->force_walk) {
        struct open_how how = { .flags = (uint64_t)flags,
                                .mode = flags & O_CREAT ? mode : 0,
                                .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
        long fd = syscall(SYS_openat2, s->root, path, &how, sizeof how);
        if (fd >= 0 || errno != ENOSYS)
            return (int)fd;
    }
    return walk_open(s->root, path, flags, mode);
}

/* The directory holding path's last component (an O_PATH descriptor) and
 * that component's name inside buf; -1 with errno. */
static int open_parent(struct semihost *s, const char *path, char *buf, size_t cap, const char **name)
{
    int e = path_refused(s, path);
    if (e) {
        errno = e;
        return -1;
    }
    snprintf(buf, cap, "%s", path);
    char *slash = strrchr(buf, '/');
    *name = slash ? slash + 1 : buf;
    if (!**name || !strcmp(*name, ".")) {
        errno = EINVAL;
        return -1;
    }
    if (!slash)
        return dup(s->root);
    *slash = '\0';
    return open_beneath(s, buf[0] ? buf : ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}

/* ---- handles ---- */

static struct sh_file *handle(struct semihost *s, uint64_t h)
{
    if (h == 0 || h > MAX_HANDLES || s->files[h - 1].kind == SH_FREE)
        return NULL;
    return &s->files[h - 1];
}

static uint64_t new_handle(struct semihost *s, enum sh_kind kind, int fd)
{
    for (unsigned i = 0; i < MAX_HANDLES; i++) {
        if (s->files[i].kind == SH_FREE) {
            s->files[i] = (struct sh_file){ kind, fd, 0 };
            s->nhost += kind == SH_HOST;
            return i + 1;
        }
    }
    if (fd >= 0)
        close(fd);
    return fail(s, EMFILE);
}

static const int open_flags[3] = { 0, O_CREAT | O_TRUNC, O_CREAT | O_APPEND }; /* r, w, a */

static uint64_t open_host(struct semihost *s, const char *path, uint64_t mode)
{
    if (s->nhost >= SEMIHOST_MAX_FILES)
        return fail(s, EMFILE);
    bool plus = mode & 2;
    int acc = plus ? O_RDWR : mode < 4 ? O_RDONLY : O_WRONLY;
    int fd = open_beneath(s, path, acc | open_flags[mode / 4] | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
    if (fd < 0)
        return fail(s, errno);
    struct stat st;
    int e = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? EACCES : 0;
    if (e) {
        close(fd);
        return fail(s, e);
    }
    return new_handle(s, SH_HOST, fd);
}

/* SYS_OPEN {name, mode, length}. */
static uint64_t op_open(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[3];
    char path[PATH_MAX_LEN];
    if (!read_fields(h, a1, f, 3))
        return fail(s, EFAULT);
    if (f[1] >= OPEN_MODES)
        return fail(s, EINVAL);
    if (!guest_string(s, h, f[0], f[2], path, sizeof path))
        return RET_ERR;
    if (!strcmp(path, ":tt")) {
        static const enum sh_kind tt[3] = { SH_TT_IN, SH_TT_OUT, SH_TT_ERR };
        return new_handle(s, tt[f[1] / 4], -1);
    }
    if (!strcmp(path, ":semihosting-features"))
        return f[1] < 2 ? new_handle(s, SH_FEATURES, -1) : fail(s, EACCES);
    return open_host(s, path, f[1]);
}

/* The open file of a {handle} block (SYS_CLOSE, FLEN, ISTTY); NULL with
 * s->err set (EFAULT, EBADF) otherwise. */
static struct sh_file *handle_block(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f;
    struct sh_file *file = NULL;
    if (!read_fields(h, a1, &f, 1))
        fail(s, EFAULT);
    else if (!(file = handle(s, f)))
        fail(s, EBADF);
    return file;
}

/* SYS_CLOSE {handle}. */
static uint64_t op_close(struct semihost *s, struct hart *h, uint64_t a1)
{
    struct sh_file *file = handle_block(s, h, a1);
    if (!file)
        return RET_ERR;
    if (file->kind == SH_HOST) {
        close(file->fd);
        s->nhost--;
    }
    file->kind = SH_FREE;
    return 0;
}

/* ---- console and file I/O ---- */

static void console_out(struct semihost *s, const uint8_t *p, uint64_t n)
{
    chardev_write(&s->m->console, p, (size_t)n);
}

/* Writes guest bytes [va, va + len) to the console or fd; returns how many
 * were written (the range was checked first). */
static uint64_t write_out(struct semihost *s, struct hart *h, int fd, uint64_t va, uint64_t len)
{
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = page_chunk(va + done, len - done), pa;
        if (!page_pa(h, va + done, n, false, &pa))
            break;
        const uint8_t *p = bus_ram_ptr(h->mmu.bus, pa, n);
        if (fd < 0) {
            console_out(s, p, n);
        } else {
            ssize_t w = write(fd, p, (size_t)n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0) {
                s->err = (uint64_t)errno;
                break;
            }
            done += (uint64_t)w;
            if ((uint64_t)w < n)
                break;
            continue;
        }
        done += n;
    }
    return done;
}

#define KIND(k) (1u << (k))

/* The {handle, buffer, length} block of SYS_WRITE and SYS_READ: the open
 * file, which must be of a kind in `kinds` (KIND bits), and the length
 * clamped to SEMIHOST_MAX_IO, with every byte of the buffer accessible
 * (written to when to_guest). NULL with s->err set otherwise. */
static struct sh_file *io_block(struct semihost *s, struct hart *h, uint64_t a1, unsigned kinds, bool to_guest,
                                uint64_t f[3], uint64_t *len)
{
    struct sh_file *file;
    if (!read_fields(h, a1, f, 3)) {
        fail(s, EFAULT);
        return NULL;
    }
    if (!(file = handle(s, f[0])) || !(kinds & KIND(file->kind))) {
        fail(s, EBADF);
        return NULL;
    }
    *len = f[2] < SEMIHOST_MAX_IO ? f[2] : SEMIHOST_MAX_IO;
    if (!guest_range_ok(h, f[1], *len, to_guest)) {
        fail(s, EFAULT);
        return NULL;
    }
    return file;
}

/* SYS_WRITE {handle, buffer, length}: 0, or the bytes not written. */
static uint64_t op_write(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[3], len;
    struct sh_file *file = io_block(s, h, a1, KIND(SH_HOST) | KIND(SH_TT_OUT) | KIND(SH_TT_ERR), false, f, &len);
    if (!file)
        return RET_ERR;
    return f[2] - write_out(s, h, file->kind == SH_HOST ? file->fd : -1, f[1], len);
}

/* Reads up to len bytes from fd into guest memory at va (checked first). */
static uint64_t read_in(struct semihost *s, struct hart *h, int fd, uint64_t va, uint64_t len)
{
    uint8_t buf[PAGE_SIZE];
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = page_chunk(va + done, len - done);
        ssize_t r = read(fd, buf, (size_t)n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            s->err = (uint64_t)errno;
        if (r <= 0 || !guest_copy(h, va + done, buf, (uint64_t)r, true))
            break;
        done += (uint64_t)r;
        if ((uint64_t)r < n)
            break;
    }
    return done;
}

static uint64_t read_features(struct sh_file *file, struct hart *h, uint64_t va, uint64_t len)
{
    uint64_t left = file->pos < sizeof features ? sizeof features - file->pos : 0;
    uint64_t n = len < left ? len : left;
    if (n && !guest_copy(h, va, (void *)(features + file->pos), n, true))
        return 0;
    file->pos += n;
    return n;
}

/* SYS_READ {handle, buffer, length}: the bytes not read (length at EOF).
 * The console is read through SYS_READC; a read of ":tt" gets what input
 * is there now, at most a line. */
static uint64_t op_read(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[3], len, done = 0;
    struct sh_file *file = io_block(s, h, a1, KIND(SH_HOST) | KIND(SH_TT_IN) | KIND(SH_FEATURES), true, f, &len);
    if (!file)
        return RET_ERR;
    if (file->kind == SH_HOST) {
        done = read_in(s, h, file->fd, f[1], len);
    } else if (file->kind == SH_FEATURES) {
        done = read_features(file, h, f[1], len);
    } else {
        uint8_t c;
        while (done < len && s->m->uart && uart_take_input(s->m->uart, &c)) {
            guest_copy(h, f[1] + done++, &c, 1, true);
            if (c == '\n' || c == '\r')
                break;
        }
    }
    return f[2] - done;
}

/* SYS_WRITE0: a NUL-terminated string, page by page. */
static uint64_t op_write0(struct semihost *s, struct hart *h, uint64_t a1)
{
    for (uint64_t total = 0; total < SEMIHOST_MAX_IO;) {
        uint64_t n = page_chunk(a1, PAGE_SIZE), pa;
        if (!page_pa(h, a1, n, false, &pa))
            return fail(s, EFAULT);
        const uint8_t *p = bus_ram_ptr(h->mmu.bus, pa, n);
        const uint8_t *nul = memchr(p, 0, (size_t)n);
        console_out(s, p, nul ? (uint64_t)(nul - p) : n);
        if (nul)
            return h->x[10];
        a1 += n;
        total += n;
    }
    return h->x[10];
}

static uint64_t op_writec(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint8_t c;
    if (!guest_copy(h, a1, &c, 1, false))
        return fail(s, EFAULT);
    console_out(s, &c, 1);
    return h->x[10];
}

/* Whether console input can ever come: a terminal that reads, or a script. */
static bool input_possible(const struct machine *m)
{
    return m->cfg.serial == RIVET_SERIAL_STDIO || m->cfg.serial == RIVET_SERIAL_MUX_STDIO || m->cfg.expect_script;
}

/* SYS_READC: the next console byte. Without one, the hart waits: a short
 * sleep for input here, then the call runs again after the round. */
static int op_readc(struct semihost *s, struct hart *h)
{
    struct machine *m = s->m;
    uint8_t c;
    if (m->uart && uart_take_input(m->uart, &c)) {
        h->x[10] = c;
        return SEMIHOST_DONE;
    }
    if (!input_possible(m)) {
        h->x[10] = RET_ERR;
        return SEMIHOST_DONE;
    }
    terminal_flush(m->term); /* a prompt written before the read shows */
    if (m->term && !m->cfg.expect_script)
        terminal_wait_input(m->term, READC_WAIT_NS, NULL, 0);
    hart_yield(h);
    return SEMIHOST_AGAIN;
}

/* ---- the rest ---- */

static uint64_t op_seek(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[2];
    if (!read_fields(h, a1, f, 2))
        return fail(s, EFAULT);
    struct sh_file *file = handle(s, f[0]);
    if (!file)
        return fail(s, EBADF);
    if (file->kind == SH_FEATURES && f[1] <= sizeof features) {
        file->pos = f[1];
        return 0;
    }
    if (file->kind != SH_HOST)
        return fail(s, file->kind == SH_FEATURES ? EINVAL : ESPIPE);
    if (f[1] > (uint64_t)INT64_MAX || lseek(file->fd, (off_t)f[1], SEEK_SET) < 0)
        return fail(s, f[1] > (uint64_t)INT64_MAX ? EINVAL : errno);
    return 0;
}

static uint64_t op_flen(struct semihost *s, struct hart *h, uint64_t a1)
{
    struct stat st;
    struct sh_file *file = handle_block(s, h, a1);
    if (!file)
        return RET_ERR;
    if (file->kind == SH_FEATURES)
        return sizeof features;
    if (file->kind != SH_HOST)
        return fail(s, EINVAL);
    return fstat(file->fd, &st) == 0 ? (uint64_t)st.st_size : fail(s, errno);
}

static uint64_t op_istty(struct semihost *s, struct hart *h, uint64_t a1)
{
    struct sh_file *file = handle_block(s, h, a1);
    if (!file)
        return RET_ERR;
    return file->kind == SH_TT_IN || file->kind == SH_TT_OUT || file->kind == SH_TT_ERR;
}

static uint64_t op_iserror(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f;
    if (!read_fields(h, a1, &f, 1))
        return fail(s, EFAULT);
    return (int64_t)f < 0;
}

/* SYS_REMOVE {name, length}. */
static uint64_t op_remove(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[2];
    char path[PATH_MAX_LEN], buf[PATH_MAX_LEN];
    const char *name;
    if (!read_fields(h, a1, f, 2))
        return fail(s, EFAULT);
    if (!guest_string(s, h, f[0], f[1], path, sizeof path))
        return RET_ERR;
    int dir = open_parent(s, path, buf, sizeof buf, &name);
    if (dir < 0)
        return fail(s, errno);
    int r = unlinkat(dir, name, 0), e = errno;
    close(dir);
    return r == 0 ? 0 : fail(s, e);
}

/* SYS_RENAME {old, old length, new, new length}. */
static uint64_t op_rename(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[4];
    char from[PATH_MAX_LEN], to[PATH_MAX_LEN], b1[PATH_MAX_LEN], b2[PATH_MAX_LEN];
    const char *n1, *n2;
    if (!read_fields(h, a1, f, 4))
        return fail(s, EFAULT);
    if (!guest_string(s, h, f[0], f[1], from, sizeof from) || !guest_string(s, h, f[2], f[3], to, sizeof to))
        return RET_ERR;
    int d1 = open_parent(s, from, b1, sizeof b1, &n1);
    if (d1 < 0)
        return fail(s, errno);
    int d2 = open_parent(s, to, b2, sizeof b2, &n2);
    int r = d2 < 0 ? -1 : renameat(d1, n1, d2, n2), e = errno;
    close(d1);
    if (d2 >= 0)
        close(d2);
    return r == 0 ? 0 : fail(s, e);
}

/* Seconds since 1970 from the board's RTC (so -rtc and -icount apply):
 * reading TIME_LOW latches TIME_HIGH (goldfish RTC). */
static uint64_t op_time(struct semihost *s)
{
    uint64_t lo = 0, hi = 0, base = virt_map(VIRT_RTC)->base;
    if (bus_read(&s->m->bus, base, 4, &lo) != BUS_OK || bus_read(&s->m->bus, base + 4, 4, &hi) != BUS_OK)
        return fail(s, EIO);
    return ((hi << 32) | lo) / 1000000000ull;
}

/* SYS_GET_CMDLINE {buffer, length}: the string, NUL-terminated, and its
 * length in field 2; -1 when the buffer is too small. */
static uint64_t op_cmdline(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t f[2];
    const char *cmd = s->cmdline ? s->cmdline : "";
    uint64_t n = strlen(cmd);
    if (!read_fields(h, a1, f, 2))
        return fail(s, EFAULT);
    if (f[1] < n + 1)
        return fail(s, E2BIG);
    if (!guest_copy(h, f[0], (void *)cmd, n + 1, true) || !write_field(h, a1 + FIELD, n))
        return fail(s, EFAULT);
    return 0;
}

/* SYS_HEAPINFO: a1 points to a pointer to {heap base, heap limit, stack
 * base, stack limit}: the heap from the image's end to the stack, the
 * stack the top STACK_SIZE bytes of RAM. */
static uint64_t op_heapinfo(struct semihost *s, struct hart *h, uint64_t a1)
{
    uint64_t block, end = s->m->bus.ram_base + s->m->bus.ram_size;
    uint64_t stack_limit = end - (s->m->bus.ram_size > 2 * STACK_SIZE ? STACK_SIZE : s->m->bus.ram_size / 2);
    uint64_t heap = (s->image_end + 15) & ~15ull;
    if (heap < s->m->bus.ram_base || heap > stack_limit)
        heap = stack_limit;
    const uint64_t v[4] = { heap, stack_limit, end, stack_limit };
    uint8_t buf[4 * FIELD];
    if (!read_fields(h, a1, &block, 1))
        return fail(s, EFAULT);
    for (unsigned i = 0; i < 4; i++)
        store_le(buf + i * FIELD, FIELD, v[i]);
    return guest_copy(h, block, buf, sizeof buf, true) ? 0 : fail(s, EFAULT);
}

/* SYS_EXIT / SYS_EXIT_EXTENDED (semihosting.h). */
static uint64_t op_exit(struct semihost *s, struct hart *h, uint64_t a1, bool extended)
{
    uint64_t f[2] = { a1, 0 };
    if ((extended || a1 < ADP_STOPPED_FIRST || a1 > ADP_STOPPED_LAST) && !read_fields(h, a1, f, 2))
        return fail(s, EFAULT);
    machine_request_exit(s->m, f[0] == ADP_STOPPED_APPLICATION_EXIT ? f[1] : 1);
    return 0;
}

static uint64_t op_elapsed(struct semihost *s, struct hart *h, uint64_t a1)
{
    return write_field(h, a1, machine_read_time(s->m)) ? 0 : fail(s, EFAULT);
}

static uint64_t dispatch(struct semihost *s, struct hart *h, uint64_t op, uint64_t a1)
{
    switch (op) {
    case SYS_OPEN: return op_open(s, h, a1);
    case SYS_CLOSE: return op_close(s, h, a1);
    case SYS_WRITEC: return op_writec(s, h, a1);
    case SYS_WRITE0: return op_write0(s, h, a1);
    case SYS_WRITE: return op_write(s, h, a1);
    case SYS_READ: return op_read(s, h, a1);
    case SYS_ISERROR: return op_iserror(s, h, a1);
    case SYS_ISTTY: return op_istty(s, h, a1);
    case SYS_SEEK: return op_seek(s, h, a1);
    case SYS_FLEN: return op_flen(s, h, a1);
    case SYS_REMOVE: return op_remove(s, h, a1);
    case SYS_RENAME: return op_rename(s, h, a1);
    case SYS_CLOCK: return machine_read_time(s->m) / (RIVET_TIMEBASE_HZ / 100);
    case SYS_TIME: return op_time(s);
    case SYS_ERRNO: return s->err;
    case SYS_GET_CMDLINE: return op_cmdline(s, h, a1);
    case SYS_HEAPINFO: return op_heapinfo(s, h, a1);
    case SYS_EXIT: return op_exit(s, h, a1, false);
    case SYS_EXIT_EXTENDED: return op_exit(s, h, a1, true);
    case SYS_ELAPSED: return op_elapsed(s, h, a1);
    case SYS_TICKFREQ: return RIVET_TIMEBASE_HZ;
    default: return fail(s, ENOSYS); /* SYS_SYSTEM, SYS_TMPNAM, unknown */
    }
}

int semihost_call(struct semihost *s, struct hart *h, uint64_t pc)
{
    if (h->priv == PRV_U && !s->user)
        return SEMIHOST_NONE;                            /* a plain breakpoint, as QEMU without userspace=on */
    uint64_t op = h->x[10] & 0xffffffffu, a1 = h->x[11]; /* the operation is W0 */
    if (op == SYS_READC)
        return op_readc(s, h);
    h->x[10] = dispatch(s, h, op, a1);
    return SEMIHOST_DONE;
}

static int semihost_hook(void *opaque, struct hart *h, uint64_t pc)
{
    struct machine *m = opaque;
    return semihost_call(m->semihost, h, pc);
}

struct semihost *semihost_create(struct machine *m, char *err, size_t errlen)
{
    struct semihost *s = calloc(1, sizeof *s);
    if (!s) {
        machine_err(err, errlen, "out of memory");
        return NULL;
    }
    s->m = m;
    s->root = -1;
    s->user = m->cfg.semihosting_user;
    s->cfg_cmdline = m->cfg.semihosting_cmdline;
    const char *root = m->cfg.semihosting_root;
    if (root && (s->root = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        machine_err(err, errlen, "--semihosting-root %s: %s", root, strerror(errno));
        free(s);
        return NULL;
    }
    if (!semihost_set_program(s, NULL, NULL, m->bus.ram_base)) {
        machine_err(err, errlen, "out of memory");
        semihost_destroy(s);
        return NULL;
    }
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        m->harts[i].env.semihost = semihost_hook;
    return s;
}

bool semihost_set_program(struct semihost *s, const char *kernel, const char *append, uint64_t image_end)
{
    char buf[CMDLINE_MAX];
    if (s->cfg_cmdline)
        snprintf(buf, sizeof buf, "%s", s->cfg_cmdline);
    else
        snprintf(buf, sizeof buf, "%s%s%s", kernel ? kernel : "", append ? " " : "", append ? append : "");
    free(s->cmdline);
    s->cmdline = strdup(buf);
    s->image_end = image_end;
    return s->cmdline != NULL;
}

void semihost_force_walk(struct semihost *s, bool on) { s->force_walk = on; }

void semihost_destroy(struct semihost *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < MAX_HANDLES; i++)
        if (s->files[i].kind == SH_HOST)
            close(s->files[i].fd);
    if (s->root >= 0)
        close(s->root);
    free(s->cmdline);
    free(s);
}
