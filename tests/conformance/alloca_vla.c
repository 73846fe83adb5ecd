/* alloca and variable-length arrays: sizes from data, VLAs in loops (stacksave/stackrestore), 2D VLAs
 * passed to functions, and alloca'd buffers used by callees. */
#include "common.h"
#include <alloca.h>

static long sum2d(int r, int c, int m[r][c]) { long s = 0; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) s += (long)m[i][j] * (i + 1); return s; }
static void fill(char *buf, int n, char base) { for (int i = 0; i < n - 1; i++) buf[i] = (char)(base + i % 26); buf[n - 1] = 0; }

int main(void) {
    long total = 0;
    for (int n = 1; n <= OPQ(200); n += 13) {
        int vla[n];
        for (int i = 0; i < n; i++) vla[i] = i * n;
        long s = 0;
        for (int i = 0; i < n; i++) s += vla[i];
        total += s;
        double dv[n % 7 + 1];
        for (int i = 0; i < n % 7 + 1; i++) dv[i] = i * 0.5;
        total += (long)(dv[n % 7] * 2);
    }
    printf("vla total %ld\n", total);
    ck((uint64_t)total);
    int r = OPQ(5), c = 7;
    int m[r][c];
    for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i][j] = i * 10 + j;
    long s2 = sum2d(r, c, m);
    printf("2d %ld sizeof %zu\n", s2, sizeof m);
    ck((uint64_t)s2); ck(sizeof m);
    uint64_t h = 0;
    for (int k = 1; k < 60; k += OPQ(7)) {
        char *buf = alloca((size_t)k + 1);
        fill(buf, k + 1, 'a' + (char)(k % 3));
        for (char *p = buf; *p; p++) h = h * 33 + (unsigned char)*p;
        if (k % 21 == 1) printf("alloca %d '%s'\n", k, buf);
    }
    printf("alloca hash %016llx\n", (unsigned long long)h);
    ck(h);
    ck_print();
    return 0;
}
