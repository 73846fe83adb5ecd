/* OSR test: the whole run is one loop in `main`, which is called once; without on-stack
 * replacement it would stay interpreted (see tests/tiering.rs and docs/tiering.md). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000000;
    unsigned long h = 1469598103934665603ul, a = 0;
    double x = 0.5;
    for (long i = 0; i < n; i++) {
        h = (h ^ (unsigned long)i) * 1099511628211ul;
        if (h & 1) a += h >> 33; else a ^= h << 3;
        x = x * 0.999999 + (double)(h & 1023) * 1e-9;
    }
    printf("osr_main_loop: n=%ld h=%lu a=%lu x=%.9f\n", n, h, a, x);
    return 0;
}
