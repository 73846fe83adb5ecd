/* Small types and promotions: _Bool conversions, char signedness, integer promotions in arithmetic and
 * comparisons, usual arithmetic conversions between signed and unsigned, enum ranges. */
#include "common.h"

enum small { S_A = -3, S_B = 0, S_C = 200 };

int main(void) {
    _Bool bs[] = {0, 1, (_Bool)2, (_Bool)-1, (_Bool)0.5, (_Bool)0.0};
    int bsum = 0;
    for (int i = 0; i < 6; i++) bsum = bsum * 2 + bs[OPQ(i)];
    _Bool t = OPQ((_Bool)1);
    t += 1; /* stays 1 */
    _Bool f = OPQ((_Bool)1);
    f = !f;
    printf("bools %d %d %d sizeof %zu\n", bsum, t, f, sizeof(_Bool));
    char c = OPQ((char)-56); /* char is signed on x86-64 */
    unsigned char uc = (unsigned char)c;
    signed char sc = (signed char)uc;
    printf("chars %d %u %d %d\n", c, uc, sc, c == sc);
    unsigned short us = OPQ((unsigned short)65535);
    /* us * us would promote to int and overflow (UB): multiply as unsigned. */
    unsigned prod = (unsigned)us * us;
    short s = OPQ((short)-1);
    printf("promotions %u %d %d %d\n", prod, s < 1u, (int)s < 1, (unsigned short)s > 0);
    int neg = OPQ(-1);
    unsigned one = 1;
    long long ll = OPQ(-1LL);
    printf("conversions %d %d %d %d\n", neg < (int)one, (unsigned)neg > one, ll < one, (unsigned long long)ll > one);
    unsigned char a = 200, b = 100;
    int sum = a + b;                 /* 300: promoted */
    unsigned char wrapped = (unsigned char)(a + b);
    printf("uchar sum %d wrapped %u shift %d\n", sum, wrapped, (unsigned char)OPQ(0x80) << 1);
    enum small e = OPQ(S_C);
    printf("enum %d %d %zu\n", e, S_A, sizeof e);
    uint64_t h = 0;
    for (int i = -300; i < 300; i += 7) {
        signed char x = (signed char)i; unsigned char y = (unsigned char)i; short z = (short)(i * 300);
        h = h * 31 + (uint64_t)(x * 3 + y * 5 + z / 7 + (x < y) + (z > x));
    }
    printf("hash %016llx\n", (unsigned long long)h);
    ck((uint32_t)bsum); ck((uint64_t)c); ck(prod); ck(h); ck((uint32_t)sum);
    ck_print();
    return 0;
}
