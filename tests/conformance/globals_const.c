/* Constant expressions: sizeof/alignof/offsetof in initializers, enum arithmetic, casts, conditional
 * constants, const tables of doubles and lookup tables (switch-to-table at -O2), read-only data. */
#include "common.h"
#include <stddef.h>
#include <stdalign.h>

enum color { RED = 1, GREEN = RED << 2, BLUE = GREEN * 3 + 1, MAX_COLOR = BLUE | 0x100 };
struct s { char c; double d; int i[3]; };
static const size_t sizes[] = {sizeof(struct s), alignof(struct s), offsetof(struct s, i[2]), sizeof(int[7][3]), sizeof "abc"};
static const long consts[] = {(long)(3.99 * 100), -7 / 2, -7 % 2, 1 << 20, (long)(unsigned char)-1, (long)(signed char)200,
                              BLUE * MAX_COLOR, (long)1e9, 0x7fffffffL + 1, ~0L, 5 > 3 ? 111 : 222, (long)sizeof(long double) > 8};
static const double dtab[] = {1.0 / 3, 2.0 / 3, 1e-300 * 1e-10, 1.5e300 * 10, (double)(1ULL << 63), (float)0.1};
static const unsigned char sbox[16] = {0xc, 0x5, 0x6, 0xb, 0x9, 0x0, 0xa, 0xd, 0x3, 0xe, 0xf, 0x8, 0x4, 0x7, 0x1, 0x2};
static const char *const month_name[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static int days_before(int m) { int d = 0; for (int i = 0; i < m; i++) d += month_days[i]; return d; }
static const char *color_name(enum color c) {
    switch (c) { case RED: return "red"; case GREEN: return "green"; case BLUE: return "blue"; default: return "other"; }
}

int main(void) {
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) { printf("size[%u]=%zu\n", i, sizes[i]); ck(sizes[i]); }
    for (unsigned i = 0; i < sizeof consts / sizeof consts[0]; i++) { printf("const[%u]=%ld\n", i, consts[i]); ck((uint64_t)consts[i]); }
    for (unsigned i = 0; i < sizeof dtab / sizeof dtab[0]; i++) { printf("dtab[%u]=%.17g\n", i, dtab[i]); ck_d(dtab[i]); }
    uint32_t x = OPQ(0x12345678u), y = 0;
    for (int r = 0; r < 8; r++) { y = 0; for (int k = 0; k < 8; k++) y |= (uint32_t)sbox[(x >> (4 * k)) & 15] << (4 * k); x = y * 0x9e3779b9u + (uint32_t)r; }
    printf("sbox %08x\n", x);
    ck(x);
    for (int m = 0; m < 12; m += OPQ(2)) printf("%s starts on day %d\n", month_name[m], days_before(m) + 1);
    printf("colors %s %s %s %s %d\n", color_name(OPQ(RED)), color_name(GREEN), color_name(BLUE), color_name(MAX_COLOR), MAX_COLOR);
    ck_print();
    return 0;
}
