/* Binary search trees: unbalanced BST insert/delete/traversals and an AVL tree with rotations. */
#include "common.h"
#include <stdlib.h>

struct bst { int key; struct bst *l, *r; };
static struct bst *bst_insert(struct bst *t, int k) {
    if (!t) { t = calloc(1, sizeof *t); t->key = k; return t; }
    if (k < t->key) t->l = bst_insert(t->l, k); else if (k > t->key) t->r = bst_insert(t->r, k);
    return t;
}
static struct bst *bst_delete(struct bst *t, int k) {
    if (!t) return NULL;
    if (k < t->key) t->l = bst_delete(t->l, k);
    else if (k > t->key) t->r = bst_delete(t->r, k);
    else {
        if (!t->l || !t->r) { struct bst *c = t->l ? t->l : t->r; free(t); return c; }
        struct bst *m = t->r; while (m->l) m = m->l;
        t->key = m->key; t->r = bst_delete(t->r, m->key);
    }
    return t;
}
static void inorder(struct bst *t, uint64_t *h, int *n) { if (!t) return; inorder(t->l, h, n); *h = *h * 31 + (uint64_t)t->key; (*n)++; inorder(t->r, h, n); }
static int height(struct bst *t) { if (!t) return 0; int a = height(t->l), b = height(t->r); return 1 + (a > b ? a : b); }
static void bst_free(struct bst *t) { if (t) { bst_free(t->l); bst_free(t->r); free(t); } }

struct avl { int key, h; struct avl *l, *r; };
static int ah(struct avl *t) { return t ? t->h : 0; }
static void fix(struct avl *t) { int a = ah(t->l), b = ah(t->r); t->h = 1 + (a > b ? a : b); }
static struct avl *rot_r(struct avl *y) { struct avl *x = y->l; y->l = x->r; x->r = y; fix(y); fix(x); return x; }
static struct avl *rot_l(struct avl *x) { struct avl *y = x->r; x->r = y->l; y->l = x; fix(x); fix(y); return y; }
static int rotations;
static struct avl *avl_insert(struct avl *t, int k) {
    if (!t) { t = calloc(1, sizeof *t); t->key = k; t->h = 1; return t; }
    if (k < t->key) t->l = avl_insert(t->l, k); else if (k > t->key) t->r = avl_insert(t->r, k); else return t;
    fix(t);
    int bal = ah(t->l) - ah(t->r);
    if (bal > 1 && k < t->l->key) { rotations++; return rot_r(t); }
    if (bal < -1 && k > t->r->key) { rotations++; return rot_l(t); }
    if (bal > 1) { rotations += 2; t->l = rot_l(t->l); return rot_r(t); }
    if (bal < -1) { rotations += 2; t->r = rot_r(t->r); return rot_l(t); }
    return t;
}
static void avl_free(struct avl *t) { if (t) { avl_free(t->l); avl_free(t->r); free(t); } }

int main(void) {
    struct bst *t = NULL;
    uint32_t s = OPQ(99u);
    for (int i = 0; i < 2000; i++) { s = s * 1664525u + 1013904223u; t = bst_insert(t, (int)(s >> 20)); }
    uint64_t h = 0; int n = 0;
    inorder(t, &h, &n);
    printf("bst n=%d height=%d hash=%016llx\n", n, height(t), (unsigned long long)h);
    ck(h); ck((uint32_t)n);
    for (int k = 0; k < 4096; k += 3) t = bst_delete(t, k);
    h = 0; n = 0;
    inorder(t, &h, &n);
    printf("after delete n=%d height=%d hash=%016llx\n", n, height(t), (unsigned long long)h);
    ck(h); ck((uint32_t)n);
    bst_free(t);
    struct avl *a = NULL;
    for (int i = 0; i < 5000; i++) a = avl_insert(a, OPQ(i)); /* sorted input: worst case for a BST */
    printf("avl height %d rotations %d root %d\n", a->h, rotations, a->key);
    ck((uint32_t)a->h); ck((uint32_t)rotations); ck((uint32_t)a->key);
    avl_free(a);
    ck_print();
    return 0;
}
