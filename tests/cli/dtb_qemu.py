#!/usr/bin/env python3
"""rivet's device tree against QEMU 7.2's, node by node (issue 25).

    dtb_qemu.py RIVET [QEMU]     (QEMU default: qemu-system-riscv64 on PATH)

For each set of flags, `-machine virt,dumpdtb=F` of both: the same node
paths, and in every node the same values of the properties that describe
the board (compatible, reg, ranges, interrupts, interrupt-parent,
interrupts-extended, device_type, #address-cells, #size-cells,
#interrupt-cells, regmap/offset/value, stdout-path, bank-width), with
phandles compared by the path of the node they name (the numbers are each
tree's own). Exits 77 (skipped) without QEMU: the suite never needs it.

Deliberate differences (README, "The virt board"): DIFFERENCES below. Each
names a node rivet may lack, or a property it may not match, and why.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

COMPARED = {"compatible", "reg", "ranges", "interrupts", "interrupt-parent", "interrupts-extended", "device_type",
            "#address-cells", "#size-cells", "#interrupt-cells", "regmap", "offset", "value", "stdout-path",
            "bank-width", "interrupt-controller", "dma-coherent", "riscv,ndev", "timebase-frequency", "cpu"}
# Properties whose cells hold phandles: (cells per entry, offsets of the phandles in an entry).
PHANDLE_PROPS = {"interrupt-parent": (1, [0]), "regmap": (1, [0]), "cpu": (1, [0])}

# Nodes rivet may lack, with the reason (a prefix matches the subtree).
ABSENT_OK = {
    "/soc/pci@30000000": "the PCIe host bridge comes from the pcie branch (issue 25)",
    "/pmu": "only where the -cpu model has Zihpm (the default model, rv64, has not: no counters to describe)",
}
# Properties rivet may leave out or give another value: (node path pattern, property): why.
PROPS_OK = {
    (r"/chosen", "rng-seed"): "QEMU seeds the guest's RNG from /chosen (random bytes each run); rivet does not",
    (r"/cpus/cpu@\d+/interrupt-controller", "#address-cells"):
        "rivet gives the harts' interrupt controllers #address-cells = 0, which dtc 1.6's interrupt_provider "
        "check wants (cli.dtb_dump runs dtc on the tree)",
    (r"/soc/plic@c000000", "riscv,ndev"):
        "rivet says 95: the PLIC has sources 1..95 (96 with the reserved source 0); QEMU's 96 names a "
        "source 96 the PLIC does not have",
}


def parse_fdt(blob):
    """{path: {property: bytes}} and {phandle: path} of a flattened tree."""
    magic, total, off_struct, off_strings = struct.unpack(">IIII", blob[:16])
    if magic != 0xD00DFEED or total > len(blob):
        raise ValueError("not a device tree blob")
    nodes, phandles, stack, pos = {}, {}, [], off_struct
    while True:
        (tok,) = struct.unpack(">I", blob[pos:pos + 4])
        pos += 4
        if tok == 1:  # BEGIN_NODE
            end = blob.index(b"\0", pos)
            name = blob[pos:end].decode()
            pos = (end + 4) & ~3
            stack.append(name)
            path = "/" + "/".join(n for n in stack[1:])
            nodes[path] = {}
        elif tok == 3:  # PROP
            length, nameoff = struct.unpack(">II", blob[pos:pos + 8])
            name = blob[off_strings + nameoff:blob.index(b"\0", off_strings + nameoff)].decode()
            value = blob[pos + 8:pos + 8 + length]
            pos = (pos + 8 + length + 3) & ~3
            path = "/" + "/".join(stack[1:])
            nodes[path][name] = value
            if name == "phandle":
                phandles[struct.unpack(">I", value)[0]] = path
        elif tok == 2:  # END_NODE
            stack.pop()
        elif tok == 9:  # END
            return nodes, phandles
        elif tok != 4:  # NOP
            raise ValueError(f"bad token {tok}")


def cells(value):
    return list(struct.unpack(">%dI" % (len(value) // 4), value))


def interrupts_extended(value, nodes, phandles):
    """<phandle irq>... with one interrupt cell (the harts' controllers)."""
    c = cells(value)
    return [(phandles.get(c[i], "?"), c[i + 1]) for i in range(0, len(c) - 1, 2)]


def normalise(name, value, nodes, phandles):
    if name in PHANDLE_PROPS:
        return [phandles.get(p, "?") for p in cells(value)]
    if name == "interrupts-extended":
        return interrupts_extended(value, nodes, phandles)
    return value


def dump(cmd, path):
    r = subprocess.run(cmd + ["-machine", f"virt,dumpdtb={path}", "-nographic"], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    if not os.path.exists(path):
        sys.exit(f"{cmd[0]} wrote no tree: {r.stderr.strip()}")
    with open(path, "rb") as f:
        return parse_fdt(f.read())


def absent_ok(path):
    return any(path == p or path.startswith(p + "/") for p in ABSENT_OK)


def compare(flags, rivet, qemu, tmp):
    rn, rp = dump([rivet] + flags, os.path.join(tmp, "rivet.dtb"))
    qn, qp = dump([qemu] + flags, os.path.join(tmp, "qemu.dtb"))
    problems = []
    for path in sorted(set(qn) | set(rn)):
        if path not in rn:
            if not absent_ok(path):
                problems.append(f"{path}: in QEMU's tree, not in rivet's")
            continue
        if path not in qn:
            problems.append(f"{path}: in rivet's tree, not in QEMU's")
            continue
        for prop in sorted((set(qn[path]) | set(rn[path])) & COMPARED):
            if any(p == prop and re.fullmatch(pat, path) for pat, p in PROPS_OK):
                continue
            q, r = qn[path].get(prop), rn[path].get(prop)
            if q is None or r is None:
                problems.append(f"{path}: {prop} only in {'rivet' if q is None else 'QEMU'}'s tree")
            elif normalise(prop, q, qn, qp) != normalise(prop, r, rn, rp):
                problems.append(f"{path}: {prop} differs: QEMU {q!r}, rivet {r!r}")
    return problems, len(rn)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rivet = sys.argv[1]
    qemu = sys.argv[2] if len(sys.argv) > 2 else shutil.which("qemu-system-riscv64")
    if not qemu or not os.path.exists(qemu):
        print("skipped: qemu-system-riscv64 is not installed")
        return 77
    failed = False
    for flags in ([], ["-smp", "2"], ["-smp", "4", "-m", "512M"], ["-m", "2G"]):
        with tempfile.TemporaryDirectory() as tmp:
            problems, count = compare(flags, rivet, qemu, tmp)
        print(f"flags {flags or '(none)'}: {count} nodes, {len(problems)} differences")
        for p in problems:
            print("  " + p)
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
