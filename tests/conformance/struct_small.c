/* Small structs by value: the x86-64 ABI splits them into registers (INTEGER/SSE classes), coerced to
 * i64/double/<2 x float> in the IR. Passed, returned, and nested. */
#include "common.h"

struct i2 { int a, b; };
struct c3 { char x, y, z; };
struct f2 { float x, y; };
struct d1 { double v; };
struct fi { float f; int i; };
struct s12 { short s; long long l; };
struct dd { double x, y; };

__attribute__((noinline)) static struct i2 swap_i2(struct i2 v) { return (struct i2){v.b, v.a}; }
__attribute__((noinline)) static struct c3 rot_c3(struct c3 v) { return (struct c3){v.y, v.z, v.x}; }
__attribute__((noinline)) static struct f2 add_f2(struct f2 a, struct f2 b) { return (struct f2){a.x + b.x, a.y * b.y}; }
__attribute__((noinline)) static struct d1 half(struct d1 v) { v.v /= 2; return v; }
__attribute__((noinline)) static struct fi mix(struct fi a, int k) { a.f *= (float)k; a.i += k; return a; }
__attribute__((noinline)) static struct s12 bump(struct s12 v) { v.s = (short)(v.s + 1); v.l = v.l * 3 - 1; return v; }
__attribute__((noinline)) static struct dd cplx_mul(struct dd a, struct dd b) { return (struct dd){a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x}; }
/* Many struct arguments: some go to the stack once registers run out. */
__attribute__((noinline)) static double many(struct dd a, struct dd b, struct dd c, struct dd d, struct dd e, struct i2 f,
                                              struct i2 g, struct i2 h, struct i2 i, struct i2 j, struct i2 k, struct i2 l) {
    return a.x + b.y + c.x * d.y - e.x + f.a + g.b + h.a + i.b + j.a + k.b + l.a + l.b;
}

int main(void) {
    struct i2 v = {OPQ(1), 2};
    for (int i = 0; i < 5; i++) { v = swap_i2(v); v.a += i; }
    printf("i2 %d %d\n", v.a, v.b);
    struct c3 c = {'a', 'b', OPQ('c')};
    c = rot_c3(rot_c3(c));
    printf("c3 %c%c%c\n", c.x, c.y, c.z);
    struct f2 f = {OPQ(1.5f), 2.0f};
    for (int i = 0; i < 4; i++) f = add_f2(f, (struct f2){0.25f, 1.5f});
    printf("f2 %.9g %.9g\n", f.x, f.y);
    struct d1 d = half(half((struct d1){OPQ(10.0)}));
    printf("d1 %g\n", d.v);
    struct fi m = mix((struct fi){OPQ(1.25f), -3}, 7);
    printf("fi %g %d\n", m.f, m.i);
    struct s12 s = bump(bump((struct s12){OPQ((short)32766), 1LL << 40}));
    printf("s12 %d %lld\n", s.s, s.l);
    struct dd z = {1, 0}, w = {0.6, 0.8};
    for (int i = 0; i < 10; i++) z = cplx_mul(z, w);
    printf("dd %.17g %.17g\n", z.x, z.y);
    double r = many((struct dd){1, 2}, (struct dd){3, 4}, (struct dd){5, 6}, (struct dd){7, 8}, (struct dd){9, 10},
                    (struct i2){11, 12}, (struct i2){13, 14}, (struct i2){15, 16}, (struct i2){17, 18},
                    (struct i2){19, 20}, (struct i2){21, 22}, (struct i2){OPQ(23), 24});
    printf("many %g\n", r);
    ck((uint32_t)v.a); ck((uint32_t)v.b); ck((uint64_t)c.x << 16 | (uint64_t)c.y << 8 | (uint64_t)c.z);
    ck_f(f.x); ck_f(f.y); ck_d(d.v); ck_f(m.f); ck((uint32_t)m.i); ck((uint16_t)s.s); ck((uint64_t)s.l);
    ck_d(z.x); ck_d(z.y); ck_d(r);
    ck_print();
    return 0;
}
