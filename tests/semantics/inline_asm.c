/* Inline assembly and `asm goto` (callbr), which irvm cannot interpret: each function holding
 * some is compiled by the JIT on its first call, in every tier — called directly, as a qsort
 * comparator (from native code) and as `main` itself. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long rotate_left(unsigned long x, unsigned char n)
{
    __asm__("rolq %%cl, %0" : "+r"(x) : "c"(n));
    return x;
}

static int add_lea(int a, int b)
{
    int r;
    __asm__("leal (%1,%2), %0" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static int is_positive(int x)
{
    __asm__ goto("testl %0, %0\n\tjle %l[not_positive]" : : "r"(x) : "cc" : not_positive);
    return 1;
not_positive:
    return 0;
}

static int compare_asm(const void *a, const void *b)
{
    int d;
    __asm__("movl (%1), %0\n\tsubl (%2), %0" : "=&r"(d) : "r"(a), "r"(b) : "cc");
    return d;
}

int main(void)
{
    unsigned long acc = 0x0123456789abcdefUL;
    int sum = 0, positives = 0;
    for (int i = 0; i < 2000; i++) {
        acc = rotate_left(acc, (unsigned char)(i % 63 + 1)) ^ (unsigned long)i;
        sum = add_lea(sum, i);
        positives += is_positive(i - 1000);
    }
    int v[16];
    for (int i = 0; i < 16; i++)
        v[i] = (i * 11) % 16;
    qsort(v, 16, sizeof v[0], compare_asm);
    unsigned long flags;
    __asm__ volatile("pushfq\n\tpopq %0" : "=r"(flags));
    __asm__ volatile("" ::: "memory");
    printf("acc %lx sum %d positives %d sorted %d %d %d, flags read %d\n", acc, sum, positives, v[0], v[7], v[15],
           flags != 0);
    return 0;
}
