/* Sparse switches (binary search trees of compares), switches on 64-bit and negative values, switch on
 * chars driving a tokenizer, and Duff's device. */
#include "common.h"

static int sparse(long x) {
    switch (x) {
    case -1000000: return 1; case -77: return 2; case 0: return 3; case 13: return 4; case 1000: return 5;
    case 65536: return 6; case 1L << 40: return 7; case 0x7fffffffffffffffL: return 8; case 99999: return 9;
    case -9223372036854775807L - 1: return 10; default: return -1;
    }
}
static unsigned hash_kw(const char *s) { unsigned h = 0; while (*s) h = h * 31 + (unsigned char)*s++; return h; }
static int keyword(const char *s) {
    switch (hash_kw(s)) {
    case 3357: return strcmp(s, "if") == 0 ? 1 : 0;         /* "if" */
    case 3317767: return strcmp(s, "else") == 0 ? 2 : 0;    /* "else" */
    case 113101617: return strcmp(s, "while") == 0 ? 3 : 0; /* "while" */
    case 101577: return strcmp(s, "for") == 0 ? 4 : 0;      /* "for" */
    default: return 0;
    }
}
static void duff_copy(char *to, const char *from, int count) {
    int n = (count + 7) / 8;
    switch (count % 8) {
    case 0: do { *to++ = *from++;
    case 7: *to++ = *from++;
    case 6: *to++ = *from++;
    case 5: *to++ = *from++;
    case 4: *to++ = *from++;
    case 3: *to++ = *from++;
    case 2: *to++ = *from++;
    case 1: *to++ = *from++;
            } while (--n > 0);
    }
}

int main(void) {
    long vals[] = {-1000000, -77, 0, 13, 1000, 65536, 1L << 40, 0x7fffffffffffffffL, 99999, -9223372036854775807L - 1, 5, -5, 1001};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) { int r = sparse(OPQ(vals[i])); printf("%d ", r); ck((uint32_t)r); }
    printf("\nhashes %u %u %u %u\n", hash_kw("if"), hash_kw("else"), hash_kw("while"), hash_kw("for"));
    const char *words[] = {"if", "else", "while", "for", "iff", "do", "return"};
    for (int i = 0; i < 7; i++) { int k = keyword(words[OPQ(i)]); printf("%s=%d ", words[i], k); ck((uint32_t)k); }
    char src[100], dst[100];
    for (int i = 0; i < 100; i++) src[i] = (char)('a' + i % 26);
    for (int n = 0; n < 20; n += OPQ(1)) {
        memset(dst, '.', sizeof dst);
        duff_copy(dst, src + n, n * 3 + 1);
        dst[n * 3 + 2] = 0;
        ck_s(dst);
        if (n % 5 == 0) printf("\nduff %d %s", n, dst);
    }
    printf("\n");
    ck_print();
    return 0;
}
