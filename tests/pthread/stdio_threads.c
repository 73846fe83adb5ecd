/* Four threads print 200 lines each on one stream, stdout, half with printf and half with fputs: a line
 * is "thread T line NNN " and 40 + 7T 'x'. With each stream call one step for the other threads (the
 * stream's lock), every line comes out whole and each thread's in order; without it, two CPUs writing
 * the stream's buffer at once tear and lose lines (tests/pthread.rs). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *run(void *arg) {
    int t = (int)(long)arg;
    char pad[80];
    memset(pad, 'x', sizeof pad);
    pad[40 + 7 * t] = 0;
    for (int i = 0; i < 200; i++) {
        if (i % 2) printf("thread %d line %03d %s\n", t, i, pad);
        else { char line[128]; snprintf(line, sizeof line, "thread %d line %03d %s\n", t, i, pad); fputs(line, stdout); }
    }
    return NULL;
}

int main(void) {
    pthread_t th[4];
    for (long t = 0; t < 4; t++) pthread_create(&th[t], NULL, run, (void *)t);
    for (int t = 0; t < 4; t++) pthread_join(th[t], NULL);
    printf("done\n");
    return 0;
}
