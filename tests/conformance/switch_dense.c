/* Dense switches (jump tables), fallthrough chains, switches producing values (lookup tables at -O2),
 * nested switches, and default placement in the middle. */
#include "common.h"

static int dense(int x) {
    switch (x) {
    case 0: return 10; case 1: return 21; case 2: return 32; case 3: return 43; case 4: return 54;
    case 5: return 65; case 6: return 76; case 7: return 87; case 8: return 98; case 9: return 109;
    case 10: return -1; case 11: return -12; case 12: return 1234; default: return 0;
    }
}
static int fall(int x) {
    int r = 0;
    switch (x) {
    case 7: r += 1; /* fallthrough */
    case 6: r += 2; /* fallthrough */
    case 5: r += 4; break;
    case 4: r += 8; /* fallthrough */
    default: r += 16; /* fallthrough */
    case 3: r += 32; break;
    case 2: r += 64;
    }
    return r;
}
static const char *name(unsigned char c) {
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return "vowel";
    case '0' ... '9': return "digit";
    case ' ': case '\t': case '\n': return "space";
    default: return c >= 'a' && c <= 'z' ? "consonant" : "other";
    }
}
static int nested(int a, int b) {
    switch (a & 3) {
    case 0: switch (b & 3) { case 0: return 1; case 1: return 2; default: return 3; }
    case 1: switch (b % 5) { case 4: return 4; case 2: break; default: return 5; } return 6;
    case 2: return 7 + (b & 1);
    default: return 9;
    }
}
static double scale(int unit) { /* switch of doubles: becomes a constant table load at -O2 */
    switch (unit) { case 0: return 1.0; case 1: return 1e3; case 2: return 1e6; case 3: return 1e9; case 4: return 0.001; default: return -1; }
}

int main(void) {
    long s = 0;
    for (int i = -3; i < 16; i++) { int d = dense(OPQ(i)), f = fall(i); s = s * 7 + d + f; printf("%d:%d/%d ", i, d, f); ck((uint32_t)d); ck((uint32_t)f); }
    printf("\nsum %ld\n", s);
    const char *txt = "hello world 42\tquiz";
    int counts[5] = {0};
    for (const char *p = txt; *p; p++) {
        const char *n = name((unsigned char)*p);
        counts[n[0] == 'v' ? 0 : n[0] == 'd' ? 1 : n[0] == 's' ? 2 : n[0] == 'c' ? 3 : 4]++;
    }
    printf("vowel %d digit %d space %d consonant %d other %d\n", counts[0], counts[1], counts[2], counts[3], counts[4]);
    unsigned ns = 0;
    for (int a = 0; a < 8; a++) for (int b = 0; b < 8; b++) ns = ns * 3u + (unsigned)nested(a, OPQ(b));
    double sc = 0;
    for (int u = -1; u < 6; u++) sc += scale(OPQ(u)) * (u + 2);
    printf("nested %u scale %.17g\n", ns, sc);
    ck((uint64_t)s); ck((uint32_t)ns); ck_d(sc); for (int i = 0; i < 5; i++) ck((uint32_t)counts[i]);
    ck_print();
    return 0;
}
