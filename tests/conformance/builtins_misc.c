/* Hint and miscellaneous builtins: __builtin_expect/assume/unreachable/prefetch/assume_aligned,
 * __builtin_object_size, __builtin_memcpy_inline, __builtin_rotateleft/right, __builtin_bitreverse,
 * __builtin_isfpclass/isnan/isinf/signbit, __builtin_constant_p, __builtin_clzg/ctzg, __builtin_choose_expr. */
#include "common.h"
#include <math.h>
#include <stdlib.h>

__attribute__((noinline)) static int classify(int x) {
    if (__builtin_expect(x < 0, 0)) return -1;
    __builtin_assume(x >= 0);
    switch (x & 3) {
    case 0: return 10;
    case 1: return 11;
    case 2: return 12;
    case 3: return 13;
    }
    __builtin_unreachable();
}
__attribute__((noinline)) static long sum_aligned(const long *p, int n) {
    const long *q = __builtin_assume_aligned(p, 16);
    long s = 0;
    for (int i = 0; i < n; i++) { __builtin_prefetch(q + i + 8, 0, 1); s += q[i]; }
    return s;
}

int main(void) {
    unsigned c = 0;
    for (int i = -3; i < 20; i++) c = c * 3u + (unsigned)classify(OPQ(i));
    printf("classify %u\n", c);
    ck(c);
    long *buf = aligned_alloc(16, 64 * sizeof(long));
    for (int i = 0; i < 64; i++) buf[i] = i * i - 100;
    printf("aligned sum %ld\n", sum_aligned(buf, OPQ(64)));
    ck((uint64_t)sum_aligned(buf, 64));
    char arr[40];
    char *mid = arr + OPQ(10);
    printf("object_size %zu %zu\n", __builtin_object_size(arr, 0), __builtin_object_size(&arr[5], 1));
    (void)mid;
    struct { int a[3]; double d; } src = {{1, 2, 3}, 4.5}, dst;
    __builtin_memcpy_inline(&dst, &src, sizeof src);
    printf("memcpy_inline %d %g\n", dst.a[2], dst.d);
    uint32_t x = OPQ(0x80000001u);
    uint64_t y = OPQ(0x0123456789abcdefull);
    uint16_t h = OPQ((uint16_t)0x8001);
    uint8_t b = OPQ((uint8_t)0x81);
    printf("rot %08x %08x %016llx %04x %02x\n", __builtin_rotateleft32(x, 4), __builtin_rotateright32(x, OPQ(33) & 31),
           (unsigned long long)__builtin_rotateleft64(y, 12), __builtin_rotateleft16(h, 3), __builtin_rotateright8(b, 1));
    printf("bitreverse %08x %016llx %02x\n", __builtin_bitreverse32(x), (unsigned long long)__builtin_bitreverse64(y), __builtin_bitreverse8(b));
    ck(__builtin_rotateleft32(x, 4)); ck(__builtin_bitreverse64(y));
    double vals[] = {0.0, -0.0, 1.0, -1e-310, INFINITY, -INFINITY, NAN};
    for (int i = 0; i < 7; i++) {
        double v = OPQ(vals[i]);
        int cls = __builtin_isfpclass(v, 0x3) | __builtin_isfpclass(v, 0x4) << 1 | __builtin_isfpclass(v, 0x60) << 2 |
                  __builtin_isfpclass(v, 0x90) << 3 | __builtin_isfpclass(v, 0x108) << 4 | __builtin_isfpclass(v, 0x204) << 5;
        printf("fpclass %g: %02x nan=%d inf=%d sign=%d finite=%d normal=%d\n", nn_d(v), cls, __builtin_isnan(v), __builtin_isinf(v) != 0,
               __builtin_signbit(v) != 0, __builtin_isfinite(v), __builtin_isnormal(v));
        ck((uint32_t)cls);
    }
    unsigned z = OPQ(0u), v = OPQ(0x00f0u);
    printf("clzg %d %d ctzg %d %d\n", __builtin_clzg(v), __builtin_clzg(z, 32), __builtin_ctzg(v), __builtin_ctzg(z, -1));
    printf("constant_p %d %d choose %d\n", __builtin_constant_p(42), __builtin_constant_p(OPQ(1)) && 0,
           (int)__builtin_choose_expr(sizeof(long) == 8, 64, 32));
    free(buf);
    ck_print();
    return 0;
}
