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
# -dtb: the blob just written is accepted back, and /chosen gets -append
"$rivet" -dtb "$dtb" -machine virt,dumpdtb="$out/again.dtb" -append "again" || { echo "FAIL: -dtb rejected a good blob"; fail=1; }
dtc -I dtb -O dts "$out/again.dtb" 2>/dev/null | grep -q 'bootargs = "again"' || { echo "FAIL: -append not in a -dtb tree"; fail=1; }
[ $fail -eq 0 ] && echo "device tree ok"
exit $fail
