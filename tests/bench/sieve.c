/* Sieve of Eratosthenes up to N, repeated REPS times. Usage: sieve [N=2000000] [REPS=1] */
#include "common.h"

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 2000000), reps = arg_long(argc, argv, 2, 1);
    char *composite = malloc((size_t)n + 1);
    long count = 0;
    for (long r = 0; r < reps; r++) {
        for (long i = 0; i <= n; i++) composite[i] = 0;
        count = 0;
        for (long i = 2; i <= n; i++) {
            if (composite[i]) continue;
            count++;
            if (i > n / i) continue; /* i*i > n (and i*i would overflow a 32-bit long) */
            for (long j = i * i; j <= n; j += i) composite[j] = 1;
        }
    }
    printf("sieve n=%ld primes=%ld\n", n, count);
    free(composite);
    return 0;
}
