/*
 * One-line error messages that never lose their reason.
 *
 * rivet's messages name what is wrong first and why last ("PATH: ELF
 * machine is 62, not RISC-V"), and the caller's buffer is bounded
 * (RIVET_ERR_LEN). A message that does not fit keeps its start (which
 * option, which file) and its end (the reason), with "..." in place of the
 * middle, so a long path can never push the reason out.
 *
 * Pure functions of their arguments; any part of rivet may include this
 * header (it is header-only, so devices/ need not link machine/).
 */
#ifndef RIVET_ERRFMT_H
#define RIVET_ERRFMT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERRFMT_HEAD_MAX 96 /* bytes kept from the start of an overlong message */

/* Fits msg (len bytes) into err[errlen]: as is when it fits, else head +
 * "..." + tail. */
static inline void err_fit(char *err, size_t errlen, const char *msg, size_t len)
{
    if (len < errlen) {
        memcpy(err, msg, len + 1);
        return;
    }
    if (errlen < 16) { /* too small to split: plain truncation */
        memcpy(err, msg, errlen - 1);
        err[errlen - 1] = '\0';
        return;
    }
    size_t head = errlen / 4 < ERRFMT_HEAD_MAX ? errlen / 4 : ERRFMT_HEAD_MAX;
    size_t tail = errlen - 1 - head - 3;
    memcpy(err, msg, head);
    memcpy(err + head, "...", 3);
    memcpy(err + head + 3, msg + len - tail, tail);
    err[errlen - 1] = '\0';
}

static inline void err_vformat(char *err, size_t errlen, const char *fmt, va_list ap)
{
    if (!err || !errlen)
        return;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(err, errlen, fmt, ap);
    if (n < 0 || (size_t)n < errlen) {
        va_end(copy);
        return;
    }
    char *full = malloc((size_t)n + 1);
    if (full) { /* without memory the plain truncation above stands */
        vsnprintf(full, (size_t)n + 1, fmt, copy);
        err_fit(err, errlen, full, (size_t)n);
        free(full);
    }
    va_end(copy);
}

static inline void err_format(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline void err_format(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vformat(err, errlen, fmt, ap);
    va_end(ap);
}

#endif
