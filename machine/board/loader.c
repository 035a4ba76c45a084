/*
 * Guest image loader. An image comes from a buffer (load_image_mem, the
 * fuzz targets) or from a regular file read with pread (hostfile.h: opened
 * without blocking, its kind checked first). Every offset libelf or we use
 * is checked against the image's one known size, and only what goes into
 * guest RAM is read from a file (segments straight into RAM, plus the ELF
 * headers and a symbol table no bigger than RAM), so a huge or corrupt file
 * is an error, never a read past the end or a host allocation of its size.
 */
#include "machine/board/loader.h"

#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/host/hostfile.h"
#include "rivet/errfmt.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

static bool fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vformat(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

/* Where an image's bytes come from: a buffer (load_image_mem) or an open
 * regular file read with pread, so that only what goes into guest RAM (and
 * the ELF headers and symbol table) is ever read. `name` is used in
 * messages. */
struct load_src {
    const char *name;
    uint8_t *data; /* NULL: read from fd */
    int fd;
    uint64_t size;
    bool check_only; /* nothing is written into RAM (load_image_at) */
};

/* Copies [off, off + len) of the image, which the caller has checked lies
 * inside it; false + err when the file shrank or a read failed. */
static bool src_read(const struct load_src *s, uint64_t off, void *dst, uint64_t len, char *err, size_t errlen)
{
    if (s->data) {
        memcpy(dst, s->data + off, (size_t)len);
        return true;
    }
    return hostfile_pread(NULL, s->name, s->fd, off, dst, len, err, errlen);
}

/* True when [off, off + len) lies inside an image of `size` bytes (overflow-safe). */
static bool in_file(uint64_t off, uint64_t len, uint64_t size) { return off <= size && len <= size - off; }

static bool load_raw(struct bus *bus, const struct load_src *s, uint64_t base, uint64_t span, struct load_info *info,
                     char *err, size_t errlen)
{
    if (s->size == 0)
        return fail(err, errlen, "%s: file is empty", s->name);
    uint8_t *dst = bus_ram_ptr(bus, base, span);
    if (!dst)
        return fail(err, errlen, "%s: raw image of %llu bytes at 0x%llx does not fit in RAM [0x%llx, +0x%llx)", s->name,
                    (unsigned long long)span, (unsigned long long)base, (unsigned long long)bus->ram_base,
                    (unsigned long long)bus->ram_size);
    if (!s->check_only && !src_read(s, 0, dst, s->size, err, errlen))
        return false;
    info->entry = base;
    info->lo = base;
    info->hi = base + span;
    return true;
}

/* RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst). */
#define IMAGE_TEXT_OFFSET 8
#define IMAGE_SIZE_FIELD  16
#define IMAGE_MAGIC       0x30
#define IMAGE_MAGIC2      0x38
#define IMAGE_HEADER_SIZE 64

static bool load_linux_image(struct bus *bus, const struct load_src *s, const uint8_t *hdr, uint64_t raw_base,
                             struct load_info *info, char *err, size_t errlen)
{
    uint64_t text_offset = load_le(hdr + IMAGE_TEXT_OFFSET, 8);
    uint64_t image_size = load_le(hdr + IMAGE_SIZE_FIELD, 8);
    uint64_t base = raw_base;
    if (text_offset && text_offset < bus->ram_size)
        base = bus->ram_base + text_offset;
    info->is_linux_image = true;
    return load_raw(bus, s, base, image_size > s->size ? image_size : s->size, info, err, errlen);
}

static bool has_image_header(const uint8_t *hdr, uint64_t size)
{
    return size >= IMAGE_HEADER_SIZE && memcmp(hdr + IMAGE_MAGIC, "RISCV\0\0\0", 8) == 0 &&
           memcmp(hdr + IMAGE_MAGIC2, "RSC\x05", 4) == 0;
}

/* Checks the ELF header: 64-bit, RISC-V, headers inside the file. */
static bool check_ehdr(Elf *elf, const struct load_src *s, GElf_Ehdr *eh, char *err, size_t errlen)
{
    const char *name = s->name;
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, eh))
        return fail(err, errlen, "%s: truncated or corrupt ELF header", name);
    if (gelf_getclass(elf) != ELFCLASS64)
        return fail(err, errlen, "%s: not a 64-bit ELF file (rivet runs RV64 only)", name);
    if (eh->e_machine != EM_RISCV)
        return fail(err, errlen, "%s: ELF machine is %u, not RISC-V (%u)", name, (unsigned)eh->e_machine,
                    (unsigned)EM_RISCV);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "%s: not a little-endian ELF file", name);
    if (eh->e_phnum && !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, s->size))
        return fail(err, errlen, "%s: truncated file: program headers beyond the end", name);
    if (eh->e_shnum && !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * eh->e_shentsize, s->size))
        return fail(err, errlen, "%s: truncated file: section headers beyond the end", name);
    return true;
}

