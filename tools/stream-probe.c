/* stream-probe: the read bandwidth of one core over a buffer of BYTES bytes (the bytes of weights that one
 * token of a checkpoint reads), read front to back PASSES times; prints the median time per pass and the
 * tok/s that bandwidth allows (one pass per token). The sum is printed so the reads cannot be removed.
 * usage: stream-probe BYTES PASSES */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One integer sum (integer addition is associative, so the compiler splits it over vector lanes and
 * reads with the widest loads the CPU has). */
static uint64_t read_all(const uint64_t *p, size_t words) {
    uint64_t s = 0;
    for (size_t i = 0; i < words; i++) s += p[i];
    return s;
}

int main(int argc, char **argv) {
    char *end1 = NULL, *end2 = NULL;
    long long bytes = argc == 3 ? strtoll(argv[1], &end1, 10) : 0;
    long passes = argc == 3 ? strtol(argv[2], &end2, 10) : 0;
    if (argc != 3 || *end1 || *end2 || bytes < 64 || passes < 1 || passes > 100000) {
        fprintf(stderr, "stream-probe: bad arguments: expected BYTES (>= 64) PASSES (1..100000)\n");
        return 2;
    }
    size_t words = (size_t)bytes / 8;
    uint64_t *buf = aligned_alloc(64, (words * 8 + 63) / 64 * 64);
    double *t = malloc((size_t)passes * sizeof(double));
    if (!buf || !t) {
        fprintf(stderr, "stream-probe: out of memory for %lld bytes\n", bytes);
        return 1;
    }
    for (size_t i = 0; i < words; i++) buf[i] = i * 0x9e3779b97f4a7c15ull;
    uint64_t sum = read_all(buf, words); /* one pass to fault the pages in and warm the caches */
    for (long k = 0; k < passes; k++) {
        double t0 = now();
        sum += read_all(buf, words);
        t[k] = now() - t0;
    }
    qsort(t, (size_t)passes, sizeof(double), cmp_double);
    double med = t[passes / 2];
    printf("stream-probe: %lld bytes, median of %ld passes: %.3f ms per pass, %.2f GB/s, limit %.1f tok/s (sum %llu)\n",
           bytes, passes, med * 1e3, (double)bytes / med / 1e9, 1.0 / med, (unsigned long long)sum);
    free(t);
    free(buf);
    return 0;
}
