/* Integer <-> floating-point conversions at edge values (all in range: out-of-range is UB). */
#include "common.h"
#include <limits.h>

int main(void) {
    int64_t iv[] = {0, 1, -1, 3, -3, 255, 16777216, 16777217, -16777217, 9007199254740993LL, INT_MAX, INT_MIN,
                    LLONG_MAX, LLONG_MIN, 123456789012345LL};
    for (unsigned i = 0; i < sizeof iv / sizeof iv[0]; i++) {
        int64_t v = OPQ(iv[i]);
        float f = (float)v; double d = (double)v;
        float f32 = (float)(int32_t)v; double du = (double)(uint64_t)v; float fu = (float)(uint64_t)v;
        double du32 = (double)(uint32_t)v; float fs16 = (float)(int16_t)v;
        printf("%lld -> %.9g %.17g %.9g %.17g %.9g %.17g %g\n", (long long)v, f, d, f32, du, fu, du32, fs16);
        ck_f(f); ck_d(d); ck_f(f32); ck_d(du); ck_f(fu); ck_d(du32); ck_f(fs16);
    }
    double dv[] = {0.0, -0.0, 0.5, -0.5, 0.9999999, -0.9999999, 1.5, -1.5, 2.5, -2.5, 127.9, -128.9, 255.5,
                   65535.99, -32768.5, 2147483647.9, -2147483648.9, 4294967295.5, 9.2233720368547748e18,
                   -9.2233720368547758e18, 1.8446744073709550e19, 1e-300, 123456.789};
    for (unsigned i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        double d = OPQ(dv[i]);
        uint64_t r = 0;
        if (d > -129.0 && d < 128.0) { int8_t x = (int8_t)d; r ^= (uint8_t)x; }
        if (d > -1.0 && d < 256.0) { uint8_t x = (uint8_t)d; r ^= (uint64_t)x << 8; }
        if (d > -32769.0 && d < 32768.0) { int16_t x = (int16_t)d; r ^= (uint64_t)(uint16_t)x << 16; }
        if (d > -1.0 && d < 65536.0) { uint16_t x = (uint16_t)d; r ^= (uint64_t)x << 24; }
        if (d > -2147483649.0 && d < 2147483648.0) { int32_t x = (int32_t)d; r ^= (uint64_t)(uint32_t)x << 32; }
        if (d > -1.0 && d < 4294967296.0) { uint32_t x = (uint32_t)d; r ^= (uint64_t)x * 3; }
        if (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) { int64_t x = (int64_t)d; r ^= (uint64_t)x * 5; }
        if (d > -1.0 && d < 1.8446744073709552e19) { uint64_t x = (uint64_t)d; r ^= x * 7; }
        float f = (float)d;
        if (f > -2147483649.0f && f < 2147483648.0f) { int32_t x = (int32_t)f; r ^= (uint64_t)(uint32_t)x * 11; }
        if (f > -1.0f && f < 1.8446744073709552e19f) { uint64_t x = (uint64_t)f; r ^= x * 13; }
        printf("%.17g -> %016llx\n", d, (unsigned long long)r);
        ck(r);
    }
    /* Unsigned 64-bit values above 2^63: the tricky uitofp / fptoui paths. */
    uint64_t u = OPQ(0x8000000000000000ull);
    for (int k = 0; k < 8; k++, u += 0x0fedcba987654321ull) {
        double d = (double)u; float f = (float)u;
        uint64_t back = (uint64_t)d;
        printf("%llu -> %.17g %.9g back %llu\n", (unsigned long long)u, d, f, (unsigned long long)back);
        ck_d(d); ck_f(f); ck(back);
    }
    ck_print();
    return 0;
}
