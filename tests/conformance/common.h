/* Shared helpers for the conformance corpus: a running FNV-1a checksum over every result a program
 * computes, printed last so that any divergence between native code and irvm shows up even when the
 * per-line output happens to match. Header-only (static inline) so single-file programs stay single. */
#ifndef CONFORMANCE_COMMON_H
#define CONFORMANCE_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t ck_state = 0xcbf29ce484222325ULL;

/* Fold the 8 bytes of v into the checksum. */
static inline void ck(uint64_t v) {
    for (int i = 0; i < 8; i++) {
        ck_state ^= (v >> (8 * i)) & 0xff;
        ck_state *= 0x100000001b3ULL;
    }
}

/* The sign and payload of a NaN produced by arithmetic are unspecified in LLVM IR, so results are
 * compared for NaN-ness only: these map every NaN to one positive quiet NaN (use them when printing). */
static inline double nn_d(double d) { return d != d ? __builtin_nan("") : d; }
static inline float nn_f(float f) { return f != f ? __builtin_nanf("") : f; }

/* Fold the bit pattern of a double (so -0.0 and rounding count; NaNs are canonicalized). */
static inline void ck_d(double d) {
    d = nn_d(d);
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    ck(u);
}

/* Fold the bit pattern of a float (NaNs canonicalized). */
static inline void ck_f(float f) {
    f = nn_f(f);
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    ck(u);
}

/* Fold a NUL-terminated string. */
static inline void ck_s(const char *s) {
    while (*s) ck((unsigned char)*s++);
    ck(0xff);
}

/* Hide a value from the optimizer (a volatile round trip), so -O2 code really computes with it. */
#define OPQ(x) ({ volatile __typeof__(x) opq_tmp_ = (x); opq_tmp_; })

/* Print the final checksum line; every program ends with this. */
static inline void ck_print(void) {
    printf("checksum %016llx\n", (unsigned long long)ck_state);
}
#endif
