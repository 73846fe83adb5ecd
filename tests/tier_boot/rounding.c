/* Rounding on bare metal: clang turns floor, ceil, trunc, rint, nearbyint, round, lround, fma and
 * their float twins into LLVM intrinsics, which x86-64 lowers to one instruction only with SSE4.1 or
 * FMA. For QEMU's default CPU the JIT's code calls them as functions, which the JIT must resolve
 * (tier/src/policy.rs, LIBCALLS). Prints the sum of mix() over N points (default 2000). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static double mix(double x)
{
    float f = (float)x;
    return floor(x) + ceil(x * 0.5) + trunc(-x) + rint(x * 1.25) + nearbyint(x * 0.75) + round(x / 3) +
           (double)lround(x * 0.3) + fma(x, 0.5, 0.25) + floorf(f) + ceilf(f * 0.5f) + truncf(-f) +
           roundf(f / 3) + rintf(f * 1.25f) + fmaf(f, 0.5f, 0.25f);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += mix(i * 0.37 - 50);
    printf("rounding: %d points, sum %.6f\n", n, sum);
    return 0;
}
