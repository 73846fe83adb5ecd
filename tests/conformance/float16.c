/* _Float16 (IR `half`): conversions (rounding of halfway cases, overflow to infinity, subnormals),
 * arithmetic (promoted to float on x86-64 without AVX512-FP16), comparisons, arrays. (__bf16 is left out:
 * converting to it needs __truncsfbf2, which Debian 12's libgcc does not have.) */
#include "common.h"

__attribute__((noinline)) static _Float16 hmul(_Float16 a, _Float16 b) { return a * b; }
__attribute__((noinline)) static _Float16 hsum(const _Float16 *p, int n) { _Float16 s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }

int main(void) {
    float vals[] = {0.0f, -0.0f, 1.0f, 0.1f, 65504.0f, 65520.0f, 6.1e-5f, 5.96e-8f, 2.98e-8f, 1.0009765625f, 1.00048828125f, 3.14159f, -1234.5678f};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        float v = OPQ(vals[i]);
        _Float16 h = (_Float16)v;
        uint16_t hb;
        memcpy(&hb, &h, 2);
        printf("%.9g -> half %04x (%.9g)\n", v, hb, (double)h);
        ck(hb);
    }
    _Float16 a = (_Float16)OPQ(1.5f), c = (_Float16)0.333f;
    _Float16 r = hmul(a, c) + a / c - (_Float16)2;
    printf("arith %.9g cmp %d %d\n", (double)r, a > c, hmul(a, a) == (_Float16)2.25f);
    _Float16 arr[100];
    for (int i = 0; i < 100; i++) arr[i] = (_Float16)(i * 0.37f);
    _Float16 s = hsum(arr, OPQ(100));
    uint16_t sb;
    memcpy(&sb, &s, 2);
    printf("sum %.9g (%04x)\n", (double)s, sb);
    ck(sb);
    int iv = (int)(_Float16)OPQ(-77.7f);
    _Float16 fromint = (_Float16)OPQ(2049);
    printf("conv %d %.9g\n", iv, (double)fromint);
    ck((uint32_t)iv);
    ck_print();
    return 0;
}
