/*
 * The virt board's wiring, seen through the library: command-line slot
 * assignment, boot ROM words, QEMU's placement rules, the built-in SBI's
 * reset state and ecall hook, and the devices on the bus.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firmware/sbi.h"
#include "machine/board/board.h"
#include "machine/board/boot.h"
#include "machine/cli/cli.h"
#include "machine/board/fdt.h"
#include "machine/board/machine.h"

static enum cli_result parse(struct cli_options *o, char **argv)
{
    char err[RIVET_ERR_LEN];
    int argc = 0;
    while (argv[argc])
        argc++;
    enum cli_result r = cli_parse(argc, argv, o, err, sizeof err);
    if (r == CLI_ERROR)
        fprintf(stderr, "cli error: %s\n", err);
    return r;
}

START_TEST(devices_fill_from_the_highest_slot)
{
    struct cli_options o;
    /* clang-format off */
    char *argv[] = { "rivet", "-kernel", "k", "-drive", "file=a.img,if=none,id=a", "-drive",
                     "file=b.img,if=none,id=b", "-device", "virtio-blk-device,drive=a", "-device",
                     "virtio-blk-device,drive=b", NULL };
    /* clang-format on */
    ck_assert_int_eq(parse(&o, argv), CLI_RUN);
    ck_assert_uint_eq(o.cfg.ndrives, 2);
    ck_assert_str_eq(o.cfg.drives[0].path, "a.img");
    ck_assert_uint_eq(o.cfg.drives[0].slot, 7);
    ck_assert_str_eq(o.cfg.drives[1].path, "b.img");
    ck_assert_uint_eq(o.cfg.drives[1].slot, 6);
    ck_assert_int_eq(o.boot.firmware, RIVET_FW_BUILTIN);
    cli_free(&o);
}
END_TEST

START_TEST(if_virtio_first_and_explicit_bus)
{
    struct cli_options o;
    /* clang-format off */
    char *argv[] = { "rivet", "-bios", "none", "-kernel", "k", "-drive", "file=x,,y.img,id=a,if=none,readonly=on",
                     "-device", "virtio-blk-device,drive=a,bus=virtio-mmio-bus.0", "-drive",
                     "file=c.img,format=raw,if=virtio", "-global", "virtio-mmio.force-legacy=true",
                     "-snapshot", "-serial", "file:out.txt", NULL };
    /* clang-format on */
    ck_assert_int_eq(parse(&o, argv), CLI_RUN);
    ck_assert_uint_eq(o.cfg.ndrives, 2);
    ck_assert_str_eq(o.cfg.drives[0].path, "c.img");
    ck_assert_uint_eq(o.cfg.drives[0].slot, 7);
    ck_assert_str_eq(o.cfg.drives[1].path, "x,y.img"); /* ",," is a comma */
    ck_assert_uint_eq(o.cfg.drives[1].slot, 0);
    ck_assert(o.cfg.drives[1].readonly);
    ck_assert(o.cfg.virtio_legacy && o.cfg.snapshot);
    ck_assert_int_eq(o.cfg.serial, RIVET_SERIAL_FILE);
    ck_assert_str_eq(o.cfg.serial_path, "out.txt");
    ck_assert_int_eq(o.boot.firmware, RIVET_FW_NONE);
    cli_free(&o);
}
END_TEST

START_TEST(rom_holds_the_reset_vector)
{
    uint8_t rom[128] = { 0 };
    boot_rom_build(rom, sizeof rom, 0x80000000, 0x87e00000, 0x80200000);
    /* auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0 */
    const uint32_t want[6] = { 0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067 };
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(load_le(rom + 4 * i, 4), want[i]);
    ck_assert_uint_eq(load_le(rom + 24, 8), 0x80000000);
    ck_assert_uint_eq(load_le(rom + 32, 8), 0x87e00000);
    ck_assert_uint_eq(load_le(rom + 40, 8), 0x4942534f); /* fw_dynamic_info magic */
    ck_assert_uint_eq(load_le(rom + 48, 8), 2);          /* version */
    ck_assert_uint_eq(load_le(rom + 56, 8), 0x80200000); /* next_addr */
    ck_assert_uint_eq(load_le(rom + 64, 8), 1);          /* next_mode = S */
}
END_TEST

