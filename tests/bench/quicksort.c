/* Sorting: quicksort (Lomuto partition, median of three) of pseudo-random ints, repeated.
 * Usage: quicksort [N=200000] [REPS=1] */
#include "common.h"
#include <stdint.h>

static void quicksort(int *a, long lo, long hi) {
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) { int t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (a[hi] < a[lo]) { int t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
        if (a[mid] < a[hi]) { int t = a[mid]; a[mid] = a[hi]; a[hi] = t; }
        int pivot = a[hi];
        long i = lo;
        for (long j = lo; j < hi; j++)
            if (a[j] < pivot) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; }
        int t = a[i]; a[i] = a[hi]; a[hi] = t;
        if (i - lo < hi - i) { quicksort(a, lo, i - 1); lo = i + 1; }
        else { quicksort(a, i + 1, hi); hi = i - 1; }
    }
}

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 200000), reps = arg_long(argc, argv, 2, 1);
    int *a = malloc((size_t)n * sizeof *a);
    uint64_t check = 0;
    uint32_t s = 12345;
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i < n; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; a[i] = (int)(s >> 1); }
        quicksort(a, 0, n - 1);
        for (long i = 1; i < n; i++) if (a[i - 1] > a[i]) { printf("not sorted at %ld\n", i); return 1; }
        for (long i = 0; i < n; i += n / 64 + 1) check = check * 31 + (uint32_t)a[i];
    }
    printf("quicksort n=%ld reps=%ld check=%016llx\n", n, reps, (unsigned long long)check);
    free(a);
    return 0;
}
