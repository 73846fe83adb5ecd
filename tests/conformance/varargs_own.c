/* Own variadic functions: va_arg of int/long/double/pointer, va_copy, va_list passed down, many args
 * (spilling to the stack), promotions of char/short/float. */
#include "common.h"
#include <stdarg.h>

static long sum_ints(int n, ...) { va_list ap; va_start(ap, n); long s = 0; for (int i = 0; i < n; i++) s += va_arg(ap, int); va_end(ap); return s; }
static double sum_mixed(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    double s = 0;
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': s += va_arg(ap, int); break;
        case 'l': s += (double)va_arg(ap, long long); break;
        case 'd': s += va_arg(ap, double); break;
        case 'c': s += (char)va_arg(ap, int); break;   /* char promoted to int */
        case 'f': s += (float)va_arg(ap, double); break; /* float promoted to double */
        case 's': s += (double)strlen(va_arg(ap, const char *)); break;
        case 'p': s += *va_arg(ap, int *); break;
        }
    }
    va_end(ap);
    return s;
}
static long inner(int n, va_list ap) { long p = 1; for (int i = 0; i < n; i++) p = p * 3 + va_arg(ap, long); return p; }
static long twice(int n, ...) {
    va_list ap, cp;
    va_start(ap, n);
    va_copy(cp, ap);
    long a = inner(n, ap);
    long b = inner(n, cp); /* same values again through the copy */
    va_end(cp);
    va_end(ap);
    return a * 1000 + (a == b);
}
static double avg_doubles(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, double);
    va_end(ap);
    return s / n;
}

int main(void) {
    long s1 = sum_ints(OPQ(3), 1, 2, 3);
    long s2 = sum_ints(12, 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, OPQ(-12));
    int x = 40;
    double m = sum_mixed("ildcfsp", OPQ(5), 1LL << 40, 2.5, (char)'A', 1.25f, "hello", &x);
    long t = twice(OPQ(4), 10L, 20L, 30L, 40L);
    double av = avg_doubles(10, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, OPQ(10.5));
    printf("%ld %ld %.17g %ld %.17g\n", s1, s2, m, t, av);
    ck((uint64_t)s1); ck((uint64_t)s2); ck_d(m); ck((uint64_t)t); ck_d(av);
    /* More than 8 double args: the rest go through the overflow area. */
    double big = sum_mixed("dddddddddddiiiiiiii", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 1, 2, 3, 4, 5, 6, 7, OPQ(8));
    printf("big %g\n", big);
    ck_d(big);
    ck_print();
    return 0;
}
