#!/bin/sh
# Dumps the generated device tree (-machine virt,dumpdtb=...), decompiles it
# with dtc and checks that every node and property the virt board promises is
# there. Usage: dtb_check.sh RIVET OUTDIR. Exit 0 = pass, 77 = no dtc.
rivet=$1 out=$2
mkdir -p "$out" || exit 1
dtb=$out/virt.dtb dts=$out/virt.dts
rm -f "$dtb"
"$rivet" -machine virt,dumpdtb="$dtb" -smp 3 -m 256M -append "console=ttyS0 quiet" || {
    echo "FAIL: dumpdtb exited $?"; exit 1; }
command -v dtc >/dev/null 2>&1 || { echo "dtc not installed: skipped"; exit 77; }
dtc -I dtb -O dts -o "$dts" "$dtb" 2>"$out/dtc.err" || { echo "FAIL: dtc rejects the blob"; cat "$out/dtc.err"; exit 1; }
fail=0
need() {
    grep -Eq -- "$1" "$dts" || { echo "FAIL: no match for /$1/ in the device tree"; fail=1; }
}
need 'memory@80000000 \{'
need 'reg = <0x00 0x80000000 0x00 0x10000000>'
need 'timebase-frequency = <0x989680>'
for n in 0 1 2; do
    need "cpu@$n \{"
    need "core$n \{"
done
# the default ISA: the riscv,isa rivet always gave, and nothing newer
need 'riscv,isa = "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc"'
if grep -Eq 'riscv,isa-(base|extensions)|svadu' "$dts"; then
    echo "FAIL: the default device tree names more than before -cpu existed"; fail=1
fi
need 'mmu-type = "riscv,sv(39|48|57)"'
need 'compatible = "riscv,cpu-intc"'
need 'cpu-map \{'
need 'compatible = "simple-bus"'
need 'clint@2000000 \{'
need 'compatible = "sifive,clint0\\0riscv,clint0"'
need 'plic@c000000 \{'
need 'compatible = "sifive,plic-1.0.0\\0riscv,plic0"'
need 'riscv,ndev = <0x5f>'
need 'serial@10000000 \{'
need 'compatible = "ns16550a"'
need 'interrupts = <0x0a>'
for a in 1 2 3 4 5 6 7 8; do
    need "virtio_mmio@1000${a}000 \{"
    need "interrupts = <0x0$a>"
done
need 'compatible = "virtio,mmio"'
need 'rtc@101000 \{'
need 'compatible = "google,goldfish-rtc"'
need 'interrupts = <0x0b>'
need 'test@100000 \{'
need 'compatible = "sifive,test1\\0sifive,test0\\0syscon"'
need 'poweroff \{'
need 'compatible = "syscon-poweroff"'
need 'value = <0x5555>'
need 'reboot \{'
need 'compatible = "syscon-reboot"'
need 'value = <0x7777>'
need 'bootargs = "console=ttyS0 quiet"'
need 'stdout-path = "/soc/serial@10000000"'
# three harts: the CLINT and PLIC name every hart's interrupt controller
need 'interrupts-extended = <(0x0[1-3] 0x03 0x0[1-3] 0x07 ?){3}>'
need 'interrupts-extended = <(0x0[1-3] 0x0b 0x0[1-3] 0x09 ?){3}>'
# -cpu: the ISA string and list name exactly the enabled extensions
"$rivet" -cpu rv64,zbb=off,d=off,zihintntl=on -machine virt,dumpdtb="$out/cpu.dtb" || { echo "FAIL: -cpu dumpdtb"; fail=1; }
cpu=$(dtc -I dtb -O dts "$out/cpu.dtb" 2>/dev/null)
printf "%s\n" "$cpu" | grep -q 'riscv,isa = "rv64imafc_zicntr_zicsr_zifencei_zihintntl_zihintpause_zba_zbs_sstc"' ||
    { echo "FAIL: -cpu rv64,zbb=off,d=off,zihintntl=on: wrong riscv,isa"; fail=1; }
printf "%s\n" "$cpu" | grep -q 'riscv,isa-base = "rv64i"' || { echo "FAIL: -cpu rv64,...: no riscv,isa-base"; fail=1; }
printf "%s\n" "$cpu" | grep -q 'riscv,isa-extensions = "i.0m.0a.0f.0c.0zicntr.0zicsr.0zifencei.0zihintntl.0zihintpause.0zba.0zbs.0sstc"' ||
    { echo "FAIL: -cpu rv64,zbb=off,d=off,zihintntl=on: wrong riscv,isa-extensions"; fail=1; }
