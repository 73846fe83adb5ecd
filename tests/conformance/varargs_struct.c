/* Variadic calls with aggregate and wide arguments: va_arg of structs (small in registers, large in
 * memory), __int128, long double-free mixes, and an interpreted variadic called through a pointer. */
#include "common.h"
#include <stdarg.h>

struct pt { int x, y; };
struct col { double r, g, b; };
struct blob { char tag[24]; long n; };

static double consume(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double s = 0;
    for (int i = 0; i < n; i++) {
        int kind = va_arg(ap, int);
        if (kind == 0) { struct pt p = va_arg(ap, struct pt); s += p.x * 10 + p.y; }
        else if (kind == 1) { struct col c = va_arg(ap, struct col); s += c.r + c.g * 2 + c.b * 3; }
        else if (kind == 2) { struct blob b = va_arg(ap, struct blob); s += (double)strlen(b.tag) + (double)b.n; }
        else if (kind == 3) { __int128 v = va_arg(ap, __int128); s += (double)(v >> 64) + (double)(uint64_t)v; }
        else { s += va_arg(ap, double); }
    }
    va_end(ap);
    return s;
}

int main(void) {
    struct pt p = {OPQ(3), 4};
    struct col c = {0.5, 0.25, OPQ(0.125)};
    struct blob b = {"variadic-blob", 1000};
    __int128 w = ((__int128)OPQ(5) << 64) | 7;
    double r = consume(6, 0, p, 1, c, 2, b, 3, w, 4, 2.75, 0, (struct pt){-1, -2});
    double (*fp)(int, ...) = consume;
    double r2 = fp(OPQ(3), 1, c, 1, c, 0, p);
    printf("%.17g %.17g\n", r, r2);
    ck_d(r); ck_d(r2);
    /* Many mixed arguments to printf itself. */
    printf("%d %f %d %f %d %f %d %f %d %f %d %f %d %f %s\n", 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, OPQ(7), 7.5, "end");
    ck_print();
    return 0;
}
