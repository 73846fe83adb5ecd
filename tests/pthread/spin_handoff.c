/* Two threads hand a token back and forth by spinning on C11 atomics only (no C library call
   while they wait): under `bareflow run --tier interp` the spinning thread must let the other
   interpreted thread run (irvm hands its lock over at atomics while a thread waits for it). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define ROUNDS 300
static atomic_int turn;
static atomic_long sum;
static void *player(void *arg) {
    int me = (int)(long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        int expected = me;
        while (!atomic_compare_exchange_weak(&turn, &expected, me)) expected = me;
        atomic_fetch_add(&sum, i);
        atomic_store(&turn, 1 - me);
    }
    return NULL;
}
int main(void) {
    pthread_t a, b;
    pthread_create(&a, NULL, player, (void *)0L);
    pthread_create(&b, NULL, player, (void *)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("sum %ld\n", (long)atomic_load(&sum));
    return 0;
}
