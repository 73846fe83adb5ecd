/* Division and modulo of negative numbers in all widths, by variables and by constants (magic numbers at
 * -O2), avoiding INT_MIN / -1 (undefined). */
#include "common.h"
#include <limits.h>

static int64_t nums[] = {0, 1, -1, 7, -7, 100, -100, 12345, -12345, INT_MAX, INT_MIN, 1LL << 40,
                         -(1LL << 40) - 3, LLONG_MAX, LLONG_MIN};
static int64_t dens[] = {1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 1000, -65536, INT_MAX, LLONG_MIN};

int main(void) {
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        for (unsigned j = 0; j < sizeof dens / sizeof dens[0]; j++) {
            int64_t n = OPQ(nums[i]), d = OPQ(dens[j]);
            if (n == LLONG_MIN && d == -1) continue;
            int64_t q = n / d, r = n % d;
            uint64_t uq = (uint64_t)n / (uint64_t)d, ur = (uint64_t)n % (uint64_t)d;
            ck((uint64_t)q); ck((uint64_t)r); ck(uq); ck(ur);
            int32_t n32 = (int32_t)n, d32 = (int32_t)d;
            if (d32 != 0 && !(n32 == INT_MIN && d32 == -1)) {
                ck((uint64_t)(int64_t)(n32 / d32)); ck((uint64_t)(int64_t)(n32 % d32));
                ck((uint32_t)n32 / (uint32_t)d32); ck((uint32_t)n32 % (uint32_t)d32);
            }
            int16_t n16 = (int16_t)n, d16 = (int16_t)d;
            if (d16 != 0) {
                ck((uint64_t)(n16 / d16)); ck((uint64_t)(n16 % d16));
                ck((uint16_t)n16 / (uint16_t)d16);
            }
            int8_t n8 = (int8_t)n, d8 = (int8_t)d;
            if (d8 != 0) { ck((uint64_t)(n8 / d8)); ck((uint64_t)(n8 % d8)); ck((uint8_t)n8 % (uint8_t)d8); }
            if (j == 5 || j == 9) printf("%lld / %lld = %lld rem %lld\n", (long long)n, (long long)d,
                                         (long long)q, (long long)r);
        }
    }
    /* Division by constants: each becomes multiply-high + shifts at -O2. */
    for (int64_t v = -1000003; v <= 1000003; v += 99991) {
        int64_t a = v / 3, b = v % 3, c = v / 7, d = v % 7, e = v / 10, f = v % 10, g = v / -9, h = v % 16,
                k = v / 16;
        uint64_t u = (uint64_t)v;
        printf("%lld: %lld %lld %lld %lld %lld %lld %lld %lld %lld | %llu %llu\n", (long long)v, (long long)a,
               (long long)b, (long long)c, (long long)d, (long long)e, (long long)f, (long long)g,
               (long long)h, (long long)k, (unsigned long long)(u / 7), (unsigned long long)(u % 1000));
        ck((uint64_t)(a + b + c + d + e + f + g + h + k));
        int32_t w = (int32_t)v;
        ck((uint64_t)(w / 5 + w % 5 + w / 128 + w % 128 + (uint32_t)w / 11u));
    }
    ck_print();
    return 0;
}