static bool load_segment(struct bus *bus, const struct load_src *s, const GElf_Phdr *ph, char *err, size_t errlen)
{
    if (ph->p_filesz > ph->p_memsz)
        return fail(err, errlen, "%s: corrupt segment (file size above memory size)", s->name);
    if (!in_file(ph->p_offset, ph->p_filesz, s->size))
        return fail(err, errlen, "%s: truncated file: segment at offset 0x%llx beyond the end", s->name,
                    (unsigned long long)ph->p_offset);
    if (ph->p_memsz == 0)
        return true;
    uint8_t *dst = bus_ram_ptr(bus, ph->p_paddr, ph->p_memsz);
    if (!dst)
        return fail(err, errlen, "%s: segment [0x%llx, +0x%llx) lies outside RAM [0x%llx, +0x%llx)", s->name,
                    (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz, (unsigned long long)bus->ram_base,
                    (unsigned long long)bus->ram_size);
    if (s->check_only)
        return true;
    if (!src_read(s, ph->p_offset, dst, ph->p_filesz, err, errlen))
        return false;
    memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    return true;
}

static void note_span(struct load_info *info, const GElf_Phdr *ph)
{
    if (ph->p_memsz == 0)
        return;
    if (info->hi == 0 || ph->p_paddr < info->lo)
        info->lo = ph->p_paddr;
    if (ph->p_paddr + ph->p_memsz > info->hi)
        info->hi = ph->p_paddr + ph->p_memsz;
}

static bool load_segments(struct bus *bus, Elf *elf, const struct load_src *s, struct load_info *info, char *err,
                          size_t errlen)
{
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0)
        return fail(err, errlen, "%s: corrupt program headers: %s", s->name, elf_errmsg(-1));
    size_t loaded = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            return fail(err, errlen, "%s: corrupt program header %zu: %s", s->name, i, elf_errmsg(-1));
        if (ph.p_type != PT_LOAD)
            continue;
        if (!load_segment(bus, s, &ph, err, errlen))
            return false;
        note_span(info, &ph);
        loaded++;
    }
    if (loaded == 0)
        return fail(err, errlen, "%s: ELF file has no loadable segment", s->name);
    return true;
}

static void scan_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct load_info *info)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || sh->sh_entsize == 0)
        return;
    size_t count = sh->sh_size / sh->sh_entsize;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(d, (int)i, &sym))
            return;
        if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0)
            continue;
        const char *nm = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (!nm)
            continue;
        if (strcmp(nm, "tohost") == 0) {
            info->has_tohost = true;
            info->tohost = sym.st_value;
        } else if (strcmp(nm, "fromhost") == 0) {
            info->has_fromhost = true;
            info->fromhost = sym.st_value;
        } else if (strcmp(nm, "begin_signature") == 0) {
            info->has_sig_begin = true;
            info->sig_begin = sym.st_value;
        } else if (strcmp(nm, "end_signature") == 0) {
            info->has_sig_end = true;
            info->sig_end = sym.st_value;
        }
    }
}

/* A section libelf may read whole: inside the file and, read from a file,
 * no bigger than the guest's RAM (libelf allocates it on the host). */
static bool section_ok(Elf *elf, size_t index, const struct load_src *s, uint64_t max)
{
    GElf_Shdr sh;
    Elf_Scn *scn = elf_getscn(elf, index);
    return scn && gelf_getshdr(scn, &sh) && in_file(sh.sh_offset, sh.sh_size, s->size) && sh.sh_size <= max;
}

