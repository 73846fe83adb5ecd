/* The ORC self-test kernel (orc-bridge/src/selftest.rs): compiled to bitcode at build time by
 * build.rs, then JIT-compiled at O0 and O3 by `bareflow orc-selftest` on Linux and in the
 * unikernel. Small, deterministic, a loop worth optimizing, one call into the host. */
#include <stdint.h>

/* Given to the JIT as an explicit runtime symbol (no dlsym). */
extern int64_t bf_host_mix(int64_t x);

int64_t bf_selftest(int64_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a offset basis */
    int64_t acc = 0;
    for (int64_t i = 0; i < n; i++) {
        h ^= (uint64_t)i;
        h *= 1099511628211ull; /* FNV prime */
        acc += (int64_t)((h >> 40) % 1000);
    }
    return bf_host_mix(acc);
}
