/* memcpy/memmove/memset/memcmp/memchr: overlapping moves both directions, odd sizes and alignments,
 * compiler-generated memcpy/memset (struct copies, zero-init), and the llvm.memset/memcpy intrinsics. */
#include "common.h"
#include <stdlib.h>

struct blk { char c[100]; int i[7]; };

int main(void) {
    unsigned char buf[300];
    for (int i = 0; i < 300; i++) buf[i] = (unsigned char)i;
    for (int off = 0; off < 17; off++) {
        size_t n = (size_t)OPQ(50 + off * 3);
        memmove(buf + off + 1, buf + off, n);          /* overlapping, forward */
        memmove(buf + 150 - off, buf + 152 - off, n);  /* overlapping, backward */
        memcpy(buf + 220, buf + off * 2, (size_t)off + 1);
        memset(buf + 270 + off, 0xA0 + off, (size_t)(17 - off));
    }
    uint64_t h = 0;
    for (int i = 0; i < 300; i++) h = h * 131 + buf[i];
    printf("buf hash %016llx\n", (unsigned long long)h);
    ck(h);
    char a[64], b[64];
    memset(a, 'x', sizeof a); memset(b, 'x', sizeof b);
    b[OPQ(40)] = 'y';
    printf("memcmp %d %d %d\n", memcmp(a, b, 40) == 0, memcmp(a, b, 41) < 0, memcmp(b, a, 64) > 0);
    unsigned char *p = memchr(buf, 0xA5, 300);
    printf("memchr %td\n", p ? p - buf : -1);
    struct blk x = {{0}}, y;
    for (int i = 0; i < 100; i++) x.c[i] = (char)(i * 3);
    for (int i = 0; i < 7; i++) x.i[i] = i * i;
    y = x; /* struct copy: llvm.memcpy */
    y.c[99] = 1;
    struct blk z = {0}; /* llvm.memset */
    struct blk arr[5];
    for (int i = 0; i < 5; i++) arr[i] = (i & 1) ? x : y;
    long s = 0;
    for (int i = 0; i < 5; i++) for (int k = 0; k < 100; k++) s += arr[i].c[k] * (k + i);
    printf("struct copies %ld %d %d\n", s, memcmp(&x, &y, sizeof x) != 0, z.i[6]);
    ck((uint64_t)s);
    /* Unaligned word-sized copies via memcpy (the portable unaligned load idiom). */
    uint64_t acc = 0;
    for (int off = 0; off < 64; off++) { uint64_t w; uint32_t v; uint16_t q; memcpy(&w, buf + off, 8); memcpy(&v, buf + off + 3, 4); memcpy(&q, buf + off + 1, 2); acc += w ^ v ^ q; }
    printf("unaligned %016llx\n", (unsigned long long)acc);
    ck(acc);
    /* Large heap copies. */
    size_t big = (size_t)OPQ(1 << 20);
    char *src = malloc(big), *dst = malloc(big);
    for (size_t i = 0; i < big; i++) src[i] = (char)(i * 7 + (i >> 10));
    memcpy(dst, src, big);
    memmove(dst + 1, dst, big - 1);
    uint64_t hb = 0;
    for (size_t i = 0; i < big; i += 4093) hb = hb * 31 + (unsigned char)dst[i];
    printf("big %016llx\n", (unsigned long long)hb);
    ck(hb);
    free(src); free(dst);
    ck_print();
    return 0;
}
