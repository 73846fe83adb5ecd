/* Value-merging control flow: loops carrying many values (phi nodes, including swapped phis where the
 * parallel-copy order matters), selects of every type, and branches on loaded booleans. */
#include "common.h"

__attribute__((noinline)) static void swap_loop(int n, long *oa, long *ob) {
    long a = 1, b = 2;
    for (int i = 0; i < n; i++) { long t = a; a = b; b = t + (i & 3); } /* phis that swap */
    *oa = a; *ob = b;
}
__attribute__((noinline)) static uint64_t rotate3(int n) {
    uint64_t x = 1, y = 2, z = 3;
    for (int i = 0; i < n; i++) { uint64_t t = x; x = y; y = z; z = t * 5 + (uint64_t)i; } /* 3-cycle of phis */
    return x ^ (y << 1) ^ (z << 2);
}
__attribute__((noinline)) static double sel_d(double a, double b, int c) { return c ? a : b; }
__attribute__((noinline)) static float sel_f(float a, float b, long c) { return c > 10 ? a * 2 : b - 1; }
__attribute__((noinline)) static const char *sel_p(int c) { static const char x[] = "x", y[] = "y"; return c & 1 ? x : y; }
__attribute__((noinline)) static __int128 sel_128(__int128 a, __int128 b) { return a < b ? a : b; }

int main(void) {
    long a, b;
    swap_loop(OPQ(1001), &a, &b);
    printf("swap %ld %ld\n", a, b);
    uint64_t r = rotate3(OPQ(77));
    printf("rotate3 %016llx\n", (unsigned long long)r);
    ck((uint64_t)a); ck((uint64_t)b); ck(r);
    double ds = 0; float fs = 0; uint64_t ps = 0;
    for (int i = 0; i < 50; i++) {
        ds += sel_d(i * 0.5, -i * 0.25, i % 3);
        fs += sel_f((float)i, (float)-i, OPQ(i));
        ps = ps * 3 + (uint64_t)sel_p(i)[0];
    }
    __int128 m = sel_128(-((__int128)OPQ(1) << 100), (__int128)5 << 90);
    printf("sel %.17g %.9g %llu %lld\n", ds, fs, (unsigned long long)ps, (long long)(m >> 64));
    ck_d(ds); ck_f(fs); ck(ps); ck((uint64_t)(m >> 64));
    /* A loop with conditional updates of several accumulators (if-converted to selects at -O2). */
    int mn = 1 << 30, mx = -(1 << 30), cnt = 0, last_neg = -1;
    uint32_t x = OPQ(17u);
    for (int i = 0; i < 1000; i++) {
        x = x * 1103515245u + 12345u;
        int v = (int)(x >> 16) - 32768;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        if (v & 1) cnt++;
        if (v < 0) last_neg = i;
    }
    printf("min %d max %d odd %d last_neg %d\n", mn, mx, cnt, last_neg);
    ck((uint32_t)mn); ck((uint32_t)mx); ck((uint32_t)cnt); ck((uint32_t)last_neg);
    _Bool flags[16];
    for (int i = 0; i < 16; i++) flags[i] = (i * 5) % 3 == 1;
    int fsum = 0;
    for (int i = 0; i < 16; i++) if (flags[OPQ(i)]) fsum += i; else fsum -= 1;
    printf("flags %d\n", fsum);
    ck((uint32_t)fsum);
    ck_print();
    return 0;
}
