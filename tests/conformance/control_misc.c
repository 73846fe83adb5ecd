/* Structured control flow: nested break/continue, do-while, short-circuit evaluation with side effects,
 * comma operator, ternary chains, loops with multiple exits, and early returns. */
#include "common.h"

static int calls;
static int t(int v) { calls++; return v; }

static int classify(int x) { return x < 0 ? -1 : x == 0 ? 0 : x < 10 ? 1 : x < 100 ? 2 : 3; }
static int first_dup(const int *a, int n) {
    for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) if (a[i] == a[j]) return i;
    return -1;
}

int main(void) {
    int s = 0;
    for (int i = 0; i < 20; i++) {
        if (i % 3 == 0) continue;
        for (int j = 0; j < 20; j++) {
            if (j > i) break;
            if ((i + j) % 5 == 0) continue;
            s += i * j;
        }
        if (s > 5000) break;
    }
    printf("nested %d\n", s);
    int k = OPQ(0), it = 0;
    do { k += 7; it++; } while (k % 11 != 0);
    printf("do-while k=%d it=%d\n", k, it);
    calls = 0;
    int r = 0;
    for (int i = 0; i < 10; i++) {
        if (t(i & 1) && t(i & 2)) r += 1;
        if (t(i > 5) || t(i == 2)) r += 10;
        r += (t(i), t(i * 2)); /* comma: both called, value of the second */
    }
    printf("short-circuit r=%d calls=%d\n", r, calls);
    unsigned cls = 0;
    for (int x = -5; x < 200; x += OPQ(13)) cls = cls * 5u + (unsigned)(classify(x) + 1);
    printf("classify %u\n", cls);
    int a[] = {5, 3, 8, 1, 9, 3, 7};
    printf("first dup %d\n", first_dup(a, OPQ(7)));
    /* A while(1) with several exits. */
    unsigned x = OPQ(27u), steps = 0, peak = 0;
    while (1) {
        if (x == 1) break;
        x = x & 1 ? 3 * x + 1 : x / 2;
        if (x > peak) peak = x;
        if (++steps > 1000) break;
    }
    printf("collatz 27 steps %u peak %u\n", steps, peak);
    ck((uint32_t)s); ck((uint32_t)k); ck((uint32_t)r); ck((uint32_t)calls); ck((uint32_t)cls); ck(steps); ck(peak);
    ck_print();
    return 0;
}
