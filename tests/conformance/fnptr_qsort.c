/* qsort and bsearch from libc calling interpreted comparators (native -> interpreted callbacks): ints,
 * doubles, strings, structs with multi-key order, and a comparator that counts its calls. */
#include "common.h"
#include <stddef.h>
#include <stdlib.h>

static long calls;
static int cmp_int(const void *a, const void *b) { calls++; int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
struct emp { char name[12]; int dept; double salary; };
static int cmp_emp(const void *a, const void *b) {
    const struct emp *x = a, *y = b;
    if (x->dept != y->dept) return x->dept - y->dept;
    if (x->salary != y->salary) return x->salary > y->salary ? -1 : 1;
    return strcmp(x->name, y->name);
}

int main(void) {
    enum { N = 2000 };
    static int a[N];
    uint32_t s = OPQ(42u);
    for (int i = 0; i < N; i++) { s = s * 1664525u + 1013904223u; a[i] = (int)(s >> 8) % 100000; }
    qsort(a, N, sizeof a[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++) sorted &= a[i - 1] <= a[i];
    printf("ints sorted=%d first=%d last=%d median=%d\n", sorted, a[0], a[N - 1], a[N / 2]);
    for (int i = 0; i < N; i += 97) ck((uint32_t)a[i]);
    int found = 0;
    for (int k = 0; k < 1000; k += 7) {
        int key = k * 100;
        int *p = bsearch(&key, a, N, sizeof a[0], cmp_int);
        if (p) { found++; ck((uint64_t)(p - a)); }
    }
    printf("bsearch found %d\n", found);
    qsort(a, N, sizeof a[0], cmp_int_desc);
    printf("desc first=%d last=%d\n", a[0], a[N - 1]);
    printf("comparator calls > 0: %d\n", calls > 0);
    double d[50];
    for (int i = 0; i < 50; i++) d[i] = ((i * 7919) % 101) * 0.37 - 15;
    qsort(d, 50, sizeof d[0], cmp_dbl);
    printf("doubles %g %g %g\n", d[0], d[25], d[49]);
    for (int i = 0; i < 50; i++) ck_d(d[i]);
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape", "kiwi", "lemon", "apricot"};
    int nw = sizeof words / sizeof words[0];
    qsort(words, (size_t)nw, sizeof words[0], cmp_str);
    for (int i = 0; i < nw; i++) { printf("%s ", words[i]); ck_s(words[i]); }
    const char *key = "fig";
    const char **hit = bsearch(&key, words, (size_t)nw, sizeof words[0], cmp_str);
    printf("\nfig at %td\n", hit ? hit - words : (ptrdiff_t)-1);
    struct emp e[8] = {{"ann", 2, 50e3}, {"bob", 1, 60e3}, {"cat", 2, 70e3}, {"dan", 1, 60e3},
                       {"eve", 3, 10e3}, {"fay", 2, 50e3}, {"gus", 1, 90e3}, {"hal", 3, 10e3}};
    qsort(e, 8, sizeof e[0], cmp_emp);
    for (int i = 0; i < 8; i++) { printf("%s/%d/%g ", e[i].name, e[i].dept, e[i].salary); ck_s(e[i].name); }
    printf("\n");
    ck_print();
    return 0;
}
