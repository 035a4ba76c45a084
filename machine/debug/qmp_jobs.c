/*
 * QMP's snapshot commands, as QEMU 6.0+ has them: snapshot-save,
 * snapshot-load and snapshot-delete each create a job (job-id), which
 * reports its life through JOB_STATUS_CHANGE events (created, running,
 * waiting, pending, concluded; aborting instead of waiting and pending when
 * it fails), shows in query-jobs (with "error" when it failed) and stays
 * until job-dismiss (event status "null"). What rivet does otherwise:
 * - `tag` is the snapshot file's path (rivet's snapshots are files, not
 *   tags inside qcow2 images); `vmstate` and `devices` are accepted (QEMU
 *   needs them to choose the images) and, when given, type-checked, but a
 *   rivet snapshot always holds the whole machine and its disks' state.
 * - The job runs synchronously, right after the command's {"return": {}}
 *   and before the next command is read, so every event arrives before the
 *   next reply; no STOP/RESUME events (the machine is stopped inside the
 *   job, as savevm does).
 * - snapshot-delete removes the file, and only a file that starts as a
 *   rivet snapshot does (anything else fails the job).
 * All arguments are untrusted (monitor.h): a job-id is refused unless it is
 * well formed as QEMU's are (a letter, then letters, digits, '-', '.', '_').
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/board/machine.h"
#include "machine/board/snapshot.h"
#include "machine/debug/json.h"
#include "machine/debug/monitor_priv.h"

/* A string argument: false + the error QEMU gives when required and
 * missing, or of another type. *out is NULL when optional and missing. */
static bool arg_str(struct qmp_call *q, const char *name, bool required, const char **out)
{
    const struct json *v = json_get(q->args, name);
    *out = NULL;
    if (!v && required) {
        snprintf(q->edesc, sizeof q->edesc, "Parameter '%s' is missing", name);
        return false;
    }
    if (v && v->type != JSON_STRING) {
        snprintf(q->edesc, sizeof q->edesc, "Invalid parameter type for '%s', expected: string", name);
        return false;
    }
    *out = v ? v->str : NULL;
    return true;
}

/* `devices`: when given, an array of strings. */
static bool arg_devices(struct qmp_call *q)
{
    const struct json *v = json_get(q->args, "devices");
    bool ok = !v || v->type == JSON_ARRAY;
    for (const struct json *e = ok && v ? v->child : NULL; e; e = e->next)
        ok = ok && e->type == JSON_STRING;
    if (!ok)
        snprintf(q->edesc, sizeof q->edesc, "Invalid parameter type for 'devices', expected: array of strings");
    return ok;
}

