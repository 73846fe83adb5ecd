/* Integer reductions that clang -O2 vectorizes: sums over int8/16/32/64 arrays, widening sums, xor/or/and. */
#include "common.h"

#define N 1003

static int8_t a8[N];
static int16_t a16[N];
static int32_t a32[N];
static int64_t a64[N];
static uint8_t u8[N];

__attribute__((noinline)) static int32_t sum32(const int32_t *p, int n) { uint32_t s = 0; for (int i = 0; i < n; i++) s += (uint32_t)p[i]; return (int32_t)s; }
__attribute__((noinline)) static int64_t sum64(const int64_t *p, int n) { uint64_t s = 0; for (int i = 0; i < n; i++) s += (uint64_t)p[i]; return (int64_t)s; }
__attribute__((noinline)) static int32_t sum16w(const int16_t *p, int n) { int32_t s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
__attribute__((noinline)) static uint32_t sum8w(const uint8_t *p, int n) { uint32_t s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
__attribute__((noinline)) static int8_t sum8(const int8_t *p, int n) { uint8_t s = 0; for (int i = 0; i < n; i++) s = (uint8_t)(s + (uint8_t)p[i]); return (int8_t)s; }
__attribute__((noinline)) static uint32_t xorall(const int32_t *p, int n) { uint32_t s = 0; for (int i = 0; i < n; i++) s ^= (uint32_t)p[i]; return s; }
__attribute__((noinline)) static uint64_t orall(const int64_t *p, int n) { uint64_t s = 0; for (int i = 0; i < n; i++) s |= (uint64_t)p[i] & 0x0f0f0f0f0f0fULL; return s; }
__attribute__((noinline)) static uint32_t andall(const int32_t *p, int n) { uint32_t s = ~0u; for (int i = 0; i < n; i++) s &= (uint32_t)p[i] | 0x10001u; return s; }
__attribute__((noinline)) static int64_t sumsq(const int32_t *p, int n) { int64_t s = 0; for (int i = 0; i < n; i++) s += (int64_t)p[i] * p[i]; return s; }
__attribute__((noinline)) static int32_t countif(const int16_t *p, int n) { int32_t c = 0; for (int i = 0; i < n; i++) c += p[i] > 100; return c; }

int main(void) {
    uint32_t x = OPQ(12345u);
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        a8[i] = (int8_t)(x >> 16); a16[i] = (int16_t)(x >> 8); a32[i] = (int32_t)x >> 8;
        a64[i] = (int64_t)x * (int64_t)(x >> 3) - (1LL << 50); u8[i] = (uint8_t)(x >> 24);
    }
    for (int n = OPQ(0); n <= N; n += 59) {
        int32_t s32 = sum32(a32, n); int64_t s64 = sum64(a64, n); int32_t s16 = sum16w(a16, n);
        uint32_t s8w = sum8w(u8, n); int8_t s8 = sum8(a8, n); uint32_t xo = xorall(a32, n);
        uint64_t o = orall(a64, n); uint32_t an = andall(a32, n); int64_t sq = sumsq(a32, n); int32_t c = countif(a16, n);
        printf("n=%4d %d %lld %d %u %d %08x %llx %08x %lld %d\n", n, s32, (long long)s64, s16, s8w, s8, xo,
               (unsigned long long)o, an, (long long)sq, c);
        ck((uint32_t)s32); ck((uint64_t)s64); ck((uint32_t)s16); ck(s8w); ck((uint8_t)s8); ck(xo); ck(o); ck(an);
        ck((uint64_t)sq); ck((uint32_t)c);
    }
    ck_print();
    return 0;
}
