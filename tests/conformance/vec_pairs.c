/* Two ops in a row that are the same vector operation on the same shape run in one dispatch in
 * irvm (a pair). Auto-vectorized loops interleaved by two give independent pairs; these give pairs
 * whose second op reads the first one's result, updates a value in place twice, or loads and
 * stores overlapping bytes, where only the two ops' order decides the result. */
#include "common.h"

typedef float v4f __attribute__((vector_size(16)));
typedef double v2d __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));
typedef short v8s __attribute__((vector_size(16)));

/* The second add and the second multiply read the first one's result. */
__attribute__((noinline)) static v4i chain_i(v4i a, v4i b, v4i c) {
    v4i x = a + b;
    v4i y = x + c;
    v4i z = y * x;
    v4i w = z * b;
    return w ^ y;
}

__attribute__((noinline)) static v4f chain_f(v4f a, v4f b, v4f c) {
    v4f x = a * b;
    v4f y = x * c;
    v4f s = y - a;
    v4f t = s - x;
    return t / b;
}

__attribute__((noinline)) static v2d chain_d(v2d a, v2d b) {
    v2d x = a + b;
    v2d y = x + x;
    return y * a;
}

/* Loads of overlapping bytes after stores of overlapping bytes: the later store wins. */
__attribute__((noinline)) static void overlap(float *buf, int i, int j, v4f x, v4f y) {
    v4f p, q;
    __builtin_memcpy(&p, buf + i, 16);
    __builtin_memcpy(&q, buf + j, 16);
    p = p * x;
    q = q * y;
    __builtin_memcpy(buf + i + 1, &p, 16);
    __builtin_memcpy(buf + j + 1, &q, 16);
}

/* An accumulator updated in place by two adds in a row. */
__attribute__((noinline)) static v8s twice(const short *s, int n) {
    v8s acc = {0};
    for (int k = 0; k + 16 <= n; k += 16) {
        v8s u, v;
        __builtin_memcpy(&u, s + k, 16);
        __builtin_memcpy(&v, s + k + 8, 16);
        acc += u;
        acc += v;
    }
    return acc;
}

int main(void) {
    v4i a = {OPQ(1), OPQ(-7), OPQ(123456), OPQ(-2147483647)};
    v4i b = {OPQ(3), OPQ(5), OPQ(-9), OPQ(65537)};
    v4i c = {OPQ(11), OPQ(0), OPQ(77), OPQ(-1)};
    v4i ri = chain_i(a, b, c);
    for (int k = 0; k < 4; k++) { ck((uint32_t)ri[k]); printf("i%d %d\n", k, ri[k]); }

    v4f fa = {OPQ(1) * 0.5f, OPQ(3) * 1.25f, OPQ(-2) * 0.75f, OPQ(7) * 0.1f};
    v4f fb = {OPQ(2) * 0.3f, OPQ(-1) * 1.5f, OPQ(5) * 0.2f, OPQ(1) * 3.0f};
    v4f fc = {OPQ(9) * 0.7f, OPQ(4) * 0.9f, OPQ(-3) * 0.6f, OPQ(6) * 0.4f};
    v4f rf = chain_f(fa, fb, fc);
    for (int k = 0; k < 4; k++) { ck_f(rf[k]); printf("f%d %.9g\n", k, nn_f(rf[k])); }

    v2d da = {OPQ(3) * 0.1, OPQ(-5) * 0.3}, db = {OPQ(7) / 3.0, OPQ(2) * 1e-3};
    v2d rd = chain_d(da, db);
    printf("d %.17g %.17g\n", rd[0], rd[1]);
    ck_d(rd[0]); ck_d(rd[1]);

    float buf[16];
    for (int round = 0; round < 3; round++) {
        for (int k = 0; k < 16; k++) buf[k] = (float)(k % 5) - 1.5f;
        int i = OPQ(round), j = OPQ(round + 2);
        overlap(buf, i, j, fa, fb);
        for (int k = 0; k < 16; k++) ck_f(buf[k]);
        printf("overlap %d: %.9g %.9g %.9g\n", round, buf[i + 1], buf[j + 1], buf[j + 4]);
    }

    short s[80];
    for (int k = 0; k < 80; k++) s[k] = (short)(k * 977 - 30000);
    v8s acc = twice(s, OPQ(80));
    for (int k = 0; k < 8; k++) { ck((uint16_t)acc[k]); printf("s%d %d\n", k, acc[k]); }
    ck_print();
    return 0;
}
