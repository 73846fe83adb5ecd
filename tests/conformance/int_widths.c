/* Integer widths: arithmetic, truncation, sign/zero extension across 8/16/32/64-bit types. */
#include "common.h"
#include <inttypes.h>

static const int64_t seeds[] = {0, 1, -1, 127, -128, 255, 32767, -32768, 65535, 2147483647LL,
                                -2147483647LL - 1, 4294967295LL, INT64_MAX, INT64_MIN, 0x123456789abcdefLL,
                                -0x5555555555555555LL};
#define N (sizeof seeds / sizeof seeds[0])

int main(void) {
    for (unsigned i = 0; i < N; i++) {
        int64_t v = OPQ(seeds[i]);
        int8_t s8 = (int8_t)v;
        uint8_t u8 = (uint8_t)v;
        int16_t s16 = (int16_t)v;
        uint16_t u16 = (uint16_t)v;
        int32_t s32 = (int32_t)v;
        uint32_t u32 = (uint32_t)v;
        printf("%" PRId64 ": s8=%d u8=%u s16=%d u16=%u s32=%" PRId32 " u32=%" PRIu32 "\n", v, s8, u8, s16,
               u16, s32, u32);
        /* Promotions: s8 * s8 is computed in int. */
        int p8 = s8 * s8 + u8 * (int)s8;
        int p16 = s16 * (int)u16 / 7 - s16 % 5;
        int64_t p32 = (int64_t)s32 * u32;
        uint64_t p64 = (uint64_t)v * 0x9e3779b97f4a7c15ULL;
        printf("  p8=%d p16=%d p32=%" PRId64 " p64=%" PRIu64 "\n", p8, p16, p32, p64);
        /* Widening back: sign vs zero extension. */
        int64_t e1 = s8, e2 = u8, e3 = s16, e4 = u16, e5 = s32, e6 = u32;
        printf("  ext %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n", e1, e2, e3,
               e4, e5, e6);
        ck((uint64_t)p8); ck((uint64_t)p16); ck((uint64_t)p32); ck(p64);
        ck((uint64_t)(e1 ^ e2 ^ e3 ^ e4 ^ e5 ^ e6));
        /* Narrow arithmetic that wraps in its own width. */
        uint8_t a8 = (uint8_t)(u8 + 200);
        uint16_t a16 = (uint16_t)(u16 * 3u);
        int8_t n8 = (int8_t)(uint8_t)(-(unsigned)s8);
        printf("  wrap %u %u %d\n", a8, a16, n8);
        ck(a8 | (uint64_t)a16 << 8 | (uint64_t)(uint8_t)n8 << 24);
    }
    /* Bool conversions and char arithmetic. */
    _Bool b = OPQ(256);
    _Bool z = OPQ(0.0) != 0.0;
    char c = OPQ('A');
    signed char sc = OPQ((signed char)-100);
    unsigned char uc = OPQ((unsigned char)200);
    printf("bool %d %d char %d %d %d sum %d\n", b, z, c + 1, sc - 100, uc + uc, sc + uc);
    ck(b); ck(z); ck((uint64_t)(sc + uc));
    ck_print();
    return 0;
}
