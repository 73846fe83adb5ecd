/* kernels: numeric inner loops (see kernels.h). */
#include "kernels.h"

#include <math.h>

/* Sixteen partial sums, lane k taking elements k, k + 16, ...; then summed in lane order. The order is fixed
 * by the source, so no reassociation is needed to vectorize it: the SLP vectorizer turns the sixteen lanes
 * into two 8-wide (or one 16-wide) vector accumulators. */
#define DOT_LANES 16

float dot(const float *restrict a, const float *restrict b, int n) {
    float acc[DOT_LANES] = {0};
    int i = 0;
    for (; i + DOT_LANES <= n; i += DOT_LANES)
        for (int k = 0; k < DOT_LANES; k++) acc[k] += a[i + k] * b[i + k];
    float s = 0.0f;
    for (int k = 0; k < DOT_LANES; k++) s += acc[k];
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

void matmul(float *restrict xout, const float *restrict x, const float *restrict w, int n, int d) {
    for (int i = 0; i < d; i++) xout[i] = dot(w + (long)i * n, x, n);
}

void rmsnorm(float *restrict o, const float *restrict x, const float *restrict w, int n) {
    float ss = dot(x, x, n) / (float)n + 1e-5f;
    float scale = 1.0f / sqrtf(ss);
    for (int i = 0; i < n; i++) o[i] = w[i] * (scale * x[i]);
}

void softmax(float *x, int n) {
    float max = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] > max) max = x[i];
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
        x[i] = expf(x[i] - max);
        sum += x[i];
    }
    float inv = 1.0f / sum;
    for (int i = 0; i < n; i++) x[i] *= inv;
}

void axpy(float *restrict y, float a, const float *restrict x, int n) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

void rope(float *restrict x, const float *restrict cos_row, const float *restrict sin_row, int n,
          int head_size) {
    int half = head_size / 2;
    for (int h = 0; h < n; h += head_size) {
        float *v = x + h;
        for (int j = 0; j < half; j++) {
            float v0 = v[2 * j], v1 = v[2 * j + 1];
            v[2 * j] = v0 * cos_row[j] - v1 * sin_row[j];
            v[2 * j + 1] = v0 * sin_row[j] + v1 * cos_row[j];
        }
    }
}

void swiglu(float *restrict h, const float *restrict g, int n) {
    for (int i = 0; i < n; i++) {
        float v = h[i];
        h[i] = v / (1.0f + expf(-v)) * g[i];
    }
}
