/*
 * QMP, QEMU's JSON machine protocol (docs: "QEMU Machine Protocol
 * Specification"): the greeting, capabilities negotiation, commands with
 * their "id" echoed, errors as {"error": {"class", "desc"}}, and events.
 * Input is untrusted (monitor.h): it is framed by bracket depth outside
 * strings, then parsed by json.c within its bounds.
 */
#define _GNU_SOURCE /* gettid */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "machine/board/machine.h"
#include "machine/debug/json.h"
#include "machine/debug/monitor_priv.h"
#include "rivet/errfmt.h"

#define QMP_REPLY_MAX (6 * MON_TEXT_MAX + 4096) /* a whole HMP text, every byte escaped */

static void send_line(struct mon_chan *c, struct json_buf *b)
{
    jb_raw(b, "\r\n", 2);
    mon_chan_write(c, b->buf, b->len);
}

void qmp_greeting(struct mon_chan *c)
{
    const char g[] = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
                     "\"package\": \"rivet " RIVET_VERSION "\"}, \"capabilities\": []}}\r\n";
    c->caps = false;
    mon_chan_write(c, g, sizeof g - 1);
}

void qmp_event(struct monitor *mon, const char *name, const char *data)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    char line[512];
    bool no_data = !strcmp(data, "{}");
    int n = snprintf(
        line, sizeof line, "{\"timestamp\": {\"seconds\": %lld, \"microseconds\": %ld}, \"event\": \"%s\"%s%s%s}\r\n",
        (long long)tv.tv_sec, (long)tv.tv_usec, name, no_data ? "" : ", \"data\": ", no_data ? "" : data, "");
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    for (unsigned i = 0; i < MON_NCHANS; i++) {
        struct mon_chan *c = &mon->chans[i];
        if (c->proto == MON_QMP && c->caps && (c->fd >= 0 || c->sink))
            mon_chan_write(c, line, (size_t)n);
    }
}

/* ---- commands ---- */

static bool q_capabilities(struct qmp_call *q)
{
    q->c->caps = true;
    jb_raw(q->ret, "{}", 2);
    return true;
}

static bool q_status(struct qmp_call *q)
{
    bool paused = machine_paused(q->c->mon->m);
    jb_printf(q->ret, "{\"status\": \"%s\", \"singlestep\": false, \"running\": %s}", paused ? "paused" : "running",
              paused ? "false" : "true");
    return true;
}

static bool q_stop(struct qmp_call *q)
{
    mon_stop(q->c->mon);
    jb_raw(q->ret, "{}", 2);
    return true;
}

static bool q_cont(struct qmp_call *q)
{
    mon_cont(q->c->mon);
    jb_raw(q->ret, "{}", 2);
    return true;
}

static bool q_powerdown(struct qmp_call *q)
{
    mon_powerdown(q->c->mon); /* QEMU answers {} whether or not the board has a button */
    jb_raw(q->ret, "{}", 2);
    return true;
}

static bool q_reset(struct qmp_call *q)
{
    mon_reset(q->c->mon);
    jb_raw(q->ret, "{}", 2);
    return true;
}

static bool q_quit(struct qmp_call *q)
{
    mon_quit(q->c->mon);
    jb_raw(q->ret, "{}", 2);
    return true;
}

static bool q_version(struct qmp_call *q)
{
    jb_printf(q->ret, "{\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"rivet %s\"}",
              RIVET_VERSION);
    return true;
}

static bool q_cpus_fast(struct qmp_call *q)
{
    const struct machine *m = q->c->mon->m;
    jb_raw(q->ret, "[", 1);
    for (unsigned i = 0; i < m->cfg.nharts; i++)
        jb_printf(q->ret,
                  "%s{\"thread-id\": %d, \"props\": {\"core-id\": 0, \"thread-id\": 0, \"node-id\": 0, "
                  "\"socket-id\": %u}, \"qom-path\": \"/machine/soc0/harts[%u]\", \"cpu-index\": %u, "
                  "\"target\": \"riscv64\"}",
                  i ? ", " : "", (int)gettid(), i, i, i);
    jb_raw(q->ret, "]", 1);
    return true;
}

