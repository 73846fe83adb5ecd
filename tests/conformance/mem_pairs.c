/* Two 4- or 8-byte loads or stores in a row at folded addresses run in one dispatch in irvm (a
 * pair): overlapping stores (the second one's bytes win), a swap's two stores, two neighbours'
 * loads; and around them loads whose address comes from a load, and a store that the next one
 * overwrites, where only the order of the accesses decides the result. */
#include "common.h"

struct node { struct node *next; long val; };

/* The second load's base is the first load's result. */
__attribute__((noinline)) static long chase(struct node **heads, long n) {
    long s = 0;
    for (long i = 0; i < n; i++) {
        struct node *p = heads[i];
        s += p->next->val ^ p->val;
    }
    return s;
}

/* Two stores to the same element: the second one's value stays. */
__attribute__((noinline)) static void twice(int *a, long i, int x, int y) {
    a[i] = x;
    a[i] = y;
}

/* Overlapping 8-byte stores (a byte buffer written as longs at i and i + 4). */
__attribute__((noinline)) static void overlap(char *buf, long i, long x, long y) {
    __builtin_memcpy(buf + i, &x, 8);
    __builtin_memcpy(buf + i + 4, &y, 8);
}

__attribute__((noinline)) static void swaps(int *a, long n) {
    for (long i = 1; i < n; i++)
        if (a[i - 1] > a[i]) {
            int t = a[i - 1];
            a[i - 1] = a[i];
            a[i] = t;
        }
}

__attribute__((noinline)) static long sums(const long *row, long n) {
    long s = 0;
    for (long j = n - 1; j >= 1; j--) s += (row[j] + row[j - 1]) % 1000003;
    return s;
}

int main(void) {
    static struct node nodes[64];
    static struct node *heads[64];
    for (int k = 0; k < 64; k++) {
        nodes[k].val = (long)k * 1000003 % 977;
        nodes[k].next = &nodes[(k * 5 + 3) % 64];
        heads[k] = &nodes[(k * 11) % 64];
    }
    long c = chase(heads, OPQ(64));
    printf("chase %ld\n", c);
    ck(c);

    int a[16] = {0};
    twice(a, OPQ(3), OPQ(7), OPQ(-9));
    printf("twice %d %d\n", a[3], a[4]);
    for (int k = 0; k < 16; k++) ck((uint32_t)a[k]);

    char buf[24];
    __builtin_memset(buf, 0x5a, sizeof buf);
    overlap(buf, OPQ(2), OPQ(0x1122334455667788L), OPQ(-2L));
    for (int k = 0; k < 24; k++) ck((uint8_t)buf[k]);
    printf("overlap %d %d %d\n", buf[2], buf[6], buf[13]);

    int b[101];
    for (int k = 0; k < 101; k++) b[k] = (k * 7919) % 211 - 100;
    for (int r = 0; r < 20; r++) swaps(b, OPQ(101));
    for (int k = 0; k < 101; k++) ck((uint32_t)b[k]);
    printf("swaps %d %d %d\n", b[0], b[50], b[100]);

    long row[77];
    for (int k = 0; k < 77; k++) row[k] = (long)k * k * 31 - 500;
    long s = sums(row, OPQ(77));
    printf("sums %ld\n", s);
    ck(s);
    ck_print();
    return 0;
}
