/* The inner loop of Llama inference (like tinyllama's matmul): xout[d] = W[d x n] . x[n], float rows
 * times a vector, over a stack of layer-sized weight matrices, with a residual update between them.
 * Usage: llama_matmul [DIM=288] [LAYERS=24] [REPS=4] */
#include "common.h"
#include <math.h>

static void matmul(float *xout, const float *x, const float *w, int n, int d) {
    for (int i = 0; i < d; i++) {
        float val = 0.0f;
        for (int j = 0; j < n; j++) val += w[i * n + j] * x[j];
        xout[i] = val;
    }
}

int main(int argc, char **argv) {
    int dim = (int)arg_long(argc, argv, 1, 288), layers = (int)arg_long(argc, argv, 2, 24), reps = (int)arg_long(argc, argv, 3, 4);
    float *w = malloc((size_t)layers * (size_t)dim * (size_t)dim * sizeof *w);
    float *x = malloc((size_t)dim * sizeof *x), *xb = malloc((size_t)dim * sizeof *xb);
    unsigned s = 1;
    for (long i = 0; i < (long)layers * dim * dim; i++) { s = s * 1103515245u + 12345u; w[i] = ((float)(s >> 16 & 0x7fff) / 32768.0f - 0.5f) * 0.1f; }
    for (int i = 0; i < dim; i++) x[i] = (float)(i % 7) * 0.1f;
    for (int r = 0; r < reps; r++)
        for (int l = 0; l < layers; l++) {
            matmul(xb, x, w + (long)l * dim * dim, dim, dim);
            /* residual add, then RMS normalization (as in the model) keeps the values O(1) */
            float ss = 0.0f;
            for (int i = 0; i < dim; i++) { x[i] = x[i] + xb[i]; ss += x[i] * x[i]; }
            float scale = 1.0f / sqrtf(ss / (float)dim + 1e-5f);
            for (int i = 0; i < dim; i++) x[i] *= scale;
        }
    double sum = 0;
    for (int i = 0; i < dim; i++) sum += x[i];
    printf("llama_matmul dim=%d layers=%d reps=%d sum=%.6e\n", dim, layers, reps, sum);
    free(w); free(x); free(xb);
    return 0;
}
