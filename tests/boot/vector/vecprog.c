/*
 * vecprog: a static Linux program for the V guest test (issue 21) and the
 * vector bench, built by clang-16 three ways from this one file:
 *
 *   vec_scalar  -march=rv64gc  -O2            plain C
 *   vec_auto    -march=rv64gcv -O2            the same C, auto-vectorised
 *                                             (plus the intrinsics below)
 *
 * `vecprog check` runs each kernel (memcpy, strlen, dot product, matrix
 * multiply) on fixed pseudo-random data and prints one line per kernel:
 * "NAME c SUM" for the plain C, and in the vector build also "NAME i SUM"
 * for the intrinsics version. Every SUM must equal the scalar build's.
 *
 * `vecprog vstate ID SECONDS` fills all 32 vector registers, vl and vtype
 * with a pattern of its own, spins (no system call: Linux discards vector
 * state at a system call, but must keep it across preemption), reads them
 * back and compares; it repeats for SECONDS and prints "vstate ID ok ROUNDS
 * SWITCHES" (involuntary context switches seen) or "vstate ID BAD ...".
 *
 * `vecprog bench KERNEL N [i]` runs one kernel N times (bench/run's vector
 * section; i: the intrinsics) and prints a checksum of what it computed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef __riscv_vector
#include <riscv_vector.h>
#endif

#define BUF   (64 * 1024)
#define DOT_N 4096
#define MAT_N 48

static uint8_t src[BUF], dst[BUF];
static char text[BUF];
static int32_t va[DOT_N], vb[DOT_N];
static int32_t ma[MAT_N * MAT_N], mb[MAT_N * MAT_N], mc[MAT_N * MAT_N];

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fill(void)
{
    for (int i = 0; i < BUF; i++) {
        src[i] = (uint8_t)rnd();
        text[i] = (char)(1 + rnd() % 255); /* no NUL until set below */
    }
    for (int i = 0; i < DOT_N; i++) {
        va[i] = (int32_t)(rnd() % 2001) - 1000;
        vb[i] = (int32_t)(rnd() % 2001) - 1000;
    }
    for (int i = 0; i < MAT_N * MAT_N; i++) {
        ma[i] = (int32_t)(rnd() % 201) - 100;
        mb[i] = (int32_t)(rnd() % 201) - 100;
    }
}

static uint64_t fnv(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* ---- Plain C (vectorised by the compiler in the vector build) ---- */

__attribute__((noinline)) static void copy_c(uint8_t *restrict d, const uint8_t *restrict s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

__attribute__((noinline)) static size_t strlen_c(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

__attribute__((noinline)) static int64_t dot_c(const int32_t *a, const int32_t *b, size_t n)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (int64_t)a[i] * b[i];
    return sum;
}

__attribute__((noinline)) static void matmul_c(int32_t *restrict c, const int32_t *a, const int32_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            c[i * n + j] = 0;
        for (int k = 0; k < n; k++) {
            int32_t x = a[i * n + k];
            for (int j = 0; j < n; j++)
                c[i * n + j] += x * b[k * n + j];
        }
    }
}

/* ---- Intrinsics (vector build only) ---- */

#ifdef __riscv_vector
__attribute__((noinline)) static void copy_v(uint8_t *d, const uint8_t *s, size_t n)
{
    while (n) {
        size_t vl = __riscv_vsetvl_e8m8(n);
        __riscv_vse8_v_u8m8(d, __riscv_vle8_v_u8m8(s, vl), vl);
        d += vl, s += vl, n -= vl;
    }
}

/* Fault-only-first loads: a load past the string's page may trim vl. */
__attribute__((noinline)) static size_t strlen_v(const char *s)
{
    const char *p = s;
    for (;;) {
        size_t vl;
        vuint8m4_t v = __riscv_vle8ff_v_u8m4((const uint8_t *)p, &vl, __riscv_vsetvlmax_e8m4());
        long first = __riscv_vfirst_m_b2(__riscv_vmseq_vx_u8m4_b2(v, 0, vl), vl);
        if (first >= 0)
            return (size_t)(p - s) + (size_t)first;
        p += vl;
    }
}

__attribute__((noinline)) static int64_t dot_v(const int32_t *a, const int32_t *b, size_t n)
{
    size_t vlmax = __riscv_vsetvlmax_e64m4();
    vint64m4_t acc = __riscv_vmv_v_x_i64m4(0, vlmax);
    while (n) {
        size_t vl = __riscv_vsetvl_e32m2(n);
        vint64m4_t prod = __riscv_vwmul_vv_i64m4(__riscv_vle32_v_i32m2(a, vl), __riscv_vle32_v_i32m2(b, vl), vl);
        acc = __riscv_vadd_vv_i64m4_tu(acc, acc, prod, vl);
        a += vl, b += vl, n -= vl;
    }
    vint64m1_t zero = __riscv_vmv_v_x_i64m1(0, 1);
    return __riscv_vmv_x_s_i64m1_i64(__riscv_vredsum_vs_i64m4_i64m1(acc, zero, vlmax));
}

__attribute__((noinline)) static void matmul_v(int32_t *c, const int32_t *a, const int32_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n;) {
            size_t vl = __riscv_vsetvl_e32m4((size_t)(n - j));
            vint32m4_t acc = __riscv_vmv_v_x_i32m4(0, vl);
            for (int k = 0; k < n; k++)
                acc = __riscv_vmacc_vx_i32m4(acc, a[i * n + k], __riscv_vle32_v_i32m4(&b[k * n + j], vl), vl);
            __riscv_vse32_v_i32m4(&c[i * n + j], acc, vl);
            j += (int)vl;
        }
    }
}
#endif

