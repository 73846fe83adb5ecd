/* Mixed float/int structs (one eightbyte SSE + one INTEGER), nested structs and arrays, packed and
 * aligned structs, flexible array members, and offsetof/sizeof checks. */
#include "common.h"
#include <stddef.h>
#include <stdlib.h>

struct di { double d; long l; };
struct id { int i; float f; double d; };
struct nested { struct { char c; short s; } in; struct di di; float arr[3]; };
struct __attribute__((packed)) packed { char c; int i; short s; double d; };
struct __attribute__((aligned(32))) al { int x; };
struct fam { int n; double v[]; };

__attribute__((noinline)) static struct di f_di(struct di a, struct di b) { return (struct di){a.d * b.d + (double)a.l, a.l - b.l}; }
__attribute__((noinline)) static struct id f_id(struct id a) { a.i *= 2; a.f += 0.5f; a.d -= a.i; return a; }
__attribute__((noinline)) static struct nested f_nested(struct nested n, int k) {
    n.in.c = (char)(n.in.c + k); n.in.s = (short)(n.in.s * k); n.di = f_di(n.di, n.di);
    for (int i = 0; i < 3; i++) n.arr[i] *= (float)k;
    return n;
}
__attribute__((noinline)) static double sum_packed(struct packed *p, int n) { double s = 0; for (int i = 0; i < n; i++) s += p[i].c + p[i].i + p[i].s + p[i].d; return s; }

int main(void) {
    struct di x = f_di((struct di){OPQ(1.5), 10}, (struct di){2.0, 3});
    printf("di %g %ld\n", x.d, x.l);
    struct id y = f_id((struct id){OPQ(21), 1.25f, 100.0});
    printf("id %d %g %g\n", y.i, y.f, y.d);
    struct nested n = {{'A', 300}, {0.5, 7}, {1, 2, 3}};
    n = f_nested(n, OPQ(3));
    printf("nested %c %d %g %ld %g %g %g\n", n.in.c, n.in.s, n.di.d, n.di.l, n.arr[0], n.arr[1], n.arr[2]);
    struct packed ps[5];
    for (int i = 0; i < 5; i++) { ps[i].c = (char)i; ps[i].i = i * 1000; ps[i].s = (short)-i; ps[i].d = i * 0.125; }
    printf("packed sum %g size %zu offsets %zu %zu %zu\n", sum_packed(ps, OPQ(5)), sizeof(struct packed),
           offsetof(struct packed, i), offsetof(struct packed, s), offsetof(struct packed, d));
    struct al a[3];
    printf("aligned size %zu stride %td\n", sizeof(struct al), (char *)&a[1] - (char *)&a[0]);
    int cnt = OPQ(5);
    struct fam *fm = malloc(sizeof *fm + cnt * sizeof(double));
    fm->n = cnt;
    for (int i = 0; i < cnt; i++) fm->v[i] = i * i * 0.5;
    double fs = 0;
    for (int i = 0; i < fm->n; i++) fs += fm->v[i];
    printf("fam %g\n", fs);
    free(fm);
    ck_d(x.d); ck((uint64_t)x.l); ck((uint32_t)y.i); ck_f(y.f); ck_d(y.d); ck((uint8_t)n.in.c); ck((uint16_t)n.in.s);
    ck_d(n.di.d); ck((uint64_t)n.di.l); ck_d(sum_packed(ps, 5)); ck_d(fs);
    ck_print();
    return 0;
}
