#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz targets (tests/fuzz/README.md).

    tests/fuzz/make_seeds.py [OUTDIR]     (default: tests/fuzz/corpus)

Each seed drives one device or one kind of guest code the way a driver
would, so the fuzzer starts from inputs that reach deep into a device
instead of stopping at its first register check. The formats are described
at the top of fuzz_machine.c, fuzz_jit.c, fuzz_load.c, fuzz_virtio.c and
fuzz_net.c. Guest code is
assembled with riscv64-unknown-elf-as (or riscv64-linux-gnu-as); the
checked-in corpus holds the output, so the tests never need this script.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

RAM = 0x80000000
# fuzz_machine targets, in the order of targets() in fuzz_machine.c
T_MROM, T_TEST, T_RTC, T_CLINT, T_PLIC, T_UART = range(6)
T_VIRTIO = 6          # + slot
T_RAM, T_HOLE = 14, 15
FOP_RAM, FOP_STORE, FOP_STORE_PTR, FOP_LOAD, FOP_RUN, FOP_INPUT, FOP_QUEUE, FOP_NOTIFY = range(8)
SMP2, LEGACY, DISPLAY, READONLY, MAX = 1, 2, 4, 8, 16
SIZE = {1: 0, 2: 1, 4: 2, 8: 3}


def assemble(src, march="rv64gc"):
    """Flat binary of RV64GC (or march) assembly, linked at RAM's base."""
    for prefix in ("riscv64-unknown-elf-", "riscv64-linux-gnu-"):
        if shutil.which(prefix + "as"):
            break
    else:
        sys.exit("make_seeds: no RISC-V assembler (gcc-riscv64-unknown-elf)")
    with tempfile.TemporaryDirectory() as d:
        s, o, b = (os.path.join(d, n) for n in ("a.S", "a.o", "a.bin"))
        with open(s, "w") as f:
            f.write("\t.option norelax\n\t.text\n" + src + "\n")
        subprocess.run([prefix + "as", "-march=" + march, "-o", o, s], check=True)
        subprocess.run([prefix + "objcopy", "-O", "binary", "-j", ".text", o, b], check=True)
        with open(b, "rb") as f:
            return f.read()


class Script:
    """A fuzz_machine input."""

    def __init__(self, opts=0):
        self.b = bytearray([opts])

    def ram(self, off, data):
        for i in range(0, len(data), 255):
            chunk = data[i:i + 255]
            self.b += bytes([FOP_RAM]) + struct.pack("<HB", off + i, len(chunk)) + chunk
        return self

    def store(self, target, off, size, value):
        self.b += bytes([FOP_STORE, target]) + off.to_bytes(3, "little") + bytes([SIZE[size]])
        self.b += struct.pack("<Q", value & (2**64 - 1))
        return self

    def store_ptr(self, target, off, ram_off):
        self.b += bytes([FOP_STORE_PTR, target]) + off.to_bytes(3, "little") + struct.pack("<H", ram_off)
        return self

    def load(self, target, off, size=4):
        self.b += bytes([FOP_LOAD, target]) + off.to_bytes(3, "little") + bytes([SIZE[size]])
        return self

    def run(self, n):
        self.b += bytes([FOP_RUN]) + struct.pack("<H", n)
        return self

    def input(self, kind, a, b):
        self.b += bytes([FOP_INPUT, kind]) + struct.pack("<HB", a, b)
        return self

    def queue(self, slot, q, size, desc, avail, used, features=0):
        self.b += bytes([FOP_QUEUE, slot, q, size]) + struct.pack("<HHHI", desc, avail, used, features)
        return self

    def notify(self, slot, q):
        self.b += bytes([FOP_NOTIFY, slot, q])
        return self


def desc(addr, length, flags, nxt):
    return struct.pack("<QIHH", RAM + addr, length, flags, nxt)


def blk_request(s, kind, sector, data_len, write_data=False, chain=None, status_off=0x4000):
    """A virtio-blk request: header at 0x2000, data at 0x3000, status byte."""
    NEXT, WRITE = 1, 2
    s.ram(0x2000, struct.pack("<IIQ", kind, 0, sector))
    if chain is None:
        chain = desc(0x2000, 16, NEXT, 1)
        chain += desc(0x3000, data_len, NEXT | (0 if write_data else WRITE), 2)
        chain += desc(status_off, 1, WRITE, 0)
    s.ram(0x1000, chain)
    s.ram(0x1800, struct.pack("<HHH", 0, 1, 0))  # avail: flags, idx 1, ring[0] = 0
    s.queue(0, 0, 8, 0x1000, 0x1800, 0x1c00)
    s.notify(0, 0)
    s.load(T_VIRTIO, 0x60).store(T_VIRTIO, 0x64, 4, 1)  # InterruptStatus, InterruptACK
    return s


