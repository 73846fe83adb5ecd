// OSR profile test: main's first loop reaches the OSR mark, so main's OSR variant is
// compiled while that loop runs — the loops after it have never run and the loop's exit has
// never been taken. The variant must still treat them as code that runs (no zero branch weight
// that would make them cold), and `m`, live at the header, must be recomputed from `n` (a pure
// function of it) so LLVM keeps knowing that m >= 1.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 6000, m = n / 3 + 1;
    char *a = malloc((size_t)n), *b = malloc((size_t)m);
    uint32_t s = 99;
    for (long i = 0; i < n; i++) { s = s * 1103515245u + 12345u; a[i] = (char)('a' + (s >> 16) % 3); }
    for (long j = 0; j < m; j++) b[j] = a[(j * 3 + 1) % n];
    uint64_t *row = calloc((size_t)m + 1, sizeof *row);
    row[0] = 1;
    for (long i = 0; i < n; i++)
        for (long j = m; j >= 1; j--)
            if (a[i] == b[j - 1]) row[j] = (row[j] + row[j - 1]) % 1000000007u;
    printf("n=%ld subsequences=%llu\n", n, (unsigned long long)row[m]);
    free(a); free(b); free(row);
    return 0;
}
