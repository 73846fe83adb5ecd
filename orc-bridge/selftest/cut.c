/* Test input of the module cut (orc-bridge/src/extract_tests.rs): compiled to bitcode by build.rs
 * like selftest.c. What a function cut out of a program can meet: static and hidden callees small
 * enough to inline, a large one, recursion, constant tables and strings, mutable globals, tables of
 * function pointers, weak definitions, weak and strong external declarations, an alias, varargs,
 * struct copies (memcpy), computed goto inside one function. Never run. */
#include <stdarg.h>
#include <stddef.h>

extern int printf(const char *fmt, ...);
extern void *memcpy(void *dst, const void *src, size_t n);
extern int bf_maybe(int) __attribute__((weak));

struct point { long x, y, z, w[8]; };

static const int squares[16] = {0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225};
static int counter;
int shared_total = 3;
const char *greeting = "hello";

static int add(int a, int b) { return a + b; }
__attribute__((visibility("hidden"))) int twice(int a) { return add(a, a); }
__attribute__((weak)) int tune(int a) { return a ^ 0x55; }
int plus_one(int a) { return a + 1; }
int plus_one_alias(int a) __attribute__((alias("plus_one")));

static int (*const ops[3])(int) = {twice, tune, plus_one};

static long big(long n) {
    long acc = 0;
    for (long i = 0; i < n; i++) {
        switch (i % 7) {
        case 0: acc += i * 3; break;
        case 1: acc ^= i << 2; break;
        case 2: acc -= squares[i & 15]; break;
        case 3: acc += counter++; break;
        case 4: acc *= 5; break;
        case 5: acc += shared_total; break;
        default: acc /= 3; break;
        }
    }
    return acc;
}

int apply(int which, int v) { return ops[which % 3](v) + plus_one_alias(v); }

long fact(long n) { return n <= 1 ? 1 : n * fact(n - 1); }

int square_of_five(void) { return squares[5]; }

int sum_squares(int n) {
    int s = 0;
    for (int i = 0; i < n && i < 16; i++) s = add(s, squares[i]);
    counter += s;
    return twice(s) + tune(n) + (bf_maybe ? bf_maybe(n) : 0);
}

long mix(struct point *out, const struct point *in, long n) {
    struct point p = *in;
    memcpy(out, &p, sizeof p);
    printf("%s %ld\n", greeting, p.x);
    return big(n) + fact(n) + apply((int)n, (int)p.y);
}

int logf_sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

int dispatch(const unsigned char *code) {
    static void *labels[] = {&&op_add, &&op_sub, &&op_end};
    int acc = 0;
    goto *labels[*code++];
op_add:
    acc += 1;
    goto *labels[*code++];
op_sub:
    acc -= 1;
    goto *labels[*code++];
op_end:
    return acc + logf_sum(2, acc, 1);
}
