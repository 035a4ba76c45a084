/*
 * Files a user names on the command line, opened so that none of them can
 * hang or exhaust rivet (issue 16, items 3 and 4).
 *
 * Input files (-kernel, -initrd, -dtb, -bios, --expect-script, an
 * rng-random filename) are opened with O_NONBLOCK, so a FIFO with no
 * writer cannot block the open, and then fstat-checked: a directory, FIFO,
 * socket or device that the caller did not allow is refused before any
 * read ("-kernel /dev/zero: not a regular file"). A whole-file read never
 * reads more than the caller's bound (the guest's RAM).
 *
 * Output files (-serial file:, --console-log, --trace=,
 * --screenshot-on-exit, dumpdtb=) may be regular files, FIFOs or character
 * devices (a test harness's FIFO, /dev/stdout, /dev/null); they are opened
 * with O_NONBLOCK too, so a FIFO with no reader is an error at once
 * ("no process is reading the FIFO") instead of a hang. A block device,
 * directory or socket is refused. Once open, O_NONBLOCK is cleared: a slow
 * reader slows rivet down as a terminal does, it never loses bytes.
 *
 * Errors: -1 / false and one line in err, "WHAT PATH: reason" (WHAT is the
 * option, or NULL for "PATH: reason"). Any thread; no global state.
 */
#ifndef RIVET_HOSTFILE_H
#define RIVET_HOSTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* File kinds an input may be besides a regular file. */
#define HOSTFILE_CHARDEV       0x1 /* a character device (rng-random: /dev/urandom, /dev/hwrng) */
#define HOSTFILE_KEEP_NONBLOCK 0x2 /* leave O_NONBLOCK set (a device read must not block the guest) */

/* Opens path read-only for option `what`; the descriptor is O_CLOEXEC. */
int hostfile_open_input(const char *what, const char *path, unsigned flags, char *err, size_t errlen);

/* The size of the regular file behind fd; false + err when it exceeds max. */
bool hostfile_size(const char *what, const char *path, int fd, uint64_t max, uint64_t *size, char *err, size_t errlen);

/* Reads exactly len bytes at offset; false + err ("cannot read", "file
 * shrank while loading") otherwise. */
bool hostfile_pread(const char *what, const char *path, int fd, uint64_t offset, void *buf, uint64_t len, char *err,
                    size_t errlen);

/* A whole regular file of at most max bytes into a malloc'd buffer (the
 * caller frees *data; a zero-length file gives a 1-byte buffer and size 0). */
bool hostfile_read_all(const char *what, const char *path, uint64_t max, uint8_t **data, size_t *size, char *err,
                       size_t errlen);

/* Creates or truncates an output file (see above); O_CLOEXEC, blocking. */
int hostfile_open_output(const char *what, const char *path, char *err, size_t errlen);

/* "WHAT PATH" or "PATH": a malloc'd label for messages (NULL: out of memory). */
char *hostfile_label(const char *what, const char *path);

#endif
