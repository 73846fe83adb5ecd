/* sampler: greedy, temperature and top-p sampling with a seeded xorshift* RNG (see sampler.h). */
#include "sampler.h"

#include <stdlib.h>

#include "kernels.h"

int sampler_init(Sampler *s, int vocab_size, float temperature, float topp, uint64_t seed) {
    s->vocab_size = vocab_size;
    s->temperature = temperature;
    s->topp = topp;
    s->rng_state = seed;
    s->candidates = malloc((size_t)vocab_size * sizeof(ProbIndex));
    return s->candidates ? 0 : -1;
}

/* xorshift* (Vigna): 64-bit state, upper 32 bits of the scrambled product. */
static uint32_t random_u32(uint64_t *state) {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (uint32_t)((*state * 0x2545F4914F6CDD1Dull) >> 32);
}

float sampler_random(Sampler *s) { return (float)(random_u32(&s->rng_state) >> 8) / 16777216.0f; }

static int argmax(const float *x, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* Index where the running sum of probs first exceeds coin (the last index if rounding leaves a gap). */
static int sample_full(const float *probs, int n, float coin) {
    float cdf = 0.0f;
    for (int i = 0; i < n; i++) {
        cdf += probs[i];
        if (coin < cdf) return i;
    }
    return n - 1;
}

/* Descending probability, ascending index on ties: a total order, so any qsort gives the same result. */
static int compare_candidates(const void *a, const void *b) {
    const ProbIndex *x = a, *y = b;
    if (x->prob > y->prob) return -1;
    if (x->prob < y->prob) return 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Sample from the smallest set of most likely tokens whose probabilities sum past topp. Tokens below
 * (1 - topp) / (n - 1) cannot be in that set and are dropped before sorting. */
static int sample_topp(const float *probs, int n, float topp, ProbIndex *cand, float coin) {
    float cutoff = (1.0f - topp) / (float)(n - 1);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (probs[i] >= cutoff) {
            cand[m].prob = probs[i];
            cand[m].index = i;
            m++;
        }
    if (m == 0) return sample_full(probs, n, coin);
    qsort(cand, (size_t)m, sizeof(ProbIndex), compare_candidates);
    float total = 0.0f;
    int last = m - 1;
    for (int i = 0; i < m; i++) {
        total += cand[i].prob;
        if (total > topp) {
            last = i;
            break;
        }
    }
    float r = coin * total;
    float cdf = 0.0f;
    for (int i = 0; i <= last; i++) {
        cdf += cand[i].prob;
        if (r < cdf) return cand[i].index;
    }
    return cand[last].index;
}

int sampler_sample(Sampler *s, float *logits) {
    int n = s->vocab_size;
    if (s->temperature == 0.0f) return argmax(logits, n);
    for (int i = 0; i < n; i++) logits[i] /= s->temperature;
    softmax(logits, n);
    float coin = sampler_random(s);
    if (s->topp <= 0.0f || s->topp >= 1.0f || n < 2) return sample_full(logits, n, coin);
    return sample_topp(logits, n, s->topp, s->candidates, coin);
}

void sampler_free(Sampler *s) {
    free(s->candidates);
    s->candidates = NULL;
}
