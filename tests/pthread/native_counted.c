/* Calls between JIT-compiled functions on two threads: `driver` (compiled before it first calls `leaf`)
   calls `leaf` WARM times on the main thread, which brings `leaf` to its second tier; then THREADS threads
   each run `driver` for CALLS calls of `leaf` at once. Below its top tier, `leaf` is called from
   `driver`'s native code through its thunk, which counts each call without irvm's lock until its tier
   mark (recording argument values from half the mark on). The profile must count exactly
   WARM + THREADS * CALLS calls of `leaf` (tests/pthread.rs). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 2
#define WARM 200
#define CALLS 100000

/* `rounds` is always ROUNDS: once its calls near the O3 mark, the argument values recorded (by the counted
   calls too) make the O3 compile specialize it. */
#define ROUNDS 3

__attribute__((noinline)) unsigned leaf(unsigned x, int rounds) {
    for (int r = 0; r < rounds; r++) x = x * 2654435761u + (x >> 7);
    return x;
}

__attribute__((noinline)) unsigned driver(unsigned seed, int n) {
    for (int i = 0; i < n; i++) seed = leaf(seed, ROUNDS) ^ (unsigned)i;
    return seed;
}

static void *worker(void *arg) { return (void *)(uintptr_t)driver((unsigned)(uintptr_t)arg, CALLS); }

int main(void) {
    unsigned s = 1;
    /* `driver` is compiled (warm threshold 3) before it ever calls `leaf`. */
    for (int r = 0; r < 3; r++) s = driver(s, 0);
    s = driver(s, WARM);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(s + (unsigned)i));
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        s ^= (unsigned)(uintptr_t)r;
    }
    printf("native_counted: %u\n", s);
    return 0;
}
