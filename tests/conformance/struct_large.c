/* Large structs by value: passed in memory (byval) and returned through a hidden pointer (sret). */
#include "common.h"

struct big { int id; double w[6]; char name[20]; long long tag; };
struct mat { float m[4][4]; };

__attribute__((noinline)) static struct big make(int id) {
    struct big b;
    memset(&b, 0, sizeof b);
    b.id = id;
    for (int i = 0; i < 6; i++) b.w[i] = id * 0.5 + i;
    snprintf(b.name, sizeof b.name, "item-%d", id);
    b.tag = (long long)id << 33;
    return b;
}
__attribute__((noinline)) static struct big scale(struct big b, double k) {
    for (int i = 0; i < 6; i++) b.w[i] *= k;
    b.name[0] = 'I';
    b.tag ^= 0x5555;
    return b; /* the caller's copy is unchanged */
}
__attribute__((noinline)) static double weight(struct big b) { double s = 0; for (int i = 0; i < 6; i++) s += b.w[i]; return s + b.id; }
__attribute__((noinline)) static struct mat matmul(struct mat a, struct mat b) {
    struct mat r;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            float s = 0;
            for (int k = 0; k < 4; k++) s += a.m[i][k] * b.m[k][j];
            r.m[i][j] = s;
        }
    return r;
}

int main(void) {
    struct big a = make(OPQ(7));
    struct big b = scale(a, 1.5);
    printf("%s %d %g %lld | %s %g %lld\n", a.name, a.id, weight(a), a.tag, b.name, weight(b), b.tag);
    ck_s(a.name); ck_s(b.name); ck_d(weight(a)); ck_d(weight(b)); ck((uint64_t)b.tag);
    struct big arr[4];
    for (int i = 0; i < 4; i++) arr[i] = scale(make(i), i + 0.25);
    struct big t = arr[0]; arr[0] = arr[3]; arr[3] = t; /* struct assignment = memcpy */
    for (int i = 0; i < 4; i++) { printf("%s %.17g\n", arr[i].name, weight(arr[i])); ck_d(weight(arr[i])); }
    struct mat m = {{{1, 2, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 3}, {0.5f, 0, 0, 1}}}, acc = m;
    for (int i = 0; i < 5; i++) acc = matmul(acc, m);
    for (int i = 0; i < 4; i++) {
        printf("%g %g %g %g\n", acc.m[i][0], acc.m[i][1], acc.m[i][2], acc.m[i][3]);
        for (int j = 0; j < 4; j++) ck_f(acc.m[i][j]);
    }
    ck_print();
    return 0;
}
