/* sprintf/snprintf/sscanf: integer formats and flags, length modifiers, truncation, %n, scan sets. */
#include "common.h"
#include <inttypes.h>
#include <stddef.h>
#include <limits.h>

int main(void) {
    char buf[256];
    long long vals[] = {0, 1, -1, 42, -42, 255, 65535, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        long long v = OPQ(vals[i]);
        int n = snprintf(buf, sizeof buf, "%d|%5d|%-5d|%05d|%+d|% d|%x|%#X|%o|%#o|%lld|%llu|%hhd|%hu|%20lld|%.3d",
                         (int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned)v,
                         (unsigned)v, v, (unsigned long long)v, (signed char)v, (unsigned short)v, v, (int)(v % 1000));
        printf("%s (%d)\n", buf, n);
        ck_s(buf); ck((uint32_t)n);
    }
    int n = snprintf(buf, 10, "%s", "truncated output here");
    printf("trunc '%s' would be %d\n", buf, n);
    int pos1 = 0, pos2 = 0;
    sprintf(buf, "ab%ncdef%n", &pos1, &pos2);
    printf("%%n %d %d; %c%c%%; %s; ptrdiff %td size %zu; %" PRId64 " %" PRIx32 "\n", pos1, pos2, 'o', 'k', "str", (ptrdiff_t)-5,
           (size_t)77, INT64_C(-1234567890123), UINT32_C(0xdeadbeef));
    /* sscanf */
    int a, b; unsigned u; long long ll; char word[32], set[32]; double d; float f; char c; int consumed;
    int got = sscanf("  12 -34 0x1f 9876543210 token  3.5e-2 -1.25 Z abc123xyz",
                     "%d %i %x %lld %31s %lf %f %c %31[a-z0-9]%n", &a, &b, &u, &ll, word, &d, &f, &c, set, &consumed);
    printf("sscanf got %d: %d %d %u %lld %s %g %g %c %s consumed %d\n", got, a, b, u, ll, word, d, f, c, set, consumed);
    ck((uint32_t)got); ck((uint32_t)a); ck((uint32_t)b); ck(u); ck((uint64_t)ll); ck_s(word); ck_d(d); ck_f(f); ck_s(set);
    int h, m, s;
    got = sscanf("23:59:07", "%2d:%2d:%2d", &h, &m, &s);
    int bad = sscanf("abc", "%d", &a);
    int eof = sscanf("", "%d", &a);
    printf("time %d %02d:%02d:%02d bad %d eof %d\n", got, h, m, s, bad, eof);
    ck((uint32_t)(h * 3600 + m * 60 + s)); ck((uint64_t)bad); ck((uint64_t)eof);
    /* Round trip a table of numbers through text. */
    char line[64]; long sum = 0;
    for (int i = -50; i <= 50; i += OPQ(7)) {
        snprintf(line, sizeof line, "%d,%x,%o", i * 1001, (unsigned)(i * 31), (unsigned)(i + 100));
        int x; unsigned y, z;
        sscanf(line, "%d,%x,%o", &x, &y, &z);
        sum += x + (long)y + (long)z;
    }
    printf("roundtrip sum %ld\n", sum);
    ck((uint64_t)sum);
    ck_print();
    return 0;
}
