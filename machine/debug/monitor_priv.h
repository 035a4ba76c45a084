/*
 * The monitor's inside, shared by monitor.c (HMP commands), monitor_io.c
 * (channels: sockets, stdio, the console mux) and qmp.c (QMP). Not for the
 * rest of rivet: the public face is monitor.h.
 */
#ifndef RIVET_MONITOR_PRIV_H
#define RIVET_MONITOR_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "machine/debug/monitor.h"

enum mon_proto { MON_HMP, MON_QMP };
enum mon_chan_kind { CHAN_NONE, CHAN_SOCKET, CHAN_STDIO, CHAN_MUX, CHAN_SINK };
enum { CHAN_MONITOR, CHAN_QMP, CHAN_CONSOLE, MON_NCHANS };

typedef void (*mon_sink_fn)(void *opaque, const char *s, size_t n);

/* One way in: a -monitor, a -qmp, or the console's mux. */
struct mon_chan {
    struct monitor *mon;
    enum mon_proto proto;
    enum mon_chan_kind kind;
    const char *option;  /* "-monitor", "-qmp": for messages */
    int listen_fd;       /* CHAN_SOCKET: the listener; -1 otherwise */
    int fd;              /* the connected client, or stdin (CHAN_STDIO); -1: none */
    int out_fd;          /* where replies go (the client, stdout); -1: none */
    char unix_path[108]; /* a unix socket rivet created (removed at exit); "" otherwise */
    mon_sink_fn sink;    /* CHAN_MUX, CHAN_SINK: replies go here instead */
    void *sink_opaque;
    bool crlf; /* "\n" written as "\r\n" (the raw tty behind the mux) */
    bool echo; /* typed characters echoed (the raw tty behind the mux) */
    bool caps; /* QMP: capabilities negotiated */
    /* Input not yet complete: an HMP line, or a QMP object being framed. */
    char *buf;
    size_t cap, len;
    bool overflow; /* the current line or object outgrew buf: dropped at its end */
    int depth;     /* QMP framing: brackets open outside strings */
    bool in_str, esc;
};

#define MON_MAX_SNAPS 16  /* files `info snapshots` lists */
#define MON_MAX_JOBS  16  /* QMP snapshot jobs not yet dismissed */
#define MON_JOB_ID    128 /* a job-id's most bytes, NUL included */

/* A QMP snapshot job (qmp_jobs.c). rivet runs it to its end before the
 * next command is read; it stays (concluded) until job-dismiss. */
struct mon_job {
    char id[MON_JOB_ID];
    const char *type; /* "snapshot-save", "snapshot-load", "snapshot-delete" */
    char *tag;        /* the snapshot file */
    char *error;      /* NULL: it succeeded (or has not run) */
    bool done;        /* concluded */
};

struct monitor {
    struct machine *m;
    char *snaps[MON_MAX_SNAPS]; /* the files savevm and loadvm used (info snapshots) */
    unsigned nsnaps;
    struct mon_job jobs[MON_MAX_JOBS];
    unsigned njobs;
    unsigned cpu; /* `cpu N`: the hart info registers and x use */
    bool quit;    /* quit asked (the run ends with status 0) */
    uint64_t last_poll_ns;
    struct mon_chan chans[MON_NCHANS];
    struct mon_text text; /* the output of the command being run */
};

/* Writes n bytes of reply to the channel (a no-op with no client). */
void mon_chan_write(struct mon_chan *c, const char *s, size_t n);
/* Feeds client bytes to the channel's protocol. */
void mon_chan_input(struct mon_chan *c, const uint8_t *buf, size_t n);
/* A channel writing to sink, for tests and fuzz targets (slot CHAN_CONSOLE
 * when free); NULL when the slot is taken or memory runs out. */
struct mon_chan *mon_attach_sink(struct monitor *mon, enum mon_proto proto, mon_sink_fn sink, void *opaque);
/* Input buffer of the protocol's size; false when out of memory. */
bool mon_chan_alloc(struct mon_chan *c, enum mon_proto proto);

/* The actions both protocols offer (monitor.c). Each returns whether the
 * state changed, and sends the QMP event (STOP, RESUME, POWERDOWN). */
bool mon_stop(struct monitor *mon);
bool mon_cont(struct monitor *mon);
void mon_quit(struct monitor *mon);
/* system_reset: a reset request (no event here: monitor_reset_event). */
void mon_reset(struct monitor *mon);
/* The power button; false when the board has none the guest can see. */
bool mon_powerdown(struct monitor *mon);
/* savevm/loadvm FILE (machine/board/snapshot.h); false + err. */
bool mon_savevm(struct monitor *mon, const char *path, char *err, size_t errlen);
bool mon_loadvm(struct monitor *mon, const char *path, char *err, size_t errlen);

/* One QMP command being run (qmp.c, qmp_jobs.c): its arguments, where its
 * "return" value goes, and on failure the error's class and text. */
struct json;
struct json_buf;
struct qmp_call {
    struct mon_chan *c;
    const struct json *args; /* NULL: none given */
    struct json_buf *ret;    /* the "return" value */
    const char *eclass;      /* on failure: the error class (GenericError unless set) */
    char edesc[256];
};

/* qmp_jobs.c: snapshot-save, snapshot-load, snapshot-delete (they create
 * a job; qmp_run_jobs runs it once the command's reply is out), query-jobs
 * and job-dismiss. */
bool qmp_snapshot_save(struct qmp_call *q);
bool qmp_snapshot_load(struct qmp_call *q);
bool qmp_snapshot_delete(struct qmp_call *q);
bool qmp_query_jobs(struct qmp_call *q);
bool qmp_job_dismiss(struct qmp_call *q);
void qmp_run_jobs(struct monitor *mon);
void qmp_jobs_free(struct monitor *mon);

/* qmp.c */
void qmp_greeting(struct mon_chan *c);
void qmp_input(struct mon_chan *c, const uint8_t *buf, size_t n);
/* An event to every QMP client past negotiation; data is a JSON object. */
void qmp_event(struct monitor *mon, const char *name, const char *data);

#endif
