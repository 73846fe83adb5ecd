/* Pointer <-> integer games (ptrtoint/inttoptr): tagged pointers in the low bits, an XOR-linked list,
 * container_of, pointer differences and comparisons, uintptr_t hashing of relative addresses, and
 * function pointers round-tripped through integers and through native code (tsearch keeps them). */
#include "common.h"
#include <stddef.h>
#include <stdlib.h>

struct node { int val; uintptr_t link; }; /* link = prev ^ next */
struct item { double weight; struct { int a, b; } inner; char name[8]; };
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }

int main(void) {
    /* Tagged pointers: 8-byte aligned, 3 tag bits. */
    long *cells = malloc(16 * sizeof *cells);
    uintptr_t tagged[16];
    for (int i = 0; i < 16; i++) { cells[i] = i * 100; tagged[i] = (uintptr_t)&cells[i] | (uintptr_t)(i & 7); }
    long sum = 0; unsigned tags = 0;
    for (int i = 0; i < 16; i++) { long *p = (long *)(tagged[i] & ~(uintptr_t)7); sum += *p; tags = tags * 8 + (unsigned)(tagged[i] & 7); }
    printf("tagged sum %ld tags %u\n", sum, tags);
    ck((uint64_t)sum); ck(tags);
    /* XOR linked list, traversed both ways. */
    enum { N = 10 };
    struct node *nodes[N];
    for (int i = 0; i < N; i++) { nodes[i] = malloc(sizeof(struct node)); nodes[i]->val = i * i + OPQ(1); }
    for (int i = 0; i < N; i++) {
        uintptr_t prev = i ? (uintptr_t)nodes[i - 1] : 0, next = i < N - 1 ? (uintptr_t)nodes[i + 1] : 0;
        nodes[i]->link = prev ^ next;
    }
    uint64_t fw = 0, bw = 0;
    for (struct node *cur = nodes[0], *prev = NULL; cur;) { fw = fw * 131 + (uint64_t)cur->val; struct node *next = (struct node *)(cur->link ^ (uintptr_t)prev); prev = cur; cur = next; }
    for (struct node *cur = nodes[N - 1], *prev = NULL; cur;) { bw = bw * 131 + (uint64_t)cur->val; struct node *next = (struct node *)(cur->link ^ (uintptr_t)prev); prev = cur; cur = next; }
    printf("xor list fw %llu bw %llu\n", (unsigned long long)fw, (unsigned long long)bw);
    ck(fw); ck(bw);
    for (int i = 0; i < N; i++) free(nodes[i]);
    struct item items[3] = {{1.5, {1, 2}, "one"}, {2.5, {3, 4}, "two"}, {3.5, {5, 6}, "three"}};
    for (int i = 0; i < 3; i++) {
        int *pb = &items[OPQ(i)].inner.b;
        struct item *it = container_of(pb - 1, struct item, inner);
        printf("container_of %s %g offset %td\n", it->name, it->weight, (char *)pb - (char *)it);
        ck_s(it->name);
    }
    char buf[64];
    char *p = buf + OPQ(10), *q = buf + 50;
    printf("ptr diff %td lt %d eq %d range %d\n", q - p, p < q, p + 40 == q, (uintptr_t)q - (uintptr_t)buf == 50);
    /* Relative addresses (absolute ones differ between runs): offsets within one allocation. */
    uintptr_t base = (uintptr_t)cells;
    uint64_t rel = 0;
    for (int i = 0; i < 16; i++) rel = rel * 3 + (uint64_t)(((uintptr_t)&cells[i] - base) ^ (uintptr_t)(i * 5));
    printf("relative %llu aligned %d\n", (unsigned long long)rel, (int)(base % 8 == 0));
    ck(rel);
    free(cells);
    /* Function pointers through integers. */
    uintptr_t fi[2] = {(uintptr_t)twice, (uintptr_t)square};
    int r = 0;
    for (int i = 0; i < 6; i++) r += ((int (*)(int))fi[OPQ(i) & 1])(i + 1);
    int (*same)(int) = twice;
    printf("via ints %d identity %d %d\n", r, (uintptr_t)same == fi[0], same == (int (*)(int))fi[0]);
    ck((uint32_t)r);
    ck_print();
    return 0;
}
