/*
 * Guest image loader. The whole file is read into host memory first and
 * handed to libelf with elf_memory(), so every offset libelf or we use can be
 * checked against one known size; a truncated or corrupt file is an error,
 * never a read past the end.
 */
#include "machine/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

/* Refuse to slurp absurd files: no guest image we can load is bigger. */
#define LOADER_MAX_FILE (64ull << 30)

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

/* Reads the whole file (regular file, pipe or device) into a malloc'd buffer. */
bool load_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    size_t cap = 1 << 16, len = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= cap)
        cap = (size_t)st.st_size + 1;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            uint8_t *bigger = cap < LOADER_MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                close(fd);
                return fail(err, errlen, "%s: file too large to load", path);
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return fail(err, errlen, "%s: cannot read: %s", path, strerror(e));
        }
        len += (size_t)n;
    }
    close(fd);
    if (!buf)
        return fail(err, errlen, "%s: out of memory reading the file", path);
    *data = buf;
    *size = len;
    return true;
}

/* True when [off, off + len) lies inside a file of `size` bytes (overflow-safe). */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

static bool load_raw(struct bus *bus, const char *name, const uint8_t *data, size_t size,
                     uint64_t base, uint64_t span, struct load_info *info, char *err, size_t errlen)
{
    if (size == 0)
        return fail(err, errlen, "%s: file is empty", name);
    uint8_t *dst = bus_ram_ptr(bus, base, span);
    if (!dst)
        return fail(err, errlen, "%s: raw image of %llu bytes at 0x%llx does not fit in RAM [0x%llx, +0x%llx)",
                    name, (unsigned long long)span, (unsigned long long)base,
                    (unsigned long long)bus->ram_base, (unsigned long long)bus->ram_size);
    memcpy(dst, data, size);
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

static bool load_linux_image(struct bus *bus, const char *name, const uint8_t *data, size_t size,
                             uint64_t raw_base, struct load_info *info, char *err, size_t errlen)
{
    uint64_t text_offset = load_le(data + IMAGE_TEXT_OFFSET, 8);
    uint64_t image_size = load_le(data + IMAGE_SIZE_FIELD, 8);
    uint64_t base = raw_base;
    if (text_offset && text_offset < bus->ram_size)
        base = bus->ram_base + text_offset;
    info->is_linux_image = true;
    return load_raw(bus, name, data, size, base, image_size > size ? image_size : size, info, err, errlen);
}

static bool has_image_header(const uint8_t *data, size_t size)
{
    return size >= IMAGE_HEADER_SIZE && memcmp(data + IMAGE_MAGIC, "RISCV\0\0\0", 8) == 0 &&
           memcmp(data + IMAGE_MAGIC2, "RSC\x05", 4) == 0;
}

/* Checks the ELF header: 64-bit, RISC-V, headers inside the file. */
static bool check_ehdr(Elf *elf, const char *name, size_t size, GElf_Ehdr *eh,
                       char *err, size_t errlen)
{
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, eh))
        return fail(err, errlen, "%s: truncated or corrupt ELF header", name);
    if (gelf_getclass(elf) != ELFCLASS64)
        return fail(err, errlen, "%s: not a 64-bit ELF file (rivet runs RV64 only)", name);
    if (eh->e_machine != EM_RISCV)
        return fail(err, errlen, "%s: ELF machine is %u, not RISC-V (%u)", name,
                    (unsigned)eh->e_machine, (unsigned)EM_RISCV);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, "%s: not a little-endian ELF file", name);
    if (eh->e_phnum && !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, size))
        return fail(err, errlen, "%s: truncated file: program headers beyond the end", name);
    if (eh->e_shnum && !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * eh->e_shentsize, size))
        return fail(err, errlen, "%s: truncated file: section headers beyond the end", name);
    return true;
}

