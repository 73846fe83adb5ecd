/* __int128: multiply, divide, modulo, shifts, comparisons, conversions; printed in decimal by hand. */
#include "common.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

static void print_u128(u128 v) {
    char buf[64];
    int n = 0;
    do { buf[n++] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    while (n) putchar(buf[--n]);
}
static void print_i128(i128 v) {
    if (v < 0) { putchar('-'); print_u128((u128)0 - (u128)v); } else print_u128((u128)v);
}
static void ck128(u128 v) { ck((uint64_t)v); ck((uint64_t)(v >> 64)); }

int main(void) {
    u128 f = 1;
    for (int i = 1; i <= 34; i++) {
        f *= (u128)OPQ(i);
        if (i % 5 == 4) { printf("%d! = ", i); print_u128(f); putchar('\n'); }
        ck128(f);
    }
    /* Signed division with negatives. */
    i128 a = -(i128)OPQ(0x7fffffffffffffffLL) * 1000003;
    i128 ds[] = {3, -3, 1000000007, -(i128)1 << 70, 17, (i128)1 << 64};
    for (unsigned i = 0; i < 6; i++) {
        i128 d = ds[i];
        i128 q = a / d, r = a % d;
        print_i128(q); printf(" "); print_i128(r); printf("\n");
        ck128((u128)q); ck128((u128)r);
    }
    /* Shifts. */
    u128 s = ((u128)OPQ(0xdeadbeefcafebabeull) << 64) | OPQ(0x0123456789abcdefull);
    for (int k = 0; k < 128; k += OPQ(9)) {
        u128 l = s << k, r = s >> k;
        i128 ar = (i128)s >> k;
        ck128(l); ck128(r); ck128((u128)ar);
        if (k % 36 == 0) printf("shift %d %016llx%016llx %016llx\n", k, (unsigned long long)(l >> 64),
                                (unsigned long long)l, (unsigned long long)(ar >> 64));
    }
    /* Comparisons and conversion to/from double. */
    i128 x = -((i128)1 << 100), y = (i128)1 << 99;
    printf("cmp %d %d %d %d\n", x < y, (u128)x < (u128)y, x == y, x != y);
    double dx = (double)x, dy = (double)(u128)s;
    i128 back = (i128)(dx / 3.0);
    printf("conv %.17g %.17g ", dx, dy); print_i128(back); putchar('\n');
    ck_d(dx); ck_d(dy); ck128((u128)back);
    /* 64x64 -> 128 products. */
    uint64_t m = OPQ(0xffffffffffffffffull);
    u128 p = (u128)m * m;
    printf("sq %016llx %016llx\n", (unsigned long long)(p >> 64), (unsigned long long)p);
    ck128(p);
    ck_print();
    return 0;
}
