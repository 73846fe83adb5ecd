/* The program tests/gdb_jit.rs debugs: built with -g, run by `bareflow run --tier jit --opt 2` under gdb,
 * which must stop in the JIT-compiled collatz_steps by name and show a backtrace through main. */
#include <stdio.h>

/* Steps for n to reach 1 (noinline: the breakpoint needs its own JIT-compiled function). */
__attribute__((noinline)) int collatz_steps(long n) {
    int steps = 0;
    while (n != 1) {
        n = (n & 1) ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

int main(void) {
    long best = 1;
    int most = 0;
    for (long n = 1; n < 1000; n++) {
        int s = collatz_steps(n);
        if (s > most) {
            most = s;
            best = n;
        }
    }
    printf("longest below 1000: %ld (%d steps)\n", best, most);
    return 0;
}
