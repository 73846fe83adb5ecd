/* Gather fixed-size records by an index: the record size comes from the command line, so the
 * copy is a memcpy of a size only the running program knows. Usage:
 * spec_records [SIZE=48] [COUNT=4096] [REPS=2000] */
#include <string.h>
#include "common.h"

__attribute__((noinline)) static void gather(char *dst, const char *src, const unsigned *idx, long count, long size) {
    for (long i = 0; i < count; i++) memcpy(dst + i * size, src + (long)idx[i] * size, (size_t)size);
}

int main(int argc, char **argv) {
    long size = arg_long(argc, argv, 1, 48), count = arg_long(argc, argv, 2, 4096), reps = arg_long(argc, argv, 3, 2000);
    char *a = malloc((size_t)(count * size)), *b = malloc((size_t)(count * size));
    unsigned *idx = malloc((size_t)count * sizeof *idx);
    for (long i = 0; i < count * size; i++) a[i] = (char)(i * 31 + i / size);
    unsigned x = 12345;
    for (long i = 0; i < count; i++) {
        x = x * 1103515245u + 12345u;
        idx[i] = (x >> 8) % (unsigned)count;
    }
    unsigned long check = 0;
    for (long r = 0; r < reps; r++) {
        gather(b, a, idx, count, size);
        check = check * 31 + (unsigned char)b[(r * 131) % (count * size)];
        char *t = a;
        a = b;
        b = t;
    }
    printf("spec_records size=%ld count=%ld reps=%ld check=%lu\n", size, count, reps, check);
    free(a); free(b); free(idx);
    return 0;
}
