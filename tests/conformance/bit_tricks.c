/* Bit builtins (popcount/clz/ctz/bswap/parity/ffs) against hand-written versions, plus classic tricks. */
#include "common.h"

static int pop_slow(uint64_t x) { int n = 0; while (x) { n += (int)(x & 1); x >>= 1; } return n; }
static int clz_slow(uint64_t x) { int n = 0; for (int i = 63; i >= 0 && !((x >> i) & 1); i--) n++; return n; }
static int ctz_slow(uint64_t x) { int n = 0; while (!(x & 1)) { n++; x >>= 1; } return n; }
static uint32_t rev32(uint32_t x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    return (x >> 16) | (x << 16);
}

int main(void) {
    uint64_t x = OPQ(0x9e3779b97f4a7c15ull);
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t v = x >> (i % 64);
        if (v == 0) v = 1;
        uint32_t w = (uint32_t)v | 1u << (i % 32);
        uint16_t h = (uint16_t)v;
        int p64 = __builtin_popcountll(v), p32 = __builtin_popcount(w);
        int c64 = __builtin_clzll(v), c32 = __builtin_clz(w), t64 = __builtin_ctzll(v), t32 = __builtin_ctz(w);
        if (p64 != pop_slow(v) || c64 != clz_slow(v) || t64 != ctz_slow(v)) bad++;
        if (p32 != pop_slow(w) || c32 != clz_slow(w) - 32 || t32 != ctz_slow(w)) bad++;
        uint64_t b64 = __builtin_bswap64(v);
        uint32_t b32 = __builtin_bswap32(w);
        uint16_t b16 = __builtin_bswap16(h);
        int par = __builtin_parityll(v), ffs = __builtin_ffsll((long long)v), cls = __builtin_clrsbll((long long)v);
        ck((uint64_t)p64 | (uint64_t)c64 << 8 | (uint64_t)t64 << 16 | (uint64_t)p32 << 24 | (uint64_t)c32 << 32 |
           (uint64_t)t32 << 40 | (uint64_t)par << 48 | (uint64_t)ffs << 52 | (uint64_t)cls << 58);
        ck(b64); ck(b32); ck(b16); ck(rev32(w));
        if (i % 40 == 0)
            printf("%016llx pop=%d clz=%d ctz=%d bswap=%016llx b32=%08x b16=%04x par=%d ffs=%d clrsb=%d rev=%08x\n",
                   (unsigned long long)v, p64, c64, t64, (unsigned long long)b64, b32, b16, par, ffs, cls,
                   rev32(w));
    }
    /* Classic tricks. */
    uint32_t vals[] = {1, 2, 3, 5, 64, 100, 1023, 1024, 0x80000000u, 0x7fffffffu, 12345678u};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        uint32_t v = OPQ(vals[i]);
        uint32_t lowest = v & -v, cleared = v & (v - 1), pow2 = (v & (v - 1)) == 0;
        uint32_t next = v - 1;
        next |= next >> 1; next |= next >> 2; next |= next >> 4; next |= next >> 8; next |= next >> 16;
        next++;
        int32_t sv = (int32_t)(v - 50000u);
        int32_t sign = sv >> 31, absv = (sv ^ sign) - sign;
        uint32_t gray = v ^ (v >> 1);
        printf("%u: low=%u clr=%u pow2=%u next=%u abs=%d gray=%u\n", v, lowest, cleared, pow2, next, absv, gray);
        ck(lowest ^ cleared << 1 ^ pow2 ^ (uint64_t)next << 32 ^ (uint32_t)absv ^ gray);
    }
    /* Zero inputs with the defined-at-zero forms. */
    uint32_t z = OPQ(0u);
    printf("zero ffs=%d pop=%d clrsb=%d par=%d\n", __builtin_ffs((int)z), __builtin_popcount(z),
           __builtin_clrsb((int)z), __builtin_parity(z));
    printf("bad %d\n", bad);
    ck((uint64_t)bad);
    ck_print();
    return bad != 0;
}
