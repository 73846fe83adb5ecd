/* Singly and doubly linked lists on the heap: push/pop, reverse, merge sort, remove-if, free everything. */
#include "common.h"
#include <stdlib.h>

struct node { int v; struct node *next; };
struct dnode { long v; struct dnode *prev, *next; };

static struct node *push(struct node *h, int v) { struct node *n = malloc(sizeof *n); n->v = v; n->next = h; return n; }
static struct node *reverse(struct node *h) { struct node *p = NULL; while (h) { struct node *n = h->next; h->next = p; p = h; h = n; } return p; }
static struct node *merge(struct node *a, struct node *b) {
    struct node head = {0, NULL}, *t = &head;
    while (a && b) { if (a->v <= b->v) { t->next = a; a = a->next; } else { t->next = b; b = b->next; } t = t->next; }
    t->next = a ? a : b;
    return head.next;
}
static struct node *msort(struct node *h) {
    if (!h || !h->next) return h;
    struct node *slow = h, *fast = h->next;
    while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
    struct node *b = slow->next;
    slow->next = NULL;
    return merge(msort(h), msort(b));
}
static struct node *remove_if(struct node *h, int (*pred)(int)) {
    struct node **pp = &h;
    while (*pp) { if (pred((*pp)->v)) { struct node *d = *pp; *pp = d->next; free(d); } else pp = &(*pp)->next; }
    return h;
}
static int div7(int v) { return v % 7 == 0; }
static uint64_t digest(struct node *h, int *len) { uint64_t d = 0; *len = 0; for (; h; h = h->next) { d = d * 1000003 + (uint64_t)h->v; (*len)++; } return d; }

int main(void) {
    struct node *h = NULL;
    uint32_t s = OPQ(7u);
    for (int i = 0; i < 3000; i++) { s = s * 1103515245u + 12345u; h = push(h, (int)(s >> 16) % 10000); }
    int len;
    uint64_t d0 = digest(h, &len);
    h = reverse(h);
    uint64_t d1 = digest(h, &len);
    h = msort(h);
    int ok = 1;
    for (struct node *n = h; n && n->next; n = n->next) ok &= n->v <= n->next->v;
    uint64_t d2 = digest(h, &len);
    printf("list len %d sorted %d min %d digests %016llx %016llx %016llx\n", len, ok, h->v, (unsigned long long)d0,
           (unsigned long long)d1, (unsigned long long)d2);
    h = remove_if(h, div7);
    uint64_t d3 = digest(h, &len);
    printf("after remove len %d digest %016llx\n", len, (unsigned long long)d3);
    while (h) { struct node *n = h->next; free(h); h = n; }
    ck(d0); ck(d1); ck(d2); ck(d3); ck((uint32_t)len);
    /* Doubly linked list used as a deque. */
    struct dnode sentinel = {0, &sentinel, &sentinel};
    for (long i = 0; i < 100; i++) {
        struct dnode *n = malloc(sizeof *n);
        n->v = i * i;
        if (i % 2) { n->next = sentinel.next; n->prev = &sentinel; sentinel.next->prev = n; sentinel.next = n; }
        else { n->prev = sentinel.prev; n->next = &sentinel; sentinel.prev->next = n; sentinel.prev = n; }
    }
    unsigned long fw = 0, bw = 0;
    for (struct dnode *n = sentinel.next; n != &sentinel; n = n->next) fw = fw * 3 + (unsigned long)n->v;
    for (struct dnode *n = sentinel.prev; n != &sentinel; n = n->prev) bw = bw * 3 + (unsigned long)n->v;
    printf("deque fw %lu bw %lu\n", fw, bw);
    ck(fw); ck(bw);
    while (sentinel.next != &sentinel) { struct dnode *n = sentinel.next; sentinel.next = n->next; free(n); }
    ck_print();
    return 0;
}
