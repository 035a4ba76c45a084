/*
 * Loader tests: ELF images are built in memory (glibc's <elf.h> structures),
 * so every field can be damaged on purpose.
 */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/board/loader.h"
#include "mmu/bus.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1ull << 20)
#define IMG_SIZE 960

/* File layout of the test image. */
#define OFF_PHDR     64
#define OFF_SEG1     256
#define OFF_SEG2     272
#define OFF_SYMTAB   512
#define OFF_STRTAB   600
#define OFF_SHSTRTAB 640
#define OFF_SHDR     704

#define SEG1_ADDR  RAM_BASE
#define SEG2_ADDR  (RAM_BASE + 0x1000)
#define SEG2_MEMSZ 0x100
#define TOHOST     (RAM_BASE + 0x1040)
#define FROMHOST   (RAM_BASE + 0x1080)
#define ENTRY      (RAM_BASE + 4)

static const uint8_t seg1[16] = { 0x13, 0, 0, 0, 0x6f, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t seg2[8] = { 0xde, 0xad, 0xbe, 0xef, 0x11, 0x22, 0x33, 0x44 };
static const char strtab[] = "\0tohost\0fromhost";              /* names at 1 and 8 */
static const char shstrtab[] = "\0.symtab\0.strtab\0.shstrtab"; /* 1, 9, 17 */

static struct bus bus;
static _Alignas(8) uint8_t img[IMG_SIZE]; /* aligned: the headers are accessed in place */
static struct load_info info;
static char err[256];

static void put(size_t off, const void *p, size_t n) { memcpy(img + off, p, n); }

static Elf64_Ehdr *ehdr(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *phdr(int i) { return (Elf64_Phdr *)(img + OFF_PHDR) + i; }

static void build_headers(void)
{
    /* clang-format off */
    Elf64_Ehdr eh = { .e_type = ET_EXEC, .e_machine = EM_RISCV, .e_version = EV_CURRENT,
                      .e_entry = ENTRY, .e_phoff = OFF_PHDR, .e_shoff = OFF_SHDR,
                      .e_ehsize = sizeof(Elf64_Ehdr), .e_phentsize = sizeof(Elf64_Phdr),
                      .e_phnum = 2, .e_shentsize = sizeof(Elf64_Shdr), .e_shnum = 4,
                      /* clang-format on */
                      .e_shstrndx = 3 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    put(0, &eh, sizeof eh);
    Elf64_Phdr ph[2] = {
        /* clang-format off */
        { .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = OFF_SEG1, .p_vaddr = SEG1_ADDR,
          .p_paddr = SEG1_ADDR, .p_filesz = sizeof seg1, .p_memsz = sizeof seg1, .p_align = 4 },
        { .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = OFF_SEG2, .p_vaddr = SEG2_ADDR,
          .p_paddr = SEG2_ADDR, .p_filesz = sizeof seg2, .p_memsz = SEG2_MEMSZ, .p_align = 8 },
        /* clang-format on */
    };
    put(OFF_PHDR, ph, sizeof ph);
    put(OFF_SEG1, seg1, sizeof seg1);
    put(OFF_SEG2, seg2, sizeof seg2);
}

static void build_sections(void)
{
    Elf64_Sym sym[3] = {
        { 0 },
        /* clang-format off */
        { .st_name = 1, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT), .st_shndx = 1,
          .st_value = TOHOST, .st_size = 8 },
        { .st_name = 8, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT), .st_shndx = 1,
          .st_value = FROMHOST, .st_size = 8 },
        /* clang-format on */
    };
    put(OFF_SYMTAB, sym, sizeof sym);
    put(OFF_STRTAB, strtab, sizeof strtab);
    put(OFF_SHSTRTAB, shstrtab, sizeof shstrtab);
    Elf64_Shdr sh[4] = {
        { 0 },
        /* clang-format off */
        { .sh_name = 1, .sh_type = SHT_SYMTAB, .sh_offset = OFF_SYMTAB, .sh_size = sizeof sym,
          .sh_link = 2, .sh_info = 1, .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym) },
        { .sh_name = 9, .sh_type = SHT_STRTAB, .sh_offset = OFF_STRTAB, .sh_size = sizeof strtab,
          /* clang-format on */
          .sh_addralign = 1 },
        { .sh_name = 17,
          .sh_type = SHT_STRTAB,
          .sh_offset = OFF_SHSTRTAB,
          .sh_size = sizeof shstrtab,
          .sh_addralign = 1 },
    };
    put(OFF_SHDR, sh, sizeof sh);
}

static void setup(void)
{
    ck_assert(bus_init(&bus, RAM_BASE, RAM_SIZE));
    memset(img, 0, sizeof img);
    build_headers();
    build_sections();
    err[0] = '\0';
}

static void teardown(void) { bus_destroy(&bus); }

static bool load(size_t size) { return load_image_mem(&bus, "test.elf", img, size, &info, err, sizeof err); }

static uint8_t *ram(uint64_t pa) { return bus.ram + (pa - RAM_BASE); }

START_TEST(elf_segments_placed)
{
    /* Garbage where the bss goes, and just past it, to see what is zeroed. */
    memset(ram(SEG2_ADDR), 0xaa, SEG2_MEMSZ + 16);
    ck_assert_msg(load(IMG_SIZE), "%s", err);
    ck_assert(info.is_elf);
    ck_assert_uint_eq(info.entry, ENTRY);
    ck_assert_mem_eq(ram(SEG1_ADDR), seg1, sizeof seg1);
    ck_assert_mem_eq(ram(SEG2_ADDR), seg2, sizeof seg2);
    for (uint64_t a = SEG2_ADDR + sizeof seg2; a < SEG2_ADDR + SEG2_MEMSZ; a++)
        ck_assert_uint_eq(*ram(a), 0);
    ck_assert_uint_eq(*ram(SEG2_ADDR + SEG2_MEMSZ), 0xaa);
}
END_TEST

