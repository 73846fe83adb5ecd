/* Unsigned wrap-around, and signed overflow done safely through unsigned arithmetic. */
#include "common.h"
#include <limits.h>

static int32_t wrap_add32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t wrap_mul32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }
static int64_t wrap_sub64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int16_t wrap_neg16(int16_t a) { return (int16_t)(uint16_t)(0u - (uint16_t)a); }

int main(void) {
    uint32_t x = OPQ(UINT_MAX);
    uint64_t y = OPQ(ULLONG_MAX);
    uint16_t h = OPQ((uint16_t)65535);
    uint8_t b = OPQ((uint8_t)255);
    printf("%u %llu %u %u\n", x + 1, (unsigned long long)(y + 1), (uint16_t)(h + 1), (uint8_t)(b + 1));
    printf("%u %llu\n", 0u - OPQ(1u), (unsigned long long)(0ull - OPQ(1ull)));
    printf("%d %d\n", wrap_add32(INT_MAX, OPQ(1)), wrap_mul32(OPQ(65536), 65536));
    printf("%lld %d\n", (long long)wrap_sub64(LLONG_MIN, OPQ(1LL)), wrap_neg16(OPQ((int16_t)-32768)));
    ck(x + 1); ck(y + 1);

    /* Linear congruential generators in every width. */
    uint8_t s8 = OPQ((uint8_t)1);
    uint16_t s16 = OPQ((uint16_t)1);
    uint32_t s32 = OPQ(1u);
    uint64_t s64 = OPQ(1ull);
    for (int i = 0; i < 1000; i++) {
        s8 = (uint8_t)(s8 * 29u + 17u);
        s16 = (uint16_t)(s16 * 25173u + 13849u);
        s32 = s32 * 1664525u + 1013904223u;
        s64 = s64 * 6364136223846793005ull + 1442695040888963407ull;
        if (i % 250 == 249) {
            printf("lcg %u %u %u %llu\n", s8, s16, s32, (unsigned long long)s64);
        }
        ck(s8 ^ s16 ^ s32 ^ s64);
    }
    /* Signed accumulation with wrap through unsigned. */
    int32_t acc = OPQ(0);
    for (int32_t i = 0; i < 100000; i++) acc = wrap_add32(acc, wrap_mul32(i, i));
    printf("acc %d\n", acc);
    ck((uint32_t)acc);
    /* Multiplicative inverse mod 2^32 by Newton iteration. */
    uint32_t a = OPQ(0xdeadbeefu) | 1u, inv = a;
    for (int i = 0; i < 5; i++) inv *= 2u - a * inv;
    printf("inv %08x check %u\n", inv, a * inv);
    ck(inv);
    ck_print();
    return 0;
}
