/* Atomics with single-thread semantics: __atomic_* builtins on 1/2/4/8/16-byte... (up to 8) widths, C11
 * _Atomic operators and <stdatomic.h>, compare-exchange loops, fences, atomic float update via CAS. */
#include "common.h"
#include <stdatomic.h>

static _Atomic int counter;
static _Atomic long long big;
static _Atomic double fl;
static atomic_uint flags;
static atomic_flag lock = ATOMIC_FLAG_INIT;

int main(void) {
    uint8_t b = 250; uint16_t h = 65530; uint32_t w = 1; uint64_t q = 1ull << 63;
    for (int i = 0; i < 10; i++) {
        uint8_t ob = __atomic_fetch_add(&b, 3, __ATOMIC_SEQ_CST);
        uint16_t oh = __atomic_fetch_sub(&h, 7, __ATOMIC_RELAXED);
        uint32_t ow = __atomic_fetch_or(&w, 1u << i, __ATOMIC_ACQ_REL);
        uint64_t oq = __atomic_fetch_xor(&q, 0x5555ull << i, __ATOMIC_ACQUIRE);
        uint32_t nw = __atomic_and_fetch(&w, ~(1u << (i / 2)), __ATOMIC_SEQ_CST);
        uint8_t nb = __atomic_nand_fetch(&b, 0x3c, __ATOMIC_SEQ_CST);
        ck(ob); ck(oh); ck(ow); ck(oq); ck(nw); ck(nb);
    }
    printf("rmw %u %u %u %llx\n", b, h, w, (unsigned long long)q);
    uint32_t expected = w, old = __atomic_exchange_n(&w, 77u, __ATOMIC_SEQ_CST);
    int ok1 = __atomic_compare_exchange_n(&w, &expected, 5u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); /* fails: w is 77 */
    int ok2 = __atomic_compare_exchange_n(&w, &expected, 5u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); /* expected now 77 */
    printf("xchg old %u cas %d %d expected %u w %u\n", old, ok1, ok2, expected, __atomic_load_n(&w, __ATOMIC_ACQUIRE));
    ck(old); ck((uint64_t)ok1); ck((uint64_t)ok2); ck(w);
    for (int i = 0; i < 1000; i++) { counter++; counter += 2; big -= i; atomic_fetch_add_explicit(&flags, 1u, memory_order_relaxed); }
    int c = atomic_load(&counter);
    int prev = atomic_exchange(&counter, -1);
    int exp2 = -1;
    _Bool swapped = atomic_compare_exchange_strong(&counter, &exp2, 12345);
    printf("c11 counter %d prev %d swapped %d now %d big %lld flags %u\n", c, prev, swapped, atomic_load(&counter), (long long)big, atomic_load(&flags));
    ck((uint32_t)c); ck((uint64_t)big);
    for (int i = 0; i < 100; i++) fl += 0.1; /* CAS loop on a double */
    double f = fl;
    printf("atomic double %.17g\n", f);
    ck_d(f);
    int spins = 0;
    while (atomic_flag_test_and_set(&lock)) spins++;
    int second = atomic_flag_test_and_set(&lock);
    atomic_flag_clear(&lock);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_acquire);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    printf("flag spins %d second %d lock-free int %d ll %d\n", spins, second, atomic_is_lock_free(&counter), atomic_is_lock_free(&big));
    uint64_t v = OPQ(10ull);
    __atomic_store_n(&v, 99ull, __ATOMIC_RELEASE);
    printf("store/load %llu\n", (unsigned long long)__atomic_load_n(&v, __ATOMIC_SEQ_CST));
    ck(v);
    ck_print();
    return 0;
}