# V: the letter and the list entry only when it is on
"$rivet" -cpu rv64,v=true,vlen=256 -machine virt,dumpdtb="$out/v.dtb" || { echo "FAIL: -cpu rv64,v=true dumpdtb"; fail=1; }
vdt=$(dtc -I dtb -O dts "$out/v.dtb" 2>/dev/null)
printf "%s\n" "$vdt" | grep -q 'riscv,isa = "rv64imafdcv_zicntr' || { echo "FAIL: -cpu rv64,v=true: no v in riscv,isa"; fail=1; }
printf "%s\n" "$vdt" | grep -q 'riscv,isa-extensions = "i.0m.0a.0f.0d.0c.0v.0zicntr' ||
    { echo "FAIL: -cpu rv64,v=true: no v in riscv,isa-extensions"; fail=1; }
printf "%s\n" "$cpu" | grep -q 'riscv,isa = "rv64[a-z]*v' && { echo "FAIL: v in riscv,isa without V"; fail=1; }
# Zvfh (which brings Zvfhmin and Zfhmin) is named when on, and only then
printf "%s\n" "$vdt" | grep -q 'zvfh' && { echo "FAIL: zvfh named without zvfh=true"; fail=1; }
"$rivet" -cpu rv64,v=true,zvfh=true -machine virt,dumpdtb="$out/zvfh.dtb" || { echo "FAIL: -cpu rv64,v=true,zvfh=true dumpdtb"; fail=1; }
zdt=$(dtc -I dtb -O dts "$out/zvfh.dtb" 2>/dev/null)
printf "%s\n" "$zdt" | grep -q 'riscv,isa = "rv64imafdcv_[a-z_]*_zfhmin_[a-z_]*_zvfh_zvfhmin' ||
    { echo "FAIL: -cpu rv64,v=true,zvfh=true: no zfhmin, zvfh, zvfhmin in riscv,isa"; fail=1; }
printf "%s\n" "$zdt" | grep -q 'zvfh.0zvfhmin.0' || { echo "FAIL: -cpu ...,zvfh=true: not in riscv,isa-extensions"; fail=1; }
# -cpu rv64 is the default: the same bytes
"$rivet" -cpu rv64 -smp 3 -m 256M -append "console=ttyS0 quiet" -machine virt,dumpdtb="$out/rv64.dtb" ||
    { echo "FAIL: -cpu rv64 dumpdtb"; fail=1; }
cmp -s "$out/rv64.dtb" "$out/virt.dtb" || { echo "FAIL: -cpu rv64 gives another device tree than the default"; fail=1; }
# rva23s64: the cache-block sizes of Zicbom, Zicbop and Zicboz
"$rivet" -cpu rva23s64 -machine virt,dumpdtb="$out/rva23.dtb" || { echo "FAIL: -cpu rva23s64 dumpdtb"; fail=1; }
rva23=$(dtc -I dtb -O dts "$out/rva23.dtb" 2>/dev/null)
for p in cbom cbop cboz; do
    echo "$rva23" | grep -q "riscv,$p-block-size = <0x40>" || { echo "FAIL: rva23s64 has no riscv,$p-block-size"; fail=1; }
done
# RVA23U64 has Zvfhmin (mandatory) but not Zvfh (optional)
echo "$rva23" | grep -q 'riscv,isa = "[a-z0-9_]*_zvfhmin' || { echo "FAIL: rva23s64 has no zvfhmin"; fail=1; }
echo "$rva23" | grep -q '_zvfh_' && { echo "FAIL: rva23s64 names zvfh"; fail=1; }
# RVA23U64 has Zvbb and Zvkt; QEMU 9 names Zvkb, Zvbb's subset, as well
echo "$rva23" | grep -q 'riscv,isa = "[a-z0-9_]*_zvbb_zvfhmin_zvkb_zvkt' || { echo "FAIL: rva23s64 has no zvbb, zvkb, zvkt"; fail=1; }
printf "%s\n" "$rva23" | grep -q 'zvbb.0zvfhmin.0zvkb.0zvkt.0' || { echo "FAIL: rva23s64: zvbb, zvkb, zvkt not in riscv,isa-extensions"; fail=1; }
printf "%s\n" "$zdt" | grep -q 'zvbb\|zvkb\|zvkt' && { echo "FAIL: zvbb, zvkb or zvkt named without them"; fail=1; }
"$rivet" -cpu rv64,v=true,zvbb=true -machine virt,dumpdtb="$out/zvbb.dtb" || { echo "FAIL: -cpu rv64,v=true,zvbb=true dumpdtb"; fail=1; }
dtc -I dtb -O dts "$out/zvbb.dtb" 2>/dev/null | grep -q 'riscv,isa = "rv64imafdcv_[a-z_]*_zvbb_zvkb_' ||
    { echo "FAIL: -cpu rv64,v=true,zvbb=true: not zvbb and zvkb in riscv,isa"; fail=1; }
