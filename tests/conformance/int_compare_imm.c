/* Comparisons with a constant whose result is a value (selects, counts, flags), at the edges of each
 * width, and loop latches comparing signed counters against a bound with a loop-carried value
 * updated on one edge only (the compare-branch-move form). */
#include "common.h"

#define VALUE_CMPS(T, x)                                                                                    \
    ((unsigned)((x) == (T)0) | (unsigned)((x) == (T)-1) << 1 | (unsigned)((x) != (T)7) << 2 |               \
     (unsigned)((x) > (T)-2) << 3 | (unsigned)((x) > (T)1000) << 4 | (unsigned)((x) < (T)-5) << 5 |         \
     (unsigned)((x) >= (T)3) << 6 | (unsigned)((x) <= (T)-3) << 7 | (unsigned)((x) == (T)42) << 8)

int main(void) {
    int32_t v32[] = {0, 1, -1, 2, -2, 3, -3, 7, 42, 1000, 1001, -5, -6, 2147483647, -2147483647 - 1, 65536};
    int64_t v64[] = {0, 1, -1, 7, 42, 1000, 1001, -5, -6, 4294967295LL, 4294967296LL, -4294967296LL,
                     9223372036854775807LL, -9223372036854775807LL - 1};
    for (unsigned i = 0; i < sizeof v32 / sizeof v32[0]; i++) {
        int32_t x = OPQ(v32[i]);
        uint32_t u = (uint32_t)x;
        unsigned s = VALUE_CMPS(int32_t, x), w = VALUE_CMPS(uint32_t, u);
        /* a state machine step: the next state from compares against constants */
        int next = x == 0 ? 0 : (x > 41 ? 2 : (u < 10u ? 1 : 3));
        printf("i32 %d: %03x %03x next=%d\n", x, s, w, next);
        ck(s); ck(w); ck((uint64_t)next);
    }
    for (unsigned i = 0; i < sizeof v64 / sizeof v64[0]; i++) {
        int64_t x = OPQ(v64[i]);
        uint64_t u = (uint64_t)x;
        unsigned s = VALUE_CMPS(int64_t, x), w = VALUE_CMPS(uint64_t, u);
        long classes = (long)(u < 26u) + (long)(u != 95u) * 2 + (long)(x == 4294967296LL) * 4;
        printf("i64 %lld: %03x %03x classes=%ld\n", (long long)x, s, w, classes);
        ck(s); ck(w); ck((uint64_t)classes);
    }
    /* Counters down to a signed bound, with a value carried around the loop and updated on the
     * taken edge only; bounds cross zero. */
    for (int lo = -3; lo <= 3; lo += 3) {
        long hi = OPQ(40L);
        int64_t acc = 0, last = -100;
        for (long j = hi; j > lo; j--) {
            if ((j * 7) % 5 == 1) last = j;
            acc += j * 3 + last;
        }
        uint32_t acc32 = 0; /* unsigned: the products wrap, defined */
        for (int k = OPQ(-20); k < lo + 25; k++) acc32 = acc32 * 3u + (uint32_t)(k ^ (int)acc);
        printf("latch lo=%d acc=%lld last=%lld acc32=%u\n", lo, (long long)acc, (long long)last, acc32);
        ck((uint64_t)acc); ck((uint64_t)last); ck((uint32_t)acc32);
    }
    /* A subsequence count (the inner loop walks down with a one-edge update). */
    char a[] = "abcabcaabbccabc", b[] = "abc";
    uint64_t row[4] = {1, 0, 0, 0};
    for (int i = 0; a[OPQ(i)]; i++)
        for (long j = 3; j >= 1; j--)
            if (a[i] == b[j - 1]) row[j] = (row[j] + row[j - 1]) % 1000000007u;
    printf("subseq %llu\n", (unsigned long long)row[3]);
    ck(row[3]);
    ck_print();
    return 0;
}
