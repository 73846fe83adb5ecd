/* Byte loops: case conversion, histogram, xor cipher, byte compare/count, u8 widening arithmetic, blend. */
#include "common.h"
#include <ctype.h>

#define N 4099

__attribute__((noinline)) static void upper(char *restrict o, const char *s, int n) { for (int i = 0; i < n; i++) o[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i]; }
__attribute__((noinline)) static void xorbuf(uint8_t *p, int n, uint8_t k) { for (int i = 0; i < n; i++) p[i] ^= (uint8_t)(k + i); }
__attribute__((noinline)) static int count(const uint8_t *p, int n, uint8_t c) { int k = 0; for (int i = 0; i < n; i++) k += p[i] == c; return k; }
__attribute__((noinline)) static void avg(uint8_t *restrict o, const uint8_t *a, const uint8_t *b, int n) { for (int i = 0; i < n; i++) o[i] = (uint8_t)((a[i] + b[i] + 1) >> 1); }
__attribute__((noinline)) static void blend(uint8_t *restrict o, const uint8_t *a, const uint8_t *b, uint8_t alpha, int n) {
    for (int i = 0; i < n; i++) o[i] = (uint8_t)((a[i] * alpha + b[i] * (255 - alpha)) / 255);
}
__attribute__((noinline)) static uint32_t sad(const uint8_t *a, const uint8_t *b, int n) { uint32_t s = 0; for (int i = 0; i < n; i++) s += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]); return s; }

int main(void) {
    static char text[N], up[N];
    static uint8_t a[N], b[N], o[N];
    const char *words = "the Quick brown FOX jumps over the lazy dog 0123456789 !? ";
    int wl = (int)strlen(words);
    uint32_t x = OPQ(2463534242u);
    for (int i = 0; i < N; i++) {
        text[i] = words[(i * 7) % wl];
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        a[i] = (uint8_t)x; b[i] = (uint8_t)(x >> 8);
    }
    upper(up, text, N);
    int hist[256] = {0};
    for (int i = 0; i < N; i++) hist[(uint8_t)up[i]]++;
    for (int c = 0; c < 256; c++) if (hist[c]) { ck((uint64_t)c << 32 | (unsigned)hist[c]); }
    printf("upper: %.40s hist[E]=%d hist[' ']=%d\n", up, hist['E'], hist[' ']);
    int digits = 0;
    for (int i = 0; i < N; i++) digits += isdigit((unsigned char)up[i]) != 0;
    printf("digits %d\n", digits);
    xorbuf(a, N, OPQ((uint8_t)0x5a));
    printf("count 7: %d count 200: %d\n", count(a, N, 7), count(b, N, 200));
    avg(o, a, b, N);
    uint64_t h = 0;
    for (int i = 0; i < N; i++) h = h * 131 + o[i];
    blend(o, a, b, OPQ((uint8_t)77), N);
    for (int i = 0; i < N; i++) h = h * 131 + o[i];
    uint32_t d = sad(a, b, N);
    printf("hash %016llx sad %u\n", (unsigned long long)h, d);
    ck(h); ck(d); ck((uint64_t)digits);
    ck_print();
    return 0;
}