def machine_seeds():
    seeds = {}
    seeds["blk_read"] = blk_request(Script(), 0, 3, 512)
    seeds["blk_write_flush"] = blk_request(blk_request(Script(), 1, 5, 1024, True), 4, 0, 0,
                                           chain=desc(0x2000, 16, 1, 1) + desc(0x4000, 1, 2, 0))
    seeds["blk_readonly_write"] = blk_request(Script(READONLY), 1, 1, 512, True)
    seeds["blk_past_end"] = blk_request(Script(), 0, (64 << 10) // 512 - 1, 4096)
    seeds["blk_get_id"] = blk_request(Script(), 8, 0, 20)
    seeds["blk_loop_chain"] = blk_request(Script(), 0, 0, 512,
                                          chain=desc(0x2000, 16, 1, 1) + desc(0x3000, 512, 3, 1))
    seeds["blk_indirect"] = blk_request(Script(), 0, 0, 512,
                                        chain=desc(0x5000, 48, 4, 0)).ram(
        0x5000, desc(0x2000, 16, 1, 1) + desc(0x3000, 512, 3, 2) + desc(0x4000, 1, 2, 0))
    seeds["blk_huge_len"] = blk_request(Script(), 0, 0, 0xfffffff0)
    # DISCARD (two ranges) then WRITE_ZEROES with UNMAP and one with a reserved flag.
    ranges = struct.pack("<QII", 8, 16, 0) + struct.pack("<QII", 64, 8, 0)
    seeds["blk_discard"] = blk_request(Script().ram(0x3000, ranges), 11, 0, 32, True)
    seeds["blk_write_zeroes"] = blk_request(Script().ram(0x3000, struct.pack("<QII", 40, 3, 1)), 13, 0, 16, True)
    seeds["blk_write_zeroes_reserved"] = blk_request(Script().ram(0x3000, struct.pack("<QII", 40, 3, 2)),
                                                     13, 0, 16, True)
    # virtio-rng in slot 1: a readable and two writable buffers, then a huge one.
    s = Script()
    s.ram(0x1000, desc(0x2000, 8, 1, 1) + desc(0x3000, 16, 3, 2) + desc(0x3100, 40, 2, 0) +
          desc(0x4000, 0xfff00, 2, 0))
    s.ram(0x1800, struct.pack("<HHHH", 0, 2, 0, 3))
    seeds["rng"] = s.queue(1, 0, 8, 0x1000, 0x1800, 0x1c00).notify(1, 0).load(T_VIRTIO + 1, 0x60)
    # Reboots (issue 23): the test device's reset with a disk request done,
    # the rng's queue live and the window's devices present, on two harts;
    # the board runs on after each (the reset hooks, RAM replaced).
    for name, opts in (("reboot", SMP2 | DISPLAY), ("reboot_readonly", READONLY | LEGACY)):
        s = blk_request(Script(opts), 1, 5, 512, True)
        s.store(T_TEST, 0, 4, 0x7777).run(500).load(T_VIRTIO, 0x70).load(T_PLIC, 0x1000)
        seeds[name] = s.store(T_TEST, 0, 2, 0x7777).run(500).store(T_TEST, 0, 4, 0x5555).run(10)
    # Legacy transport: page size, PFN, then the same request.
    s = Script(LEGACY)
    s.store(T_VIRTIO, 0x70, 4, 3).store(T_VIRTIO, 0x28, 4, 4096).store(T_VIRTIO, 0x30, 4, 0)
    s.store(T_VIRTIO, 0x38, 4, 8).store(T_VIRTIO, 0x3c, 4, 4096).store(T_VIRTIO, 0x40, 4, (RAM >> 12) + 1)
    s.store(T_VIRTIO, 0x70, 4, 7).ram(0x1000, desc(0x2000, 16, 1, 1) + desc(0x3000, 512, 3, 2) +
                                      desc(0x4000, 1, 2, 0)).ram(0x1080, struct.pack("<HHH", 0, 1, 0))
    seeds["legacy_blk"] = s.notify(0, 0).load(T_VIRTIO, 0x60)
    # Every register of the first slot read back, then a config space read.
    s = Script()
    for off in range(0, 0x100, 4):
        s.load(T_VIRTIO, off)
    seeds["virtio_regs"] = s.load(T_VIRTIO, 0x100, 8).load(T_VIRTIO, 0x114, 1)
    # UART: divisor latch, FIFO, interrupts, loopback, output.
    s = Script()
    for off, v in ((3, 0x80), (0, 1), (1, 0), (3, 3), (2, 0xc7), (1, 0x0f), (4, 0x10)):
        s.store(T_UART, off, 1, v)
    for c in b"hello":
        s.store(T_UART, 0, 1, c)
    for off in (0, 1, 2, 3, 4, 5, 6, 7):
        s.load(T_UART, off, 1)
    seeds["uart"] = s
    # PLIC: priorities, enables for both contexts of hart 0, threshold, claim, complete.
    s = Script()
    for src in (1, 10, 11):
        s.store(T_PLIC, 4 * src, 4, 7)
    s.store(T_PLIC, 0x2000, 4, 0xffffffff).store(T_PLIC, 0x2080, 4, 0xffffffff)
    s.store(T_PLIC, 0x200000, 4, 0).store(T_PLIC, 0x201000, 4, 0)
    s.load(T_PLIC, 0x1000).load(T_PLIC, 0x200004).store(T_PLIC, 0x200004, 4, 1)
    seeds["plic"] = blk_request(s, 0, 0, 512).load(T_PLIC, 0x200004).store(T_PLIC, 0x200004, 4, 1)
    # RTC: time, alarm, interrupt.
    s = Script()
    s.load(T_RTC, 0).load(T_RTC, 4).store(T_RTC, 0x0c, 4, 0).store(T_RTC, 0x08, 4, 1000)
    s.store(T_RTC, 0x10, 4, 1).run(100).load(T_RTC, 0x14).store(T_RTC, 0x1c, 4, 1)
    seeds["rtc"] = s
    # Test device: poweroff, fail code, reset.
    seeds["test_pass"] = Script().store(T_TEST, 0, 4, 0x5555)
    seeds["test_fail"] = Script().store(T_TEST, 0, 4, 0x3333 | 5 << 16)
    seeds["hole_and_rom"] = Script().load(T_HOLE, 0).store(T_HOLE, 8, 8, 1).load(T_MROM, 0, 8).store(T_MROM, 0, 4, 0)
    # Guest code: a timer interrupt after a WFI.
    code = assemble("""
        la t0, handler; csrw mtvec, t0
        li t0, 0x2004000; li t1, 2000; sd t1, 0(t0)
        li t0, 0x80; csrw mie, t0; csrsi mstatus, 8
    1:  wfi; j 1b
    handler:
        li t0, 0x2004000; li t1, -1; sd t1, 0(t0)
        li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
    2:  j 2b
    """)
    seeds["guest_timer"] = Script().ram(0, code).run(1000)
    # Guest code: a UART line, a software interrupt to hart 1, S-mode with paging.
    code = assemble("""
        csrr a0, mhartid; bnez a0, other
        li t0, 0x10000000; li t1, 'o'; sb t1, 0(t0); li t1, 'k'; sb t1, 0(t0)
        li t0, 0x2000004; li t1, 1; sw t1, 0(t0)
        /* an Sv39 gigapage identity map at RAM + 0x8000 */
        li t0, 0x80008000; li t1, (0x80000000 >> 2) | 0xcf; sd t1, 16(t0)
        li t1, (8 << 60) | (0x80008000 >> 12); csrw satp, t1; sfence.vma
        la t0, smode; csrw mepc, t0; li t0, 1 << 11; csrs mstatus, t0
        li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0
        mret
    smode:
        li t0, 0x80010000; sd t0, 0(t0); ld t1, 0(t0); ecall
    other:
        li t0, 8; csrw mie, t0
    3:  wfi; j 3b
    """)
    seeds["guest_smp_paging"] = Script(SMP2).ram(0, code).run(2000)
    # Display: keyboard and tablet queues filled, events typed.
    s = Script(DISPLAY)
    s.ram(0x1000, b"".join(desc(0x3000 + 8 * i, 8, 2, 0) for i in range(8)))
    s.ram(0x1800, struct.pack("<HH", 0, 8) + struct.pack("<8H", *range(8)))
    for slot in (7, 6):
        s.queue(slot, 0, 8, 0x1000, 0x1800, 0x1c00)
        s.notify(slot, 0)
    for kind, a, b in ((0, 30, 1), (0, 30, 0), (1, 10, 20), (2, 0x110, 1), (2, 0x110, 0), (3, 0, 1), (4, 0, 0)):
        s.input(kind, a, b)
    seeds["display_input"] = s.run(100).load(T_VIRTIO + 7, 0x60).load(T_VIRTIO + 7, 0x100, 1)
    return {k: bytes(v.b) for k, v in seeds.items()}


def jit_seeds():
    progs = {
        "alu_loop": """
            li x30, 50; li a0, 1; li a1, 3
        1:  add a0, a0, a1; xor a1, a1, a0; slli a2, a0, 3; sraw a3, a2, a1; mulh a4, a0, a2
            divu a5, a0, a3; remw a6, a4, a1; sltu a7, a5, a6; addi x30, x30, -1; bnez x30, 1b
            ebreak""",
        "mem_loop": """
            li x30, 40
        1:  sd x30, 0(x31); lw a0, 4(x31); lbu a1, 3(x31); sh a1, 9(x31); ld a2, 7(x31)
            amoadd.d a3, a2, (x31); lr.d a4, (x31); sc.d a5, a0, (x31); addi x31, x31, 8
            addi x30, x30, -1; bnez x30, 1b
            ld a0, 0(zero)""",
        "fp_loop": """
            li t0, 0x6000; csrs mstatus, t0; li x30, 30; fcvt.d.l f1, x30; li t1, 3; fcvt.d.l f2, t1
        1:  fdiv.d f3, f1, f2; fmadd.d f4, f3, f2, f1; fsqrt.d f5, f4; fcvt.l.d a0, f5, rtz
            flt.d a1, f3, f4; fsgnjn.d f6, f5, f3; fmin.d f7, f6, f1; fsd f7, 0(x31); flw f8, 0(x31)
            fadd.s f9, f8, f8; fclass.d a2, f9; addi x30, x30, -1; bnez x30, 1b
            ebreak""",
        "traps_and_csrs": """
            csrr a0, mcycle; csrr a1, minstret; csrw mscratch, a0; csrrs a2, mscratch, a1
            ecall""",
        "smode_paging": """
            li t0, 0x80008000; li t1, (0x80000000 >> 2) | 0xcf; sd t1, 16(t0)
            li t1, (8 << 60) | (0x80008000 >> 12); csrw satp, t1; sfence.vma
            li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0
            la t0, 1f; csrw mepc, t0; li t0, 1 << 11; csrs mstatus, t0; mret
        1:  li x30, 20
        2:  ld a0, 0(x31); addi a0, a0, 1; sd a0, 0(x31); addi x30, x30, -1; bnez x30, 2b
            ecall""",
        "timer_interrupt": """
            li t0, 0x2004000; li t1, 500; sd t1, 0(t0); li t0, 0x80; csrw mie, t0; csrsi mstatus, 8
        1:  addi a0, a0, 1; j 1b""",
        "compressed": """
            c.li a0, 5; c.li a1, 7
        1:  c.add a0, a1; c.slli a0, 2; c.srli a0, 1; c.sw a0, 0(s0); c.addi a1, -1; c.bnez a1, 1b
            c.ebreak""",
        "self_modifying": """
            la t0, 2f; li t1, 0x00150513; li x30, 10
        1:  sw t1, 0(t0); fence.i
        2:  nop; addi x30, x30, -1; bnez x30, 1b; ebreak""",
    }
    out = {}
    for name, src in progs.items():
        code = assemble(src)
        out[name] = bytes([0]) + code
        if name in ("alu_loop", "timer_interrupt"):
            out[name + "_smp"] = bytes([SMP2]) + code
    # -cpu max: the rows beyond RV64GC, which the translator calls out for
    # (.insn and .2byte for what binutils 2.40 does not know: Zicond, Zfa,
    # Zimop, Zcb, Zcmop); the same code on the default model traps on them
    ext = assemble("""
            li t0, 0x6000; csrs mstatus, t0; li x30, 30; li a0, 0x1234567; li a1, -3
        1:  clmul a2, a0, a1; clmulh a3, a0, a1; clmulr a4, a2, a3; pack a5, a0, a1; packh a6, a0, a1
            packw a7, a1, a0; brev8 t1, a0; xperm4 t2, a0, a1; xperm8 t3, a1, a0; sh1add t4, a0, a1
            andn s11, a0, a1; rev8 gp, a0; cpop s1, a1; bset s2, a0, a1
            .insn r 0x33, 5, 7, s3, a0, a1; .insn r 0x33, 7, 7, s4, a0, zero
            fcvt.h.l ft0, a0; fcvt.h.l ft1, a1; fdiv.h ft2, ft0, ft1; fmadd.h ft3, ft2, ft1, ft0, rup
            fsh ft3, 0(x31); flh ft4, 2(x31); fcvt.d.h ft5, ft4; fcvt.h.d ft6, ft5; fmv.x.h s5, ft6
            feq.h s6, ft6, ft3; fsqrt.h ft7, ft3
            .insn r 0x53, 0, 0x79, ft8, x20, x1; .insn r 0x53, 2, 0x15, ft9, ft8, ft5
            .insn r 0x53, 1, 0x21, ft10, ft5, x4; .insn r 0x53, 4, 0x51, s7, ft9, ft5
            .insn r 0x53, 1, 0x61, s8, ft5, x8; .insn r 0x53, 0, 0x7a, ft11, x9, x1
            cbo.zero (x31); cbo.clean (x31); cbo.flush (x31); cbo.inval (x31)
            .insn i 0x73, 4, s9, a0, -2020; .insn r 0x73, 4, 0x41, s10, a0, a1
            c.mv x15, x31; .2byte 0x8000 | (7 << 7) | (3 << 5) | (1 << 2); .2byte 0x9c41 | (1 << 7) | (2 << 2)
            .2byte 0x9c61 | (3 << 7) | (5 << 2); .2byte 0x6081 | (2 << 8); .2byte 0x8c00 | (7 << 7) | (4 << 2)
            addi x31, x31, 8; addi x30, x30, -1; bnez x30, 1b
            ebreak""", "rv64gc_zba_zbb_zbs_zbc_zbkb_zbkx_zfh_zicbom_zicboz")
    out["ext_loop_max"] = bytes([MAX]) + ext
    out["ext_loop_default"] = bytes([0]) + ext
    # -cpu max: vector rows (cpu/vector*.c): configuration, unit-stride,
    # strided, segment, masked, fault-only-first and whole-register
    # accesses of the data page, arithmetic, reductions, permutations
    vec = assemble("""
            li t0, 0x600; csrs mstatus, t0; li x30, 20; li a0, 37
        1:  vsetvli t1, a0, e8, m2, ta, mu; vle8.v v2, (x31); vadd.vx v4, v2, a0; vmseq.vi v0, v4, 3
            vse8.v v4, (x31), v0.t; vsetivli zero, 8, e16, m1, tu, mu; vlseg2e16.v v8, (x31)
            vwmacc.vv v12, v8, v9; vredsum.vs v16, v8, v16; vsetivli zero, 2, e64, m1, tu, mu
            vlse64.v v20, (x31), a0; vslideup.vi v21, v20, 1; vrgather.vv v22, v21, v20
            vcompress.vm v23, v22, v0; vmv.x.s a1, v23; vle64ff.v v24, (x31); vsaddu.vv v25, v24, v23
            vsetivli zero, 4, e32, m1, tu, mu; vnclip.wi v26, v24, 3; vs1r.v v26, (x31)
            addi x31, x31, 16; addi a0, a0, 3; addi x30, x30, -1; bnez x30, 1b
            ebreak""", "rv64gcv")
    out["vector_loop_max"] = bytes([MAX]) + vec
    out["vector_loop_default"] = bytes([0]) + vec
    # -cpu max: Zihpm and Sscofpmf (cpu/pmu.c): counters with mode filters
    # wrapping inside a loop, the LCOFI taken in M (mtvec at RAM's base: the
    # program starts over with OF set, then runs to the ebreak)
    hpm = assemble("""
            csrr t0, mhpmevent3; bltz t0, 2f
            li t0, 2; csrw mhpmevent3, t0; li t0, 1 | (1 << 61); csrw mhpmevent4, t0
            li t0, 1 << 13; csrw mie, t0; csrsi mstatus, 8
            li t0, -40; csrw mhpmcounter3, t0; csrw mhpmcounter4, t0
            li x30, 100
        1:  addi x30, x30, -1; csrr a0, mhpmcounter3; bnez x30, 1b
        2:  csrr a1, 0xda0; csrr a2, mip; li t0, 0x18; csrw mcountinhibit, t0
            csrr a3, mhpmcounter4; ebreak""")
    out["hpm_overflow_max"] = bytes([MAX]) + hpm
    return out


def load_seeds():
    code = assemble("li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)")

    def elf(entry, segs):
        """A minimal ELF64 RISC-V executable: (paddr, data, memsz) segments."""
        eh = 64
        ph = 56
        off = eh + ph * len(segs)
        hdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
        hdr += struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, entry, eh, 0, 0, eh, ph, len(segs), 64, 0, 0)
        phs = b""
        body = b""
        for paddr, data, memsz in segs:
            phs += struct.pack("<IIQQQQQQ", 1, 5, off + len(body), paddr, paddr, len(data), memsz, 4096)
            body += data
        return hdr + phs + body

    image = bytearray(64)  # a Linux RISC-V Image header: code0, code1, text_offset, image_size, ..., magic
    image[0:8] = assemble("j 1f; nop\n1: nop")[:8]
    struct.pack_into("<QQQ", image, 8, 0x200000, 4096, 0)
    image[48:56] = b"RISCV\0\0\0"
    image[56:60] = b"RSC\x05"
    image += code
    dtb = b"\xd0\x0d\xfe\xed" + struct.pack(">IIIIIIIII", 0x48, 0x38, 0x48, 0x28, 17, 16, 0, 0, 0x10)
    dtb += bytes(0x48 - len(dtb)) + struct.pack(">IIII", 1, 0, 2, 9)
    return {
        "elf_kernel": bytes([0]) + elf(RAM, [(RAM, code, len(code))]),
        "elf_bss": bytes([0]) + elf(RAM, [(RAM, code, 0x10000), (RAM + 0x20000, b"x", 0x1000)]),
        "elf_outside_ram": bytes([0]) + elf(0x1000, [(0x1000, code, len(code))]),
        "raw_kernel": bytes([0]) + code,
        "image_sbi": bytes([1]) + bytes(image),
        "elf_firmware": bytes([2]) + elf(RAM, [(RAM, code, len(code))]),
        "dtb_empty": bytes([3]) + dtb,
        "initrd": bytes([4]) + b"070701" + bytes(100),
    }


