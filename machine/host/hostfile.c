/*
 * Files named by the user: open without blocking, check the kind, bound
 * the reads (contract in hostfile.h).
 */
#include "machine/host/hostfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rivet/errfmt.h"

char *hostfile_label(const char *what, const char *path)
{
    size_t n = (what ? strlen(what) + 1 : 0) + strlen(path) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", what ? what : "", what ? " " : "", path);
    return s;
}

static void file_err(char *err, size_t errlen, const char *what, const char *path, const char *reason)
{
    err_format(err, errlen, "%s%s%s: %s", what ? what : "", what ? " " : "", path, reason);
}

static void clear_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

int hostfile_open_input(const char *what, const char *path, unsigned flags, char *err, size_t errlen)
{
    char reason[128];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(reason, sizeof reason, "cannot open: %s", strerror(errno));
        file_err(err, errlen, what, path, reason);
        return -1;
    }
    struct stat st;
    bool chr_ok = flags & HOSTFILE_CHARDEV;
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || (chr_ok && S_ISCHR(st.st_mode)))) {
        file_err(err, errlen, what, path, chr_ok ? "not a regular file or character device" : "not a regular file");
        close(fd);
        return -1;
    }
    if (!(flags & HOSTFILE_KEEP_NONBLOCK))
        clear_nonblock(fd);
    return fd;
}

bool hostfile_size(const char *what, const char *path, int fd, uint64_t max, uint64_t *size, char *err, size_t errlen)
{
    struct stat st;
    char reason[160];
    if (fstat(fd, &st) != 0) {
        snprintf(reason, sizeof reason, "cannot read: %s", strerror(errno));
        file_err(err, errlen, what, path, reason);
        return false;
    }
    if ((uint64_t)st.st_size > max) {
        snprintf(reason, sizeof reason, "file of %llu bytes is larger than the %llu bytes that can be loaded",
                 (unsigned long long)st.st_size, (unsigned long long)max);
        file_err(err, errlen, what, path, reason);
        return false;
    }
    *size = (uint64_t)st.st_size;
    return true;
}

bool hostfile_pread(const char *what, const char *path, int fd, uint64_t offset, void *buf, uint64_t len, char *err,
                    size_t errlen)
{
    uint8_t *p = buf;
    char reason[128];
    while (len) {
        size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
        ssize_t n = pread(fd, p, chunk, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                snprintf(reason, sizeof reason, "cannot read: %s", strerror(errno));
            file_err(err, errlen, what, path, n < 0 ? reason : "file shrank while loading");
            return false;
        }
        p += n, offset += (uint64_t)n, len -= (uint64_t)n;
    }
    return true;
}

bool hostfile_read_all(const char *what, const char *path, uint64_t max, uint8_t **data, size_t *size, char *err,
                       size_t errlen)
{
    int fd = hostfile_open_input(what, path, 0, err, errlen);
    if (fd < 0)
        return false;
    uint64_t n;
    uint8_t *buf = NULL;
    bool ok = hostfile_size(what, path, fd, max, &n, err, errlen);
    if (ok && !(buf = malloc(n ? (size_t)n : 1))) {
        file_err(err, errlen, what, path, "out of memory reading the file");
        ok = false;
    }
    ok = ok && hostfile_pread(what, path, fd, 0, buf, n, err, errlen);
    close(fd);
    if (!ok) {
        free(buf);
        return false;
    }
    *data = buf;
    *size = (size_t)n;
    return true;
}

int hostfile_open_output(const char *what, const char *path, char *err, size_t errlen)
{
    char reason[128];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == ENXIO)
            snprintf(reason, sizeof reason, "no process is reading the FIFO");
        else
            snprintf(reason, sizeof reason, "cannot create: %s", strerror(errno));
        file_err(err, errlen, what, path, reason);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
        file_err(err, errlen, what, path, "not a regular file, FIFO or character device");
        close(fd);
        return -1;
    }
    clear_nonblock(fd);
    return fd;
}
