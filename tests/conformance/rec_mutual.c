/* Mutual recursion: even/odd, a recursive-descent expression parser/evaluator, Hofstadter F/M sequences. */
#include "common.h"
#include <ctype.h>

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static int hM(int n);
static int hF(int n) { return n == 0 ? 1 : n - hM(hF(n - 1)); }
static int hM(int n) { return n == 0 ? 0 : n - hF(hM(n - 1)); }

static const char *p;
static long expr(void);
static void skip(void) { while (*p == ' ') p++; }
static long primary(void) {
    skip();
    if (*p == '(') { p++; long v = expr(); skip(); if (*p == ')') p++; return v; }
    if (*p == '-') { p++; return -primary(); }
    long v = 0;
    while (isdigit((unsigned char)*p)) v = v * 10 + (*p++ - '0');
    return v;
}
static long power(void) { long b = primary(); skip(); if (*p == '^') { p++; long e = power(); long r = 1; while (e-- > 0) r *= b; return r; } return b; }
static long term(void) {
    long v = power();
    for (;;) {
        skip();
        if (*p == '*') { p++; v *= power(); }
        else if (*p == '/') { p++; long d = power(); v = d ? v / d : 0; }
        else if (*p == '%') { p++; long d = power(); v = d ? v % d : 0; }
        else return v;
    }
}
static long expr(void) {
    long v = term();
    for (;;) {
        skip();
        if (*p == '+') { p++; v += term(); } else if (*p == '-') { p++; v -= term(); } else return v;
    }
}

int main(void) {
    unsigned n = OPQ(5001u);
    printf("even(%u)=%d odd(%u)=%d\n", n, is_even(n), n + 1, is_odd(n + 1));
    ck((uint64_t)is_even(n));
    printf("F:"); for (int i = 0; i < 20; i++) { int v = hF(OPQ(i)); printf(" %d", v); ck((uint32_t)v); }
    printf("\nM:"); for (int i = 0; i < 20; i++) { int v = hM(OPQ(i)); printf(" %d", v); ck((uint32_t)v); }
    printf("\n");
    const char *exprs[] = {"1 + 2 * 3", "(1 + 2) * 3", "2 ^ 3 ^ 2", "-(4 - 10) * (3 + -1)", "100 / 7 % 5 + 2 ^ 10",
                           "((((((1))))))+((2*3)-(4/2))", "7 - 3 - 2 - 1", "12345 * 6789 - 987654 / 321"};
    for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        p = exprs[i];
        long v = expr();
        printf("%s = %ld\n", exprs[i], v);
        ck((uint64_t)v);
    }
    ck_print();
    return 0;
}
