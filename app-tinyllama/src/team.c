/* team: see team.h. A token of the shipped model runs ~26 parallel loops of a few microseconds each, shorter
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

/* A thread's lane: the contiguous run of the current loop's chunks that thread starts with, as the loop's number
 * (bits 63-32), the lane's end chunk (31-16) and its next chunk not taken yet (15-0). A thread takes its own
 * lane's chunks in order, then those left in the others' lanes: so each thread streams its own contiguous part
 * of a matrix, as long as no thread falls behind, and one that does is helped. A lane has its cache line (two,
 * whatever the allocation's alignment), so that taking a chunk from one's own lane moves no line between CPUs
 * until a thread steals. */
typedef struct {
    atomic_ullong ticket;
    char pad[128 - sizeof(atomic_ullong)];
} Lane;

struct Team {
    int n;
    pthread_t *threads;
    /* The current loop, published by the release stores of the lanes' tickets. */
    RangeFn fn;
    void *ctx;
    int items;
    int chunk; /* items per chunk of the current loop */
    /* One lane per thread. Its ticket carries the loop's number: a thread takes a chunk only of the loop it woke
     * for, so one that wakes late cannot take the next loop's, and only a chunk that exists. */
    Lane *lanes;
    atomic_int done; /* items of the current loop finished */
    atomic_ulong generation;
    atomic_int stop;
    atomic_int sleepers; /* threads asleep (or about to be) on `wake` */
    pthread_mutex_t lock;
    pthread_cond_t wake;
};

typedef struct {
    Team *team;
    int index; /* 1 .. n-1 */
} Worker;

/* Chunks per thread of a loop (at most 64 threads: 512 chunks, within a ticket's 16 bits): several, so that when
 * a thread gets less CPU time (a host that shares its CPUs, a guest CPU the emulator runs slower) the others take
 * the chunks left in its lane instead of waiting for them at the end. */
enum { CHUNKS_PER_THREAD = 8 };

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

static int all_done(void *counter, unsigned long items) {
    return atomic_load_explicit((atomic_int *)counter, memory_order_acquire) == (int)items;
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

/* Take one chunk of loop `loop` from `lane`; returns its index, or -1 when the lane has none left. */
static int take_chunk(Lane *lane, unsigned long loop) {
    unsigned long long ticket = atomic_load_explicit(&lane->ticket, memory_order_acquire);
    for (;;) {
        unsigned next = (unsigned)ticket & 0xffff, end = (unsigned)(ticket >> 16) & 0xffff;
        if ((unsigned)(ticket >> 32) != (unsigned)loop || next >= end) return -1;
        if (atomic_compare_exchange_weak_explicit(&lane->ticket, &ticket, ticket + 1, memory_order_acquire,
                                                  memory_order_acquire))
            return (int)next;
    }
}

/* Run chunks of loop `loop`: thread `self`'s own lane first, then the others' in turn. A chunk's fn, ctx, items
 * and chunk size are read only after it is taken, and the items run are counted once, when no lane has a chunk
 * left: the loop cannot end, and the next one cannot overwrite them, before then. The count is sequentially
 * consistent, as the sleepers count it is read with (no lost wake-up). */
static void run_chunks(Team *t, int self, unsigned long loop) {
    int ran = 0, items = 0;
    for (int k = 0; k < t->n; k++) {
        Lane *lane = &t->lanes[(self + k) % t->n];
        int c;
        while ((c = take_chunk(lane, loop)) >= 0) {
            items = t->items;
            int begin = c * t->chunk;
            int end = begin + t->chunk < items ? begin + t->chunk : items;
            t->fn(t->ctx, begin, end);
            ran += end - begin;
        }
    }
    if (ran > 0 && atomic_fetch_add(&t->done, ran) + ran == items) wake_sleepers(t);
}

static void *worker_main(void *arg) {
    Worker *w = arg;
    Team *t = w->team;
    unsigned long seen = 0;
    for (;;) {
        wait_until(t, generation_moved, &t->generation, seen);
        seen = atomic_load_explicit(&t->generation, memory_order_acquire);
        if (atomic_load_explicit(&t->stop, memory_order_relaxed)) break;
        run_chunks(t, w->index, seen);
    }
    free(w);
    return NULL;
}

Team *team_start(int n) {
    Team *t = calloc(1, sizeof(Team));
    pthread_t *threads = calloc((size_t)n, sizeof(pthread_t));
    Lane *lanes = calloc((size_t)n, sizeof(Lane));
    if (!t || !threads || !lanes) {
        fprintf(stderr, "tinyllama: -j %d: out of memory\n", n);
        free(t);
        free(threads);
        free(lanes);
        return NULL;
    }
    t->n = n;
    t->lanes = lanes;
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
    if (items <= 0) return;
    int chunks = t->n * CHUNKS_PER_THREAD;
    unsigned long loop = atomic_load_explicit(&t->generation, memory_order_relaxed) + 1;
    t->fn = fn;
    t->ctx = ctx;
    t->items = items;
    t->chunk = (items + chunks - 1) / chunks;
    chunks = (items + t->chunk - 1) / t->chunk; /* none empty */
    atomic_store_explicit(&t->done, 0, memory_order_relaxed);
    for (int k = 0; k < t->n; k++) {
        unsigned long long first = (unsigned)(chunks * k / t->n), end = (unsigned)(chunks * (k + 1) / t->n);
        atomic_store_explicit(&t->lanes[k].ticket, (unsigned long long)(unsigned)loop << 32 | end << 16 | first,
                              memory_order_release);
    }
    atomic_store(&t->generation, loop); /* wakes the workers for this loop (sequentially consistent) */
    wake_sleepers(t);
    run_chunks(t, 0, loop);
    /* Only chunks other threads took can still run: a worker that did not wake in time takes none. */
    wait_until(t, all_done, &t->done, (unsigned long)items);
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
    free(t->lanes);
    free(t);
}