static bool q_hmp(struct qmp_call *q)
{
    const struct json *line = json_get(q->args, "command-line");
    if (!line) {
        snprintf(q->edesc, sizeof q->edesc, "Parameter 'command-line' is missing");
        return false;
    }
    if (line->type != JSON_STRING) {
        snprintf(q->edesc, sizeof q->edesc, "Invalid parameter type for 'command-line', expected: string");
        return false;
    }
    struct mon_text *t = &q->c->mon->text;
    t->len = 0;
    t->truncated = false;
    t->buf[0] = '\0';
    monitor_hmp(q->c->mon, line->str, strlen(line->str), t);
    jb_string(q->ret, t->buf, t->len);
    return true;
}

static bool q_commands(struct qmp_call *q);

static const struct {
    const char *name;
    bool (*fn)(struct qmp_call *q);
} qcmds[] = {
    /* clang-format off */
    { "qmp_capabilities", q_capabilities }, { "query-status", q_status },   { "query-version", q_version },
    { "query-cpus-fast", q_cpus_fast },     { "query-commands", q_commands }, { "stop", q_stop },
    { "cont", q_cont },                     { "system_powerdown", q_powerdown }, { "quit", q_quit },
    { "system_reset", q_reset },
    { "snapshot-save", qmp_snapshot_save }, { "snapshot-load", qmp_snapshot_load },
    { "snapshot-delete", qmp_snapshot_delete }, { "query-jobs", qmp_query_jobs },
    { "job-dismiss", qmp_job_dismiss },
    /* clang-format on */
    { "human-monitor-command", q_hmp },
};
#define NQCMDS (sizeof qcmds / sizeof qcmds[0])

static bool q_commands(struct qmp_call *q)
{
    jb_raw(q->ret, "[", 1);
    for (size_t i = 0; i < NQCMDS; i++)
        jb_printf(q->ret, "%s{\"name\": \"%s\"}", i ? ", " : "", qcmds[i].name);
    jb_raw(q->ret, "]", 1);
    return true;
}

/* ---- dispatch ---- */

static void reply_error(struct mon_chan *c, const struct json *id, const char *eclass, const char *desc)
{
    char mem[1024];
    struct json_buf b = { mem, sizeof mem - 2, 0, false };
    jb_printf(&b, "{\"error\": {\"class\": \"%s\", \"desc\": ", eclass);
    jb_string(&b, desc, strlen(desc));
    jb_raw(&b, "}", 1);
    if (id) {
        jb_raw(&b, ", \"id\": ", 8);
        jb_value(&b, id);
    }
    jb_raw(&b, "}", 1);
    if (b.truncated) /* an id too big to echo */
        reply_error(c, NULL, "GenericError", "QMP input member 'id' is too large");
    else
        send_line(c, &b);
}

/* The request's members: execute (a string), arguments (an object), id
 * (any value); anything else is refused, as QEMU does. NULL + desc. */
static const char *check_request(const struct json *req, const struct json **args, char *desc, size_t len)
{
    const struct json *exec = json_get(req, "execute");
    *args = json_get(req, "arguments");
    for (const struct json *e = req->child; e; e = e->next)
        if (strcmp(e->key, "execute") && strcmp(e->key, "arguments") && strcmp(e->key, "id")) {
            err_format(desc, len, "QMP input member '%.64s' is unexpected", e->key);
            return NULL;
        }
    if (!exec)
        err_format(desc, len, "QMP input lacks member 'execute'");
    else if (exec->type != JSON_STRING)
        err_format(desc, len, "QMP input member 'execute' must be a string");
    else if (*args && (*args)->type != JSON_OBJECT)
        err_format(desc, len, "QMP input member 'arguments' must be an object");
    else
        return exec->str;
    return NULL;
}

