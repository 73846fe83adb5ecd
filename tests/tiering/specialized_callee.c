/* A caller compiled after its callee was specialized: `dot16` (sixteen partial sums over `n`
 * floats) is called twice per call of `layer` with n from the command line; it reaches its tier
 * marks long before `layer` does and is specialized on n. When `layer` is compiled at O2 it must
 * keep calling dot16 (its dispatcher, whose guards count every call) rather than inline dot16's
 * generic body, in which n is a load again. The output is a checksum of everything computed.
 * Arguments: n (a multiple of 16 up to 256), calls. */
#include <stdio.h>
#include <stdlib.h>

float dot16(const float *restrict a, const float *restrict b, int n) {
    float acc[16] = {0};
    for (int i = 0; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; k++) acc[k] += a[i + k] * b[i + k];
    float s = 0.0f;
    for (int k = 0; k < 16; k++) s += acc[k];
    return s;
}

struct config {
    int n;
};

/* n comes from memory (as app-tinyllama's forward pass reads its dimensions from the config):
 * layer itself has no integer parameter to specialize. */
__attribute__((noinline)) float layer(float *y, const float *w, const float *x, const struct config *c) {
    int n = c->n;
    y[0] = dot16(w, x, n);
    y[1] = dot16(w + n, x, n);
    return y[0] * 0.5f + y[1] * 0.25f;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 64;
    int calls = argc > 2 ? atoi(argv[2]) : 20000;
    if (n < 16 || n > 256 || n % 16 || calls < 1) {
        fprintf(stderr, "specialized_callee: n must be a multiple of 16 in 16..256, calls >= 1\n");
        return 2;
    }
    float w[512], x[256], y[2];
    for (int i = 0; i < 512; i++) w[i] = (float)(i % 13) * 0.125f - 0.75f;
    for (int i = 0; i < 256; i++) x[i] = (float)(i % 7) * 0.25f - 0.5f;
    struct config cfg = {n};
    double sum = 0;
    for (int c = 0; c < calls; c++) {
        x[c % n] += 0.001f;
        sum += layer(y, w, x, &cfg);
    }
    printf("sum=%.9g\n", sum);
    return 0;
}
