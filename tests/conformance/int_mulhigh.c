/* Wide multiplication, modular exponentiation, gcd, Miller-Rabin primality with 128-bit intermediates. */
#include "common.h"

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return (uint64_t)((unsigned __int128)a * b % m); }
static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
    uint64_t r = 1;
    b %= m;
    while (e) { if (e & 1) r = mulmod(r, b, m); b = mulmod(b, b, m); e >>= 1; }
    return r;
}
static int is_prime(uint64_t n) {
    if (n < 2) return 0;
    static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    for (unsigned i = 0; i < 12; i++) if (n % bases[i] == 0) return n == bases[i];
    uint64_t d = n - 1; int s = 0;
    while (!(d & 1)) { d >>= 1; s++; }
    for (unsigned i = 0; i < 12; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1) continue;
        int ok = 0;
        for (int r = 1; r < s; r++) { x = mulmod(x, x, n); if (x == n - 1) { ok = 1; break; } }
        if (!ok) return 0;
    }
    return 1;
}
static uint64_t gcd(uint64_t a, uint64_t b) { while (b) { uint64_t t = a % b; a = b; b = t; } return a; }
static uint64_t mulhi(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
static int64_t smulhi(int64_t a, int64_t b) { return (int64_t)(((__int128)a * b) >> 64); }

int main(void) {
    uint64_t start = OPQ(1000000000000000000ull);
    int found = 0;
    for (uint64_t n = start; found < 5; n++) {
        if (is_prime(n)) { printf("prime %llu\n", (unsigned long long)n); ck(n); found++; }
    }
    uint64_t big = OPQ(18446744073709551557ull); /* largest 64-bit prime */
    printf("big prime? %d\n", is_prime(big));
    printf("2^(p-1) mod p = %llu\n", (unsigned long long)powmod(2, big - 1, big));
    printf("gcd %llu %llu\n", (unsigned long long)gcd(OPQ(1071ull) * 1000003, 462ull * 1000003),
           (unsigned long long)gcd(OPQ(0xffffffffffffffffull), 0x5555555555555555ull));
    uint64_t x = OPQ(0x0123456789abcdefull);
    for (int i = 0; i < 10; i++) {
        uint64_t h = mulhi(x, 0x9e3779b97f4a7c15ull);
        int64_t sh = smulhi((int64_t)x, -0x61c8864680b583ebLL);
        ck(h); ck((uint64_t)sh);
        printf("mulhi %016llx %lld\n", (unsigned long long)h, (long long)sh);
        x = x * 0xd1342543de82ef95ull + 1;
    }
    ck_print();
    return 0;
}
