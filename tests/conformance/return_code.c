/* The return value of main is the exit status (truncated to 8 bits): 300 -> 44. */
#include "common.h"

static int compute(int n) { int s = 0; for (int i = 1; i <= n; i++) s += i; return s; }

int main(void) {
    int s = compute(OPQ(24)); /* 300 */
    printf("returning %d\n", s);
    ck((uint32_t)s);
    ck_print();
    return s;
}
