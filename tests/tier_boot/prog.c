/* The program tests/tier_boot.rs runs with `bareflow run --tier auto --verbose` as a Linux process and inside the
 * unikernel (QEMU): several small functions get hot enough to tier up (low thresholds), through direct calls, a
 * qsort callback and recursion; the output and the tier log must be the same in both. Small: it runs under TCG. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over a buffer: a loop, called often. */
__attribute__((noinline)) unsigned hash(const unsigned char *p, size_t n) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

/* qsort's comparator: called from core-rt's (or glibc's) qsort through its canonical address. */
__attribute__((noinline)) int by_value(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return (x > y) - (x < y);
}

/* Recursion: each call is counted. */
__attribute__((noinline)) unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

/* Floating point and a libm call. */
__attribute__((noinline)) double norm(const double *v, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i] * v[i];
    return sqrt(s);
}

/* A string built with libc calls. */
__attribute__((noinline)) size_t label(char *out, unsigned k) {
    char num[16];
    snprintf(num, sizeof num, "%u", k % 1000);
    strcpy(out, "item-");
    strcat(out, num);
    return strlen(out);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 30;
    unsigned vals[64], total = 0;
    double v[8];
    char buf[32];
    size_t chars = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 64; i++) {
            unsigned k = (unsigned)(r * 64 + i);
            vals[i] = hash((const unsigned char *)&k, sizeof k);
        }
        qsort(vals, 64, sizeof vals[0], by_value);
        total ^= vals[r % 64] + fib(10 + r % 5);
        for (int i = 0; i < 8; i++) v[i] = (double)(vals[i] % 1000) / 7.0;
        total += (unsigned)(norm(v, 8) * 1000.0);
        chars += label(buf, vals[63]);
    }
    printf("tier_boot: rounds=%d total=%u chars=%zu last=%s\n", rounds, total, chars, buf);
    return 0;
}
