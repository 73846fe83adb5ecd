/* pthread_create from an app: the thread runs (irvm interprets its start routine on a state of
 * its own), in every tier; the value it returns comes back through pthread_join. */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    return (char *)arg + 1;
}

int main(void)
{
    pthread_t t;
    printf("before\n");
    fflush(stdout);
    void *r = NULL;
    if (pthread_create(&t, NULL, worker, (void *)41) == 0)
        pthread_join(t, &r);
    printf("after %ld\n", (long)r);
    return 0;
}
