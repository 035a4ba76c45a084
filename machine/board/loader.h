/*
 * Guest image loader: ELF (through libelf's gelf API) or raw binary.
 *
 * Contract
 * - Only loader.c includes libelf.
 * - Every check is done against the file's real size and the bus's RAM, so a
 *   hostile or damaged file ends in an error message, never a host fault.
 * - Only a regular file is loaded (a FIFO or device would hang or never
 *   end), and no more of it is read than fits in the guest's RAM.
 * - On failure err holds one line naming the file and the problem (no
 *   "rivet: " prefix, no newline); RAM may have been partly written.
 */
#ifndef RIVET_LOADER_H
#define RIVET_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/bus.h"

struct load_info {
    uint64_t entry;
    uint64_t lo, hi; /* guest RAM the image occupies: [lo, hi) */
    bool is_elf;
    bool is_linux_image;           /* raw file with the RISC-V Linux Image header */
    bool has_tohost, has_fromhost; /* the ELF defines these symbols (HTIF) */
    uint64_t tohost, fromhost;
    bool has_sig_begin, has_sig_end; /* begin_signature, end_signature (--signature) */
    uint64_t sig_begin, sig_end;
};

/* Loads path into bus RAM: an ELF's PT_LOAD segments at p_paddr (p_filesz
 * bytes copied, the rest up to p_memsz zeroed), or a non-ELF file raw at the
 * start of RAM (entry = ram_base). */
bool load_image(struct bus *bus, const char *path, struct load_info *info, char *err, size_t errlen);

/* Like load_image, for option `what` ("-kernel"; NULL: none), which
 * messages name ("-kernel PATH: not a regular file"): a non-ELF file goes
 * to raw_base; with linux_image, a
 * file carrying the RISC-V Linux Image header (magic "RISCV\0\0\0" at 0x30
 * and "RSC\x05" at 0x38, Documentation/riscv/boot-image-header.rst) goes to
 * ram_base + text_offset when text_offset is nonzero, and occupies
 * max(file size, image_size) bytes (the kernel's BSS). With check_only
 * everything is checked and *info filled as for a load, but nothing is
 * written into RAM (rivet_boot's ram_from_snapshot). */
bool load_image_at(struct bus *bus, const char *what, const char *path, uint64_t raw_base, bool linux_image,
                   bool check_only, struct load_info *info, char *err, size_t errlen);

/* The same from a file already in memory; `name` is used in messages. libelf
 * may use `data` as scratch space, hence not const. */
bool load_image_mem(struct bus *bus, const char *name, uint8_t *data, size_t size, struct load_info *info, char *err,
                    size_t errlen);

#endif
