/* Every bareflow.h function, asked in a known situation: `counted` (no loop, so its heat is its
 * calls) is called exactly 1000 times, each call inside the timed region "pass"; then lookups of
 * a function that does not exist, thresholds out of order, and a tier-up of everything hot. One
 * line per answer, "what value"; tests/tiering.rs (`bareflow_h_answers_in_every_tier`) knows
 * what each tier must answer. Never opened or unnamed regions must be ignored. */
#include <stdint.h>
#include <stdio.h>

#include "bareflow.h"

static volatile uint64_t sink;

__attribute__((noinline)) uint64_t counted(uint64_t x) {
    return (x * 2654435761u) ^ (x >> 7);
}

int main(void) {
    for (uint64_t i = 0; i < 1000; i++) {
        jit_profile_begin("pass");
        sink += counted(i);
        jit_profile_end("pass");
    }
    jit_profile_end("never-opened");
    jit_profile_begin(NULL);
    printf("calls %llu\n", (unsigned long long)jit_get_call_count("counted"));
    printf("calls-missing %llu\n", (unsigned long long)jit_get_call_count("no_such_function"));
    printf("cycles %s\n", jit_get_avg_cycles("counted") > 0 ? "measured" : "none");
    printf("cycles-missing %llu\n", (unsigned long long)jit_get_avg_cycles("no_such_function"));
    printf("level %d\n", jit_get_optimization_level("counted"));
    printf("level-missing %d\n", jit_get_optimization_level("no_such_function"));
    printf("threshold-disordered %d\n", jit_set_threshold(5, 4, 3));
    printf("threshold-zero %d\n", jit_set_threshold(0, 1, 2));
    /* Low enough that `counted` (heat 1000) and `main` (1 call, 1000 back-edges) are very hot. */
    printf("threshold %d\n", jit_set_threshold(10, 20, 40));
    printf("optimize %d\n", jit_optimize_hot_functions());
    printf("level-after %d\n", jit_get_optimization_level("counted"));
    printf("optimize-again %d\n", jit_optimize_hot_functions());
    printf("result %llu\n", (unsigned long long)sink);
    return 0;
}
