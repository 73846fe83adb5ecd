/* GCC/clang vector extensions: vector_size arithmetic, comparisons (masks), element access, shuffles,
 * __builtin_shufflevector and __builtin_convertvector. */
#include "common.h"

typedef int32_t v4i __attribute__((vector_size(16)));
typedef uint8_t v16u8 __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v2d __attribute__((vector_size(16)));
typedef int16_t v8i16 __attribute__((vector_size(16)));
typedef int64_t v2i64 __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));

static void ck_v4i(v4i v) { for (int i = 0; i < 4; i++) ck((uint32_t)v[i]); }
static void print_v4i(const char *n, v4i v) { printf("%s [%d %d %d %d]\n", n, v[0], v[1], v[2], v[3]); ck_v4i(v); }

int main(void) {
    v4i a = {1, -2, 3, -4}, b = {10, 20, -30, 40};
    a = OPQ(a);
    print_v4i("add", a + b);
    print_v4i("mul", a * b);
    print_v4i("div", b / a);
    print_v4i("rem", b % a);
    print_v4i("shl", a << (v4i){0, 1, 2, 3});
    print_v4i("sra", b >> 2);
    print_v4i("and", a & b);
    print_v4i("cmp", a < b);       /* all-ones masks */
    print_v4i("sel", (a < b) & a | ~(a < b) & b);
    print_v4i("neg", -a);
    print_v4i("shuf", __builtin_shufflevector(a, b, 0, 4, 3, 7));
    print_v4i("rev", __builtin_shufflevector(a, a, 3, 2, 1, 0));
    v4i c = a;
    c[2] = OPQ(99);
    print_v4i("ins", c);
    int idx = OPQ(1);
    printf("extract dyn %d\n", b[idx]);
    ck((uint32_t)b[idx]);

    v4f f = {1.5f, -2.25f, 3.0f, 0.1f}, g = {0.5f, 4.0f, -1.0f, 3.0f};
    f = OPQ(f);
    v4f h = f * g + f / g - g;
    printf("v4f %.9g %.9g %.9g %.9g\n", h[0], h[1], h[2], h[3]);
    for (int i = 0; i < 4; i++) ck_f(h[i]);
    v4i fi = __builtin_convertvector(h, v4i);
    print_v4i("f2i", fi);
    v4f back = __builtin_convertvector(a * 3, v4f);
    printf("i2f %g %g %g %g\n", back[0], back[1], back[2], back[3]);
    v2d d = {1e100, -0.5};
    d = OPQ(d);
    v2d e = d * d - (v2d){1, 2};
    printf("v2d %.17g %.17g\n", e[0], e[1]);
    ck_d(e[0]); ck_d(e[1]);

    v16u8 bytes;
    for (int i = 0; i < 16; i++) bytes[i] = (uint8_t)(i * 17);
    bytes = OPQ(bytes);
    v16u8 sum = bytes + bytes; /* wraps per lane */
    v16u8 sh = __builtin_shufflevector(bytes, bytes, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    printf("bytes");
    for (int i = 0; i < 16; i++) { printf(" %u/%u", sum[i], sh[i]); ck(sum[i] | (uint64_t)sh[i] << 8); }
    printf("\n");
    v8i16 w = {1000, -1000, 32767, -32768, 7, 8, 9, 10};
    w = OPQ(w);
    v8i16 w2 = w * 3 + (v8i16){1, 1, 1, 1, 1, 1, 1, 1};
    printf("i16");
    for (int i = 0; i < 8; i++) { printf(" %d", w2[i]); ck((uint16_t)w2[i]); }
    printf("\n");
    v2i64 q = {INT64_MAX, -5};
    q = OPQ(q) >> 1;
    printf("i64 %lld %lld\n", (long long)q[0], (long long)q[1]);
    ck((uint64_t)q[0]); ck((uint64_t)q[1]);
    v8f wide = {1, 2, 3, 4, 5, 6, 7, 8};
    wide = OPQ(wide) * 0.5f;
    v4f lo = __builtin_shufflevector(wide, wide, 0, 2, 4, 6), hi = __builtin_shufflevector(wide, wide, 1, 3, 5, 7);
    v4f sumv = lo + hi;
    printf("v8f halves %g %g %g %g\n", sumv[0], sumv[1], sumv[2], sumv[3]);
    for (int i = 0; i < 4; i++) ck_f(sumv[i]);
    ck_print();
    return 0;
}