/* ---- Checks ---- */

static uint64_t run_kernel(const char *name, int intr, int reps)
{
    uint64_t sum = 0;
    (void)intr; /* the scalar build has no intrinsics */
    for (int r = 0; r < reps; r++) {
        if (!strcmp(name, "memcpy")) {
            size_t n = BUF - (size_t)r % 61; /* odd lengths: the tail */
            memset(dst, 0, sizeof dst);
#ifdef __riscv_vector
            if (intr)
                copy_v(dst, src + r % 7, n - 7);
            else
#endif
                copy_c(dst, src + r % 7, n - 7);
            sum += fnv(dst, sizeof dst);
        } else if (!strcmp(name, "strlen")) {
            size_t at = BUF - 1 - (size_t)(rnd() % 4096); /* NUL near the end */
            char saved = text[at];
            text[at] = 0;
#ifdef __riscv_vector
            sum += intr ? strlen_v(text + r % 13) : strlen_c(text + r % 13);
#else
            sum += strlen_c(text + r % 13);
#endif
            text[at] = saved;
        } else if (!strcmp(name, "dot")) {
            size_t n = DOT_N - (size_t)r % 5;
#ifdef __riscv_vector
            sum += (uint64_t)(intr ? dot_v(va, vb, n) : dot_c(va, vb, n));
#else
            sum += (uint64_t)dot_c(va, vb, n);
#endif
        } else if (!strcmp(name, "matmul")) {
            int n = MAT_N - r % 3;
#ifdef __riscv_vector
            if (intr)
                matmul_v(mc, ma, mb, n);
            else
#endif
                matmul_c(mc, ma, mb, n);
            sum += fnv(mc, sizeof(int32_t) * (size_t)(n * n));
        }
    }
    return sum;
}

/* bench: the kernel alone `reps` times, one checksum at the end, so the
 * kernel's own code is what is timed. */
static uint64_t bench_kernel(const char *name, int intr, int reps)
{
    uint64_t sum = 0;
    (void)intr;
    text[BUF - 100] = 0;
    for (int r = 0; r < reps; r++) {
#ifdef __riscv_vector
        if (intr) {
            if (!strcmp(name, "memcpy"))
                copy_v(dst, src + r % 7, BUF - 7);
            else if (!strcmp(name, "strlen"))
                sum += strlen_v(text + r % 13);
            else if (!strcmp(name, "dot"))
                sum += (uint64_t)dot_v(va, vb, DOT_N - (size_t)r % 5);
            else if (!strcmp(name, "matmul"))
                matmul_v(mc, ma, mb, MAT_N);
            continue;
        }
#endif
        if (!strcmp(name, "memcpy"))
            copy_c(dst, src + r % 7, BUF - 7);
        else if (!strcmp(name, "strlen"))
            sum += strlen_c(text + r % 13);
        else if (!strcmp(name, "dot"))
            sum += (uint64_t)dot_c(va, vb, DOT_N - (size_t)r % 5);
        else if (!strcmp(name, "matmul"))
            matmul_c(mc, ma, mb, MAT_N);
    }
    return sum + fnv(dst, sizeof dst) + fnv(mc, sizeof mc);
}

static const char *const kernels[] = { "memcpy", "strlen", "dot", "matmul" };

