/* clang's vector builtins: __builtin_reduce_* (vector.reduce intrinsics, including fmax/fmin),
 * __builtin_elementwise_* (abs, min, max, ceil, floor, roundeven, add_sat, sub_sat, bitreverse,
 * fma, copysign) on explicit vectors. */
#include "common.h"

typedef int32_t v4i __attribute__((ext_vector_type(4)));
typedef uint8_t v16u __attribute__((ext_vector_type(16)));
typedef float v4f __attribute__((ext_vector_type(4)));
typedef double v2d __attribute__((ext_vector_type(2)));

int main(void) {
    v4i a = {3, -7, 11, -2}, b = {5, 5, -5, -5};
    a = OPQ(a);
    printf("reduce add %d mul %d and %d or %d xor %d max %d min %d\n", __builtin_reduce_add(a), __builtin_reduce_mul(a),
           __builtin_reduce_and(a), __builtin_reduce_or(a), __builtin_reduce_xor(a), __builtin_reduce_max(a), __builtin_reduce_min(a));
    ck((uint32_t)__builtin_reduce_add(a)); ck((uint32_t)__builtin_reduce_mul(a)); ck((uint32_t)__builtin_reduce_max(a));
    v4i ab = __builtin_elementwise_abs(a), mx = __builtin_elementwise_max(a, b), mn = __builtin_elementwise_min(a, b);
    v4i br = __builtin_elementwise_bitreverse(a);
    for (int i = 0; i < 4; i++) {
        printf("lane %d abs %d max %d min %d brev %08x\n", i, ab[i], mx[i], mn[i], (unsigned)br[i]);
        ck((uint32_t)ab[i]); ck((uint32_t)mx[i]); ck((uint32_t)mn[i]); ck((uint32_t)br[i]);
    }
    v16u x, y;
    for (int i = 0; i < 16; i++) { x[i] = (uint8_t)(i * 20); y[i] = (uint8_t)(250 - i * 10); }
    x = OPQ(x);
    v16u sat = __builtin_elementwise_add_sat(x, y), ssub = __builtin_elementwise_sub_sat(y, x);
    printf("sat");
    for (int i = 0; i < 16; i++) { printf(" %u/%u", sat[i], ssub[i]); ck(sat[i] | (uint64_t)ssub[i] << 8); }
    printf("\nreduce u8 max %u add %u\n", __builtin_reduce_max(x), __builtin_reduce_add(x));
    v4f f = {1.5f, -2.5f, 0.49f, -7.75f}, g = {0.5f, 0.5f, -1.0f, 2.0f};
    f = OPQ(f);
    v4f ce = __builtin_elementwise_ceil(f), fl = __builtin_elementwise_floor(f), re = __builtin_elementwise_roundeven(f);
    v4f fm = __builtin_elementwise_fma(f, g, f), cs = __builtin_elementwise_copysign(g, f), fmx = __builtin_elementwise_max(f, g);
    for (int i = 0; i < 4; i++) {
        printf("f%d ceil %g floor %g roundeven %g fma %.9g copysign %g max %g\n", i, ce[i], fl[i], re[i], fm[i], cs[i], fmx[i]);
        ck_f(ce[i]); ck_f(fl[i]); ck_f(re[i]); ck_f(fm[i]); ck_f(cs[i]); ck_f(fmx[i]);
    }
    printf("reduce fmax %g fmin %g\n", __builtin_reduce_max(f), __builtin_reduce_min(f));
    ck_f(__builtin_reduce_max(f)); ck_f(__builtin_reduce_min(f));
    v2d d = {OPQ(2.5), -3.5};
    v2d da = __builtin_elementwise_abs(d), dr = __builtin_elementwise_roundeven(d);
    printf("v2d abs %g %g roundeven %g %g\n", da[0], da[1], dr[0], dr[1]);
    ck_d(da[0]); ck_d(dr[1]);
    v4i swz = a.wzyx + b.xxyy; /* ext_vector swizzles */
    printf("swizzle %d %d %d %d\n", swz.x, swz.y, swz.z, swz.w);
    ck((uint32_t)swz.x); ck((uint32_t)swz.w);
    ck_print();
    return 0;
}
