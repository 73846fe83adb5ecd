/* A chained hash table with string keys that grows by rehashing (realloc/calloc/free), plus an
 * open-addressing integer set. */
#include "common.h"
#include <stdlib.h>

struct entry { char *key; long value; struct entry *next; };
struct table { struct entry **buckets; size_t nb, count; };

static uint64_t hash(const char *s) { uint64_t h = 1469598103934665603ULL; while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211ULL; } return h; }
static void rehash(struct table *t) {
    size_t nb = t->nb * 2;
    struct entry **b = calloc(nb, sizeof *b);
    for (size_t i = 0; i < t->nb; i++)
        for (struct entry *e = t->buckets[i], *n; e; e = n) { n = e->next; size_t k = hash(e->key) % nb; e->next = b[k]; b[k] = e; }
    free(t->buckets);
    t->buckets = b; t->nb = nb;
}
static void put(struct table *t, const char *key, long v) {
    size_t k = hash(key) % t->nb;
    for (struct entry *e = t->buckets[k]; e; e = e->next) if (!strcmp(e->key, key)) { e->value += v; return; }
    struct entry *e = malloc(sizeof *e);
    e->key = strdup(key); e->value = v; e->next = t->buckets[k]; t->buckets[k] = e;
    if (++t->count > t->nb * 3 / 4) rehash(t);
}
static long *get(struct table *t, const char *key) {
    for (struct entry *e = t->buckets[hash(key) % t->nb]; e; e = e->next) if (!strcmp(e->key, key)) return &e->value;
    return NULL;
}

int main(void) {
    struct table t = {calloc(4, sizeof(struct entry *)), 4, 0};
    char key[32];
    for (int i = 0; i < 5000; i++) { snprintf(key, sizeof key, "key%d", (i * 7919) % 1237); put(&t, key, i); }
    printf("count %zu buckets %zu\n", t.count, t.nb);
    long sum = 0; int missing = 0;
    for (int i = 0; i < 1300; i++) {
        snprintf(key, sizeof key, "key%d", i);
        long *v = get(&t, key);
        if (v) { sum += *v * (i % 13); ck((uint64_t)*v); } else missing++;
    }
    printf("sum %ld missing %d\n", sum, missing);
    size_t longest = 0;
    for (size_t i = 0; i < t.nb; i++) { size_t n = 0; for (struct entry *e = t.buckets[i]; e; e = e->next) n++; if (n > longest) longest = n; }
    printf("longest chain %zu\n", longest);
    for (size_t i = 0; i < t.nb; i++) for (struct entry *e = t.buckets[i], *n; e; e = n) { n = e->next; free(e->key); free(e); }
    free(t.buckets);
    /* Open addressing with linear probing, grown with realloc-free copy. */
    size_t cap = 8, used = 0;
    uint32_t *set = calloc(cap, sizeof *set);
    uint32_t x = OPQ(1u);
    int dups = 0;
    for (int i = 0; i < 4000; i++) {
        x = x * 2654435761u + 1; uint32_t v = (x >> 12) % 3000 + 1;
        if (used * 2 >= cap) {
            uint32_t *n = calloc(cap * 2, sizeof *n);
            for (size_t j = 0; j < cap; j++) if (set[j]) { size_t p = set[j] * 2654435761u % (cap * 2); while (n[p]) p = (p + 1) % (cap * 2); n[p] = set[j]; }
            free(set); set = n; cap *= 2;
        }
        size_t p = v * 2654435761u % cap;
        while (set[p] && set[p] != v) p = (p + 1) % cap;
        if (set[p]) dups++; else { set[p] = v; used++; }
    }
    printf("set used %zu cap %zu dups %d\n", used, cap, dups);
    free(set);
    ck((uint64_t)sum); ck(used); ck((uint32_t)dups); ck(longest);
    ck_print();
    return 0;
}
