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

/* Each function says below what it returns when it cannot do its job. Without a tier manager
 * (`bareflow run --tier interp`) nothing is compiled: the setters return -1 and every function
 * is at level -1; irvm still counts and times calls. */

/* Start / stop timing a named region (TSC cycles; totals and pass counts appear in the profile
 * JSON's "regions"). Work in every tier; nothing to fail: a NULL name, or ending a region that
 * is not open, is ignored. */
void jit_profile_begin(const char *name);
void jit_profile_end(const char *name);

/* Calls of function `name` counted so far; 0 if there is no such function. Counted are the
 * calls irvm makes or receives, and under `--tier auto` calls from JIT-compiled code while the
 * callee can still tier up; under `--tier jit` calls between compiled functions are not
 * counted. */
uint64_t jit_get_call_count(const char *name);

/* Average inclusive TSC cycles per call of `name`, measured while interpreted; 0 if it never
 * ran interpreted or there is no such function. */
uint64_t jit_get_avg_cycles(const char *name);

/* Compile now every function whose heat reached the hot threshold (O2; O3 if very hot).
 * Returns how many were compiled; -1 without a tier manager (`--tier interp`). */
int jit_optimize_hot_functions(void);

/* Heat thresholds for O1 (warm), O2 (hot), O3 (very hot). Returns 0; -1 (nothing changes)
 * without a tier manager (`--tier interp`) or unless 1 <= warm <= hot <= very_hot. */
int jit_set_threshold(uint64_t warm, uint64_t hot, uint64_t very_hot);

/* Current tier of `name`: 0..3, the optimization level of its JIT-compiled code; -1 if it is
 * interpreted, there is no tier manager (`--tier interp`) or no such function. */
int jit_get_optimization_level(const char *name);

#ifdef __cplusplus
}
#endif
#endif
