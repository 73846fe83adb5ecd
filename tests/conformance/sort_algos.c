/* Sorting algorithms on arrays: insertion, shell, heap, merge (with a temp buffer), quicksort (Hoare),
 * radix sort on unsigned keys; each verified and hashed. */
#include "common.h"
#include <stdlib.h>

#define N 3000
typedef void (*sorter)(int *, int);

static void insertion(int *a, int n) { for (int i = 1; i < n; i++) { int v = a[i], j = i - 1; while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; } a[j + 1] = v; } }
static void shell(int *a, int n) { for (int g = n / 2; g > 0; g /= 2) for (int i = g; i < n; i++) { int v = a[i], j = i; while (j >= g && a[j - g] > v) { a[j] = a[j - g]; j -= g; } a[j] = v; } }
static void sift(int *a, int i, int n) { for (;;) { int l = 2 * i + 1, m = i; if (l < n && a[l] > a[m]) m = l; if (l + 1 < n && a[l + 1] > a[m]) m = l + 1; if (m == i) return; int t = a[i]; a[i] = a[m]; a[m] = t; i = m; } }
static void heapsort_(int *a, int n) { for (int i = n / 2 - 1; i >= 0; i--) sift(a, i, n); for (int e = n - 1; e > 0; e--) { int t = a[0]; a[0] = a[e]; a[e] = t; sift(a, 0, e); } }
static void merge_rec(int *a, int *tmp, int lo, int hi) {
    if (hi - lo < 2) return;
    int mid = (lo + hi) / 2;
    merge_rec(a, tmp, lo, mid); merge_rec(a, tmp, mid, hi);
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < mid) tmp[k++] = a[i++];
    while (j < hi) tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (size_t)(hi - lo) * sizeof *a);
}
static void mergesort_(int *a, int n) { int *tmp = malloc((size_t)n * sizeof *a); merge_rec(a, tmp, 0, n); free(tmp); }
static void quick(int *a, int lo, int hi) {
    if (lo >= hi) return;
    int p = a[lo + (hi - lo) / 2], i = lo - 1, j = hi + 1;
    for (;;) { do i++; while (a[i] < p); do j--; while (a[j] > p); if (i >= j) break; int t = a[i]; a[i] = a[j]; a[j] = t; }
    quick(a, lo, j); quick(a, j + 1, hi);
}
static void quicksort_(int *a, int n) { quick(a, 0, n - 1); }
static void radix(int *a, int n) { /* keys are non-negative */
    int *tmp = malloc((size_t)n * sizeof *a);
    for (int shift = 0; shift < 32; shift += 8) {
        int cnt[257] = {0};
        for (int i = 0; i < n; i++) cnt[((unsigned)a[i] >> shift & 255) + 1]++;
        for (int i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
        for (int i = 0; i < n; i++) tmp[cnt[(unsigned)a[i] >> shift & 255]++] = a[i];
        memcpy(a, tmp, (size_t)n * sizeof *a);
    }
    free(tmp);
}

int main(void) {
    static int orig[N], a[N];
    uint32_t s = OPQ(2024u);
    for (int i = 0; i < N; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; orig[i] = (int)(s % 100000); }
    const char *names[] = {"insertion", "shell", "heap", "merge", "quick", "radix"};
    sorter fns[] = {insertion, shell, heapsort_, mergesort_, quicksort_, radix};
    uint64_t first = 0;
    for (int k = 0; k < 6; k++) {
        memcpy(a, orig, sizeof a);
        fns[OPQ(k)](a, N);
        int ok = 1; uint64_t h = 0;
        for (int i = 0; i < N; i++) { if (i && a[i - 1] > a[i]) ok = 0; h = h * 1000003 + (uint32_t)a[i]; }
        if (k == 0) first = h;
        printf("%-9s sorted=%d same=%d min=%d max=%d\n", names[k], ok, h == first, a[0], a[N - 1]);
        ck(h); ck((uint64_t)ok);
    }
    ck_print();
    return 0;
}
