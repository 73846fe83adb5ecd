/* Two parameters that keep one value in every call, only one of which a constant improves:
 * `smooth`'s width `w` bounds its loop, its `tag` is only stored (the last tag seen is printed);
 * `remember`'s `id` is only stored. Specializing on `tag` or `id` would copy a body for nothing.
 * The output is a checksum of everything computed.
 * Arguments: width (3..256), calls, tag. */
#include <stdio.h>
#include <stdlib.h>

static int last_tag, last_id;

__attribute__((noinline)) double smooth(double *dst, const double *src, int w, int tag) {
    double s = 0;
    last_tag = tag;
    for (int i = 1; i + 1 < w; i++) {
        dst[i] = 0.25 * src[i - 1] + 0.5 * src[i] + 0.25 * src[i + 1];
        s += dst[i];
    }
    return s;
}

__attribute__((noinline)) void remember(long *ids, int id) {
    last_id = id;
    ids[0] += 1;
}

int main(int argc, char **argv) {
    int w = argc > 1 ? atoi(argv[1]) : 64;
    int calls = argc > 2 ? atoi(argv[2]) : 20000;
    int tag = argc > 3 ? atoi(argv[3]) : 7;
    if (w < 3 || w > 256 || calls < 1) {
        fprintf(stderr, "stable_but_useless: width 3..256, calls >= 1\n");
        return 2;
    }
    double a[256], b[256], sum = 0;
    long ids = 0;
    for (int i = 0; i < 256; i++) a[i] = b[i] = (double)(i % 17) / 16.0;
    for (int c = 0; c < calls; c++) {
        sum += smooth(b, a, w, tag);
        remember(&ids, tag + 1);
        a[c % w] = b[(c + 1) % w] * 0.5 + 0.25;
    }
    printf("sum=%.17g ids=%ld tag=%d id=%d\n", sum, ids, last_tag, last_id);
    return 0;
}
