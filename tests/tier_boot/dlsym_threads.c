/* Two threads look up a name that only the image's symbol map has, at the same moment and as the boot's first
 * look-ups (tests/tier_boot.rs): both must get its address, the map inflated once while the other thread waits. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t start;
static void *found[2];

static void *look_up(void *arg) {
    long k = (long)arg;
    pthread_barrier_wait(&start);
    found[k] = dlsym(RTLD_DEFAULT, "core_rt_boot");
    return NULL;
}

int main(void) {
    pthread_t other;
    pthread_barrier_init(&start, NULL, 2);
    if (pthread_create(&other, NULL, look_up, (void *)1) != 0) {
        printf("pthread_create failed\n");
        return 1;
    }
    look_up((void *)0);
    pthread_join(other, NULL);
    for (int k = 0; k < 2; k++) printf("thread %d: dlsym core_rt_boot = %p\n", k, found[k]);
    return 0;
}