static int check(void)
{
    for (int k = 0; k < 4; k++) {
        rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)k;
        fill();
        printf("%s c %016llx\n", kernels[k], (unsigned long long)run_kernel(kernels[k], 0, 8));
#ifdef __riscv_vector
        rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)k;
        fill();
        printf("%s i %016llx\n", kernels[k], (unsigned long long)run_kernel(kernels[k], 1, 8));
#endif
    }
    return 0;
}

/* ---- Vector state across preemption ---- */

#ifdef __riscv_vector
/* Loads v0-v31 from in (32 * vlenb bytes), sets vl/vtype, spins `spin`
 * iterations, stores v0-v31 to out and returns vl and vtype as read then. */
static void vstate_round(const uint8_t *in, uint8_t *out, unsigned long avl, unsigned long spin, unsigned long *vl,
                         unsigned long *vtype, int e64)
{
    unsigned long t;
    __asm__ volatile("vsetvli t0, zero, e8, m8, ta, ma\n"
                     "mv t0, %[in]\n"
                     "vl8re8.v v0, (t0)\n"
                     "csrr t1, vlenb\n"
                     "slli t1, t1, 3\n"
                     "add t0, t0, t1\n"
                     "vl8re8.v v8, (t0)\n"
                     "add t0, t0, t1\n"
                     "vl8re8.v v16, (t0)\n"
                     "add t0, t0, t1\n"
                     "vl8re8.v v24, (t0)\n"
                     "bnez %[e64], 1f\n"
                     "vsetvli zero, %[avl], e16, mf2, tu, mu\n"
                     "j 2f\n"
                     "1: vsetvli zero, %[avl], e64, m2, ta, mu\n"
                     "2: mv t0, %[spin]\n"
                     "3: addi t0, t0, -1\n"
                     "bnez t0, 3b\n"
                     "csrr %[vl], vl\n"
                     "csrr %[vtype], vtype\n"
                     "mv t0, %[out]\n"
                     "csrr t1, vlenb\n"
                     "slli t1, t1, 3\n"
                     "vs8r.v v0, (t0)\n"
                     "add t0, t0, t1\n"
                     "vs8r.v v8, (t0)\n"
                     "add t0, t0, t1\n"
                     "vs8r.v v16, (t0)\n"
                     "add t0, t0, t1\n"
                     "vs8r.v v24, (t0)\n"
                     : [vl] "=&r"(*vl), [vtype] "=&r"(*vtype), "=&r"(t)
                     : [in] "r"(in), [out] "r"(out), [avl] "r"(avl), [spin] "r"(spin), [e64] "r"(e64)
                     : "t0", "t1", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11",
                       "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
                       "v26", "v27", "v28", "v29", "v30", "v31");
    (void)t;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int vstate(int id, double seconds)
{
    size_t vlenb = __riscv_vsetvlmax_e8m1();
    uint8_t *in = malloc(32 * vlenb), *out = malloc(32 * vlenb);
    unsigned long rounds = 0;
    double end = now() + seconds;
    rng_state += (uint64_t)id * 0x1234567ull;
    while (now() < end || rounds < 4) {
        for (size_t i = 0; i < 32 * vlenb; i++)
            in[i] = (uint8_t)rnd();
        int e64 = id & 1;
        unsigned long avl = 1 + rounds % 3, vl, vtype;
        vstate_round(in, out, avl, 2000000, &vl, &vtype, e64);
        unsigned long want_vtype = e64 ? 0x59 : 0x0f; /* e64 m2 ta mu; e16 mf2 tu mu */
        if (memcmp(in, out, 32 * vlenb) || vl != avl || vtype != want_vtype) {
            printf("vstate %d BAD round %lu vl %lu vtype %#lx\n", id, rounds, vl, vtype);
            return 1;
        }
        rounds++;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("vstate %d ok %lu %ld\n", id, rounds, ru.ru_nivcsw);
    return 0;
}
#endif

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "check"))
        return check();
#ifdef __riscv_vector
    if (argc >= 4 && !strcmp(argv[1], "vstate"))
        return vstate(atoi(argv[2]), atof(argv[3]));
#endif
    if (argc >= 4 && !strcmp(argv[1], "bench")) {
        rng_state = 1;
        fill();
        int intr = argc >= 5 && !strcmp(argv[4], "i");
        printf("%s %016llx\n", argv[2], (unsigned long long)bench_kernel(argv[2], intr, atoi(argv[3])));
        return 0;
    }
    fprintf(stderr, "usage: vecprog check | vstate ID SECONDS | bench KERNEL N [i]\n");
    return 2;
}
