/* atexit handlers: libc calls interpreted functions at exit, in reverse registration order, after main
 * returns; output flushed by exit. Exit status is main's return value. */
#include "common.h"
#include <stdlib.h>

static int order[8], n_order;
static void h1(void) { order[n_order++] = 1; printf("handler 1 (seen %d)\n", n_order); }
static void h2(void) { order[n_order++] = 2; printf("handler 2 (seen %d)\n", n_order); }
static void h3(void) {
    order[n_order++] = 3;
    printf("handler 3 (seen %d)\n", n_order);
}
static void last(void) {
    uint64_t h = 0;
    for (int i = 0; i < n_order; i++) h = h * 10 + (uint64_t)order[i];
    printf("order %llu\n", (unsigned long long)h);
    ck(h);
    ck_print();
}

int main(void) {
    atexit(last);
    atexit(h1);
    atexit(h2);
    if (OPQ(1)) atexit(h3);
    printf("main done\n");
    return 7;
}