static bool id_wellformed(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= MON_JOB_ID || !((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._", id[i]))
            return false;
    return true;
}

static struct mon_job *find_job(struct monitor *mon, const char *id)
{
    for (unsigned i = 0; i < mon->njobs; i++)
        if (!strcmp(mon->jobs[i].id, id))
            return &mon->jobs[i];
    return NULL;
}

/* The arguments the three commands share, checked; the job queued. */
static bool create_job(struct qmp_call *q, const char *type, bool vmstate)
{
    struct monitor *mon = q->c->mon;
    const char *id, *tag, *vm;
    if (!arg_str(q, "job-id", true, &id) || !arg_str(q, "tag", true, &tag) || !arg_str(q, "vmstate", false, &vm) ||
        !arg_devices(q))
        return false;
    if (vm && !vmstate) {
        snprintf(q->edesc, sizeof q->edesc, "Parameter 'vmstate' is unexpected");
        return false;
    }
    if (!id_wellformed(id)) {
        snprintf(q->edesc, sizeof q->edesc, "Invalid job ID '%.64s'", id);
        return false;
    }
    if (find_job(mon, id)) {
        snprintf(q->edesc, sizeof q->edesc, "Job ID '%s' already in use", id);
        return false;
    }
    if (!*tag) {
        snprintf(q->edesc, sizeof q->edesc, "Parameter 'tag' is empty (rivet's tag is the snapshot file's path)");
        return false;
    }
    struct mon_job *j = mon->njobs < MON_MAX_JOBS ? &mon->jobs[mon->njobs] : NULL;
    char *copy = j ? strdup(tag) : NULL;
    if (!copy) {
        snprintf(q->edesc, sizeof q->edesc, "%s",
                 j ? "out of memory" : "too many jobs (job-dismiss the concluded ones)");
        return false;
    }
    *j = (struct mon_job){ .type = type, .tag = copy };
    snprintf(j->id, sizeof j->id, "%s", id);
    mon->njobs++;
    jb_raw(q->ret, "{}", 2);
    return true;
}

bool qmp_snapshot_save(struct qmp_call *q) { return create_job(q, "snapshot-save", true); }
bool qmp_snapshot_load(struct qmp_call *q) { return create_job(q, "snapshot-load", true); }
bool qmp_snapshot_delete(struct qmp_call *q) { return create_job(q, "snapshot-delete", false); }

/* Removes a rivet snapshot file; anything else is left alone. */
static bool delete_snapshot(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    struct stat st;
    char magic[8];
    bool ok = fd >= 0 && fstat(fd, &st) == 0;
    if (!ok)
        machine_err(err, errlen, "%s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode) || pread(fd, magic, sizeof magic, 0) != (ssize_t)sizeof magic ||
             memcmp(magic, SNAPSHOT_MAGIC, sizeof magic))
        ok = false, machine_err(err, errlen, "%s: not a rivet snapshot (left as it is)", path);
    else if (unlink(path) != 0)
        ok = false, machine_err(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return ok;
}

static void job_event(struct monitor *mon, const struct mon_job *j, const char *status)
{
    char data[MON_JOB_ID + 64]; /* the id is well formed: nothing to escape */
    snprintf(data, sizeof data, "{\"status\": \"%s\", \"id\": \"%s\"}", status, j->id);
    qmp_event(mon, "JOB_STATUS_CHANGE", data);
}

static void run_job(struct monitor *mon, struct mon_job *j)
{
    char err[RIVET_ERR_LEN];
    job_event(mon, j, "created");
    job_event(mon, j, "running");
    bool ok;
    if (!strcmp(j->type, "snapshot-save"))
        ok = mon_savevm(mon, j->tag, err, sizeof err);
    else if (!strcmp(j->type, "snapshot-load"))
        ok = mon_loadvm(mon, j->tag, err, sizeof err);
    else
        ok = delete_snapshot(j->tag, err, sizeof err);
    if (!ok)
        j->error = strdup(err[0] ? err : "failed");
    j->done = true;
    if (ok) {
        job_event(mon, j, "waiting");
        job_event(mon, j, "pending");
    } else {
        job_event(mon, j, "aborting");
    }
    job_event(mon, j, "concluded");
}

void qmp_run_jobs(struct monitor *mon)
{
    for (unsigned i = 0; i < mon->njobs && !mon->quit; i++)
        if (!mon->jobs[i].done)
            run_job(mon, &mon->jobs[i]);
}

bool qmp_query_jobs(struct qmp_call *q)
{
    struct monitor *mon = q->c->mon;
    jb_raw(q->ret, "[", 1);
    for (unsigned i = 0; i < mon->njobs; i++) {
        const struct mon_job *j = &mon->jobs[i];
        jb_printf(q->ret,
                  "%s{\"current-progress\": %d, \"status\": \"%s\", \"total-progress\": 1, \"type\": \"%s\", "
                  "\"id\": \"%s\"",
                  i ? ", " : "", j->done ? 1 : 0, j->done ? "concluded" : "created", j->type, j->id);
        if (j->error) {
            jb_raw(q->ret, ", \"error\": ", 11);
            jb_string(q->ret, j->error, strlen(j->error));
        }
        jb_raw(q->ret, "}", 1);
    }
    jb_raw(q->ret, "]", 1);
    return true;
}

static void free_job(struct mon_job *j)
{
    free(j->tag);
    free(j->error);
}

bool qmp_job_dismiss(struct qmp_call *q)
{
    struct monitor *mon = q->c->mon;
    const char *id;
    if (!arg_str(q, "id", true, &id))
        return false;
    struct mon_job *j = find_job(mon, id);
    if (!j) {
        snprintf(q->edesc, sizeof q->edesc, "Job not found");
        return false;
    }
    if (!j->done) { /* not seen by a client: jobs run before the next command */
        snprintf(q->edesc, sizeof q->edesc, "Job '%s' in state 'created' cannot accept command verb 'dismiss'", id);
        return false;
    }
    job_event(mon, j, "null");
    free_job(j);
    unsigned k = (unsigned)(j - mon->jobs);
    memmove(j, j + 1, (mon->njobs - k - 1) * sizeof *j);
    mon->njobs--;
    jb_raw(q->ret, "{}", 2);
    return true;
}

void qmp_jobs_free(struct monitor *mon)
{
    for (unsigned i = 0; i < mon->njobs; i++)
        free_job(&mon->jobs[i]);
    mon->njobs = 0;
}