def virtio_seeds():
    """fuzz_virtio: options byte (0 net, 1 rng, 2 blk; +4 legacy), then ops."""
    VRAM, VSTORE, VLOAD, VQUEUE, VNOTIFY, VFRAME = range(6)

    def ram(off, data):
        return bytes([VRAM]) + struct.pack("<HB", off, len(data)) + data

    def queue(q, size, d, a, u, feat=0):
        return bytes([VQUEUE, q, size]) + struct.pack("<HHHI", d, a, u, feat)

    rx = ram(0x1000, desc(0x4000, 1600, 2, 0) + desc(0x4800, 1600, 2, 0)) + ram(0x1400, struct.pack("<HHHH", 0, 2, 0, 1))
    tx = ram(0x2000, desc(0x5000, 12, 1, 1) + desc(0x5100, 60, 0, 0)) + ram(0x2400, struct.pack("<HHH", 0, 1, 0))
    net = rx + queue(0, 8, 0x1000, 0x1400, 0x1800) + bytes([VNOTIFY, 0])
    net += tx + queue(1, 8, 0x2000, 0x2400, 0x2800) + bytes([VNOTIFY, 1])
    net += bytes([VFRAME]) + struct.pack("<HB", 60, 7) + bytes([VLOAD]) + struct.pack("<HB", 0x60, 2)
    backlog = b"".join(bytes([VFRAME]) + struct.pack("<HB", 64, i) for i in range(70)) + rx + queue(0, 8, 0x1000, 0x1400, 0x1800) + bytes([VNOTIFY, 0])
    rng = ram(0x1000, desc(0x4000, 8, 1, 1) + desc(0x4100, 32, 2, 0)) + ram(0x1400, struct.pack("<HHH", 0, 1, 0))
    rng += queue(0, 8, 0x1000, 0x1400, 0x1800) + bytes([VNOTIFY, 0])
    blk = ram(0x3000, struct.pack("<IIQ", 0, 0, 2)) + ram(0x1000, desc(0x3000, 16, 1, 1) + desc(0x4000, 512, 3, 2) + desc(0x3100, 1, 2, 0))
    blk += ram(0x1400, struct.pack("<HHH", 0, 1, 0)) + queue(0, 8, 0x1000, 0x1400, 0x1800) + bytes([VNOTIFY, 0])
    regs = b"".join(bytes([VLOAD]) + struct.pack("<HB", off, 2) for off in range(0, 0x110, 4))
    return {"net": bytes([0]) + net, "net_backlog": bytes([0]) + backlog, "net_legacy_regs": bytes([4]) + regs,
            "rng": bytes([1]) + rng, "blk": bytes([2]) + blk}