# /soc as the board table writes it (machine/board/board.c: each row its own
# node, rows in QEMU's order, virtio-mmio slots highest first), read back
# property by property with fdtget
if command -v fdtget >/dev/null 2>&1; then
    get() { fdtget -t x "$dtb" "$@" 2>/dev/null; }
    want='clint@2000000 plic@c000000 serial@10000000'
    for a in 8 7 6 5 4 3 2 1; do want="$want virtio_mmio@1000${a}000"; done
    want="$want pci@30000000 rtc@101000 test@100000"
    soc=$(fdtget -l "$dtb" /soc | tr '\n' ' ' | sed 's/ $//')
    [ "$soc" = "$want" ] || { echo "FAIL: /soc lists '$soc', not '$want'"; fail=1; }
    plic=$(get /soc/plic@c000000 phandle)
    test=$(get /soc/test@100000 phandle)
    [ -n "$plic" ] && [ -n "$test" ] && [ "$plic" != "$test" ] || { echo "FAIL: plic/test phandles '$plic' '$test'"; fail=1; }
    node() { # NODE REG [IRQ]: reg, and interrupts wired to the PLIC
        r=$(get "/soc/$1" reg)
        [ "$r" = "$2" ] || { echo "FAIL: /soc/$1 reg = '$r', not '$2'"; fail=1; }
        [ -z "$3" ] && return
        i=$(get "/soc/$1" interrupts) p=$(get "/soc/$1" interrupt-parent)
        [ "$i" = "$3" ] && [ "$p" = "$plic" ] || { echo "FAIL: /soc/$1 interrupts '$i' parent '$p', not '$3' '$plic'"; fail=1; }
    }
    node clint@2000000 '0 2000000 0 10000'
    node plic@c000000 '0 c000000 0 600000'
    node serial@10000000 '0 10000000 0 100' a
    for a in 1 2 3 4 5 6 7 8; do node "virtio_mmio@1000${a}000" "0 1000${a}000 0 1000" "$a"; done
    node rtc@101000 '0 101000 0 1000' b
    node test@100000 '0 100000 0 1000'
    # The PCIe host bridge as QEMU 7.2's tree has it (issue 25): ECAM, the
    # I/O, 32-bit and 64-bit windows, INTA..INTD swizzled over PLIC 32..35
    node pci@30000000 '0 30000000 0 10000000'
    pget() { p=$(get /soc/pci@30000000 "$1"); [ "$p" = "$2" ] || { echo "FAIL: pci $1 = '$p', not '$2'"; fail=1; }; }
    [ "$(fdtget "$dtb" /soc/pci@30000000 compatible)" = pci-host-ecam-generic ] || { echo "FAIL: pci compatible"; fail=1; }
    [ "$(fdtget "$dtb" /soc/pci@30000000 device_type)" = pci ] || { echo "FAIL: pci device_type"; fail=1; }
    pget '#address-cells' 3
    pget '#size-cells' 2
    pget '#interrupt-cells' 1
    pget bus-range '0 ff'
    pget linux,pci-domain 0
    pget ranges '1000000 0 0 0 3000000 0 10000 2000000 0 40000000 0 40000000 0 40000000 3000000 4 0 4 0 4 0'
    pget interrupt-map-mask '1800 0 0 7'
    imap=''
    for slot in 0 1 2 3; do
        for pin in 1 2 3 4; do imap="$imap $(printf '%x 0 0 %x %s %x' $((slot << 11)) $pin "$plic" $((32 + (slot + pin - 1) % 4)))"; done
    done
    pget interrupt-map "${imap# }"
    fdtget -p "$dtb" /soc/pci@30000000 | grep -qx dma-coherent || { echo "FAIL: pci has no dma-coherent"; fail=1; }
    [ "$(get /soc/plic@c000000 riscv,ndev)" = 5f ] || { echo "FAIL: plic riscv,ndev"; fail=1; }
    for n in poweroff reboot; do
        [ "$(get /$n regmap)" = "$test" ] || { echo "FAIL: /$n regmap is not the test device's phandle"; fail=1; }
    done
fi
# -dtb: the blob just written is accepted back, and /chosen gets -append
"$rivet" -dtb "$dtb" -machine virt,dumpdtb="$out/again.dtb" -append "again" || { echo "FAIL: -dtb rejected a good blob"; fail=1; }
dtc -I dtb -O dts "$out/again.dtb" 2>/dev/null | grep -q 'bootargs = "again"' || { echo "FAIL: -append not in a -dtb tree"; fail=1; }
[ $fail -eq 0 ] && echo "device tree ok"
exit $fail
