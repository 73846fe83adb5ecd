/* _BitInt(N) of odd widths up to 128: LLVM integers like i7, i37, i65, i100. */
#include "common.h"

typedef _BitInt(7) s7;
typedef unsigned _BitInt(7) u7;
typedef _BitInt(37) s37;
typedef unsigned _BitInt(37) u37;
typedef unsigned _BitInt(65) u65;
typedef _BitInt(100) s100;

int main(void) {
    u7 a = OPQ((u7)100);
    s7 b = OPQ((s7)-50);
    u37 c = OPQ((u37)0x1fffffffffuLL); /* 2^37 - 1 */
    s37 d = OPQ((s37)-12345678901LL);
    u65 e = OPQ((u65)1) << 64;
    s100 f = -(OPQ((s100)1) << 90);
    for (int i = 0; i < 40; i++) {
        a = a * 3 + 1;      /* wraps mod 128 */
        b = (s7)(b / 3 - 7 * (i & 1));
        if (b < -40) b = (s7)(b + 60);
        c = c * 5 + 3;      /* wraps mod 2^37 */
        d = d / 7 + (s37)(c % 1000);
        e = (e >> 1) ^ (e * 3);
        f = f / 5 + (s100)(unsigned long long)c;
        ck((uint64_t)a); ck((uint64_t)(int64_t)b); ck((uint64_t)c); ck((uint64_t)(int64_t)d);
        ck((uint64_t)e); ck((uint64_t)(e >> 64)); ck((uint64_t)f); ck((uint64_t)(f >> 64));
        if (i % 8 == 0)
            printf("%d: a=%u b=%d c=%llu d=%lld e=%llx:%016llx f=%lld\n", i, (unsigned)a, (int)b,
                   (unsigned long long)c, (long long)d, (unsigned long long)(e >> 64), (unsigned long long)e,
                   (long long)(f >> 40));
    }
    /* Comparisons and conversions between odd widths. */
    s37 g = (s37)OPQ(-1);
    u37 h = (u37)g;
    printf("g=%lld h=%llu cmp=%d %d\n", (long long)g, (unsigned long long)h, g < 0, h > (u37)0xfffffffffULL);
    ck((uint64_t)h);
    ck_print();
    return 0;
}