/* Looks for the HTIF and signature symbols; a missing, damaged or oversized
 * symbol table just means no HTIF and no signature (a stripped kernel is
 * fine; --signature then refuses it at start-up). */
static void find_htif_symbols(Elf *elf, const struct load_src *s, uint64_t max, struct load_info *info)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        if (!section_ok(elf, elf_ndxscn(scn), s, max) || !section_ok(elf, sh.sh_link, s, max))
            continue;
        scan_symtab(elf, scn, &sh, info);
    }
}

static bool load_elf(struct bus *bus, const struct load_src *s, const uint8_t *hdr, struct load_info *info, char *err,
                     size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, "libelf initialisation failed: %s", elf_errmsg(-1));
    if (s->size <= EI_CLASS || hdr[EI_CLASS] != ELFCLASS64)
        return fail(err, errlen, "%s: not a 64-bit ELF file (rivet runs RV64 only)", s->name);
    if (s->size < sizeof(Elf64_Ehdr))
        return fail(err, errlen, "%s: truncated file: ELF header cut short", s->name);
    /* elf_memory may use the image as scratch (it opens it like a private
     * mapping), which is why callers hand over a writable buffer. From a
     * file, libelf reads only what is asked for: headers and the symbol
     * table (segments go straight into RAM through src_read). */
    Elf *elf = s->data ? elf_memory((char *)s->data, s->size) : elf_begin(s->fd, ELF_C_READ, NULL);
    if (!elf)
        return fail(err, errlen, "%s: corrupt ELF file: %s", s->name, elf_errmsg(-1));
    GElf_Ehdr eh;
    bool ok = check_ehdr(elf, s, &eh, err, errlen) && load_segments(bus, elf, s, info, err, errlen);
    if (ok) {
        info->is_elf = true;
        info->entry = eh.e_entry;
        find_htif_symbols(elf, s, s->data ? s->size : bus->ram_size, info);
    }
    elf_end(elf);
    return ok;
}

static bool load_any(struct bus *bus, const struct load_src *s, uint64_t raw_base, bool linux_image,
                     struct load_info *info, char *err, size_t errlen)
{
    uint8_t hdr[IMAGE_HEADER_SIZE] = { 0 };
    memset(info, 0, sizeof *info);
    uint64_t n = s->size < sizeof hdr ? s->size : sizeof hdr;
    if (!src_read(s, 0, hdr, n, err, errlen))
        return false;
    if (s->size >= SELFMAG && memcmp(hdr, ELFMAG, SELFMAG) == 0)
        return load_elf(bus, s, hdr, info, err, errlen);
    if (linux_image && has_image_header(hdr, s->size))
        return load_linux_image(bus, s, hdr, raw_base, info, err, errlen);
    return load_raw(bus, s, raw_base, s->size, info, err, errlen);
}

bool load_image_mem(struct bus *bus, const char *name, uint8_t *data, size_t size, struct load_info *info, char *err,
                    size_t errlen)
{
    struct load_src s = { name, data, -1, size, false };
    return load_any(bus, &s, bus->ram_base, false, info, err, errlen);
}

bool load_image_at(struct bus *bus, const char *what, const char *path, uint64_t raw_base, bool linux_image,
                   bool check_only, struct load_info *info, char *err, size_t errlen)
{
    char *name = hostfile_label(what, path);
    if (!name)
        return fail(err, errlen, "%s: out of memory", path);
    struct load_src s = { name, NULL, hostfile_open_input(what, path, 0, err, errlen), 0, check_only };
    bool ok = s.fd >= 0 && hostfile_size(what, path, s.fd, UINT64_MAX, &s.size, err, errlen) &&
              load_any(bus, &s, raw_base, linux_image, info, err, errlen);
    if (s.fd >= 0)
        close(s.fd);
    free(name);
    return ok;
}

bool load_image(struct bus *bus, const char *path, struct load_info *info, char *err, size_t errlen)
{
    return load_image_at(bus, NULL, path, bus->ram_base, false, false, info, err, errlen);
}
