/*
 * The monitor: QEMU's human monitor (HMP) and its JSON protocol (QMP),
 * reached through the console's Ctrl-A c (-serial mon:stdio, -nographic),
 * -monitor stdio|unix:PATH,server,nowait|tcp:HOST:PORT,server,nowait|none
 * and -qmp unix:...|tcp:... (cfg.monitor, cfg.qmp).
 *
 * HMP commands (monitor.c): help, info registers|cpus|mtree|status|version,
 * info snapshots [FILE], cpu N, x and xp /FMT ADDR, stop, cont,
 * savevm FILE, loadvm FILE (machine/board/snapshot.h), system_powerdown,
 * system_reset, quit. QMP commands (qmp.c): qmp_capabilities,
 * query-status, query-cpus-fast, stop, cont, system_powerdown,
 * system_reset, quit, human-monitor-command; snapshot-save,
 * snapshot-load, snapshot-delete, query-jobs, job-dismiss (qmp_jobs.c);
 * events STOP, RESUME, POWERDOWN, RESET, SHUTDOWN and JOB_STATUS_CHANGE.
 *
 * Contract
 * - Everything here runs on the machine's I/O thread (today the emulation
 *   thread; with hart threads, the main one), between rounds of the run
 *   loop, where no hart runs an instruction: the commands read hart state
 *   and guest memory directly.
 * - monitor_create leaves m->monitor NULL when no monitor is asked for (no
 *   cfg.monitor, no cfg.qmp, no mux console). A socket that cannot be
 *   opened is a start-up error (false + err naming the option).
 * - monitor_poll serves every channel without blocking: it accepts one
 *   client per socket (a second waits in the backlog until the first
 *   leaves), reads what has arrived, runs complete lines (HMP) and complete
 *   JSON objects (QMP), and writes the replies. It polls the descriptors at
 *   most once per MON_POLL_NS of host time, so the run loop may call it
 *   every round. monitor_pollfds gives the descriptors to wait on while the
 *   machine sleeps, so a command wakes an idle or paused machine at once.
 * - Client input is untrusted: a line longer than MON_LINE_MAX is dropped
 *   with a message, a QMP object longer than JSON_MAX_INPUT is answered with
 *   an error; bytes of any value are accepted. A client that stops reading
 *   its replies for MON_SEND_TIMEOUT_MS is disconnected.
 * - `quit` (HMP or QMP) asks the run to end with status 0, as QEMU's does
 *   (machine_request_exit); the terminal is restored by the usual exit path.
 * - `stop`/`cont` call machine_pause/machine_resume (machine.h).
 * - `system_reset` is a reset request (machine_request_reset): the run
 *   loop reboots the machine, the monitor's connections stay, and QMP
 *   clients get RESET when it happens; with -no-reboot the run ends.
 * - The guest's console output while the mux's focus is on the monitor is
 *   written as it comes, interleaved with the monitor's, as QEMU's mux does.
 */
#ifndef RIVET_MONITOR_H
#define RIVET_MONITOR_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define MON_LINE_MAX        1024        /* longest HMP line */
#define MON_TEXT_MAX        (64 * 1024) /* the output of one HMP command */
#define MON_POLL_NS         1000000ull  /* monitor_poll looks at its sockets at most once a millisecond */
#define MON_SEND_TIMEOUT_MS 2000
#define MON_MAX_FDS         4
#define MON_PROMPT          "(rivet) "

struct machine;
struct monitor;

bool monitor_create(struct machine *m, char *err, size_t errlen);
/* Sends the SHUTDOWN event to a QMP client still connected, closes every
 * channel and removes the unix sockets it created. */
void monitor_destroy(struct machine *m);
void monitor_poll(struct machine *m);
/* The QMP RESET event (data: guest, reason as QEMU's) to every client:
 * the machine is rebooting (machine.h, "Reboot"). I/O thread. */
void monitor_reset_event(struct machine *m);
unsigned monitor_pollfds(const struct machine *m, struct pollfd *fds, unsigned max);

/* Checks a -monitor or -qmp value (option = "-monitor" or "-qmp") the way
 * monitor_create will read it; false + err (one line naming the option). */
bool monitor_check_spec(const char *option, const char *spec, bool qmp, char *err, size_t errlen);

/* ---- for qmp.c, the fuzz targets and tests ---- */

/* The text of one HMP command. */
struct mon_text {
    char buf[MON_TEXT_MAX];
    size_t len;
    bool truncated;
};
void mon_printf(struct mon_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A monitor with no channels (tests, fuzz targets); NULL on failure. */
struct monitor *monitor_new(struct machine *m);
void monitor_free(struct monitor *mon);
/* Runs one HMP command line (len bytes, any content) into out. */
void monitor_hmp(struct monitor *mon, const char *line, size_t len, struct mon_text *out);

#endif
