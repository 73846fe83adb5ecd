/* goto-based control flow: loops, retry/cleanup patterns, a goto state machine, irreducible-looking flow,
 * breaking out of nested loops. */
#include "common.h"
#include <stdlib.h>

static int gcd_goto(int a, int b) {
top:
    if (b == 0) return a;
    { int t = a % b; a = b; b = t; }
    goto top;
}
static int find_pair(const int *a, int n, int target, int *oi, int *oj) {
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[i] + a[j] == target) { *oi = i; *oj = j; goto found; }
    return 0;
found:
    return 1;
}
static int process(int n) {
    int rc = -1;
    char *a = malloc(16), *b = NULL, *c = NULL;
    if (!a) goto out;
    if (n < 1) goto free_a;
    b = malloc(32);
    if (n < 2) goto free_b;
    c = malloc(64);
    rc = n * 100;
    free(c);
free_b:
    free(b);
free_a:
    free(a);
out:
    return rc;
}
/* Count words/numbers in text with a goto state machine. */
static void scan(const char *s, int *words, int *nums) {
    *words = *nums = 0;
start:
    if (!*s) return;
    if (*s >= '0' && *s <= '9') goto in_num;
    if ((*s | 32) >= 'a' && (*s | 32) <= 'z') goto in_word;
    s++;
    goto start;
in_num:
    (*nums)++;
    while (*s >= '0' && *s <= '9') s++;
    goto start;
in_word:
    (*words)++;
    while (((*s | 32) >= 'a' && (*s | 32) <= 'z') || (*s >= '0' && *s <= '9')) s++;
    goto start;
}
/* Two entry points into a loop body (irreducible control flow). */
static long irreducible(int n, int enter_mid) {
    long acc = 1;
    int i = 0;
    if (enter_mid) goto mid;
loop:
    acc = acc * 3 + i;
mid:
    acc ^= (long)i << 2;
    if (++i < n) goto loop;
    return acc;
}

int main(void) {
    printf("gcd %d %d\n", gcd_goto(OPQ(1071), 462), gcd_goto(17 * 19 * 23, OPQ(19 * 23 * 29)));
    int a[] = {8, 3, 11, 7, 2, 15, 4, 9}, i = -1, j = -1;
    int f = find_pair(a, 8, OPQ(13), &i, &j);
    printf("pair %d %d %d\n", f, i, j);
    printf("process %d %d %d\n", process(0), process(1), process(OPQ(5)));
    int w, n;
    scan("abc 123 de4f, 56 -- x9 7z!", &w, &n);
    printf("scan words %d nums %d\n", w, n);
    long r1 = irreducible(OPQ(20), 0), r2 = irreducible(20, OPQ(1));
    printf("irreducible %ld %ld\n", r1, r2);
    ck((uint32_t)gcd_goto(1071, 462)); ck((uint32_t)(i * 10 + j)); ck((uint32_t)process(5)); ck((uint32_t)(w * 100 + n));
    ck((uint64_t)r1); ck((uint64_t)r2);
    ck_print();
    return 0;
}