static bool load_segment(struct bus *bus, const char *name, const uint8_t *data, size_t size,
                         const GElf_Phdr *ph, char *err, size_t errlen)
{
    if (ph->p_filesz > ph->p_memsz)
        return fail(err, errlen, "%s: corrupt segment (file size above memory size)", name);
    if (!in_file(ph->p_offset, ph->p_filesz, size))
        return fail(err, errlen, "%s: truncated file: segment at offset 0x%llx beyond the end",
                    name, (unsigned long long)ph->p_offset);
    if (ph->p_memsz == 0)
        return true;
    uint8_t *dst = bus_ram_ptr(bus, ph->p_paddr, ph->p_memsz);
    if (!dst)
        return fail(err, errlen,
                    "%s: segment [0x%llx, +0x%llx) lies outside RAM [0x%llx, +0x%llx)", name,
                    (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
                    (unsigned long long)bus->ram_base, (unsigned long long)bus->ram_size);
    memcpy(dst, data + ph->p_offset, ph->p_filesz);
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

static bool load_segments(struct bus *bus, Elf *elf, const char *name, const uint8_t *data,
                          size_t size, struct load_info *info, char *err, size_t errlen)
{
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0)
        return fail(err, errlen, "%s: corrupt program headers: %s", name, elf_errmsg(-1));
    size_t loaded = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            return fail(err, errlen, "%s: corrupt program header %zu: %s", name, i, elf_errmsg(-1));
        if (ph.p_type != PT_LOAD)
            continue;
        if (!load_segment(bus, name, data, size, &ph, err, errlen))
            return false;
        note_span(info, &ph);
        loaded++;
    }
    if (loaded == 0)
        return fail(err, errlen, "%s: ELF file has no loadable segment", name);
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
        }
    }
}

/* Looks for the HTIF symbols; a missing or damaged symbol table just means
 * no HTIF (a stripped kernel is fine). */
static void find_htif_symbols(Elf *elf, size_t size, struct load_info *info)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
            continue;
        if (!in_file(sh.sh_offset, sh.sh_size, size))
            continue;
        scan_symtab(elf, scn, &sh, info);
    }
}

static bool load_elf(struct bus *bus, const char *name, uint8_t *data, size_t size,
                     struct load_info *info, char *err, size_t errlen)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, "libelf initialisation failed: %s", elf_errmsg(-1));
    /* elf_memory may use the image as scratch (it opens it like a private
     * mapping), which is why callers hand over a writable buffer. */
    if (size <= EI_CLASS || data[EI_CLASS] != ELFCLASS64)
        return fail(err, errlen, "%s: not a 64-bit ELF file (rivet runs RV64 only)", name);
    if (size < sizeof(Elf64_Ehdr))
        return fail(err, errlen, "%s: truncated file: ELF header cut short", name);
    Elf *elf = elf_memory((char *)data, size);
    if (!elf)
        return fail(err, errlen, "%s: corrupt ELF file: %s", name, elf_errmsg(-1));
    GElf_Ehdr eh;
    bool ok = check_ehdr(elf, name, size, &eh, err, errlen) &&
              load_segments(bus, elf, name, data, size, info, err, errlen);
    if (ok) {
        info->is_elf = true;
        info->entry = eh.e_entry;
        find_htif_symbols(elf, size, info);
    }
    elf_end(elf);
    return ok;
}

static bool load_any(struct bus *bus, const char *name, uint8_t *data, size_t size, uint64_t raw_base,
                     bool linux_image, struct load_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    if (size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0)
        return load_elf(bus, name, data, size, info, err, errlen);
    if (linux_image && has_image_header(data, size))
        return load_linux_image(bus, name, data, size, raw_base, info, err, errlen);
    return load_raw(bus, name, data, size, raw_base, size, info, err, errlen);
}

bool load_image_mem(struct bus *bus, const char *name, uint8_t *data, size_t size,
                    struct load_info *info, char *err, size_t errlen)
{
    return load_any(bus, name, data, size, bus->ram_base, false, info, err, errlen);
}

bool load_image_at(struct bus *bus, const char *path, uint64_t raw_base, bool linux_image,
                   struct load_info *info, char *err, size_t errlen)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (!load_read_file(path, &data, &size, err, errlen))
        return false;
    bool ok = load_any(bus, path, data, size, raw_base, linux_image, info, err, errlen);
    free(data);
    return ok;
}

bool load_image(struct bus *bus, const char *path, struct load_info *info,
                char *err, size_t errlen)
{
    return load_image_at(bus, path, bus->ram_base, false, info, err, errlen);
}
