/* Min/max reductions (become vector smin/smax/umin/umax reductions at -O2), argmin, clamping loops. */
#include "common.h"

#define N 777

__attribute__((noinline)) static int imin(const int *p, int n) { int m = p[0]; for (int i = 1; i < n; i++) m = p[i] < m ? p[i] : m; return m; }
__attribute__((noinline)) static int imax(const int *p, int n) { int m = p[0]; for (int i = 1; i < n; i++) m = p[i] > m ? p[i] : m; return m; }
__attribute__((noinline)) static unsigned umin(const unsigned *p, int n) { unsigned m = ~0u; for (int i = 0; i < n; i++) m = p[i] < m ? p[i] : m; return m; }
__attribute__((noinline)) static uint8_t bmax(const uint8_t *p, int n) { uint8_t m = 0; for (int i = 0; i < n; i++) m = p[i] > m ? p[i] : m; return m; }
__attribute__((noinline)) static int16_t smin16(const int16_t *p, int n) { int16_t m = 32767; for (int i = 0; i < n; i++) m = p[i] < m ? p[i] : m; return m; }
__attribute__((noinline)) static int64_t lmax(const int64_t *p, int n) { int64_t m = INT64_MIN; for (int i = 0; i < n; i++) m = p[i] > m ? p[i] : m; return m; }
__attribute__((noinline)) static int argmin(const int *p, int n) { int k = 0; for (int i = 1; i < n; i++) if (p[i] < p[k]) k = i; return k; }
__attribute__((noinline)) static void clamp(int *p, int n, int lo, int hi) { for (int i = 0; i < n; i++) p[i] = p[i] < lo ? lo : p[i] > hi ? hi : p[i]; }
__attribute__((noinline)) static float fmaxr(const float *p, int n) { float m = p[0]; for (int i = 1; i < n; i++) m = p[i] > m ? p[i] : m; return m; }

int main(void) {
    static int a[N]; static unsigned u[N]; static uint8_t b[N]; static int16_t s[N]; static int64_t l[N]; static float f[N];
    uint64_t x = OPQ(88172645463325252ull);
    for (int i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        a[i] = (int)(x % 2000001) - 1000000; u[i] = (unsigned)(x >> 20); b[i] = (uint8_t)(x >> 40);
        s[i] = (int16_t)(x >> 30); l[i] = (int64_t)x; f[i] = (float)(int32_t)(x >> 32) * 1e-3f;
    }
    for (int n = OPQ(1); n <= N; n += 97) {
        int mn = imin(a, n), mx = imax(a, n), am = argmin(a, n);
        unsigned um = umin(u, n); uint8_t bm = bmax(b, n); int16_t sm = smin16(s, n); int64_t lm = lmax(l, n);
        float fm = fmaxr(f, n);
        printf("n=%3d %d %d %d %u %u %d %lld %.9g\n", n, mn, mx, am, um, bm, sm, (long long)lm, fm);
        ck((uint32_t)mn); ck((uint32_t)mx); ck((uint32_t)am); ck(um); ck(bm); ck((uint16_t)sm); ck((uint64_t)lm); ck_f(fm);
    }
    clamp(a, N, OPQ(-1000), 5000);
    long sum = 0;
    for (int i = 0; i < N; i++) sum += a[i];
    printf("clamped sum %ld\n", sum);
    ck((uint64_t)sum);
    ck_print();
    return 0;
}