def pci_seeds():
    """fuzz_pci: options byte (bit 0: net at 00:02.0, else blk), then ops."""
    RAM, CFGW, CFGR, WINW, WINR, MAP, COMMON, QUEUE, NOTIFY, SNAP, RESET = range(11)

    def ram(off, data):
        return bytes([RAM]) + struct.pack("<HB", off, len(data)) + data

    def cfgw(dev, reg, size_log2, v):
        return bytes([CFGW]) + struct.pack("<IBI", dev << 15 | reg, size_log2, v)

    def cfgr(dev, reg, size_log2):
        return bytes([CFGR]) + struct.pack("<IB", dev << 15 | reg, size_log2)

    def queue(f, q, size, d, a, u, feat=0):
        return bytes([QUEUE, f, q, size]) + struct.pack("<HHHI", d, a, u, feat)

    # an lspci-like walk: every device's ids, BAR sizing of 00:01.0, the caps
    walk = b"".join(cfgr(d, 0, 2) for d in range(32))
    walk += cfgw(1, 0x20, 2, 0xffffffff) + cfgr(1, 0x20, 2) + cfgw(1, 0x24, 2, 0xffffffff) + cfgr(1, 0x24, 2)
    walk += b"".join(cfgr(1, r, 0) for r in range(0x34, 0x98))
    walk += cfgr(0, 0x100, 2) + bytes([CFGR]) + struct.pack("<IB", 1 << 20, 2)
    rng = ram(0x1000, desc(0x4000, 8, 1, 1) + desc(0x4100, 32, 2, 0)) + ram(0x1400, struct.pack("<HHH", 0, 1, 0))
    rng = bytes([MAP, 0, 0]) + rng + queue(0, 0, 8, 0x1000, 0x1400, 0x1800) + bytes([NOTIFY, 0, 0, 0, 0])
    rng += bytes([WINR, 1]) + struct.pack("<IB", 0x1000, 0) + bytes([SNAP, 0, RESET, 0])
    blk = ram(0x3000, struct.pack("<IIQ", 0, 0, 2)) + ram(0x2000, desc(0x3000, 16, 1, 1) + desc(0x4000, 512, 3, 2) + desc(0x3100, 1, 2, 0))
    blk += ram(0x2400, struct.pack("<HHH", 0, 1, 0))
    blk = bytes([MAP, 1, 3]) + blk + queue(1, 0, 8, 0x2000, 0x2400, 0x2800) + bytes([NOTIFY, 1, 0, 0, 0])
    blk += bytes([SNAP, 1]) + cfgw(2, 4, 1, 0x400) + cfgw(2, 4, 1, 0)
    # the PCI cfg access capability, then a window store with nothing mapped
    cap = cfgw(1, 0x88, 0, 4) + cfgw(1, 0x8c, 2, 0x12) + cfgw(1, 0x90, 2, 2) + cfgr(1, 0x94, 2)
    cap += cfgw(1, 0x90, 2, 0xffffffff) + cfgw(1, 0x94, 2, 7) + bytes([WINW, 2]) + struct.pack("<IBQ", 0x10, 3, 1)
    return {"walk": bytes([0]) + walk, "rng": bytes([0]) + rng, "blk": bytes([0]) + blk, "net-cap": bytes([1]) + cap}


