/* Growable arrays with realloc, a 2D matrix of row pointers, memmove-based insert/erase, a heap-based
 * priority queue, and a string builder. */
#include "common.h"
#include <stdlib.h>

struct vec { int *data; size_t len, cap; };
static void vpush(struct vec *v, int x) { if (v->len == v->cap) { v->cap = v->cap ? v->cap * 2 : 1; v->data = realloc(v->data, v->cap * sizeof *v->data); } v->data[v->len++] = x; }
static void vinsert(struct vec *v, size_t at, int x) { vpush(v, 0); memmove(v->data + at + 1, v->data + at, (v->len - 1 - at) * sizeof *v->data); v->data[at] = x; }
static void verase(struct vec *v, size_t at) { memmove(v->data + at, v->data + at + 1, (v->len - at - 1) * sizeof *v->data); v->len--; }

static void heap_push(struct vec *h, int x) { vpush(h, x); size_t i = h->len - 1; while (i && h->data[(i - 1) / 2] > h->data[i]) { int t = h->data[i]; h->data[i] = h->data[(i - 1) / 2]; h->data[(i - 1) / 2] = t; i = (i - 1) / 2; } }
static int heap_pop(struct vec *h) {
    int top = h->data[0];
    h->data[0] = h->data[--h->len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && h->data[l] < h->data[m]) m = l;
        if (r < h->len && h->data[r] < h->data[m]) m = r;
        if (m == i) break;
        int t = h->data[i]; h->data[i] = h->data[m]; h->data[m] = t; i = m;
    }
    return top;
}

int main(void) {
    struct vec v = {0};
    for (int i = 0; i < 1000; i++) vpush(&v, i * 3);
    for (int i = 0; i < 100; i++) vinsert(&v, (size_t)(i * 7) % v.len, -i);
    for (int i = 0; i < 50; i++) verase(&v, (size_t)(i * 13) % v.len);
    uint64_t h = 0;
    for (size_t i = 0; i < v.len; i++) h = h * 31 + (uint32_t)v.data[i];
    printf("vec len %zu cap %zu hash %016llx\n", v.len, v.cap, (unsigned long long)h);
    ck(h); ck(v.len);
    free(v.data);
    int rows = OPQ(30), cols = 40;
    double **m = malloc((size_t)rows * sizeof *m);
    for (int i = 0; i < rows; i++) { m[i] = calloc((size_t)cols, sizeof **m); for (int j = 0; j < cols; j++) m[i][j] = (i + 1) * 0.5 - j * 0.25; }
    m = realloc(m, (size_t)(rows + 10) * sizeof *m);
    for (int i = rows; i < rows + 10; i++) { m[i] = malloc((size_t)cols * sizeof **m); memcpy(m[i], m[i - rows], (size_t)cols * sizeof **m); }
    double tr = 0;
    for (int i = 0; i < rows + 10; i++) tr += m[i][i % cols] * (i + 1);
    printf("matrix trace-ish %.17g\n", tr);
    ck_d(tr);
    for (int i = 0; i < rows + 10; i++) free(m[i]);
    free(m);
    struct vec heap = {0};
    uint32_t s = OPQ(5u);
    for (int i = 0; i < 500; i++) { s = s * 69069u + 1; heap_push(&heap, (int)(s >> 16)); }
    int prev = -1, ok = 1; uint64_t hh = 0;
    while (heap.len) { int x = heap_pop(&heap); ok &= x >= prev; prev = x; hh = hh * 7 + (uint32_t)x; }
    printf("heap ok %d hash %016llx\n", ok, (unsigned long long)hh);
    ck(hh);
    free(heap.data);
    size_t cap = 1, len = 0;
    char *sb = malloc(cap);
    for (int i = 0; i < 200; i++) {
        char piece[16];
        int n = snprintf(piece, sizeof piece, "%d;", i * i);
        while (len + (size_t)n + 1 > cap) { cap *= 2; sb = realloc(sb, cap); }
        memcpy(sb + len, piece, (size_t)n + 1);
        len += (size_t)n;
    }
    printf("builder len %zu cap %zu tail %s\n", len, cap, sb + len - 12);
    ck_s(sb);
    free(sb);
    ck_print();
    return 0;
}
