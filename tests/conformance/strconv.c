/* Number conversions: strtol/strtoul/strtoll with bases and end pointers, atoi/atol, strtod, a
 * hand-written itoa/atoi, and <ctype.h> (table lookups through libc's locale pointers). */
#include "common.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

static void itoa_base(long v, int base, char *out) {
    char tmp[72]; int n = 0; unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do { int d = (int)(u % (unsigned)base); tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10); u /= (unsigned)base; } while (u);
    if (v < 0) tmp[n++] = '-';
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
}
static long my_atol(const char *s) { unsigned long r = 0; int neg = 0; while (isspace((unsigned char)*s)) s++; if (*s == '-' || *s == '+') neg = *s++ == '-'; while (isdigit((unsigned char)*s)) r = r * 10 + (unsigned long)(*s++ - '0'); return (long)(neg ? 0UL - r : r); }

int main(void) {
    const char *ins[] = {"0", "123abc", "-456", "  +789", "0x1A", "0777", "1010", "zz", "9223372036854775807", "99999999999999999999", "-0x10", ""};
    int bases[] = {10, 16, 8, 2, 0, 36};
    for (unsigned i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        printf("'%s':", ins[i]);
        for (unsigned b = 0; b < 6; b++) {
            char *end;
            errno = 0;
            long v = strtol(ins[i], &end, bases[OPQ(b)]);
            int e = errno;
            printf(" %ld/%td%s", v, end - ins[i], e == ERANGE ? "R" : "");
            ck((uint64_t)v); ck((uint64_t)(end - ins[i])); ck((uint64_t)e);
        }
        unsigned long uv = strtoul(ins[i], NULL, 0);
        printf(" ul=%lu atoi=%d my=%ld\n", uv, atoi(ins[i]), my_atol(ins[i]));
        ck(uv);
    }
    const char *ds[] = {"3.14159", "-1e-5", "inf", "nan", "0x1.8p3", "1e400", "  42junk", ".5", "1e-400"};
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        char *end;
        errno = 0;
        double d = strtod(ds[i], &end);
        printf("strtod '%s' = %g used %td erange %d\n", ds[i], d, end - ds[i], errno == ERANGE);
        ck_d(d);
    }
    char out[80];
    long tests[] = {0, 7, -7, 255, -255, 1L << 40, -(1L << 62), 123456789};
    for (unsigned i = 0; i < 8; i++) {
        for (int base = 2; base <= 36; base += OPQ(17)) {
            itoa_base(tests[i], base, out);
            long back = strtol(out, NULL, base);
            printf("%s%s", out, back == tests[i] ? " " : "! ");
            ck_s(out);
        }
    }
    printf("\n");
    int classes[8] = {0};
    for (int c = 0; c < 128; c++) {
        classes[0] += isalpha(c) != 0; classes[1] += isdigit(c) != 0; classes[2] += isspace(c) != 0; classes[3] += ispunct(c) != 0;
        classes[4] += isupper(c) != 0; classes[5] += isxdigit(c) != 0; classes[6] += iscntrl(c) != 0; classes[7] += toupper(c) - tolower(c);
    }
    printf("ctype %d %d %d %d %d %d %d %d\n", classes[0], classes[1], classes[2], classes[3], classes[4], classes[5], classes[6], classes[7]);
    for (int i = 0; i < 8; i++) ck((uint32_t)classes[i]);
    ck_print();
    return 0;
}
