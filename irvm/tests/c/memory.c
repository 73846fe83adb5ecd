// Memory: globals initialized with pointers into other globals and function pointers, packed and
// unaligned accesses, VLAs and alloca, memcpy/memmove/memset, atomics, TLS, strings from libc.
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { int v; struct node *next; };
static struct node n3 = {3, 0}, n2 = {2, &n3}, n1 = {1, &n2};
static const char *names[] = {"alpha", "beta", "gamma"};
static int square(int x) { return x * x; }
static struct { int (*f)(int); const char **name; int *p; } tbl = {square, &names[1], &n2.v};
struct __attribute__((packed)) packed { char c; uint32_t u; uint64_t q; };
static _Thread_local int tls = 40;
static _Atomic long counter;

/* Index arithmetic folded into addresses: a[i + 1] and a[i - 2] where i + 1 is also the next i. */
__attribute__((noinline)) static int64_t stencil(const int32_t *a, long n) {
    int64_t s = 0;
    for (long i = 2; i + 1 < n; i++) s += (int64_t)a[i + 1] * 3 - a[i] + a[i - 2] * (i & 7);
    return s;
}
__attribute__((noinline)) static void shift_down(int32_t *a, long n) {
    for (long i = 0; i + 1 < n; i += 2) { a[i] = a[i + 1] + 1; a[i + 1] = a[i] * 2; }
}

int main(int argc, char **argv) {
    uint64_t h = 0;
    int32_t arr[101];
    for (int i = 0; i < 101; i++) arr[i] = i * i - 50 * i;
    h = h * 31 + (uint64_t)stencil(arr, 101);
    shift_down(arr, 101);
    for (int i = 0; i < 101; i++) h = h * 31 + (uint32_t)arr[i];
    for (struct node *p = &n1; p; p = p->next) h = h * 31 + (uint32_t)p->v;
    h = h * 31 + (uint32_t)tbl.f(*tbl.p + 5) + strlen(*tbl.name);
    struct packed pk[3];
    for (int i = 0; i < 3; i++) { pk[i].c = (char)i; pk[i].u = 0x01020304u * (uint32_t)i; pk[i].q = ~0ULL / (uint64_t)(i + 1); }
    for (int i = 0; i < 3; i++) h = h * 31 + (uint64_t)pk[i].c + pk[i].u + pk[i].q;
    int n = argc + 20;
    int vla[n];
    for (int i = 0; i < n; i++) vla[i] = i * i;
    char *buf = __builtin_alloca((size_t)n);
    memset(buf, 'x', (size_t)n);
    memcpy(buf, "hello", 5);
    memmove(buf + 2, buf, 8);
    buf[n - 1] = 0;
    h = h * 31 + (uint64_t)vla[n - 1] + strlen(buf) + (uint64_t)buf[4];
    char *s = strdup("The Quick Brown Fox");
    for (char *p = s; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    h = h * 31 + (uint64_t)strcmp(s, "the quick brown fox") + (uint64_t)(strstr(s, "brown") - s);
    free(s);
    for (int i = 0; i < 10; i++) atomic_fetch_add(&counter, i);
    long expect = 45;
    h = h * 31 + (uint64_t)atomic_compare_exchange_strong(&counter, &expect, 100) + (uint64_t)atomic_load(&counter);
    tls += argc;
    h = h * 31 + (uint64_t)tls;
    printf("hash %016llx %s\n", (unsigned long long)h, names[argc % 3]);
    return 0;
}
