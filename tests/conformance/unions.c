/* Unions: type punning float<->int, tagged unions with a dispatcher, unions inside structs passed by value. */
#include "common.h"

union fbits { float f; uint32_t u; uint8_t b[4]; };
union dbits { double d; uint64_t u; uint32_t w[2]; };
enum kind { K_INT, K_DBL, K_STR, K_PAIR };
struct value { enum kind k; union { long i; double d; const char *s; struct { short a, b; } pair; } as; };

__attribute__((noinline)) static double as_num(struct value v) {
    switch (v.k) {
    case K_INT: return (double)v.as.i;
    case K_DBL: return v.as.d;
    case K_STR: return (double)strlen(v.as.s);
    case K_PAIR: return v.as.pair.a * 100.0 + v.as.pair.b;
    }
    return -1;
}
static float fast_inv_sqrt(float x) {
    union fbits u = {x};
    u.u = 0x5f3759dfu - (u.u >> 1);
    return u.f * (1.5f - 0.5f * x * u.f * u.f);
}

int main(void) {
    union fbits fb = {OPQ(-1.5f)};
    printf("float %g bits %08x bytes %02x %02x %02x %02x\n", fb.f, fb.u, fb.b[0], fb.b[1], fb.b[2], fb.b[3]);
    fb.u ^= 0x80000000u;
    printf("negated %g\n", fb.f);
    union dbits db = {OPQ(3.141592653589793)};
    printf("double bits %016llx hi %08x lo %08x\n", (unsigned long long)db.u, db.w[1], db.w[0]);
    db.u += 1;
    printf("next %.17g\n", db.d);
    ck(fb.u); ck(db.u);
    struct value vals[] = {{K_INT, {.i = -42}}, {K_DBL, {.d = 2.5}}, {K_STR, {.s = "hello"}},
                           {K_PAIR, {.pair = {3, 7}}}, {K_INT, {.i = 1L << 40}}};
    double s = 0;
    for (int i = 0; i < 5; i++) { double v = as_num(vals[OPQ(i)]); printf("value %d -> %g\n", i, v); s += v; ck_d(v); }
    printf("sum %g\n", s);
    for (float x = 0.5f; x < 100; x *= OPQ(3.0f)) {
        float r = fast_inv_sqrt(x);
        printf("rsqrt %g ~ %.9g\n", x, r);
        ck_f(r);
    }
    ck_print();
    return 0;
}
