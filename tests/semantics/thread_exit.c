/* pthread_exit from a thread of the app: refused with one line naming it, in every tier (glibc
 * ends the thread by a forced unwind, which cannot cross the interpreter's frames). */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    printf("worker\n");
    fflush(stdout);
    pthread_exit(arg);
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) == 0)
        pthread_join(t, NULL);
    printf("after\n");
    return 0;
}
