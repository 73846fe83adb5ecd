/* Recursion: naive Fibonacci. Usage: fib [N=32] */
#include "common.h"

static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 32);
    printf("fib(%ld) = %ld\n", n, fib(n));
    return 0;
}
