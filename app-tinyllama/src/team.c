/* team: see team.h. A token of the shipped model runs ~41 parallel loops of a few microseconds each, shorter
 * than a futex wake-up, and between two loops the calling thread runs serial code (norms, attention, the
 * sampler over the whole vocabulary) for up to tens of microseconds. So a waiting thread first spins on an
 * atomic counter (the loop's generation, or the ranges still running) for a time budget, SPIN_NS, longer
 * than those serial stretches; only when the wait outlasts it — the end of the run, or a machine with no free
 * CPU for the partner — does it sleep on a condition variable, so that a team larger than the free CPUs does
 * not burn the CPU its partners need for more than the budget. (A budget counted in spins was too short:
 * measured on a 2-vCPU host, 20,000 spins ended inside the gaps, every loop paid a sleep and a wake-up, and
 * -j 2 ran at 0.1x of -j 1; docs/performance.md.)
 * Lost wake-ups cannot happen: a sleeper counts itself in `sleepers` and re-checks the counter under the
 * mutex; the waker changes the counter first, then reads `sleepers` (both sequentially consistent) and, if
 * anyone sleeps, broadcasts under the mutex. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c11 */

#include "team.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct Team {
    int n;
    pthread_t *threads;
    /* The current loop, published by a release increment of `generation`. */
    RangeFn fn;
    void *ctx;
    int items;
    atomic_ulong generation;
    atomic_int remaining; /* worker ranges of the current loop not finished yet */
    atomic_int stop;
    atomic_int sleepers; /* threads asleep (or about to be) on `wake` */
    pthread_mutex_t lock;
    pthread_cond_t wake;
};

typedef struct {
    Team *team;
    int index; /* 1 .. n-1: the range this worker takes */
} Worker;

static void range_of(const Team *t, int k, int *begin, int *end) {
    *begin = (int)((long)t->items * k / t->n);
    *end = (int)((long)t->items * (k + 1) / t->n);
}

/* How long a waiting thread spins before it sleeps, and how many spins between two looks at the clock. */
enum { SPIN_NS = 500000, SPINS_PER_CLOCK_READ = 256 };

static long long monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Spin until done(counter, value) or SPIN_NS have passed; returns whether it is done. */
typedef int (*DoneFn)(void *counter, unsigned long value);

static int spin_until(DoneFn done, void *counter, unsigned long value) {
    long long deadline = 0;
    for (;;) {
        for (int i = 0; i < SPINS_PER_CLOCK_READ; i++)
            if (done(counter, value)) return 1;
        long long now = monotonic_ns();
        if (deadline == 0) deadline = now + SPIN_NS;
        else if (now >= deadline) return 0;
    }
}

static int generation_moved(void *counter, unsigned long old) {
    return atomic_load_explicit((atomic_ulong *)counter, memory_order_acquire) != old;
}

static int none_remaining(void *counter, unsigned long unused) {
    (void)unused;
    return atomic_load_explicit((atomic_int *)counter, memory_order_acquire) == 0;
}

/* Wait until done(counter, value): spin for SPIN_NS, then sleep on the team's condition variable. */
static void wait_until(Team *t, DoneFn done, void *counter, unsigned long value) {
    if (spin_until(done, counter, value)) return;
    pthread_mutex_lock(&t->lock);
    atomic_fetch_add(&t->sleepers, 1);
    while (!done(counter, value)) pthread_cond_wait(&t->wake, &t->lock);
    atomic_fetch_sub(&t->sleepers, 1);
    pthread_mutex_unlock(&t->lock);
}

/* After changing a counter others wait on: wake the sleepers, if any. */
static void wake_sleepers(Team *t) {
    if (atomic_load(&t->sleepers) == 0) return;
    pthread_mutex_lock(&t->lock);
    pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->lock);
}

static void *worker_main(void *arg) {
    Worker *w = arg;
    Team *t = w->team;
    unsigned long seen = 0;
    for (;;) {
        wait_until(t, generation_moved, &t->generation, seen);
        seen = atomic_load_explicit(&t->generation, memory_order_acquire);
        if (atomic_load_explicit(&t->stop, memory_order_relaxed)) break;
        int begin, end;
        range_of(t, w->index, &begin, &end);
        if (begin < end) t->fn(t->ctx, begin, end);
        if (atomic_fetch_sub(&t->remaining, 1) == 1) wake_sleepers(t);
    }
    free(w);
    return NULL;
}

Team *team_start(int n) {
    Team *t = calloc(1, sizeof(Team));
    pthread_t *threads = calloc((size_t)n, sizeof(pthread_t));
    if (!t || !threads) {
        fprintf(stderr, "tinyllama: -j %d: out of memory\n", n);
        free(t);
        free(threads);
        return NULL;
    }
    t->n = n;
    t->threads = threads;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    for (int k = 1; k < n; k++) {
        Worker *w = malloc(sizeof(Worker));
        int err = -1;
        if (w) {
            w->team = t;
            w->index = k;
            err = pthread_create(&t->threads[k], NULL, worker_main, w);
        }
        if (err == 0) continue;
        fprintf(stderr, "tinyllama: -j %d: cannot start thread %d (%s)\n", n, k, w ? strerror(err) : "out of memory");
        free(w);
        t->n = k; /* the threads started so far: team_stop joins them */
        team_stop(t);
        return NULL;
    }
    return t;
}

void team_run(Team *t, RangeFn fn, void *ctx, int items) {
    if (t->n == 1) {
        fn(ctx, 0, items);
        return;
    }
    t->fn = fn;
    t->ctx = ctx;
    t->items = items;
    atomic_store_explicit(&t->remaining, t->n - 1, memory_order_relaxed);
    atomic_fetch_add(&t->generation, 1);
    wake_sleepers(t);
    int begin, end;
    range_of(t, 0, &begin, &end);
    if (begin < end) fn(ctx, begin, end);
    wait_until(t, none_remaining, &t->remaining, 0);
}

void team_stop(Team *t) {
    if (!t) return;
    if (t->n > 1) {
        atomic_store_explicit(&t->stop, 1, memory_order_relaxed);
        atomic_fetch_add(&t->generation, 1);
        wake_sleepers(t);
        for (int k = 1; k < t->n; k++) pthread_join(t->threads[k], NULL);
    }
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t->threads);
    free(t);
}
