/* setjmp/longjmp across every kind of frame: the jumps below cross interpreted frames, native
 * ones (qsort's, calling an interpreted or compiled comparator), and whatever the tier manager
 * has compiled by then; they run thousands of times so functions change tier (and loops enter
 * OSR code) between jumps. Every line printed is what C semantics give; the test compares it
 * with the native build. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf top;
static unsigned long trace;

static void note(unsigned long x)
{
    trace = trace * 31 + x;
}

/* Interpreted (or compiled) frames between the jump and its target. */
static int dive(jmp_buf env, int n, int depth)
{
    int local[4] = {n, depth, n * depth, 7};
    note((unsigned long)local[2]);
    if (depth == 0)
        longjmp(env, n % 5 + 1);
    return dive(env, n, depth - 1) + local[0];
}

/* A qsort comparator that jumps out of qsort (native frames) back to main's setjmp. */
static int stop_after;
static int compare_then_jump(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (--stop_after == 0)
        longjmp(top, 42);
    return (x > y) - (x < y);
}

/* A comparator with its own setjmp/longjmp inside the callback. */
static int compare_with_inner_jump(const void *a, const void *b)
{
    jmp_buf inner;
    volatile int x = *(const int *)a;
    int y = *(const int *)b;
    int r = setjmp(inner);
    if (r == 0)
        dive(inner, x + y, (x ^ y) & 3);
    note((unsigned long)r);
    return (x > y) - (x < y);
}

/* setjmp in a function that may be compiled while its callee jumps back into it. */
static int guarded_step(int i)
{
    jmp_buf env;
    volatile int before = i;
    int r = setjmp(env);
    if (r == 0) {
        if (i % 3 == 0)
            dive(env, i, i % 11);
        return before;
    }
    return before * 100 + r;
}

static void sig_dive(sigjmp_buf env, int n)
{
    if (n == 0)
        siglongjmp(env, 0);
    sig_dive(env, n - 1);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3000;

    /* Thousands of jumps to the same setjmp in a loop. */
    jmp_buf loop_env;
    volatile int jumps = 0;
    volatile unsigned long sum = 0;
    int r = setjmp(loop_env);
    sum += (unsigned long)r;
    if (jumps < rounds) {
        jumps++;
        dive(loop_env, jumps, jumps % 13);
    }
    printf("loop: %d jumps, sum %lu\n", jumps, sum);

    /* A setjmp per call of a function that becomes hot. */
    long total = 0;
    for (int i = 0; i < rounds; i++)
        total += guarded_step(i);
    printf("guarded steps: %ld\n", total);

    /* Out of qsort: the comparator jumps. */
    int data[64];
    volatile int escapes = 0;
    for (int k = 0; k < 200; k++) {
        for (int i = 0; i < 64; i++)
            data[i] = (i * 37 + k) % 64;
        stop_after = 10 + k % 50;
        if (setjmp(top) == 0) {
            qsort(data, 64, sizeof data[0], compare_then_jump);
            printf("qsort finished\n");
        } else {
            escapes++;
        }
    }
    printf("qsort escapes: %d\n", escapes);

    /* Jumps inside a callback, native frames outside it. */
    for (int k = 0; k < 50; k++) {
        for (int i = 0; i < 64; i++)
            data[i] = (i * 29 + k) % 64;
        qsort(data, 64, sizeof data[0], compare_with_inner_jump);
    }
    printf("sorted: %d %d %d\n", data[0], data[31], data[63]);

    /* The sig* and _ forms; 0 becomes 1. */
    sigjmp_buf senv;
    volatile int sruns = 0;
    int s = sigsetjmp(senv, 1);
    sruns++;
    if (s == 0)
        sig_dive(senv, 6);
    jmp_buf uenv;
    int u = _setjmp(uenv);
    if (u == 0)
        _longjmp(uenv, 9);
    printf("sigsetjmp %d after %d runs, _setjmp %d\n", s, sruns, u);
    printf("trace %lu\n", trace);
    return 0;
}
