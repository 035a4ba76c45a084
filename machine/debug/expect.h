/*
 * --expect-script: a scripted console session for test harnesses, without
 * expect(1) or a pty. One command per line; blank lines and lines starting
 * with '#' are skipped:
 *   wait "TEXT" [SECONDS]  wait until TEXT appears in the console output
 *                          (after the previous match); default 60 s. On a
 *                          timeout the run ends with RIVET_EXIT_EXPECT (123)
 *                          and a message naming the script line.
 *   send "TEXT"            queue TEXT as console input
 *   sleep SECONDS          pause the script (the guest runs on)
 *   exit N                 end the run now with status N (0..255)
 * TEXT takes C escapes: \n \r \t \e \0 \\ \" \xHH. When the script runs out
 * the guest runs on until it ends by itself. Times are wall-clock seconds.
 *
 * Threading: emulation thread only.
 */
#ifndef RIVET_EXPECT_H
#define RIVET_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPECT_DEFAULT_WAIT 60.0

struct expect;

/* Parses the whole script; NULL + err (naming the file and line) on error. */
struct expect *expect_load(const char *path, char *err, size_t errlen);
/* The same from a string (tests); name is used in messages. */
struct expect *expect_parse(const char *name, const char *text, char *err, size_t errlen);
void expect_destroy(struct expect *e);

/* Console output, as the guest writes it. */
void expect_output(struct expect *e, const uint8_t *buf, size_t len);
/* Console input the script has queued: copies up to len bytes. */
size_t expect_input(struct expect *e, uint8_t *buf, size_t len);

/* Advances the script as far as it can now (between rounds). Returns true
 * when the run must end: *status and err are set. */
bool expect_step(struct expect *e, int *status, char *err, size_t errlen);

#endif
