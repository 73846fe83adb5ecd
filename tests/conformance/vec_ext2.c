/* Vectors as values: passed to and returned from functions, stored in arrays and structs, loaded unaligned,
 * horizontal reductions by shuffles, vector-of-bool-like masks driving selects. */
#include "common.h"

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef uint32_t v4u __attribute__((vector_size(16), aligned(4))); /* unaligned-capable */

struct particle { v4f pos, vel; };

__attribute__((noinline)) static v4f lerp(v4f a, v4f b, float t) { return a + (b - a) * t; }
__attribute__((noinline)) static float hsum(v4f v) {
    v4f s = v + __builtin_shufflevector(v, v, 2, 3, 0, 1);
    s = s + __builtin_shufflevector(s, s, 1, 0, 3, 2);
    return s[0];
}
__attribute__((noinline)) static v4d scale(v4d v, double k) { return v * k; }
__attribute__((noinline)) static v4i vmax(v4i a, v4i b) { v4i m = a > b; return (a & m) | (b & ~m); }
__attribute__((noinline)) static v4i vabs(v4i a) { v4i m = a < 0; return (-a & m) | (a & ~m); }

int main(void) {
    struct particle ps[8];
    for (int i = 0; i < 8; i++) {
        ps[i].pos = (v4f){(float)i, (float)(i * i), -(float)i, 1.0f};
        ps[i].vel = (v4f){0.5f, -0.25f, 0.125f, 0.0f} * (float)(i + 1);
    }
    for (int step = 0; step < 100; step++)
        for (int i = 0; i < 8; i++) {
            ps[i].pos += ps[i].vel * 0.01f;
            ps[i].vel = lerp(ps[i].vel, (v4f){0, 0, 0, 0}, 0.01f);
        }
    for (int i = 0; i < 8; i++) {
        printf("p%d %.7g %.7g %.7g hsum %.7g\n", i, ps[i].pos[0], ps[i].pos[1], ps[i].pos[2], hsum(ps[i].pos));
        for (int k = 0; k < 4; k++) ck_f(ps[i].pos[k]);
    }
    v4d d = scale((v4d){1, -2, 3.5, 1e-3}, OPQ(2.5));
    printf("v4d %g %g %g %g\n", d[0], d[1], d[2], d[3]);
    for (int k = 0; k < 4; k++) ck_d(d[k]);
    v4i m = vmax((v4i){1, -5, 7, -100}, OPQ(((v4i){0, -6, 8, 100})));
    v4i ab = vabs((v4i){-3, 4, -2147483647, 0});
    printf("vmax %d %d %d %d vabs %d %d %d %d\n", m[0], m[1], m[2], m[3], ab[0], ab[1], ab[2], ab[3]);
    for (int k = 0; k < 4; k++) { ck((uint32_t)m[k]); ck((uint32_t)ab[k]); }
    /* Unaligned vector loads from a byte buffer. */
    uint8_t buf[64];
    for (int i = 0; i < 64; i++) buf[i] = (uint8_t)(i * 3 + 1);
    uint32_t acc = 0;
    for (int off = 0; off < 48; off += OPQ(5)) {
        v4u v;
        memcpy(&v, buf + off, sizeof v);
        v4u r = (v >> 3) ^ (v << 5);
        acc += r[0] + r[1] * 3 + r[2] * 5 + r[3] * 7;
    }
    printf("unaligned acc %u\n", acc);
    ck(acc);
    ck_print();
    return 0;
}
