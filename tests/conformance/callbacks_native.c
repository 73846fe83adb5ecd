/* libc calling back into interpreted code in every shape glibc offers: qsort_r with a context argument,
 * a comparator that itself calls qsort (nested callbacks), tsearch/tfind/twalk/tdelete (callbacks with an
 * enum and an int argument), lsearch/lfind, fopencookie streams whose read/write/close are interpreted,
 * signal handlers run synchronously by raise(), and on_exit with a status and an argument. */
#define _GNU_SOURCE
#include "common.h"
#include <search.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/types.h>

static int by_mod(const void *a, const void *b, void *ctx) {
    int m = *(const int *)ctx, x = *(const int *)a, y = *(const int *)b;
    if (x % m != y % m) return x % m - y % m;
    return (x > y) - (x < y);
}
static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
struct bucket { int vals[5]; int key; };
static int nested_calls;
static int cmp_bucket(const void *a, const void *b) {
    struct bucket *x = (struct bucket *)a, *y = (struct bucket *)b;
    qsort(x->vals, 5, sizeof(int), cmp_int); /* a callback that calls qsort again */
    qsort(y->vals, 5, sizeof(int), cmp_int);
    nested_calls++;
    x->key = x->vals[2]; y->key = y->vals[2];
    return (x->key > y->key) - (x->key < y->key);
}

static uint64_t walk_hash;
static int walk_count;
static void walker(const void *node, VISIT v, int depth) {
    if (v == postorder || v == leaf) { walk_hash = walk_hash * 31 + (uint64_t)**(const int *const *)node + (uint64_t)depth; walk_count++; }
}

struct sink { char buf[256]; size_t len; int writes; int closed; };
static ssize_t sink_write(void *cookie, const char *data, size_t n) {
    struct sink *s = cookie;
    for (size_t i = 0; i < n && s->len < sizeof s->buf - 1; i++) s->buf[s->len++] = data[i] >= 'a' && data[i] <= 'z' ? (char)(data[i] - 32) : data[i];
    s->buf[s->len] = 0;
    s->writes++;
    return (ssize_t)n;
}
static int sink_close(void *cookie) { ((struct sink *)cookie)->closed = 1; return 0; }
struct source { const char *text; size_t pos; };
static ssize_t source_read(void *cookie, char *buf, size_t n) {
    struct source *s = cookie;
    size_t left = strlen(s->text) - s->pos, k = n < left ? n : left;
    if (k > 7) k = 7; /* small reads: several callbacks */
    memcpy(buf, s->text + s->pos, k);
    s->pos += k;
    return (ssize_t)k;
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = got_signal * 100 + sig; }
static void at_exit_with(int status, void *arg) {
    printf("on_exit: status %d arg '%s'\n", status, (const char *)arg);
    ck((uint32_t)status);
    ck_print();
}

int main(void) {
    int a[40];
    for (int i = 0; i < 40; i++) a[i] = (i * 37 + 11) % 53;
    int m = OPQ(7);
    qsort_r(a, 40, sizeof a[0], by_mod, &m);
    printf("qsort_r:");
    for (int i = 0; i < 40; i++) { printf(" %d", a[i]); ck((uint32_t)a[i]); }
    struct bucket b[6];
    for (int i = 0; i < 6; i++) for (int k = 0; k < 5; k++) b[i].vals[k] = (i * 7 + k * 13) % 29;
    qsort(b, 6, sizeof b[0], cmp_bucket);
    printf("\nnested qsort keys:");
    for (int i = 0; i < 6; i++) { printf(" %d", b[i].key); ck((uint32_t)b[i].key); }
    printf(" (nested calls > 0: %d)\n", nested_calls > 0);
    void *root = NULL;
    static int keys[50];
    for (int i = 0; i < 50; i++) { keys[i] = (i * 31) % 97; tsearch(&keys[i], &root, cmp_int); }
    int probe = 62;
    int **hit = tfind(&probe, &root, cmp_int);
    twalk(root, walker);
    printf("tsearch: found %d, walked %d, hash %llu\n", hit ? **hit : -1, walk_count, (unsigned long long)walk_hash);
    ck(walk_hash);
    for (int i = 0; i < 50; i += 2) tdelete(&keys[i], &root, cmp_int);
    walk_count = 0; walk_hash = 0;
    twalk(root, walker);
    printf("after tdelete: walked %d hash %llu\n", walk_count, (unsigned long long)walk_hash);
    ck(walk_hash);
    while (root) { int *k = *(int **)root; tdelete(k, &root, cmp_int); }
    int table[20]; size_t n = 0;
    for (int i = 0; i < 30; i++) { int v = (i * 7) % 15; lsearch(&v, table, &n, sizeof v, cmp_int); }
    int want = 9;
    int *f = lfind(&want, table, &n, sizeof want, cmp_int);
    printf("lsearch: %zu distinct, 9 at %td\n", n, f ? f - table : (ptrdiff_t)-1);
    ck(n);
    struct sink s = {{0}, 0, 0, 0};
    FILE *out = fopencookie(&s, "w", (cookie_io_functions_t){.write = sink_write, .close = sink_close});
    setvbuf(out, NULL, _IOFBF, 16);
    fprintf(out, "hello %d cookies, pi=%.3f", OPQ(42), 3.14159);
    fputs(" and more text", out);
    fclose(out);
    printf("fopencookie: '%s' writes>1 %d closed %d\n", s.buf, s.writes > 1, s.closed);
    ck_s(s.buf);
    struct source src = {"12 34 hello 5.5 tail", 0};
    FILE *in = fopencookie(&src, "r", (cookie_io_functions_t){.read = source_read});
    int x, y; char w[16]; double d;
    int got = fscanf(in, "%d %d %15s %lf", &x, &y, w, &d);
    fclose(in);
    printf("cookie read: %d -> %d %d %s %g\n", got, x, y, w, d);
    ck((uint32_t)(x + y)); ck_s(w); ck_d(d);
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, on_signal);
    raise(SIGUSR1);
    raise(SIGUSR2);
    printf("signals handled: %d\n", (int)got_signal);
    ck((uint64_t)got_signal);
    on_exit(at_exit_with, "bye");
    return 9;
}
