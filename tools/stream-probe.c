/* stream-probe: the read bandwidth of THREADS cores (default 1) over a buffer of BYTES bytes (the bytes of
 * weights that one token of a checkpoint reads), read front to back PASSES times; prints the median time per
 * pass and the tok/s that bandwidth allows (one pass per token). With several threads each reads its own
 * contiguous part (the k-th of THREADS equal parts, as a team splitting a matmul's rows would) and a pass
 * is timed from the barrier that starts it to the barrier where the last part is read. The sum is printed
 * so the reads cannot be removed.
 * usage: stream-probe BYTES PASSES [THREADS] */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { MAX_THREADS = 64 };

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

typedef struct {
    const uint64_t *buf;
    size_t words;
    int threads;
    long passes;
    pthread_barrier_t start, end; /* every pass: all start, all have read their part */
} Probe;

typedef struct {
    Probe *probe;
    int index;
    uint64_t sum;
} Part;

/* The part's words: [index * words / threads, (index + 1) * words / threads). */
static uint64_t read_part(const Part *part) {
    const Probe *p = part->probe;
    size_t lo = p->words * (size_t)part->index / (size_t)p->threads;
    size_t hi = p->words * (size_t)(part->index + 1) / (size_t)p->threads;
    return read_all(p->buf + lo, hi - lo);
}

/* A partner thread: one read of its part per pass (and one before the passes, as the caller's). */
static void *partner(void *arg) {
    Part *part = arg;
    for (long k = 0; k <= part->probe->passes; k++) {
        pthread_barrier_wait(&part->probe->start);
        part->sum += read_part(part);
        pthread_barrier_wait(&part->probe->end);
    }
    return NULL;
}

int main(int argc, char **argv) {
    char *end1 = NULL, *end2 = NULL, *end3 = NULL;
    int ok = argc == 3 || argc == 4;
    long long bytes = ok ? strtoll(argv[1], &end1, 10) : 0;
    long passes = ok ? strtol(argv[2], &end2, 10) : 0;
    long threads = argc == 4 ? strtol(argv[3], &end3, 10) : 1;
    if (!ok || *end1 || *end2 || (end3 && *end3) || bytes < 64 || passes < 1 || passes > 100000 || threads < 1 ||
        threads > MAX_THREADS || bytes / 8 < threads) {
        fprintf(stderr, "stream-probe: bad arguments: expected BYTES (>= 64, at least 8 per thread) PASSES (1..100000) "
                        "[THREADS (1..%d)]\n", MAX_THREADS);
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
    Probe probe = {.buf = buf, .words = words, .threads = (int)threads, .passes = passes};
    Part parts[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    pthread_barrier_init(&probe.start, NULL, (unsigned)threads);
    pthread_barrier_init(&probe.end, NULL, (unsigned)threads);
    for (int k = 0; k < threads; k++) parts[k] = (Part){.probe = &probe, .index = k, .sum = 0};
    for (int k = 1; k < threads; k++) {
        int err = pthread_create(&ids[k], NULL, partner, &parts[k]);
        if (err) {
            fprintf(stderr, "stream-probe: cannot start thread %d of %ld (error %d)\n", k + 1, threads, err);
            return 1;
        }
    }
    /* Pass 0 faults the pages in and warms the caches; passes 1..PASSES are timed. */
    for (long k = 0; k <= passes; k++) {
        pthread_barrier_wait(&probe.start);
        double t0 = now();
        parts[0].sum += read_part(&parts[0]);
        pthread_barrier_wait(&probe.end);
        if (k > 0) t[k - 1] = now() - t0;
    }
    uint64_t sum = 0;
    for (int k = 0; k < threads; k++) {
        if (k > 0) pthread_join(ids[k], NULL);
        sum += parts[k].sum;
    }
    qsort(t, (size_t)passes, sizeof(double), cmp_double);
    double med = t[passes / 2];
    printf("stream-probe: %lld bytes, %ld thread%s, median of %ld passes: %.3f ms per pass, %.2f GB/s, limit %.1f "
           "tok/s (sum %llu)\n",
           bytes, threads, threads == 1 ? "" : "s", passes, med * 1e3, (double)bytes / med / 1e9, 1.0 / med,
           (unsigned long long)sum);
    pthread_barrier_destroy(&probe.start);
    pthread_barrier_destroy(&probe.end);
    free(t);
    free(buf);
    return 0;
}
