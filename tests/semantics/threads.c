/* pthread_create from an app: refused with one line naming it (irvm runs the program on one
 * thread), in every tier; nothing after the call runs. */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    return arg;
}

int main(void)
{
    pthread_t t;
    printf("before\n");
    fflush(stdout);
    if (pthread_create(&t, NULL, worker, NULL) == 0)
        pthread_join(t, NULL);
    printf("after\n");
    return 0;
}
