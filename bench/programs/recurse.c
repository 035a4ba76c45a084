/* Call-heavy recursion: naive Fibonacci, an N-queens search and a recursive
 * walk over a binary tree built in a static pool. */
#define BENCH_NAME "recurse"
#include <stdint.h>

#define DEPTH 16
#define NODES ((1u << DEPTH) - 1)

struct node {
    struct node *l, *r;
    uint32_t v;
};

static struct node pool[NODES];
static unsigned used;

__attribute__((noinline)) static uint64_t fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static unsigned queens(unsigned n, unsigned row, uint32_t cols, uint32_t d1, uint32_t d2)
{
    if (row == n)
        return 1;
    unsigned count = 0;
    for (unsigned c = 0; c < n; c++) {
        uint32_t a = 1u << c, b = 1u << (row + c), e = 1u << (row + n - c);
        if (!(cols & a) && !(d1 & b) && !(d2 & e))
            count += queens(n, row + 1, cols | a, d1 | b, d2 | e);
    }
    return count;
}

__attribute__((noinline)) static struct node *build(unsigned depth, uint32_t v)
{
    if (depth == 0 || used >= NODES)
        return 0;
    struct node *t = &pool[used++];
    t->v = v;
    t->l = build(depth - 1, v * 3 + 1);
    t->r = build(depth - 1, v * 5 + 2);
    return t;
}

__attribute__((noinline)) static uint64_t walk(const struct node *t, unsigned d)
{
    if (!t)
        return d;
    return (walk(t->l, d + 1) * 7 + walk(t->r, d + 1) + t->v) & 0xffffffffffffull;
}

static uint64_t bench_run(unsigned scale)
{
    uint64_t sum = 0;
    for (unsigned r = 0; r < scale * 6; r++) {
        sum += fib(26 + (r & 1));
        sum = sum * 3 + queens(8, 0, 0, 0, 0);
        used = 0;
        sum ^= walk(build(DEPTH, r), 0);
        sum += walk(&pool[1], 0);
    }
    return sum;
}

#include "bench.h"
