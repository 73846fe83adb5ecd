/* Profile counters with threads: THREADS workers each call `bump` CALLS times (a loop of
   CALLS iterations each), contending for one mutex; main calls it once. Under `bareflow run
   --tier interp` the profile must count exactly THREADS * CALLS + 1 calls of `bump`, and its
   loop in `worker` exactly THREADS * CALLS back edges. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define CALLS 5000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

__attribute__((noinline)) static void bump(long v) {
    pthread_mutex_lock(&lock);
    total += v;
    pthread_mutex_unlock(&lock);
}

static void *worker(void *arg) {
    for (int i = 0; i < CALLS; i++) bump((long)arg);
    return NULL;
}

int main(void) {
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    bump(0);
    printf("total %ld\n", total);
    return total == (long)CALLS * THREADS * (THREADS + 1) / 2 ? 0 : 1;
}
