/* Sizes known only at run time: a row kernel called with a width from the command line in most
 * calls, then with other widths (phases), and a fixed-size record copy. The output is a checksum
 * of everything computed, so every path (specialized or generic) must compute the same.
 * Arguments: width, calls, other width, percent of calls in the last phase (25), and what the
 * last phase does: 0 = alternate width, other width and small odd widths with steps 1 and 2;
 * 1 = small odd widths only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record {
    long id;
    double v[7];
};

/* One row of a 3-point stencil; `w` is the row width. */
__attribute__((noinline)) double row(double *dst, const double *src, int w, int step) {
    double s = 0;
    for (int i = 1; i + 1 < w; i += step) {
        dst[i] = 0.25 * src[i - 1] + 0.5 * src[i] + 0.25 * src[i + 1];
        s += dst[i];
    }
    return s;
}

/* Copy `n` bytes of records (memcpy with a size that only the run knows). */
__attribute__((noinline)) void copy_records(struct record *dst, const struct record *src, size_t n) {
    memcpy(dst, src, n);
}

int main(int argc, char **argv) {
    int w = argc > 1 ? atoi(argv[1]) : 64;
    int calls = argc > 2 ? atoi(argv[2]) : 20000;
    int other = argc > 3 ? atoi(argv[3]) : 96;
    int last_pct = argc > 4 ? atoi(argv[4]) : 25;
    int odd_only = argc > 5 ? atoi(argv[5]) : 0;
    if (w < 3 || other < 3 || calls < 1 || last_pct < 0 || last_pct > 100) {
        fprintf(stderr, "specialize: width and other width must be >= 3, calls >= 1, percent 0..100\n");
        return 2;
    }
    int cap = w > other ? w : other;
    double *a = calloc((size_t)cap, sizeof(double)), *b = calloc((size_t)cap, sizeof(double));
    struct record r[4], q[4];
    for (int i = 0; i < cap; i++) a[i] = (double)(i % 17) / 16.0;
    memset(r, 0, sizeof r);
    double sum = 0;
    long ids = 0;
    for (int c = 0; c < calls; c++) {
        /* Most calls with `w`; every 16th with `other`; the last phase changes widths and
         * steps, so specialized values change during the run. */
        int width = c % 16 == 15 ? other : w;
        int step = 1;
        if (c >= calls - (int)((long)calls * last_pct / 100)) {
            width = odd_only || c % 3 == 2 ? 5 + c % 7 : c % 3 == 0 ? other : w;
            step = 1 + c % 2;
        }
        sum += row(b, a, width, step);
        r[c % 4].id = c;
        r[c % 4].v[c % 7] = sum;
        copy_records(q, r, sizeof r);
        ids += q[(c + 1) % 4].id;
        double *t = a;
        a = b;
        b = t;
        a[0] = b[0];
        a[width - 1] = b[width - 1];
    }
    printf("sum=%.17g ids=%ld\n", sum, ids);
    free(a);
    free(b);
    return 0;
}
