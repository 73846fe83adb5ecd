/* Forwarding va_list to libc: vprintf, vsnprintf (measure then format), vfprintf(stdout), vsscanf. */
#include "common.h"
#include <stdarg.h>
#include <stdlib.h>

static int log_line(const char *level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = printf("[%s] ", level);
    n += vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return n;
}
static char *format_alloc(const char *fmt, ...) {
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int len = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    char *buf = malloc((size_t)len + 1);
    vsnprintf(buf, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return buf;
}
static void to_stream(FILE *f, const char *fmt, ...) { va_list ap; va_start(ap, fmt); vfprintf(f, fmt, ap); va_end(ap); }
static int parse(const char *s, const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = vsscanf(s, fmt, ap); va_end(ap); return r; }

int main(void) {
    int n = log_line("info", "%d items, %.3f avg, %s", OPQ(42), 3.14159, "ok");
    n += log_line("warn", "%5.1e|%-6s|%+d|%x|%c|%lu|%lld", 12345.678, "ab", 7, 255u, 'z', 123456789UL, -(1LL << 50));
    printf("printed %d\n", n);
    ck((uint32_t)n);
    char *s = format_alloc("%s-%04d-%08.3f-%s", "alpha", OPQ(17), -2.5, "omega");
    printf("alloc '%s' len %zu\n", s, strlen(s));
    ck_s(s);
    free(s);
    char *big = format_alloc("%0500d|%.*s", 1, 3, "abcdef");
    printf("big len %zu tail %s\n", strlen(big), big + 495);
    ck_s(big);
    free(big);
    to_stream(stdout, "stream %g %g %g\n", 1e-10, 1e10, OPQ(0.1) + 0.2);
    int a = 0; double d = 0; char word[16] = {0}; unsigned h = 0;
    int got = parse("  -17 2.5e3 token 0x1F", "%d %lf %15s %x", &a, &d, word, &h);
    printf("parsed %d: %d %g %s %u\n", got, a, d, word, h);
    ck((uint32_t)got); ck((uint32_t)a); ck_d(d); ck_s(word); ck(h);
    ck_print();
    return 0;
}
