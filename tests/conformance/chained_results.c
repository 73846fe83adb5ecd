/* irvm hands an op's result to the next op in a machine register when the next op reads it (the
 * result register): chains of integer and floating-point arithmetic, a result used twice, a
 * result as the index of the next load (also when the two loads run as one pair), as a branch's
 * condition and a select's operands, a division's and a conversion's result; and the places where
 * the register must not be read: a call's result, the first op of a block reached from elsewhere,
 * an op after a store or a branch. The ops that read the register are forms of their own, also
 * for a second operand (below, `second`). */
#include "common.h"

/* spectral's matrix element: integer chain into a division by a converted integer. */
__attribute__((noinline)) static double elem(long i, long j) { return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1); }

/* x * x where x is the op before's result (both operands from the register). */
__attribute__((noinline)) static unsigned long square_chain(unsigned long x, long n) {
    for (long k = 0; k < n; k++) {
        x = x * 2654435761u + 12345;
        x = (x ^ (x >> 13)) * (x ^ (x >> 13));
        x = x + (x >> 29);
    }
    return x;
}

/* x = perm[i]; y = perm[x]: the second load's index is the first load's result, the two loads
 * one after the other (a pair in irvm). */
__attribute__((noinline)) static unsigned long twice_indexed(const long *perm, long n) {
    unsigned long s = 0;
    for (long i = 0; i < n; i++) s = s * 3 + perm[perm[i]];
    return s;
}
__attribute__((noinline)) static unsigned twice_indexed32(const int *perm, int n) {
    unsigned s = 0;
    for (int i = 0; i < n; i++) s = s * 5 + perm[perm[i]];
    return s;
}

/* Compare results into branches and selects, 32- and 64-bit, signed and unsigned. */
__attribute__((noinline)) static long branchy(const int *a, long n) {
    long s = 0;
    for (long i = 0; i < n; i++) {
        int v = a[i] * 7 - 3;
        if ((unsigned)v % 5 == 2) s += v;
        else if (v > 40) s -= (long)v * 4;
        long w = (long)v * v;
        s ^= w > 900 ? w : -w;
        int c = (v & 0xff) < 0x30;
        s += c ? (v >> 1) : v * 2;
    }
    return s;
}

/* Float chains: a conversion of an integer chain, a multiply-add, a square root, a negation and
 * a compare of the result. */
__attribute__((noinline)) static float fchain(unsigned s, int n) {
    float acc = 0;
    for (int k = 0; k < n; k++) {
        s = s * 1103515245u + 12345u;
        float x = ((float)(s >> 16 & 0x7fff) / 32768.0f - 0.5f) * 0.1f;
        float y = __builtin_sqrtf(x * x + 1.0f);
        acc += -y < -1.01f ? y : x;
    }
    return acc;
}

/* Division and remainder results chained, signed and unsigned, by variables and by constants. */
__attribute__((noinline)) static long divs(long a, long b, long n) {
    long s = 0;
    for (long k = 1; k <= n; k++) {
        long q = (a + k) / (b + (k & 3));
        long r = (q * 31 + k) % 1000003;
        unsigned long u = (unsigned long)(r + q) / 7;
        s += (long)(u % 13) - (long)((unsigned long)r >> 3) / 3;
    }
    return s;
}

/* The result as a second operand: of a subtraction and a division (integer and floating point),
 * the right side of a compare-and-branch (the compare mirrored), a multiply-add's addend, a
 * pointer computed right before its load. */
__attribute__((noinline)) static double second(const long *p, const double *x, long n) {
    double acc = 1;
    long s = 0;
    for (long k = 0; k < n; k++) {
        long v = p[k];
        s = s - v * 3;
        s = 1000003 - (s ^ k);
        s = s / (v | 1);
        if (k < (v & 63)) s += 5;
        if ((unsigned long)s > (unsigned long)(v * 5)) s >>= 1;
        double y = x[k];
        acc = acc - y * 0.5;
        acc = 3.0 / (acc + 2.5);
        acc = y * 1.5 + acc * 0.25;
        s += *(p + ((s ^ k) & 7));
    }
    return acc + (double)s;
}

__attribute__((noinline)) static long add1(long x) { return x + 1; }

/* A call's result read right after the call; a loop whose first op reads a value computed by the
 * op just before the loop in the code and by the latch on the way round. */
__attribute__((noinline)) static unsigned long around(long x, long n) {
    unsigned long y = (unsigned long)add1(x) * 3;
    unsigned long z = (unsigned long)x * 5 + 1;
    for (long k = 0; k < n; k++) {
        z = z * 7 + y;
        y = (z >> 3) ^ k;
    }
    return z + y;
}

int main(void) {
    double es = 0;
    for (long i = 0; i < 40; i++)
        for (long j = 0; j < 40; j++) es += elem(OPQ(i), OPQ(j)) * (double)(j + 1);
    printf("elem %.17g\n", es);
    ck_d(es);

    unsigned long q = square_chain(OPQ(0x9e3779b97f4a7c15UL), OPQ(1000));
    printf("square_chain %lu\n", q);
    ck(q);

    long perm[97];
    int perm32[97];
    for (int k = 0; k < 97; k++) perm[k] = perm32[k] = (k * 38 + 11) % 97;
    unsigned long t = twice_indexed(perm, OPQ(97));
    unsigned t32 = twice_indexed32(perm32, OPQ(97));
    printf("twice_indexed %lu %u\n", t, t32);
    ck(t);
    ck(t32);

    int a[200];
    for (int k = 0; k < 200; k++) a[k] = (k * 7919) % 211 - 100;
    long b = branchy(a, OPQ(200));
    printf("branchy %ld\n", b);
    ck(b);

    float f = fchain(OPQ(1u), OPQ(5000));
    printf("fchain %.9g\n", f);
    ck_f(f);

    long d = divs(OPQ(1000000007L), OPQ(97L), OPQ(3000));
    printf("divs %ld\n", d);
    ck(d);

    long pv[64];
    double xv[64];
    for (int k = 0; k < 64; k++) {
        pv[k] = (k * 37 + 5) % 101 - 20;
        xv[k] = (double)((k * 13) % 29) / 7.0 - 1.5;
    }
    double sec = second(pv, xv, OPQ(64));
    printf("second %.17g\n", sec);
    ck_d(sec);

    unsigned long r = around(OPQ(11L), OPQ(50));
    printf("around %lu\n", r);
    ck(r);
    ck_print();
    return 0;
}
