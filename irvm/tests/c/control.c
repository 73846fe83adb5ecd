// Control flow: dense and sparse switches, computed goto, phi cycles (swaps, rotations), nested
// loops counting up and down with signed/unsigned, 32/64-bit latches, and an irreducible loop.
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) static int classify(int x) {
    switch (x) {
    case 0: return 10; case 1: return 11; case 2: return 12; case 3: return 13; case 5: return 15;
    case 1000: return -1; case -7: return -7; case 123456: return 6; default: return x & 3;
    }
}
__attribute__((noinline)) static uint64_t fib_swap(int n) { uint64_t a = 0, b = 1; for (int i = 0; i < n; i++) { uint64_t t = a; a = b; b = t + b; } return a; }
__attribute__((noinline)) static unsigned rotate3(unsigned n) { unsigned x = 1, y = 2, z = 3; while (n--) { unsigned t = x; x = y; y = z; z = t * 3 + 1; } return x * 100 + y * 10 + z; }
__attribute__((noinline)) static int threaded(const unsigned char *code) {
    static void *tbl[] = {&&inc, &&dbl, &&neg, &&end};
    int acc = 1;
    goto *tbl[*code];
inc: acc++; code++; goto *tbl[*code];
dbl: acc *= 2; code++; goto *tbl[*code];
neg: acc = -acc; code++; goto *tbl[*code];
end: return acc;
}
__attribute__((noinline)) static int irreducible(int n, int start) {
    int i = 0, s = 0;
    if (start) goto b;
a:  s += i; i++;
b:  s ^= i * 3; if (i < n) goto a;
    return s;
}

int main(void) {
    uint64_t h = 0;
    for (int x = -10; x < 20; x++) h = h * 31 + (uint32_t)classify(x);
    h = h * 31 + (uint32_t)classify(1000) + (uint32_t)classify(123456);
    h = h * 31 + fib_swap(90) + rotate3(17);
    const unsigned char prog[] = {0, 1, 1, 2, 0, 1, 3};
    h = h * 31 + (uint32_t)threaded(prog);
    h = h * 31 + (uint32_t)irreducible(10, 0) + (uint32_t)irreducible(10, 1);
    for (int64_t i = 100; i > -5; i -= 3) h = h * 3 + (uint64_t)i;
    for (uint32_t u = 5; u < 4000000000u; u = u * 7 + 1) h = h * 5 + u;
    for (int i = 0; i != 64; i += 4) for (unsigned j = 10; j-- > 0;) h += (uint64_t)(i * j);
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
