// Integer arithmetic of every width: wrap-around, division by variables and by constants
// (irvm turns the latter into multiplies), shifts, i128, overflow builtins, bit intrinsics.
#include <stdint.h>
#include <stdio.h>

static volatile int64_t vs[] = {0, 1, -1, 7, -7, 13, 1000000007, -1000000007, INT64_MAX, INT64_MIN + 1, 123456789012345LL};
static volatile uint64_t vu[] = {0, 1, 3, 10, 255, 65535, 1000000007, 0xffffffffu, UINT64_MAX, 0x8000000000000000ULL};

int main(void) {
    uint64_t h = 0;
    int n = sizeof vs / sizeof vs[0], m = sizeof vu / sizeof vu[0];
    for (int i = 0; i < n; i++) {
        int64_t a = vs[i];
        h = h * 31 + (uint64_t)(a / 3) + (uint64_t)(a % 3) + (uint64_t)(a / -7) + (uint64_t)(a % -7);
        h = h * 31 + (uint64_t)(a / 1000000007) + (uint64_t)(a % 1000000007);
        int32_t b = (int32_t)a;
        h = h * 31 + (uint32_t)(b / 10) + (uint32_t)(b % 10) + (uint32_t)(b / -3);
        int8_t c = (int8_t)a;
        h = h * 31 + (uint8_t)(c * 3) + (uint8_t)(c >> 1) + (uint8_t)(c / 5);
        for (int j = 0; j < n; j++) {
            int64_t d = vs[j];
            if (d != 0 && !(a == INT64_MIN && d == -1)) h = h * 31 + (uint64_t)(a / d) + (uint64_t)(a % d);
        }
    }
    for (int i = 0; i < m; i++) {
        uint64_t a = vu[i];
        h = h * 31 + a / 1000000007u + a % 1000000007u + a / 10 + a % 7 + (uint32_t)a / 1000u;
        h = h * 31 + (a << (i % 64)) + (a >> (i % 64)) + (uint64_t)((int64_t)a >> (i % 64));
        unsigned __int128 w = (unsigned __int128)a * a + 12345;
        h = h * 31 + (uint64_t)(w >> 64) + (uint64_t)w + (uint64_t)(w / 1000003) + (uint64_t)(w % 97);
        __int128 s = -(__int128)a * 3;
        h = h * 31 + (uint64_t)(s >> 70) + (uint64_t)(s / 7);
        uint64_t r;
        h = h * 31 + __builtin_add_overflow(a, vu[(i + 1) % m], &r) + r;
        h = h * 31 + __builtin_mul_overflow((int64_t)a, (int64_t)vu[(i + 3) % m], (int64_t *)&r) + r;
        h = h * 31 + (uint64_t)__builtin_popcountll(a) + (uint64_t)(a ? __builtin_clzll(a) : 64) + (uint64_t)(a ? __builtin_ctzll(a) : 64);
        h = h * 31 + __builtin_bswap64(a) + __builtin_bswap32((uint32_t)a) + __builtin_bswap16((uint16_t)a);
        h = h * 31 + ((a << 13) | (a >> 51));
    }
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
