/* _Thread_local variables (threadlocal.address in LLVM 19), constructor/destructor attributes
 * (llvm.global_ctors/global_dtors with priorities), function aliases and weak definitions. */
#include "common.h"
#include <stdlib.h>

static _Thread_local int tls_counter = 5;
static _Thread_local uint64_t tls_array[4] = {1, 2, 3, 4};
static int ctor_log[8], ctor_n;

__attribute__((constructor(200))) static void ctor_late(void) { ctor_log[ctor_n++] = 200; tls_counter += 100; }
__attribute__((constructor(101))) static void ctor_early(void) { ctor_log[ctor_n++] = 101; }
__attribute__((constructor)) static void ctor_default(void) { ctor_log[ctor_n++] = 65535; }
__attribute__((destructor)) static void dtor(void) {
    printf("destructor: tls_counter %d\n", tls_counter);
    ck((uint32_t)tls_counter);
    ck_print();
}

int real_impl(int x) { return x * 7 + 1; }
int alias_impl(int x) __attribute__((alias("real_impl")));
__attribute__((weak)) int maybe_weak(int x) { return x - 1; }

__attribute__((noinline)) static void bump(int k) { tls_counter += k; tls_array[k & 3] *= 3; }

int main(void) {
    printf("constructors ran in order:");
    for (int i = 0; i < ctor_n; i++) { printf(" %d", ctor_log[i]); ck((uint32_t)ctor_log[i]); }
    printf("\ntls start %d\n", tls_counter);
    for (int i = 0; i < 10; i++) bump(OPQ(i));
    uint64_t s = 0;
    for (int i = 0; i < 4; i++) s = s * 100 + tls_array[i];
    int *p = &tls_counter;
    *p += 1;
    printf("tls %d array %llu alias %d weak %d\n", tls_counter, (unsigned long long)s, alias_impl(OPQ(6)), maybe_weak(10));
    ck(s); ck((uint32_t)alias_impl(6));
    return 0; /* the destructor prints the checksum */
}
