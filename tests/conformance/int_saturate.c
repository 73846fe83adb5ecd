/* Saturating arithmetic patterns (InstCombine turns several into llvm.*.sat at -O2). */
#include "common.h"
#include <limits.h>

static uint8_t uadd8(uint8_t a, uint8_t b) { uint8_t r = (uint8_t)(a + b); return r < a ? 255 : r; }
static uint16_t usub16(uint16_t a, uint16_t b) { return a > b ? (uint16_t)(a - b) : 0; }
static uint32_t uadd32(uint32_t a, uint32_t b) { uint32_t r; return __builtin_add_overflow(a, b, &r) ? UINT_MAX : r; }
static int32_t sadd32(int32_t a, int32_t b) {
    int64_t r = (int64_t)a + b;
    return r > INT_MAX ? INT_MAX : r < INT_MIN ? INT_MIN : (int32_t)r;
}
static int16_t ssub16(int16_t a, int16_t b) {
    int r = a - b;
    return (int16_t)(r > 32767 ? 32767 : r < -32768 ? -32768 : r);
}
static int8_t sadd8(int8_t a, int8_t b) {
    int r = a + b;
    return (int8_t)(r > 127 ? 127 : r < -128 ? -128 : r);
}

int main(void) {
    uint8_t p[256];
    int16_t s[256];
    for (int i = 0; i < 256; i++) { p[i] = (uint8_t)(i * 37 + 11); s[i] = (int16_t)(i * 1021 - 30000); }
    uint64_t acc = 0;
    for (int i = 0; i < 256; i++) {
        int j = (i * 7 + 3) & 255;
        uint8_t a = uadd8(p[i], p[j]);
        uint16_t b = usub16((uint16_t)(p[i] * 200), (uint16_t)(p[j] * 190));
        uint32_t c = uadd32((uint32_t)p[i] << 24, (uint32_t)p[j] << 24);
        int32_t d = sadd32(s[i] * 65536, s[j] * 65536);
        int16_t e = ssub16(s[i], s[j]);
        int8_t f = sadd8((int8_t)p[i], (int8_t)p[j]);
        acc = acc * 31 + a + b + c + (uint32_t)d + (uint16_t)e + (uint8_t)f;
        ck(a); ck(b); ck(c); ck((uint32_t)d); ck((uint16_t)e); ck((uint8_t)f);
        if (i % 32 == 0) printf("%3d: %u %u %u %d %d %d\n", i, a, b, c, d, e, f);
    }
    /* A loop the vectorizer turns into vector saturating adds. */
    uint8_t out[256];
    for (int i = 0; i < 256; i++) { unsigned r = p[i] + p[255 - i]; out[i] = (uint8_t)(r > 255 ? 255 : r); }
    for (int i = 0; i < 256; i++) acc += out[i] * (uint64_t)(i + 1);
    printf("acc %llu\n", (unsigned long long)acc);
    ck(acc);
    ck_print();
    return 0;
}
