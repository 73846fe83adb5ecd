/* Shifts in every width: logical, arithmetic (negative values), variable counts up to width-1. */
#include "common.h"

int main(void) {
    int64_t vals[] = {1, -1, 0x7f, -0x80, 0x1234, -0x4321, 0x7fffffff, -0x12345678, 0x0123456789abcdefLL,
                      -0x0123456789abcdefLL};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int64_t v = OPQ(vals[i]);
        for (int s = 0; s < 64; s += OPQ(3)) {
            uint64_t r = 0;
            r ^= (uint64_t)((uint64_t)v << s);
            r ^= (uint64_t)v >> s;
            r ^= (uint64_t)(v >> s); /* arithmetic shift of negative: implementation-defined, clang: sra */
            if (s < 32) {
                int32_t w = (int32_t)v;
                r ^= (uint32_t)((uint32_t)w << s) * 3ull;
                r ^= (uint64_t)((uint32_t)w >> s) * 5ull;
                r ^= (uint64_t)(uint32_t)(w >> s) * 7ull;
            }
            if (s < 16) {
                int16_t w = (int16_t)v;
                uint16_t u = (uint16_t)v;
                r ^= (uint64_t)(uint16_t)(u << s) << 40;
                r ^= (uint64_t)(uint16_t)(w >> s) << 20;
            }
            if (s < 8) {
                int8_t w = (int8_t)v;
                uint8_t u = (uint8_t)v;
                r ^= (uint64_t)(uint8_t)(u >> s) << 50;
                r ^= (uint64_t)(uint8_t)(w >> s) << 30;
            }
            ck(r);
            if (s % 21 == 0) printf("v=%lld s=%d r=%016llx\n", (long long)v, s, (unsigned long long)r);
        }
    }
    /* Rotates written the portable way (become fshl/fshr at -O2). */
    uint32_t x = OPQ(0x80000001u);
    uint64_t y = OPQ(0x8000000000000003ull);
    for (unsigned s = 1; s < 32; s += 5) {
        uint32_t rl = (x << s) | (x >> (32 - s));
        uint64_t rr = (y >> s) | (y << (64 - s));
        uint16_t h = (uint16_t)OPQ(0xf00du);
        uint16_t rh = (uint16_t)((h << (s % 16)) | (h >> ((16 - s % 16) % 16)));
        printf("rot %u %08x %016llx %04x\n", s, rl, (unsigned long long)rr, rh);
        ck(rl); ck(rr); ck(rh);
    }
    /* Funnel shift of a 128-bit value held in two halves. */
    uint64_t hi = OPQ(0x0123456789abcdefull), lo = OPQ(0xfedcba9876543210ull);
    for (int s = 1; s < 64; s += 13) {
        uint64_t nh = (hi << s) | (lo >> (64 - s));
        uint64_t nl = (lo << s) | (hi >> (64 - s));
        printf("funnel %d %016llx %016llx\n", s, (unsigned long long)nh, (unsigned long long)nl);
        ck(nh); ck(nl);
    }
    ck_print();
    return 0;
}
