/* Loops that step two counters at their latch (irvm folds the second step into the latch op):
 * counters meeting in the middle (the compare reads both), a stride and a counter, a counter
 * that is also the loop's bound, and the same on 32-bit counters; and a loop of one store with a
 * variable stride. */
#include "common.h"

__attribute__((noinline)) static void reverse(long *a, long n) {
    for (long i = 0, j = n - 1; i < j; i++, j--) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

__attribute__((noinline)) static long strided(const long *a, long n) {
    long s = 0;
#pragma clang loop vectorize(disable) unroll(disable)
    for (long i = 0, j = 0; i < n; i++, j += 3) s += a[j] ^ i;
    return s;
}

/* A sieve's marking loop: one byte store a trip, a stride that is a variable. */
__attribute__((noinline)) static long sieve(char *c, long n) {
    long primes = 0;
    for (long i = 2; i <= n; i++) c[i] = 0;
    for (long i = 2; i <= n; i++) {
        if (c[i]) continue;
        primes += i;
        for (long j = i * i; j <= n; j += i) c[j] = 1;
    }
    return primes;
}

/* The bound moves with the other counter: the compare reads the value stepped just before. */
__attribute__((noinline)) static long chase(long n) {
    long steps = 0;
#pragma clang loop vectorize(disable) unroll(disable)
    for (long i = 0, lim = n; i != lim; i += 3, lim += 2) steps += i ^ lim;
    return steps;
}

__attribute__((noinline)) static int narrow(const int *a, int n) {
    int s = 0;
#pragma clang loop vectorize(disable) unroll(disable)
    for (int i = 0, j = n - 1; i < n; i++, j--) s += a[i] * 3 - a[j];
    return s;
}

int main(void) {
    long a[301];
    for (int k = 0; k < 301; k++) a[k] = k * 7919 % 1000 - 500;
    for (long n = OPQ(0); n <= 301; n += 37) {
        reverse(a, n);
        ck(a[0]); ck(a[n > 0 ? n - 1 : 0]);
    }
    printf("reverse %ld %ld %ld\n", a[0], a[150], a[300]);
    long s = strided(a, OPQ(100));
    printf("strided %ld\n", s);
    ck(s);
    long c = chase(OPQ(40));
    printf("chase %ld\n", c);
    ck(c);
    static char marks[1001];
    long p = sieve(marks, OPQ(1000));
    printf("sieve %ld\n", p);
    ck(p);
    for (int k = 0; k <= 1000; k++) ck(marks[k]);
    int b[64];
    for (int k = 0; k < 64; k++) b[k] = k * k - 100;
    int t = narrow(b, OPQ(64));
    printf("narrow %d\n", t);
    ck((uint32_t)t);
    ck_print();
    return 0;
}
