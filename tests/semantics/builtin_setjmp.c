/* __builtin_setjmp/__builtin_longjmp (llvm.eh.sjlj.*), which irvm does not interpret: the
 * functions using them go to the JIT on their first call; the jump crosses a function that
 * stays interpreted (entered from JIT code through its thunk), hundreds of times. */
#include <stdio.h>

static void *buf[5];
static int depth;

static void __attribute__((noinline)) jump_back(int n)
{
    depth = n;
    __builtin_longjmp(buf, 1);
}

/* Plain C: interpreted until it gets hot, between the two JIT-compiled functions. */
static void __attribute__((noinline)) descend(int n, int stop)
{
    volatile int local = n;
    if (n == stop)
        jump_back(local);
    descend(n + 1, stop);
}

static int __attribute__((noinline)) try_once(int stop)
{
    if (__builtin_setjmp(buf))
        return depth * 10;
    descend(0, stop);
    return -1;
}

int main(void)
{
    long sum = 0;
    for (int i = 0; i < 500; i++)
        sum += try_once(i % 9);
    printf("builtin setjmp: %ld\n", sum);
    return 0;
}
