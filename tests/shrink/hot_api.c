/* jit_optimize_hot_functions() (bareflow.h): `work` gets very hot through its loop while being
 * called only three times, so the call-count tier hook never looks at it again; the API call must
 * compile it now (O3: heat >= very hot). `mild` stays below the hot threshold and is left alone. */
#include <stdint.h>
#include <stdio.h>

#include "bareflow.h"

static volatile uint64_t sink;

__attribute__((noinline)) uint64_t work(int n) {
    uint64_t s = 0;
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 0; i < n; i++) s = s * 31 + (uint64_t)i;
    return s;
}

__attribute__((noinline)) uint64_t mild(int n) {
    uint64_t s = 1;
#pragma clang loop unroll(disable) vectorize(disable)
    for (int i = 0; i < n; i++) s ^= s << 3 ^ (uint64_t)i;
    return s;
}

int main(void) {
    for (int k = 0; k < 3; k++) sink += work(60000 + k);
    sink += mild(1000);
    printf("before: work %d, mild %d\n", jit_get_optimization_level("work"), jit_get_optimization_level("mild"));
    int n = jit_optimize_hot_functions();
    printf("compiled %d\n", n);
    printf("after: work %d, mild %d\n", jit_get_optimization_level("work"), jit_get_optimization_level("mild"));
    printf("again: compiled %d\n", jit_optimize_hot_functions());
    printf("result %llu\n", (unsigned long long)(sink + work(1000) + mild(10)));
    return 0;
}
