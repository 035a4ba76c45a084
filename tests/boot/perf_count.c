/* perf_event_open in the Linux guest (issue 20's "perf stat shows real
 * numbers", issue 25): counts the user-mode instructions and cycles of a
 * loop of a known length and prints them, for linux_boot.py --perf to
 * check. Static, glibc: built with riscv64-linux-gnu-gcc by CMake.
 *
 *   perf_count [ITERATIONS]   (default 1000000)
 * prints "perf: instructions=N cycles=N iterations=N user_only=0|1" or
 * "perf: error ..." and exits non-zero. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* User mode only where the PMU can filter (the SBI PMU can; the legacy
 * one, the bare cycle and instret CSRs, cannot and refuses the flag). */
static int open_counter(uint64_t config, int *user_only)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_HARDWARE;
    a.size = sizeof a;
    a.config = config;
    a.disabled = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    if (fd < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
        a.exclude_kernel = 0;
        a.exclude_hv = 0;
        fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
        *user_only = 0;
    }
    return fd;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int user_only = 1;
    int fi = open_counter(PERF_COUNT_HW_INSTRUCTIONS, &user_only);
    int fc = open_counter(PERF_COUNT_HW_CPU_CYCLES, &user_only);
    if (fi < 0 || fc < 0) {
        printf("perf: error perf_event_open: %s\n", strerror(errno));
        return 1;
    }
    ioctl(fi, PERF_EVENT_IOC_RESET, 0);
    ioctl(fc, PERF_EVENT_IOC_RESET, 0);
    ioctl(fi, PERF_EVENT_IOC_ENABLE, 0);
    ioctl(fc, PERF_EVENT_IOC_ENABLE, 0);
    /* At least two instructions an iteration (the add and the branch). */
    for (long i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory");
    ioctl(fi, PERF_EVENT_IOC_DISABLE, 0);
    ioctl(fc, PERF_EVENT_IOC_DISABLE, 0);
    uint64_t insns = 0, cycles = 0;
    if (read(fi, &insns, sizeof insns) != sizeof insns || read(fc, &cycles, sizeof cycles) != sizeof cycles) {
        printf("perf: error read: %s\n", strerror(errno));
        return 1;
    }
    printf("perf: instructions=%llu cycles=%llu iterations=%ld user_only=%d\n", (unsigned long long)insns,
           (unsigned long long)cycles, n, user_only);
    return 0;
}