static void run_command(struct mon_chan *c, const char *name, const struct json *args, const struct json *id)
{
    bool negotiation = !strcmp(name, "qmp_capabilities");
    if (!c->caps && !negotiation) {
        reply_error(c, id, "CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'");
        return;
    }
    if (c->caps && negotiation) {
        reply_error(c, id, "CommandNotFound", "Capabilities negotiation is already complete, command ignored");
        return;
    }
    for (size_t i = 0; i < NQCMDS; i++) {
        if (strcmp(name, qcmds[i].name))
            continue;
        struct json_buf ret = { malloc(QMP_REPLY_MAX), QMP_REPLY_MAX - 2, 0, false };
        struct qmp_call q = { .c = c, .args = args, .ret = &ret, .eclass = "GenericError" };
        if (!ret.buf) {
            reply_error(c, id, "GenericError", "out of memory");
            return;
        }
        jb_raw(&ret, "{\"return\": ", 11);
        if (!qcmds[i].fn(&q)) {
            reply_error(c, id, q.eclass, q.edesc);
        } else {
            if (id) {
                jb_raw(&ret, ", \"id\": ", 8);
                jb_value(&ret, id);
            }
            jb_raw(&ret, "}", 1);
            if (ret.truncated)
                reply_error(c, id, "GenericError", "the reply is too large");
            else
                send_line(c, &ret);
        }
        free(ret.buf);
        qmp_run_jobs(c->mon); /* a snapshot job starts once its command is answered */
        return;
    }
    char desc[160];
    err_format(desc, sizeof desc, "The command %.64s has not been found", name);
    reply_error(c, id, "CommandNotFound", desc);
}

static void dispatch(struct mon_chan *c, const char *text, size_t len)
{
    char desc[256];
    struct json *req = json_parse(text, len, desc, sizeof desc);
    const struct json *args = NULL, *id = NULL;
    const char *name = NULL;
    if (req && req->type != JSON_OBJECT)
        err_format(desc, sizeof desc, "QMP input must be a JSON object");
    else if (req) {
        id = json_get(req, "id");
        name = check_request(req, &args, desc, sizeof desc);
    }
    if (name)
        run_command(c, name, args, id);
    else
        reply_error(c, id, "GenericError", desc);
    json_free(req);
}

/* Frames objects in the byte stream: one that starts with a bracket ends
 * where its brackets close (it may span lines); anything else (junk, a
 * bare value) ends at its line's end. */
void qmp_input(struct mon_chan *c, const uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n && !c->mon->quit; i++) {
        uint8_t b = buf[i];
        if (c->len == 0 && c->depth == 0 && (b == ' ' || b == '\t' || b == '\r' || b == '\n'))
            continue;
        if (c->len < c->cap)
            c->buf[c->len++] = (char)b;
        else
            c->overflow = true;
        bool end = false;
        if (c->buf[0] != '{' && c->buf[0] != '[') {
            end = b == '\n'; /* not an object: junk (or a bare value) up to the line's end */
        } else if (c->in_str) {
            if (c->esc)
                c->esc = false;
            else if (b == '\\')
                c->esc = true;
            else if (b == '"')
                c->in_str = false;
            end = b == '\n';
        } else if (b == '"') {
            c->in_str = true;
        } else if (b == '{' || b == '[') {
            c->depth++;
        } else if (b == '}' || b == ']') {
            end = --c->depth <= 0;
        } else if (b == '\n') {
            end = c->depth <= 0;
        }
        if (!end)
            continue;
        if (c->overflow)
            reply_error(c, NULL, "GenericError", "JSON parse error, input too long");
        else
            dispatch(c, c->buf, c->len);
        c->len = 0;
        c->depth = 0;
        c->overflow = c->in_str = c->esc = false;
    }
}
