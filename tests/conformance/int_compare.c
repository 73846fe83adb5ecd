/* Comparisons (signed/unsigned/mixed), min/max/abs patterns and selects, in every width. */
#include "common.h"
#include <stdlib.h>

static int cmp3(long long a, long long b) { return (a > b) - (a < b); }

int main(void) {
    int32_t v[] = {0, 1, -1, 42, -42, 2147483647, -2147483647 - 1, 65536, -65537, 100, 7};
    unsigned n = sizeof v / sizeof v[0];
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            int32_t a = OPQ(v[i]), b = OPQ(v[j]);
            uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            unsigned bits = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4 |
                            (ua < ub) << 5 | (ua <= ub) << 6 | (ua > ub) << 7 | (ua >= ub) << 8 |
                            ((int8_t)a < (int8_t)b) << 9 | ((uint16_t)a > (uint16_t)b) << 10 |
                            ((int64_t)a * 3 < (int64_t)b * 5) << 11;
            int32_t mn = a < b ? a : b, mx = a > b ? a : b;
            uint32_t umn = ua < ub ? ua : ub, umx = ua > ub ? ua : ub;
            int c = cmp3(a, b);
            ck(bits); ck((uint32_t)mn); ck((uint32_t)mx); ck(umn); ck(umx); ck((uint64_t)(int64_t)c);
            if (i == j + 1) printf("%d %d bits=%03x min=%d max=%d umin=%u umax=%u cmp=%d\n", a, b, bits, mn, mx,
                                   umn, umx, c);
        }
        int32_t a = OPQ(v[i]);
        if (a != -2147483647 - 1) {
            int32_t ab = abs(a), ab2 = a < 0 ? -a : a;
            long long lab = llabs((long long)a * 1000);
            printf("abs %d %d %lld\n", ab, ab2, lab);
            ck((uint32_t)ab); ck((uint32_t)ab2); ck((uint64_t)lab);
        }
    }
    /* Clamp and select chains. */
    int64_t acc = 0;
    for (int i = -300; i < 300; i += OPQ(7)) {
        int c8 = i < -128 ? -128 : i > 127 ? 127 : i;
        unsigned u8 = i < 0 ? 0u : i > 255 ? 255u : (unsigned)i;
        int sel = (i & 1) ? i * 3 : (i & 2) ? -i : i / 2;
        acc += c8 * 3 + (int)u8 * 5 + sel;
        ck((uint64_t)acc);
    }
    printf("acc %lld\n", (long long)acc);
    ck_print();
    return 0;
}
