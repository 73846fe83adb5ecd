// `--fp-contract`: clang emits llvm.fmuladd for a*b + c; with the flag every tier fuses it
// (as clang -mfma does), without it every tier rounds twice (as a generic build does). The printed
// bits differ between the two roundings, so each mode must match its own native build exactly.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static double horner(const double *c, int n, double x) {
    double r = 0;
    for (int i = 0; i < n; i++) r = r * x + c[i];
    return r;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    double c[16], acc = 0;
    for (int i = 0; i < 16; i++) c[i] = 1.0 / (i + 3);
    for (int k = 0; k < n; k++) acc = acc * 0.999 + horner(c, 16, 0.1 + k * 1e-5);
    printf("acc=%.17g bits=%016llx\n", acc, *(unsigned long long *)&acc);
    return 0;
}
