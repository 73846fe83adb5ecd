/* Tiering test: `leaf` is only ever called from `driver`, which is compiled before it calls `leaf`; calls between
 * two JIT-compiled functions must still count, so `leaf` reaches O3 (see tests/tiering.rs). */
#include <stdio.h>

__attribute__((noinline)) unsigned leaf(unsigned x) { return x * 2654435761u + (x >> 7); }

__attribute__((noinline)) unsigned driver(unsigned seed, int n) {
    for (int i = 0; i < n; i++) seed = leaf(seed) ^ (unsigned)i;
    return seed;
}

int main(void) {
    unsigned s = 1;
    /* Warm `driver` up (to O1 with thresholds 3,100,1000) before it ever calls `leaf`. */
    for (int r = 0; r < 3; r++) s = driver(s, 0);
    for (int r = 0; r < 40; r++) s = driver(s, 5000);
    printf("native_calls: %u\n", s);
    return 0;
}
