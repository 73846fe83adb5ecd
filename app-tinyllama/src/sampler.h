/* sampler: pick the next token from the logits: argmax at temperature 0, otherwise softmax(logits / T)
 * sampled in full or restricted to the top-p nucleus, with a seeded xorshift* generator so runs repeat. */
#ifndef TINYLLAMA_SAMPLER_H
#define TINYLLAMA_SAMPLER_H

#include <stdint.h>

typedef struct {
    float prob;
    int index;
} ProbIndex;

typedef struct {
    int vocab_size;
    float temperature;
    float topp;
    uint64_t rng_state;
    ProbIndex *candidates; /* scratch for top-p, vocab_size entries */
} Sampler;

/* Returns 0, or -1 when out of memory. seed must be non-zero. */
int sampler_init(Sampler *s, int vocab_size, float temperature, float topp, uint64_t seed);

/* Choose a token; modifies logits in place (scaling and softmax). */
int sampler_sample(Sampler *s, float *logits);

/* The next uniform float in [0, 1) (24 random bits). */
float sampler_random(Sampler *s);

void sampler_free(Sampler *s);

#endif
