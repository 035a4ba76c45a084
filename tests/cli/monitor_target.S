/* The monitor tests' guest (monitor_test.py, monitor_mux.py): a magic value
 * in s1, a marker written to memory, then a counter in memory incremented
 * for ever. The data page is fixed: marker at 0x80001000, counter at
 * 0x80001008 (a page of its own, so the stores never touch a code page). */
    .text
    .globl _start
_start:
    li s1, 0x5eed1234cafef00d
    li t0, 0x80001000
    li t1, 0x1122334455667788
    sd t1, 0(t0)
    li a0, 0
1:  addi a0, a0, 1
    sd a0, 8(t0)
    j 1b
    .org 0x1000
marker: .dword 0
counter: .dword 0
