/* A loop that calls out: clang -O2 turns fib's second recursive call into a loop around the first
 * (tail-recursion elimination), which runs about 1.6 times per call. With irvm's counts as profile,
 * LLVM's unroller would peel it twice (two more copies of the recursive call); the JIT keeps it
 * whole (tests/peeling.rs). Usage: recursive_loop [N=30] */
#include <stdio.h>
#include <stdlib.h>

static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 30;
    printf("fib(%ld) = %ld\n", n, fib(n));
    return 0;
}
