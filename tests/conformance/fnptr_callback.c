/* Higher-order functions in interpreted code: map/filter/fold with callbacks, closures emulated with
 * context pointers, a callback registry, and recursion through function pointers. */
#include "common.h"
#include <stdlib.h>

typedef long (*fold_fn)(long acc, long x, void *ctx);
typedef int (*pred_fn)(long x);
static long fold(const long *a, int n, long init, fold_fn f, void *ctx) { for (int i = 0; i < n; i++) init = f(init, a[i], ctx); return init; }
static int filter(const long *a, int n, long *out, pred_fn p) { int k = 0; for (int i = 0; i < n; i++) if (p(a[i])) out[k++] = a[i]; return k; }
static void map(long *a, int n, long (*f)(long)) { for (int i = 0; i < n; i++) a[i] = f(a[i]); }

static long add(long acc, long x, void *ctx) { (void)ctx; return acc + x; }
static long weighted(long acc, long x, void *ctx) { long *w = ctx; return acc + x * (*w)++; }
static long maxf(long acc, long x, void *ctx) { (void)ctx; return x > acc ? x : acc; }
static int is_even(long x) { return x % 2 == 0; }
static int is_big(long x) { return x > 500; }
static long sq(long x) { return x * x % 1009; }
static long neg(long x) { return -x; }

struct event { const char *name; void (*cb)(void *, int); void *arg; };
static void on_count(void *arg, int v) { *(int *)arg += v; }
static void on_log(void *arg, int v) { printf("  [%s] %d\n", (const char *)arg, v); }

typedef unsigned (*rec_fn)(unsigned, void *);
static unsigned collatz(unsigned n, void *self) { return n == 1 ? 0 : 1 + ((rec_fn)self)(n % 2 ? 3 * n + 1 : n / 2, self); }

int main(void) {
    long a[100], b[100];
    for (int i = 0; i < 100; i++) a[i] = (i * 37 + 11) % 1000;
    long w = 1;
    printf("sum %ld weighted %ld max %ld\n", fold(a, 100, 0, add, NULL), fold(a, 100, 0, weighted, &w), fold(a, 100, -1, maxf, NULL));
    ck((uint64_t)fold(a, 100, 0, add, NULL)); ck((uint64_t)w);
    int ne = filter(a, 100, b, is_even), nb = filter(a, OPQ(100), b, is_big);
    printf("even %d big %d first big %ld\n", ne, nb, b[0]);
    map(a, 100, sq);
    map(a, 50, neg);
    long s = fold(a, 100, 0, add, NULL);
    printf("after map %ld\n", s);
    ck((uint64_t)s);
    int counter = 0;
    struct event evs[] = {{"count", on_count, &counter}, {"log", on_log, "log-a"}, {"count", on_count, &counter}, {"log", on_log, "log-b"}};
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 4; i++) evs[i].cb(evs[i].arg, round * 10 + i);
    printf("counter %d\n", counter);
    ck((uint32_t)counter);
    unsigned total = 0;
    for (unsigned n = 1; n < OPQ(300u); n++) total += collatz(n, (void *)collatz);
    printf("collatz total %u\n", total);
    ck(total);
    ck_print();
    return 0;
}