START_TEST(elf_htif_symbols)
{
    ck_assert_msg(load(IMG_SIZE), "%s", err);
    ck_assert(info.has_tohost);
    ck_assert(info.has_fromhost);
    ck_assert_uint_eq(info.tohost, TOHOST);
    ck_assert_uint_eq(info.fromhost, FROMHOST);
}
END_TEST

START_TEST(elf_without_sections_has_no_htif)
{
    ehdr()->e_shnum = 0;
    ehdr()->e_shoff = 0;
    ehdr()->e_shstrndx = 0;
    ck_assert_msg(load(IMG_SIZE), "%s", err);
    ck_assert(!info.has_tohost);
    ck_assert(!info.has_fromhost);
}
END_TEST

START_TEST(elf_from_file)
{
    char path[] = "/tmp/rivet-test-loader-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, img, IMG_SIZE), IMG_SIZE);
    close(fd);
    bool ok = load_image(&bus, path, &info, err, sizeof err);
    unlink(path);
    ck_assert_msg(ok, "%s", err);
    ck_assert_uint_eq(info.entry, ENTRY);
    ck_assert_mem_eq(ram(SEG2_ADDR), seg2, sizeof seg2);
}
END_TEST

START_TEST(raw_image)
{
    uint8_t raw[64];
    for (unsigned i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i + 1);
    ck_assert_msg(load_image_mem(&bus, "raw.bin", raw, sizeof raw, &info, err, sizeof err), "%s", err);
    ck_assert(!info.is_elf);
    ck_assert(!info.has_tohost);
    ck_assert_uint_eq(info.entry, RAM_BASE);
    ck_assert_mem_eq(ram(RAM_BASE), raw, sizeof raw);
}
END_TEST

START_TEST(raw_image_too_big)
{
    uint8_t *raw = calloc(1, RAM_SIZE + 1);
    ck_assert_ptr_nonnull(raw);
    bool ok = load_image_mem(&bus, "big.bin", raw, RAM_SIZE + 1, &info, err, sizeof err);
    free(raw);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(err, "big.bin: raw image"));
}
END_TEST

static void expect_error(size_t size, const char *what)
{
    ck_assert(!load(size));
    ck_assert_msg(strstr(err, "test.elf: ") == err, "message does not name the file: %s", err);
    ck_assert_msg(strstr(err, what) != NULL, "'%s' not in '%s'", what, err);
}

START_TEST(error_wrong_class)
{
    ehdr()->e_ident[EI_CLASS] = ELFCLASS32;
    expect_error(IMG_SIZE, "not a 64-bit ELF");
}
END_TEST

START_TEST(error_wrong_machine)
{
    ehdr()->e_machine = EM_X86_64;
    expect_error(IMG_SIZE, "not RISC-V");
}
END_TEST

START_TEST(error_truncated_segment) { expect_error(OFF_SEG2 + 4, "truncated file"); }
END_TEST

START_TEST(error_truncated_header) { expect_error(40, "truncated file"); }
END_TEST

START_TEST(error_phdrs_beyond_end)
{
    ehdr()->e_phoff = IMG_SIZE - 8;
    expect_error(IMG_SIZE, "truncated file");
}
END_TEST

START_TEST(error_offset_overflow)
{
    phdr(1)->p_offset = UINT64_MAX - 2;
    expect_error(IMG_SIZE, "truncated file");
}
END_TEST

START_TEST(error_segment_below_ram)
{
    phdr(0)->p_paddr = 0x1000;
    expect_error(IMG_SIZE, "outside RAM");
}
END_TEST

START_TEST(error_segment_past_ram_end)
{
    phdr(1)->p_paddr = RAM_BASE + RAM_SIZE - 0x80; /* bss runs past the end */
    expect_error(IMG_SIZE, "outside RAM");
}
END_TEST

START_TEST(error_segment_wraps_address_space)
{
    phdr(1)->p_paddr = UINT64_MAX - 4;
    expect_error(IMG_SIZE, "outside RAM");
}
END_TEST

START_TEST(error_filesz_above_memsz)
{
    phdr(1)->p_memsz = 4;
    expect_error(IMG_SIZE, "corrupt segment");
}
END_TEST

START_TEST(error_missing_file)
{
    ck_assert(!load_image(&bus, "/nonexistent/rivet.elf", &info, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/rivet.elf: cannot open"));
}
END_TEST

START_TEST(error_empty_file)
{
    ck_assert(!load_image_mem(&bus, "empty.bin", img, 0, &info, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "empty.bin: file is empty"));
}
END_TEST

static Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, elf_segments_placed);
    tcase_add_test(tc, elf_htif_symbols);
    tcase_add_test(tc, elf_without_sections_has_no_htif);
    tcase_add_test(tc, elf_from_file);
    tcase_add_test(tc, raw_image);
    tcase_add_test(tc, raw_image_too_big);
    tcase_add_test(tc, error_wrong_class);
    tcase_add_test(tc, error_wrong_machine);
    tcase_add_test(tc, error_truncated_segment);
    tcase_add_test(tc, error_truncated_header);
    tcase_add_test(tc, error_phdrs_beyond_end);
    tcase_add_test(tc, error_offset_overflow);
    tcase_add_test(tc, error_segment_below_ram);
    tcase_add_test(tc, error_segment_past_ram_end);
    tcase_add_test(tc, error_segment_wraps_address_space);
    tcase_add_test(tc, error_filesz_above_memsz);
    tcase_add_test(tc, error_missing_file);
    tcase_add_test(tc, error_empty_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
