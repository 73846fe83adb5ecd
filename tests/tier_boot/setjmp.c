/* setjmp/longjmp on bare metal: JIT-compiled code (`--tier jit`) calls core-libc's. A longjmp
 * from 10 calls deep returns 30 from setjmp; a sigsetjmp/siglongjmp pair with 0 returns 1; the
 * code after each setjmp runs twice; a local kept across the jump is intact. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static sigjmp_buf senv;
static int depth_reached;

static void dive(int n)
{
    depth_reached = n;
    if (n == 10)
        longjmp(env, n * 3);
    dive(n + 1);
    printf("not reached\n");
}

static void sig_dive(int n)
{
    if (n == 4)
        siglongjmp(senv, 0);
    sig_dive(n + 1);
    printf("not reached\n");
}

int main(void)
{
    volatile int runs = 0;
    volatile int kept = 1234;
    int r = setjmp(env);
    runs++;
    if (r == 0)
        dive(0);
    printf("setjmp returned %d after %d runs, depth %d, kept %d\n", r, runs, depth_reached, kept);
    volatile int sruns = 0;
    int s = sigsetjmp(senv, 1);
    sruns++;
    if (s == 0)
        sig_dive(0);
    printf("sigsetjmp returned %d after %d runs\n", s, sruns);
    return 0;
}
