/* bareflow.h — the tiering C API of BareFlow (jit_*: ask and steer the tiers). Works in every tier (interpreted by
 * irvm, JIT-compiled by orc-bridge) in userspace and on bare metal: the functions are provided
 * by the bareflow driver (tier/src/api.rs, next to this header) and resolved through its
 * explicit symbol table (no dynamic loader).
 * A function's "heat" is its calls plus its loop back-edges counted while interpreted. */
#ifndef BAREFLOW_H
#define BAREFLOW_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Start / stop timing a named region (TSC cycles; totals appear in the profile JSON). */
void jit_profile_begin(const char *name);
void jit_profile_end(const char *name);

/* Calls of function `name` counted by irvm so far (calls between two JIT-compiled functions
 * are not counted); 0 if there is no such function. */
uint64_t jit_get_call_count(const char *name);

/* Average inclusive TSC cycles per call of `name` (measured while interpreted); 0 if unknown. */
uint64_t jit_get_avg_cycles(const char *name);

/* Compile now every function whose heat reached the hot threshold (O2; O3 if very hot).
 * Returns how many were compiled. */
int jit_optimize_hot_functions(void);

/* Heat thresholds for O1 (warm), O2 (hot), O3 (very hot). Returns 0, or -1 unless
 * 1 <= warm <= hot <= very_hot (then nothing changes). */
int jit_set_threshold(uint64_t warm, uint64_t hot, uint64_t very_hot);

/* Current tier of `name`: -1 interpreted (or unknown), 0..3 the optimization level of its
 * JIT-compiled code. */
int jit_get_optimization_level(const char *name);

#ifdef __cplusplus
}
#endif
#endif
