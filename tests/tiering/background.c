/* Background compilation: `main` calls `work` until the tier manager reports it JIT-compiled (bareflow.h), at most
 * 60 seconds. With compiles on a background thread the program keeps calling the interpreted `work` meanwhile and
 * switches to the new code when it is ready; synchronously the switch happens inside the call that made it hot.
 * Either way the printed result is that of a fixed computation (tests/tiering.rs compares it with --tier interp). */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bareflow.h"

__attribute__((noinline)) uint64_t work(uint64_t x) {
    uint64_t h = x;
    for (int i = 0; i < 200; i++) h = (h ^ (h >> 13)) * 0x9E3779B97F4A7C15ull + (uint64_t)i;
    return h;
}

int main(void) {
    time_t start = time(NULL);
    volatile uint64_t sink = 0;
    /* O1 after 50 calls; -1 without a tier manager (--tier interp): nothing to wait for then. */
    int tiered = jit_set_threshold(50, 100000, 1000000) == 0;
    while (tiered && jit_get_optimization_level("work") < 0 && time(NULL) - start < 60) {
        for (uint64_t i = 0; i < 64; i++) sink += work(i);
    }
    printf("switched %s\n", jit_get_optimization_level("work") >= 0 ? "yes" : "no");
    uint64_t t = 0;
    for (uint64_t i = 0; i < 1000; i++) t += work(i);
    printf("result %llu\n", (unsigned long long)t);
    return 0;
}
