/* exit() called from deep inside nested calls with a non-zero status; buffered output must be flushed
 * and the exit status must be the process's. */
#include "common.h"
#include <stdlib.h>

static void level3(int v) {
    if (v > 100) {
        printf("level3 exiting with %d\n", v % 256);
        ck((uint64_t)v);
        ck_print();
        exit(v % 256);
    }
}
static void level2(int v) { for (int i = 0; i < 10; i++) level3(v + i * 20); printf("unreachable level2\n"); }
static int level1(int v) { level2(v * 2); return -1; }

int main(void) {
    printf("starting\n");
    int r = level1(OPQ(21));
    printf("unreachable main %d\n", r);
    return 0;
}