START_TEST(placement_follows_qemu)
{
    ck_assert_uint_eq(boot_dtb_addr(0x80000000, 128 << 20, 0x1000), 0x87e00000);
    ck_assert_uint_eq(boot_dtb_addr(0x80000000, 4ull << 30, 0x1000), 0xbfe00000); /* below 3 GiB */
    ck_assert_uint_eq(boot_dtb_addr(0x80000000, 1 << 20, 0x1000), 0x80000000);
    ck_assert_uint_eq(boot_dtb_addr(0x80000000, 1 << 20, 2 << 20), 0); /* larger than RAM */
    ck_assert_uint_eq(boot_initrd_addr(128 << 20, 0x80200000), 0x84200000);
    ck_assert_uint_eq(boot_initrd_addr(1ull << 30, 0x80200000), 0x88200000);
    char isa[128];
    struct isa_set set;
    ck_assert(isa_parse_cpu("rv64,a=off,f=off,d=off", &set, NULL, 0));
    isa_string(&set, isa, sizeof isa);
    ck_assert_str_eq(isa, "rv64imc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc");
}
END_TEST

/* A tiny raw "kernel" in a temporary file named in path. */
static void write_kernel(char path[static 32])
{
    snprintf(path, 32, "/tmp/rivet-board-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    const uint8_t wfi_loop[8] = { 0x73, 0x00, 0x50, 0x10, 0x6f, 0xf0, 0xdf, 0xff };
    ck_assert_int_eq(write(fd, wfi_loop, sizeof wfi_loop), sizeof wfi_loop);
    close(fd);
}

static struct machine *boot_builtin(unsigned nharts)
{
    struct rivet_config cfg;
    rivet_config_default(&cfg);
    cfg.nharts = nharts;
    char err[RIVET_ERR_LEN];
    struct machine *m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    char k[32];
    write_kernel(k);
    struct rivet_boot b = { .firmware = RIVET_FW_BUILTIN, .kernel = k };
    ck_assert_msg(rivet_boot(m, &b, err, sizeof err), "%s", err);
    unlink(k);
    return m;
}

START_TEST(builtin_sbi_reset_state)
{
    struct machine *m = boot_builtin(2);
    struct hart *h0 = &m->harts[0], *h1 = &m->harts[1];
    ck_assert_uint_eq(h0->priv, PRV_S);
    ck_assert_uint_eq(h0->pc, 0x80200000);
    ck_assert_uint_eq(h0->x[10], 0);
    ck_assert_uint_eq(h0->x[11], m->dtb_addr);
    ck_assert_uint_eq(load_le(bus_ram_ptr(&m->bus, m->dtb_addr, 4), 4), 0xedfe0dd0); /* FDT magic */
    ck_assert(!h0->halted && h1->halted);
    ck_assert(h0->medeleg & (1ull << CAUSE_STORE_PAGE_FAULT));
    ck_assert(!(h0->medeleg & (1ull << CAUSE_SUPERVISOR_ECALL)));
    ck_assert_uint_eq(h0->mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
    ck_assert(h0->menvcfg & MENVCFG_STCE);
    rivet_destroy(m);
}
END_TEST

/* rivet_boot for a snapshot's RAM (-loadvm): the same reset state and the
 * same option errors, nothing read into RAM, and no run until a restore
 * succeeded. */
START_TEST(boot_for_a_snapshot_leaves_ram_alone)
{
    struct rivet_config cfg;
    rivet_config_default(&cfg);
    char err[RIVET_ERR_LEN], k[32];
    struct machine *m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    struct rivet_boot bad = { .firmware = RIVET_FW_BUILTIN, .kernel = "/dev/zero", .ram_from_snapshot = true };
    ck_assert(!rivet_boot(m, &bad, err, sizeof err));
    ck_assert_str_eq(err, "-kernel /dev/zero: not a regular file");
    rivet_destroy(m);

    m = rivet_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    write_kernel(k);
    struct rivet_boot b = { .firmware = RIVET_FW_BUILTIN, .kernel = k, .initrd = k, .ram_from_snapshot = true };
    ck_assert_msg(rivet_boot(m, &b, err, sizeof err), "%s", err);
    unlink(k);
    struct hart *h0 = &m->harts[0];
    ck_assert_uint_eq(h0->priv, PRV_S);
    ck_assert_uint_eq(h0->pc, 0x80200000);
    ck_assert_uint_eq(h0->x[11], m->dtb_addr);
    ck_assert_uint_eq(load_le(bus_ram_ptr(&m->bus, 0x80200000, 4), 4), 0);  /* the kernel not read */
    ck_assert_uint_eq(load_le(bus_ram_ptr(&m->bus, m->dtb_addr, 4), 4), 0); /* nor the device tree written */
    ck_assert_uint_eq(rivet_run(m, err, sizeof err), RIVET_EXIT_USAGE);
    ck_assert_str_eq(err, "booted for a snapshot's RAM, and no snapshot was restored");
    rivet_destroy(m);
}
END_TEST

START_TEST(builtin_sbi_serves_ecalls)
{
    struct machine *m = boot_builtin(2);
    struct hart *h0 = &m->harts[0], *h1 = &m->harts[1];
    h0->x[17] = SBI_EXT_BASE;
    h0->x[16] = SBI_BASE_GET_SPEC_VERSION;
    ck_assert(h0->env.sbi_ecall(h0->env.opaque, h0));
    ck_assert_uint_eq(h0->x[10], 0);
    ck_assert_uint_eq(h0->x[11], 2u << 24);
    ck_assert_uint_eq(h0->pc, 0x80200004);
    /* HSM hart_start(1, 0x80200000, 0x1234) */
    h0->x[17] = SBI_EXT_HSM;
    h0->x[16] = SBI_HSM_HART_START;
    h0->x[10] = 1;
    h0->x[11] = 0x80200000;
    h0->x[12] = 0x1234;
    ck_assert(h0->env.sbi_ecall(h0->env.opaque, h0));
    ck_assert_uint_eq(h0->x[10], 0);
    ck_assert(!h1->halted);
    ck_assert_uint_eq(h1->priv, PRV_S);
    ck_assert_uint_eq(h1->pc, 0x80200000);
    ck_assert_uint_eq(h1->x[10], 1);
    ck_assert_uint_eq(h1->x[11], 0x1234);
    /* Started: a second start is ALREADY_AVAILABLE and leaves it alone. */
    h0->x[10] = 1;
    h0->x[11] = 0x80400000;
    ck_assert(h0->env.sbi_ecall(h0->env.opaque, h0));
    ck_assert_int_eq((int64_t)h0->x[10], SBI_ERR_ALREADY_AVAILABLE);
    ck_assert_uint_eq(h1->pc, 0x80200000);
    ck_assert_int_eq(machine_hart_state(h1), SBI_HSM_STARTED);
    ck_assert(!machine_hart_start(m, h1, 0x80400000, 0));
    /* A stopped hart claimed by a start: START_PENDING, and a second
     * start loses (the claim a hart thread holds until it has started). */
    h1->halted = true;
    h1->start_claim = 1;
    ck_assert_int_eq(machine_hart_state(h1), SBI_HSM_START_PENDING);
    ck_assert(!machine_hart_start(m, h1, 0x80400000, 0));
    h1->start_claim = 0;
    ck_assert_int_eq(machine_hart_state(h1), SBI_HSM_STOPPED);
    ck_assert(machine_hart_start(m, h1, 0x80400000, 7));
    ck_assert(!h1->halted && h1->start_claim == 0 && h1->pc == 0x80400000 && h1->x[11] == 7);
    /* IPI to hart 1 sets its SSIP */
    h0->x[17] = SBI_EXT_IPI;
    h0->x[16] = SBI_IPI_SEND_IPI;
    h0->x[10] = 2;
    h0->x[11] = 0;
    ck_assert(h0->env.sbi_ecall(h0->env.opaque, h0));
    ck_assert(hart_pending(h1) & MIP_SSIP);
    rivet_destroy(m);
}
END_TEST

START_TEST(devices_on_the_bus)
{
    struct machine *m = boot_builtin(1);
    uint64_t v = 0;
    ck_assert_int_eq(bus_read(&m->bus, 0x1000, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x00000297);
    ck_assert_int_eq(bus_read(&m->bus, 0x10001000, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 0x74726976); /* virtio-mmio magic in slot 0 */
    ck_assert_int_eq(bus_read(&m->bus, 0x10001004, 4, &v), BUS_OK);
    ck_assert_uint_eq(v, 1); /* legacy by default, as QEMU's virt board */
    /* a 16-bit store of 0x5555 (OpenSBI's) powers off */
    ck_assert_int_eq(bus_write(&m->bus, 0x100000, 2, 0x5555), BUS_OK);
    ck_assert(m->exit_requested);
    ck_assert_uint_eq(m->exit_code, 0);
    char err[RIVET_ERR_LEN];
    ck_assert_int_eq(rivet_run(m, err, sizeof err), 0);
    rivet_destroy(m);
}
END_TEST

START_TEST(duplicate_slot_refused)
{
    struct rivet_config cfg;
    rivet_config_default(&cfg);
    cfg.ndrives = 2;
    cfg.drives[0] = (struct rivet_drive){ "a.img", false, 3 };
    cfg.drives[1] = (struct rivet_drive){ "b.img", false, 3 };
    char err[RIVET_ERR_LEN];
    ck_assert_ptr_null(rivet_create(&cfg, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "virtio-mmio-bus.3"));
}
END_TEST

/* The bus holds exactly the regions the board table's rows give: every
 * instance at its row's base with its row's size, and nothing else. */
START_TEST(table_rows_are_on_the_bus)
{
    struct machine *m = boot_builtin(2);
    unsigned nrows, regions = 0;
    const struct board_row *rows = board_rows(&nrows);
    ck_assert_uint_eq(nrows, VIRT_DEV_COUNT);
    for (unsigned d = 0; d < nrows; d++) {
        const struct board_row *r = &rows[d];
        ck_assert_ptr_eq(board_row((enum virt_dev)d), r);
        unsigned n = r->count ? r->count : 1;
        for (unsigned i = 0; r->region && i < n; i++, regions++) {
            const struct mmio_region *g = bus_find_region(&m->bus, board_base(r, i));
            ck_assert_msg(g != NULL, "%s.%u not on the bus", r->map.name, i);
            ck_assert_uint_eq(g->base, board_base(r, i));
            ck_assert_uint_eq(g->size, r->map.size);
            /* Snapshots: every device with state has both hooks; the test
             * device (stateless) and the PCIe windows (the ECAM row keeps
             * the host's state) have neither. */
            bool stateless = d == VIRT_TEST || d == VIRT_PCIE_PIO || d == VIRT_PCIE_MMIO || d == VIRT_PCIE_MMIO_HIGH;
            ck_assert_msg((r->save == NULL) == (r->restore == NULL), "%s: one snapshot hook only", r->map.name);
            ck_assert_msg((r->save == NULL) == stateless, "%s: snapshot hooks", r->map.name);
        }
    }
    ck_assert_uint_eq(regions, (unsigned)m->bus.nregions);
    ck_assert_uint_eq(board_base(board_row(VIRT_VIRTIO), 7), 0x10008000);
    ck_assert_uint_eq(board_irq(board_row(VIRT_VIRTIO), 7), 8);
    ck_assert_uint_eq(board_irq(board_row(VIRT_CLINT), 0), 0);
    rivet_destroy(m);
}
END_TEST

/* The command line takes exactly the -device names the table has, each
 * with the backend option its row names; an unknown name is refused with
 * the table's list. */
START_TEST(device_lookup_reads_the_table)
{
    unsigned n, named = 0;
    const struct board_virtio_type *t = board_virtio_types(&n);
    for (unsigned i = 0; i < n; i++) {
        if (!t[i].name) {
            ck_assert_ptr_null(board_virtio_lookup(""));
            continue;
        }
        named++;
        ck_assert_ptr_eq(board_virtio_lookup(t[i].name), &t[i]);
        if (!t[i].ref_key)
            continue; /* the -pci input devices: no backend to name */
        char dev[128];
        snprintf(dev, sizeof dev, "%s,%s=x", t[i].name, t[i].ref_key);
        struct cli_options o;
        char *argv[] = { "rivet", "-kernel", "k", "-device", dev, NULL };
        char err[RIVET_ERR_LEN] = "";
        enum cli_result r = cli_parse(5, argv, &o, err, sizeof err);
        /* x names no backend: the parse gets as far as looking it up */
        ck_assert_int_eq(r, CLI_ERROR);
        ck_assert_msg(strstr(err, "id=x") != NULL, "%s: %s", t[i].name, err);
        cli_free(&o);
    }
    ck_assert_uint_eq(named, 9); /* three virtio-mmio kinds, six virtio-pci */
    struct cli_options o;
    char *argv[] = { "rivet", "-kernel", "k", "-device", "virtio-gpu-device", NULL };
    char err[RIVET_ERR_LEN] = "";
    ck_assert_int_eq(cli_parse(5, argv, &o, err, sizeof err), CLI_ERROR);
    cli_free(&o);
    for (unsigned i = 0; i < n; i++)
        if (t[i].name)
            ck_assert_msg(strstr(err, t[i].name) != NULL, "%s", err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("board");
    TCase *tc = tcase_create("board");
    tcase_add_test(tc, devices_fill_from_the_highest_slot);
    tcase_add_test(tc, if_virtio_first_and_explicit_bus);
    tcase_add_test(tc, rom_holds_the_reset_vector);
    tcase_add_test(tc, placement_follows_qemu);
    tcase_add_test(tc, builtin_sbi_reset_state);
    tcase_add_test(tc, builtin_sbi_serves_ecalls);
    tcase_add_test(tc, devices_on_the_bus);
    tcase_add_test(tc, duplicate_slot_refused);
    tcase_add_test(tc, boot_for_a_snapshot_leaves_ram_alone);
    tcase_add_test(tc, table_rows_are_on_the_bus);
    tcase_add_test(tc, device_lookup_reads_the_table);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
