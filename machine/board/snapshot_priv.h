/*
 * The inside of the snapshot file (snapshot.h), shared by snapshot.c
 * (writing, the description), snapshot_load.c (reading) and
 * snapshot_disk.c (the disks). Not for the rest of rivet.
 */
#ifndef RIVET_SNAPSHOT_PRIV_H
#define RIVET_SNAPSHOT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct snapshot_writer;

/* Section kinds; a board row r's instances are SNAP_ROW_BASE + r. */
enum { SNAP_DESC = 1, SNAP_HART = 2, SNAP_RAM = 3, SNAP_DISK = 4, SNAP_ROW_BASE = 0x100 };
#define SNAP_SECTION_HEADER 24u
#define SNAP_MAX_SECTIONS   256u

/* A run of RAM: guest offset, length (both page multiples), file offset. */
struct snap_extent {
    uint64_t guest, len, file;
};

/* The whole of [off, off + len) of fd read into / written from buf
 * (pread/pwrite, EINTR retried); false on an error or end of file. */
bool snapshot_io(int fd, void *buf, size_t len, uint64_t off, bool write);

/* Appends one section (kind, instance, length, CRC32, data padded to 8). */
void snapshot_put_section(struct snapshot_writer *out, uint32_t kind, uint32_t inst,
                          const struct snapshot_writer *data);

/* The description's items (snapshot.c): (option, value) string pairs. */
struct snapshot_reader;
void snapshot_describe_machine(const struct machine *m, struct snapshot_writer *w);
/* The next pair (control bytes made '?'; each below cap); false at the end
 * or when malformed (r->bad). */
bool snapshot_get_item(struct snapshot_reader *r, char *opt, char *val, size_t cap);
/* Whether a file's description matches this machine; err names the first
 * item that differs. */
bool snapshot_compare_description(const struct machine *m, const uint8_t *data, size_t len, char *err, size_t errlen);

/* The file's data area past the sections, for what is too big for them
 * (a -snapshot overlay's blocks). Writing: streams go to fd at `at`, which
 * advances. Reading: a stream must lie within [lo, size). */
struct snap_stream {
    int fd;
    uint64_t at, lo, size;
};

/* snapshot_disk.c: each drive's identity as description items ("the drive
 * in slot N": its size and mode), and its state as SNAP_DISK sections (a
 * writable image's content digest; a -snapshot overlay's changed blocks,
 * streamed into st, the section saying where). */
void snapshot_describe_disks(const struct machine *m, struct snapshot_writer *w);
bool snapshot_save_disks(struct machine *m, struct snapshot_writer *out, struct snap_stream *st, char *err,
                         size_t errlen);
/* A SNAP_DISK section's most bytes (its header included), so that the
 * writer can place RAM before the disks' sections are made. */
#define SNAP_DISK_SECTION_MAX (SNAP_SECTION_HEADER + 40u)
/* Checks (dry: the overlay's stream is read whole and checked) or applies
 * a SNAP_DISK section of slot `slot`. */
bool snapshot_restore_disk(struct machine *m, unsigned slot, struct snapshot_reader *r, const struct snap_stream *st,
                           char *err, size_t errlen);

#endif
