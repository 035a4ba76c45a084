set pagination off
set confirm off
set architecture riscv:rv64
break gdb_break_here
continue
printf "THREADS\n"
info threads
printf "AT break=%d\n", $pc == (long)&gdb_break_here
stepi
printf "STEP1 a0=%ld off=%ld\n", $a0, $pc - (long)&gdb_break_here
stepi
printf "STEP2 a1=%ld off=%ld\n", $a1, $pc - (long)&gdb_break_here
printf "PRIV %ld MSTATUS_OK %d\n", $priv, $mstatus != 0
set var shared_value = 42
printf "READBACK %ld\n", shared_value
delete
watch watched
continue
printf "WATCHED %ld\n", watched
delete
continue
