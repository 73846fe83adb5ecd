// OSR test: the whole run is one loop nest in `main`, which is called once and so never
// gets a second, natively compiled entry; `sweep` is also called only once and loops over an array.
// Under `--tier auto` both loops must move to native code at their headers (on-stack replacement).
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned sweep(unsigned *a, int n, int rounds) {
    unsigned h = 2166136261u;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++) {
            a[i] = a[i] * 1664525u + 1013904223u + (unsigned)r;
            h = (h ^ a[i]) * 16777619u;
        }
    return h;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 3000000;
    double x = 0.5, sum = 0;
    long odd = 0;
    for (long i = 1; i <= n; i++) {
        x = 3.7 * x * (1.0 - x);  // logistic map: stays in (0, 1)
        sum += x;
        if ((i * 2654435761u) % 7 == 3) odd++;
    }
    unsigned *a = malloc(4096 * sizeof *a);
    for (int i = 0; i < 4096; i++) a[i] = (unsigned)i;
    unsigned h = sweep(a, 4096, (int)(n / 4096) + 1);
    printf("n=%ld sum=%.6f odd=%ld h=%08x\n", n, sum, odd, h);
    free(a);
    return 0;
}
