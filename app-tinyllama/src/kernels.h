/* kernels: the numeric inner loops of the forward pass. Contiguous rows, `restrict` pointers, fixed
 * summation order (sixteen partial sums), so compilers and the JIT vectorize them without -ffast-math and
 * every build computes the same floats. */
#ifndef TINYLLAMA_KERNELS_H
#define TINYLLAMA_KERNELS_H

/* sum_i a[i] * b[i], accumulated in sixteen interleaved partial sums, then in lane order. */
float dot(const float *restrict a, const float *restrict b, int n);

/* xout (d) = W (d rows of n) @ x (n). */
void matmul(float *restrict xout, const float *restrict x, const float *restrict w, int n, int d);

/* o = w * x / sqrt(mean(x^2) + 1e-5). */
void rmsnorm(float *restrict o, const float *restrict x, const float *restrict w, int n);

/* In-place numerically stable softmax of x[0..n). */
void softmax(float *x, int n);

/* y += a * x. */
void axpy(float *restrict y, float a, const float *restrict x, int n);

/* Rotate the interleaved pairs (2j, 2j+1) of each head_size-wide head of x[0..n) by (cos[j], sin[j]). */
void rope(float *restrict x, const float *restrict cos_row, const float *restrict sin_row, int n,
          int head_size);

/* h[i] = silu(h[i]) * g[i], silu(v) = v / (1 + exp(-v)). */
void swiglu(float *restrict h, const float *restrict g, int n);

#endif
