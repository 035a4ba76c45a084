/* Double-precision kernel: a small n-body integration (sqrt, divide,
 * multiply-add chains) and a cache-resident matrix product. */
#define BENCH_NAME "fp"
#include <stdint.h>
#include <string.h>

#define BODIES 16
#define N      48

struct body {
    double x, y, z, vx, vy, vz, m;
};

static struct body bodies[BODIES];
static double ma[N][N], mb[N][N], mc[N][N];

static void nbody_step(double dt)
{
    for (int i = 0; i < BODIES; i++)
        for (int j = i + 1; j < BODIES; j++) {
            struct body *p = &bodies[i], *q = &bodies[j];
            double dx = p->x - q->x, dy = p->y - q->y, dz = p->z - q->z;
            double d2 = dx * dx + dy * dy + dz * dz + 0.01;
            double mag = dt / (d2 * __builtin_sqrt(d2));
            /* clang-format off */
            p->vx -= dx * q->m * mag; p->vy -= dy * q->m * mag; p->vz -= dz * q->m * mag;
            q->vx += dx * p->m * mag; q->vy += dy * p->m * mag; q->vz += dz * p->m * mag;
            /* clang-format on */
        }
    for (int i = 0; i < BODIES; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static double matmul(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0.0;
            for (int k = 0; k < N; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    double t = 0.0;
    for (int i = 0; i < N; i++) /* feed back, kept bounded */
        for (int j = 0; j < N; j++) {
            ma[i][j] = mc[i][j] / (1.0 + __builtin_fabs(mc[i][j]));
            t += mc[i][j];
        }
    return t;
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t bench_run(unsigned scale)
{
    for (int i = 0; i < BODIES; i++) {
        struct body b = { i * 1.5, (i % 4) * 0.75 - 1.0, (i % 3) * 0.5, 0.01 * i, -0.02 * (i % 5), 0.0, 1.0 + i * 0.1 };
        bodies[i] = b;
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            ma[i][j] = (double)((i * 7 + j * 3) % 11) / 11.0 - 0.5;
            mb[i][j] = (double)((i * 5 + j * 13) % 17) / 17.0 - 0.5;
        }
    uint64_t sum = 0;
    for (unsigned r = 0; r < scale; r++) {
        for (int s = 0; s < 6000; s++)
            nbody_step(0.001);
        for (int s = 0; s < 40; s++)
            sum = sum * 3 + bits(matmul());
    }
    for (int i = 0; i < BODIES; i++)
        sum ^= bits(bodies[i].x) + bits(bodies[i].vy) * 5;
    return sum;
}

#include "bench.h"
