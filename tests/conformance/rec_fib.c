/* Recursion: naive fib, Ackermann (small), Towers of Hanoi, recursive power set count, memoized fib. */
#include "common.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static unsigned ack(unsigned m, unsigned n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
static long moves;
static void hanoi(int n, int from, int to, int via, uint64_t *trace) {
    if (n == 0) return;
    hanoi(n - 1, from, via, to, trace);
    moves++;
    *trace = *trace * 7 + (uint64_t)(from * 3 + to);
    hanoi(n - 1, via, to, from, trace);
}
static uint64_t memo[100];
static uint64_t mfib(int n) { if (n < 2) return (uint64_t)n; if (memo[n]) return memo[n]; return memo[n] = mfib(n - 1) + mfib(n - 2); }
static int subsets(const int *a, int n, int target) { /* count subsets summing to target */
    if (n == 0) return target == 0;
    return subsets(a + 1, n - 1, target - a[0]) + subsets(a + 1, n - 1, target);
}

int main(void) {
    int n = OPQ(24);
    int f = fib(n);
    printf("fib(%d) = %d\n", n, f);
    for (unsigned m = 0; m <= 2; m++)
        for (unsigned k = 0; k <= 4; k++) { unsigned a = ack(m, OPQ(k)); printf("ack(%u,%u)=%u ", m, k, a); ck(a); }
    unsigned a33 = ack(3, OPQ(3u));
    printf("\nack(3,3)=%u\n", a33);
    uint64_t trace = 0;
    hanoi(OPQ(12), 1, 3, 2, &trace);
    printf("hanoi moves %ld trace %016llx\n", moves, (unsigned long long)trace);
    printf("mfib(90) = %llu\n", (unsigned long long)mfib(OPQ(90)));
    int set[] = {3, 34, 4, 12, 5, 2, 7, 8, 11, 19, 1, 6, 9, 13, 17, 21};
    int cnt = subsets(set, OPQ(16), 40);
    printf("subsets summing to 40: %d\n", cnt);
    ck((uint32_t)f); ck(a33); ck(trace); ck(mfib(90)); ck((uint32_t)cnt);
    ck_print();
    return 0;
}
