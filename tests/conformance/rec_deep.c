/* Deep recursion and backtracking: depth-10000 recursion with locals, N-queens, permutations, flood fill. */
#include "common.h"

static uint64_t deep(int n, uint64_t acc) {
    volatile char pad[32]; /* a real frame at every level */
    pad[n % 32] = (char)n;
    if (n == 0) return acc;
    uint64_t r = deep(n - 1, acc * 31 + (uint64_t)n + (uint64_t)pad[n % 32]);
    return r ^ (uint64_t)n; /* not a tail call */
}
static int queens(int row, int n, unsigned cols, unsigned d1, unsigned d2) {
    if (row == n) return 1;
    int count = 0;
    for (int c = 0; c < n; c++) {
        if (cols & 1u << c || d1 & 1u << (row + c) || d2 & 1u << (row - c + n)) continue;
        count += queens(row + 1, n, cols | 1u << c, d1 | 1u << (row + c), d2 | 1u << (row - c + n));
    }
    return count;
}
static uint64_t perm_hash;
static int perms;
static void permute(int *a, int k, int n) {
    if (k == n) { perms++; uint64_t h = 0; for (int i = 0; i < n; i++) h = h * 10 + (uint64_t)a[i]; perm_hash += h * (uint64_t)perms; return; }
    for (int i = k; i < n; i++) {
        int t = a[k]; a[k] = a[i]; a[i] = t;
        permute(a, k + 1, n);
        t = a[k]; a[k] = a[i]; a[i] = t;
    }
}
static char grid[20][41];
static int fill(int r, int c) {
    if (r < 0 || r >= 20 || c < 0 || c >= 40 || grid[r][c] != '.') return 0;
    grid[r][c] = 'o';
    return 1 + fill(r + 1, c) + fill(r - 1, c) + fill(r, c + 1) + fill(r, c - 1);
}

int main(void) {
    uint64_t d = deep(OPQ(10000), 1);
    printf("deep %016llx\n", (unsigned long long)d);
    for (int n = 4; n <= OPQ(9); n++) { int q = queens(0, n, 0, 0, 0); printf("queens(%d)=%d\n", n, q); ck((uint32_t)q); }
    int a[] = {1, 2, 3, 4, 5, 6, 7};
    permute(a, 0, OPQ(7));
    printf("perms %d hash %llu\n", perms, (unsigned long long)perm_hash);
    for (int r = 0; r < 20; r++) { for (int c = 0; c < 40; c++) grid[r][c] = ((r * 7 + c * 3) % 11 == 0 || c == 20) ? '#' : '.'; grid[r][40] = 0; }
    int filled = fill(OPQ(5), 5);
    printf("filled %d\n", filled);
    for (int r = 0; r < 4; r++) printf("%s\n", grid[r]);
    ck(d); ck(perm_hash); ck((uint32_t)filled);
    ck_print();
    return 0;
}
