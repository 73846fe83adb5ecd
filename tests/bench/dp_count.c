/* Dynamic programming (counting, so no min/max intrinsics that lli's interpreter lacks): the number of
 * times string b occurs as a subsequence of string a (an |a| x |b| table kept as one row), and the
 * number of ways to make change for an amount (mod 1e9+7). Usage: dp_count [LEN=3000] */
#include "common.h"
#include <stdint.h>

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 3000), m = n / 3 + 1;
    char *a = malloc((size_t)n), *b = malloc((size_t)m);
    uint32_t s = 99;
    for (long i = 0; i < n; i++) { s = s * 1103515245u + 12345u; a[i] = (char)('a' + (s >> 16) % 3); }
    for (long j = 0; j < m; j++) b[j] = a[(j * 3 + 1) % n];
    /* row[j] = number of ways b[0..j) is a subsequence of the prefix of a seen so far. */
    uint64_t *row = calloc((size_t)m + 1, sizeof *row);
    row[0] = 1;
    for (long i = 0; i < n; i++)
        for (long j = m; j >= 1; j--)
            if (a[i] == b[j - 1]) row[j] = (row[j] + row[j - 1]) % 1000000007u;
    long amount = n * 10;
    uint64_t *ways = calloc((size_t)amount + 1, sizeof *ways);
    static const int coins[] = {1, 2, 5, 10, 20, 50, 100, 200};
    ways[0] = 1;
    for (int c = 0; c < 8; c++)
        for (long v = coins[c]; v <= amount; v++) ways[v] = (ways[v] + ways[v - coins[c]]) % 1000000007u;
    printf("dp_count len=%ld subseq=%llu change(%ld)=%llu\n", n, (unsigned long long)row[m], amount, (unsigned long long)ways[amount]);
    free(a); free(b); free(row); free(ways);
    return 0;
}