def inet_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


GUEST_MAC, GW_MAC, BCAST = bytes.fromhex("525400123456"), bytes.fromhex("52550a000202"), b"\xff" * 6
GUEST_IP, GW_IP, DNS_IP = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2]), bytes([10, 0, 2, 3])


def eth(dst, etype, payload):
    return dst + GUEST_MAC + struct.pack("!H", etype) + payload


def ipv4(proto, payload, dst=GW_IP, ident=1, off=0, more=False, src=GUEST_IP):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, (0x2000 if more else 0) | off // 8,
                      64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", inet_sum(hdr)) + hdr[12:]
    return eth(GW_MAC if dst != b"\xff" * 4 else BCAST, 0x0800, hdr + payload)


def echo(ident, size=56):
    body = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + bytes((i * 7) & 0xFF for i in range(size))
    return body[:2] + struct.pack("!H", inet_sum(body)) + body[4:]


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def net_seeds():
    """fuzz_net: options byte (bit 0: header and data in two descriptors),
    then ops: NOP_FRAME u16 length + bytes, NOP_TICK u8 seconds, NOP_SERVICE,
    NOP_RXPOST."""
    FRAME, TICK, SERVICE, RXPOST = range(4)

    def frame(f):
        return bytes([FRAME]) + struct.pack("<H", len(f)) + f

    arp = eth(BCAST, 0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, GUEST_MAC, GUEST_IP, b"\0" * 6, GW_IP))
    bootp = bytearray(240)
    bootp[0:4] = bytes([1, 1, 6, 0])
    bootp[4:8] = b"\x12\x34\x56\x78"
    bootp[28:34] = GUEST_MAC
    bootp[236:240] = b"\x63\x82\x53\x63"
    dhcp = ipv4(17, udp(68, 67, bytes(bootp) + bytes([53, 1, 1, 255])), dst=b"\xff" * 4, src=b"\0" * 4)
    ping = echo(0x100)
    tcp_syn = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x02, 8192, 0, 0)
    dns = udp(40001, 53, bytes.fromhex("abcd01000001000000000000") + b"\x07example\x03com\x00\x00\x01\x00\x01")
    ns6 = bytes([0x60, 0, 0, 0]) + struct.pack("!HBB", 32, 58, 255) + bytes(16) + bytes.fromhex("ff0200000000000000000001ff000002")
    ns6 += bytes([135, 0, 0, 0]) + bytes(28)
    # IPv6 (issue 25: slirp's IPv6 is on): a router solicitation from the
    # link-local address (slirp answers with fec0::/64) and a ping to fec0::2.
    def ip6_icmp(src, dst, body):
        pseudo = src + dst + struct.pack("!IxxxB", len(body), 58)
        body = body[:2] + struct.pack("!H", inet_sum(pseudo + body)) + body[4:]
        return bytes([0x60, 0, 0, 0]) + struct.pack("!HBB", len(body), 58, 255) + src + dst + body
    ll6 = bytes.fromhex("fe800000000000005054" + "00fffe123456")
    gl6 = bytes.fromhex("fec00000000000005054" + "00fffe123456")
    rs6 = ip6_icmp(ll6, bytes.fromhex("ff020000000000000000000000000002"),
                   bytes([133, 0, 0, 0, 0, 0, 0, 0, 1, 1]) + GUEST_MAC)
    ping6 = ip6_icmp(gl6, bytes.fromhex("fec00000000000000000000000000002"),
                     struct.pack("!BBHHH", 128, 0, 0, 0x200, 1) + bytes(range(32)))
    issue16 = bytes.fromhex("52550a00020252540012345608004500002812340001401150800a00020f0a000202") + bytes(20)
    seeds = {
        "arp": frame(arp) + bytes([SERVICE]),
        "dhcp": frame(dhcp) + bytes([SERVICE, RXPOST]),
        "ping": frame(arp) + frame(ipv4(1, ping)) + bytes([SERVICE]),
        "ping_fragments": frame(arp) + frame(ipv4(1, ping[:32], ident=7, more=True)) +
                          frame(ipv4(1, ping[32:], ident=7, off=32)),
        "ping_overlap": frame(ipv4(1, ping[:32], ident=8, more=True)) + frame(ipv4(1, ping[24:40], ident=8, off=24, more=True)) +
                        frame(ipv4(1, ping[40:], ident=8, off=40)),
        "fragment_timeout": frame(ipv4(1, ping[:32], ident=9, more=True)) + bytes([TICK, 31]) +
                            frame(ipv4(1, ping[32:], ident=9, off=32)),
        "tcp_syn": frame(arp) + frame(ipv4(6, tcp_syn)) + bytes([SERVICE]),
        "dns": frame(ipv4(17, dns, dst=DNS_IP)) + bytes([SERVICE]),
        "ipv6_ns": frame(eth(bytes.fromhex("3333ff000002"), 0x86DD, ns6)),
        "ipv6_rs_ping": frame(eth(bytes.fromhex("333300000002"), 0x86DD, rs6)) + bytes([SERVICE]) +
                        frame(eth(GW_MAC, 0x86DD, ping6)) + bytes([SERVICE, TICK, 2, SERVICE]),
        "split_descriptors": bytes([1]) + frame(arp) + frame(ipv4(1, ping)),
    }
    return {name: (data if name == "split_descriptors" else bytes([0]) + data) for name, data in seeds.items()}, \
        {"issue16-frame": bytes([0]) + frame(issue16) + bytes([SERVICE]) + frame(arp) + bytes([SERVICE])}


