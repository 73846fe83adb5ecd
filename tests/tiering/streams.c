/* Prefetch of streamed arguments (docs/tiering.md, "Prefetch of streamed rows"): `stream_rows`
 * takes the row sums of a different matrix each call (STREAMS matrices in turn: its matrix
 * pointer takes many addresses, so its rows stream from memory), `same_rows` of one matrix every
 * call (one address: its rows stay in the cache). Both are called with one row length N, so both
 * are specialized on it; only the first is prefetched. Each row is a dot product with sixteen
 * partial sums added in lane order (app-tinyllama's `dot`), which the JIT vectorizes.
 * Usage: streams N D STREAMS CALLS. Prints a checksum of every result. */
#include <stdio.h>
#include <stdlib.h>

#define LANES 16

static float dot(const float *restrict a, const float *restrict b, int n) {
    float acc[LANES] = {0};
    int i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int k = 0; k < LANES; k++) acc[k] += a[i + k] * b[i + k];
    float s = 0.0f;
    for (int k = 0; k < LANES; k++) s += acc[k];
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

__attribute__((noinline)) void stream_rows(float *restrict out, const float *restrict x, const float *restrict w,
                                           int n, int d) {
    for (int i = 0; i < d; i++) out[i] = dot(w + (long)i * n, x, n);
}

__attribute__((noinline)) void same_rows(float *restrict out, const float *restrict x, const float *restrict w,
                                         int n, int d) {
    for (int i = 0; i < d; i++) out[i] = dot(w + (long)i * n, x, n);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: streams N D STREAMS CALLS\n");
        return 2;
    }
    int n = atoi(argv[1]), d = atoi(argv[2]), streams = atoi(argv[3]), calls = atoi(argv[4]);
    if (n < 1 || d < 1 || streams < 1 || calls < 1) {
        fprintf(stderr, "streams: bad sizes\n");
        return 2;
    }
    size_t each = (size_t)n * (size_t)d;
    float *w = malloc(sizeof(float) * each * (size_t)streams);
    float *x = malloc(sizeof(float) * (size_t)n), *out = malloc(sizeof(float) * (size_t)d);
    if (!w || !x || !out) {
        fprintf(stderr, "streams: out of memory\n");
        return 1;
    }
    for (size_t k = 0; k < each * (size_t)streams; k++) w[k] = (float)((k * 7) % 13) * 0.03125f - 0.1875f;
    for (int j = 0; j < n; j++) x[j] = (float)(j % 5) * 0.25f - 0.5f;
    double sum = 0.0;
    for (int c = 0; c < calls; c++) {
        x[c % n] += 0.001f;
        stream_rows(out, x, w + each * (size_t)(c % streams), n, d);
        for (int i = 0; i < d; i++) sum += out[i];
        same_rows(out, x, w, n, d);
        for (int i = 0; i < d; i++) sum -= 0.5 * out[i];
    }
    printf("checksum: %.9e\n", sum);
    free(w);
    free(x);
    free(out);
    return 0;
}
