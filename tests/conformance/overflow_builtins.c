/* __builtin_{add,sub,mul}_overflow on every width, signed and unsigned, including mixed types. */
#include "common.h"
#include <limits.h>

int main(void) {
    int64_t vals[] = {0, 1, -1, 2, 100, -100, 127, -128, 255, 32767, -32768, 65535, INT_MAX, INT_MIN,
                      UINT_MAX, LLONG_MAX, LLONG_MIN, 3037000499LL, -3037000500LL};
    unsigned n = sizeof vals / sizeof vals[0];
    int flags = 0;
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            int64_t a = OPQ(vals[i]), b = OPQ(vals[j]);
            int64_t r64; uint64_t u64; int32_t r32; uint32_t u32; int16_t r16; uint8_t u8; int8_t r8;
            unsigned f = 0;
            f |= (unsigned)__builtin_add_overflow(a, b, &r64) << 0;
            f |= (unsigned)__builtin_sub_overflow(a, b, &r64) << 1;
            ck((uint64_t)r64);
            f |= (unsigned)__builtin_mul_overflow(a, b, &r64) << 2;
            ck((uint64_t)r64);
            f |= (unsigned)__builtin_add_overflow((uint64_t)a, (uint64_t)b, &u64) << 3;
            ck(u64);
            f |= (unsigned)__builtin_mul_overflow((uint64_t)a, (uint64_t)b, &u64) << 4;
            ck(u64);
            f |= (unsigned)__builtin_add_overflow((int32_t)a, (int32_t)b, &r32) << 5;
            ck((uint32_t)r32);
            f |= (unsigned)__builtin_mul_overflow((int32_t)a, (int32_t)b, &r32) << 6;
            ck((uint32_t)r32);
            f |= (unsigned)__builtin_sub_overflow((uint32_t)a, (uint32_t)b, &u32) << 7;
            ck(u32);
            f |= (unsigned)__builtin_mul_overflow((int16_t)a, (int16_t)b, &r16) << 8;
            ck((uint16_t)r16);
            f |= (unsigned)__builtin_add_overflow((uint8_t)a, (uint8_t)b, &u8) << 9;
            ck(u8);
            f |= (unsigned)__builtin_sub_overflow((int8_t)a, (int8_t)b, &r8) << 10;
            ck((uint8_t)r8);
            /* Mixed: signed 64 inputs into an unsigned 32 result; and a 64x64 into 128 check. */
            f |= (unsigned)__builtin_add_overflow(a, b, &u32) << 11;
            ck(u32);
            __int128 wide;
            f |= (unsigned)__builtin_mul_overflow(a, b, &wide) << 12;
            ck((uint64_t)wide); ck((uint64_t)(wide >> 64));
            ck(f);
            flags += __builtin_popcount(f);
            if (j == 3 || j == 13)
                printf("%lld,%lld: flags=%04x mul64=%lld\n", (long long)a, (long long)b, f, (long long)r64);
        }
    }
    printf("total flags %d\n", flags);
    ck_print();
    return 0;
}