# fuzz_semihost (fuzz_semihost.c): SOP_RAM, SOP_CALL; a1 kinds: even = RAM + value, odd = value
SOP_RAM, SOP_CALL = range(2)


class Semi:
    """A fuzz_semihost input."""

    def __init__(self, opts=0):
        self.b = bytearray([opts])

    def ram(self, off, data):
        self.b += bytes([SOP_RAM]) + struct.pack("<HB", off, len(data)) + data
        return self

    def call(self, op, a1, raw=False):
        self.b += bytes([SOP_CALL, op, 1 if raw else 0]) + struct.pack("<Q", a1 & (2**64 - 1))
        return self


def semi_block(*fields):
    return b"".join(struct.pack("<Q", f & (2**64 - 1)) for f in fields)


def semihost_seeds():
    S = {}
    name = 0x100   # strings at RAM + 0x100.., blocks at RAM + 0x10.., buffers at RAM + 0x800
    blk = 0x10
    buf = 0x800

    def open_read(opts, path):
        s = Semi(opts).ram(name, path)
        s.ram(blk, semi_block(RAM + name, 1, len(path)))
        s.call(0x01, blk)                      # SYS_OPEN, handle 1
        s.ram(0x40, semi_block(1, RAM + buf, 64))
        s.call(0x06, 0x40)                     # SYS_READ
        s.ram(0x60, semi_block(1))
        s.call(0x0c, 0x60).call(0x09, 0x60)    # SYS_FLEN, SYS_ISTTY
        s.ram(0x70, semi_block(1, 3))
        s.call(0x0a, 0x70)                     # SYS_SEEK
        s.call(0x02, 0x60).call(0x13, 0)       # SYS_CLOSE, SYS_ERRNO
        return bytes(s.b)

    S["open-read"] = open_read(0, b"in.txt")
    S["open-read-walk"] = open_read(1, b"in.txt")
    S["symlink-out"] = open_read(0, b"link_out")
    S["symlink-out-walk"] = open_read(1, b"link_out")
    S["dotdot"] = open_read(0, b"sub/../in.txt")
    S["absolute"] = open_read(0, b"/etc/passwd")
    S["fifo"] = open_read(0, b"fifo")
    S["features"] = open_read(0, b":semihosting-features")
    s = Semi().ram(name, b"new.txt").ram(name + 0x20, b"renamed.txt")
    s.ram(blk, semi_block(RAM + name, 4, 7)).call(0x01, blk)
    s.ram(0x40, semi_block(1, RAM + name, 7)).call(0x05, 0x40)            # SYS_WRITE
    s.ram(0x60, semi_block(1)).call(0x02, 0x60)
    s.ram(0x80, semi_block(RAM + name, 7, RAM + name + 0x20, 11)).call(0x0f, 0x80)  # SYS_RENAME
    s.ram(0xc0, semi_block(RAM + name + 0x20, 11)).call(0x0e, 0xc0)      # SYS_REMOVE
    S["write-rename-remove"] = bytes(s.b)
    s = Semi().ram(name, b"console\n\0")
    s.call(0x04, name).call(0x03, name)                                   # SYS_WRITE0, SYS_WRITEC
    s.ram(name + 0x20, b":tt").ram(blk, semi_block(RAM + name + 0x20, 4, 3)).call(0x01, blk)
    s.ram(0x40, semi_block(1, RAM + name, 8)).call(0x05, 0x40).call(0x07, 0)  # SYS_WRITE, SYS_READC
    s.ram(0x60, semi_block(RAM + buf, 64)).call(0x15, 0x60)              # SYS_GET_CMDLINE
    s.ram(0x80, semi_block(RAM + buf)).call(0x16, 0x80)                  # SYS_HEAPINFO
    s.call(0x10, 0).call(0x11, 0).call(0x31, 0).call(0x30, 0x90)         # CLOCK, TIME, TICKFREQ, ELAPSED
    s.ram(0xa0, semi_block(2**64 - 1)).call(0x08, 0xa0)                  # SYS_ISERROR
    S["console-clocks"] = bytes(s.b)
    s = Semi()
    s.call(0x04, 0, raw=True).call(0x04, 2**64 - 8, raw=True)            # WRITE0 at 0, at the top
    s.ram(blk, semi_block(1, RAM + (1 << 20) - 4, 2**63)).call(0x05, blk)  # a length past RAM
    s.ram(0x40, semi_block(2**64 - 16, 2**32)).call(0x15, 0x40)          # GET_CMDLINE to nowhere
    s.call(0x01, 0xfffff, raw=False)                                      # a block across RAM's end
    S["bad-pointers"] = bytes(s.b)
    s = Semi().ram(blk, semi_block(0x20026, 3)).call(0x18, blk).call(0x20, blk)
    s.call(0x18, 0x20026, raw=True).call(0x18, 0x20023, raw=True)
    S["exits"] = bytes(s.b)
    S["user-mode"] = bytes(Semi(2).ram(name, b"user\0").call(0x04, name).b)
    return S


