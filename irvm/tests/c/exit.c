// exit() from deep inside the program: stdout is flushed, the status comes out, atexit handlers
// (interpreted functions called back by the C library) run in reverse order.
#include <stdio.h>
#include <stdlib.h>

static void bye1(void) { printf("bye1\n"); }
static void bye2(void) { printf("bye2\n"); }
__attribute__((noinline)) static void deep(int n) {
    if (n == 0) { printf("leaving with 42"); exit(42); }
    deep(n - 1);
    printf("not reached\n");
}

int main(void) {
    atexit(bye1);
    atexit(bye2);
    printf("start\n");
    deep(5);
    return 0;
}
