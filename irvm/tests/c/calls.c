// Calls: recursion, function pointers (tables, through native qsort/bsearch as callbacks), own
// variadic functions with va_list (ints, doubles, beyond the registers), printf, structs by value.
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct small { int a; float b; };
struct pair { double x, y; };
struct big { long v[9]; char tag[11]; };

__attribute__((noinline)) static struct small mk_small(int a) { struct small s = {a, a * 0.5f}; return s; }
__attribute__((noinline)) static struct pair swap(struct pair p) { struct pair q = {p.y, p.x}; return q; }
__attribute__((noinline)) static long big_sum(struct big b) { long s = 0; for (int i = 0; i < 9; i++) { s += b.v[i]; b.v[i] = 0; } return s + b.tag[0]; }
__attribute__((noinline)) static struct big big_make(long k) { struct big b; for (int i = 0; i < 9; i++) b.v[i] = k * i; snprintf(b.tag, sizeof b.tag, "t%ld", k); return b; }

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static long ackermann(long m, long n) { return m == 0 ? n + 1 : n == 0 ? ackermann(m - 1, 1) : ackermann(m - 1, ackermann(m, n - 1)); }
static double vsum(int n, ...) {
    va_list ap; va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) s += (i % 2) ? va_arg(ap, double) : (double)va_arg(ap, long);
    va_end(ap);
    return s;
}
static int vfmt(char *buf, size_t n, const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = vsnprintf(buf, n, fmt, ap); va_end(ap); return r; }
static int add1(int x) { return x + 1; }
static int dbl(int x) { return x * 2; }
static int (*const ops[])(int) = {add1, dbl, abs};

int main(int argc, char **argv) {
    int v[50];
    for (int i = 0; i < 50; i++) v[i] = (i * 7919) % 101 - 50;
    qsort(v, 50, sizeof v[0], cmp_int);
    int key = v[17], *found = bsearch(&key, v, 50, sizeof v[0], cmp_int);
    printf("sorted %d %d %d found %ld\n", v[0], v[25], v[49], (long)(found - v));
    printf("ack %ld\n", ackermann(2, 3));
    printf("vsum %.3f\n", vsum(11, 1L, 2.5, 3L, 4.25, 5L, 6.125, 7L, 8.5, 9L, 10.75, 11L));
    char buf[64];
    int r = vfmt(buf, sizeof buf, "%s|%5.2f|%x|%c", argc > 1 ? argv[1] : "none", 3.14159, 48879, 'Z');
    printf("vfmt %d %s\n", r, buf);
    int acc = argc;
    for (int i = 0; i < 9; i++) acc = ops[i % 3](acc - 5);
    printf("ops %d\n", acc);
    struct small s = mk_small(7);
    struct pair p = swap((struct pair){1.25, -8.5});
    struct big b = big_make(3);
    long bs = big_sum(b);
    printf("small %d %.2f pair %.2f %.2f big %ld %ld %s\n", s.a, s.b, p.x, p.y, bs, b.v[8], b.tag);
    return 0;
}