FW_RAM, FW_STORE, FW_LOAD, FW_DMA, FW_FILE = range(5)


def fw_dma(desc_off, control, length, address):
    return bytes([FW_DMA]) + struct.pack("<HIIQ", desc_off, control, length, address)


def fw_select(key):
    """The selector store: big-endian, so the register value is swapped."""
    return bytes([FW_STORE]) + struct.pack("<BBQ", 8, 1, ((key & 0xff) << 8) | (key >> 8))


def fwcfg_seeds():
    """fuzz_fwcfg inputs (its format is at the top of fuzz_fwcfg.c)."""
    reads = lambda n: bytes([FW_LOAD, 0, 0]) * n
    seeds = {
        "signature": fw_select(0) + reads(4) + bytes([FW_LOAD, 0x10, 3, FW_LOAD, 0x14, 2]),
        "directory": fw_select(0x19) + reads(4 + 64 * 2) + bytes([FW_LOAD, 0, 3]) * 8,
        # SELECT|READ of etc/fdt (key 0x21 after "bootorder") into RAM, past its end
        "dma_read": fw_dma(0x100, 0x0021000a, 400, RAM + 0x1000),
        "dma_skip_read": fw_dma(0x100, 0x0021000c, 8, 0) + fw_dma(0x100, 2, 16, RAM + 0x1000),
        "dma_write": fw_dma(0x100, 0x00210018, 4, RAM + 0x1000),
        "dma_bad_addr": fw_dma(0x100, 0x0021000a, 16, 0x1000) + fw_dma(0x100, 0x0021000a, 0xffffffff, RAM),
        "dma_desc_outside": fw_dma(0xfff8, 0x0021000a, 16, RAM),
        # the DMA register in halves: high then low
        "dma_halves": bytes([FW_RAM]) + struct.pack("<HB", 0x200, 16) + struct.pack(">IIQ", 0x0001000a, 4, RAM + 0x800)
        + bytes([FW_STORE]) + struct.pack("<BBQ", 0x10, 2, 0) + bytes([FW_STORE]) + struct.pack("<BBQ", 0x14, 2, 0x00020080),
        "files": b"".join(bytes([FW_FILE]) + struct.pack("<BH", i, 100 + i) for i in range(40))
        + fw_select(0x19) + reads(64),
        "bad_keys": fw_select(0x8001) + reads(2) + fw_select(0x4000) + reads(4) + fw_select(0xffff) + reads(2),
    }
    return seeds


def pflash_seeds():
    """fuzz_pflash: options byte (bit 0 read-only image, bit 1 -snapshot image), then ops."""
    STORE, LOAD, RESET, SAVE, RESTORE = range(5)

    def cmd(off, c, size_log2=2):
        return bytes([STORE]) + struct.pack("<IBQ", off, size_log2, c * 0x00010001)

    def data(off, v, size_log2=2):
        return bytes([STORE]) + struct.pack("<IBQ", off, size_log2, v)

    def load(off, size_log2=2):
        return bytes([LOAD]) + struct.pack("<IB", off, size_log2)

    query = cmd(0x55 * 4, 0x98) + b"".join(load(4 * i) for i in range(0x0F, 0x42)) + cmd(0, 0x90) + load(0) + load(4)
    program = cmd(0x1000, 0x40) + data(0x1000, 0x11223344) + cmd(0, 0x70) + load(0) + cmd(0, 0xFF) + load(0x1000)
    erase = cmd(0x40000, 0x50) + cmd(0x40000, 0x20) + cmd(0x40100, 0xD0) + load(0x40000) + cmd(0, 0xFF) + load(0x40000)
    buffer = (cmd(0x2000, 0xE8) + load(0x2000) + cmd(0x2000, 15)
              + b"".join(data(0x2000 + 4 * i, 0xC0DE0000 + i) for i in range(16)) + cmd(0x2000, 0xD0) + load(0x2000))
    bad = (cmd(0, 0x20) + cmd(0, 0xFF) + load(0) + cmd(0, 0xE8) + cmd(0, 0xFFFF) + cmd(0, 0xE8) + cmd(0x1FFC, 1)
           + data(0x2000, 1) + cmd(0, 0x60) + cmd(0, 0x77) + cmd(0, 0x50) + load(0))
    snap = (cmd(0x3000, 0xE8) + cmd(0x3000, 3) + data(0x3000, 5, 3) + bytes([SAVE]) + bytes([RESET])
            + bytes([RESTORE]) + struct.pack("<H", 12) + bytes([9, 0x80]) + b"\xff" * 10)
    return {
        "query": bytes([0]) + query,
        "program": bytes([0]) + program + bytes([SAVE]),
        "program_readonly": bytes([1]) + program + erase,
        "erase_snapshot": bytes([2]) + erase + program + bytes([SAVE]),
        "buffer": bytes([0]) + buffer + bytes([SAVE]),
        "bad_sequences": bytes([0]) + bad,
        "snapshot_states": bytes([2]) + snap,
    }


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for target, seeds in (("fuzz_machine", machine_seeds()), ("fuzz_jit", jit_seeds()), ("fuzz_load", load_seeds()),
                          ("fuzz_virtio", virtio_seeds()), ("fuzz_net", net_seeds()),
                          ("fuzz_semihost", semihost_seeds()), ("fuzz_fwcfg", fwcfg_seeds()),
                          ("fuzz_pci", pci_seeds()), ("fuzz_pflash", pflash_seeds())):
        d = os.path.join(outdir, target)
        os.makedirs(d, exist_ok=True)
        regress = {}
        if isinstance(seeds, tuple):
            seeds, regress = seeds
        for prefix, files in (("seed-", seeds), ("regress-", regress)):
            for name, data in files.items():
                with open(os.path.join(d, prefix + name), "wb") as f:
                    f.write(data)
        print("%s: %d seeds in %s" % (target, len(seeds), d))


if __name__ == "__main__":
    main()
