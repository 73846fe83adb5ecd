/* Global initializers: nested aggregates, designated initializers, arrays of structs with partial
 * initialization (rest zero), unions in initializers, multi-dimensional arrays, static locals. */
#include "common.h"

struct point { int x, y; };
struct line { struct point a, b; const char *label; };
struct cfg { int id; union { int i; float f; } v; struct point pts[3]; double weights[4]; char code[6]; };

static struct line lines[] = {{{0, 0}, {3, 4}, "diag"}, {{-1, 2}, {5, -7}, "cross"}, {.b = {9, 9}, .label = "half"}};
static struct cfg cfgs[4] = {
    [0] = {1, {.i = 42}, {{1, 2}, {3, 4}}, {0.5, 0.25}, "abc"},
    [2] = {.id = 3, .v.f = 1.5f, .pts[2] = {7, 8}, .weights = {[3] = 9.75}, .code = {'x', 'y'}},
    [3].id = 4,
};
static const int grid[3][4][2] = {{{1, 2}, {3}}, {[2] = {5, 6}}, {{7, 8}, {9, 10}, {11, 12}, {13, 14}}};
static uint8_t bytes[37] = {1, 2, 3};
static double table[8] = {[1] = 1.5, [5] = -2.25, 3.0};
static long long big_zero[10000];
static struct { short s; char c; long l; } anon = {-5, 'q', 1L << 45};
static _Bool flags[5] = {1, 0, 1};

static int counter(void) { static int n = 100; return n++; }

int main(void) {
    for (int i = 0; i < 3; i++) {
        struct line l = lines[OPQ(i)];
        printf("%s: (%d,%d)-(%d,%d)\n", l.label, l.a.x, l.a.y, l.b.x, l.b.y);
        ck((uint32_t)(l.a.x + 10 * l.a.y + 100 * l.b.x + 1000 * l.b.y)); ck_s(l.label);
    }
    for (int i = 0; i < 4; i++) {
        struct cfg *c = &cfgs[OPQ(i)];
        printf("cfg %d v=%08x pts", c->id, (unsigned)c->v.i);
        for (int k = 0; k < 3; k++) printf(" (%d,%d)", c->pts[k].x, c->pts[k].y);
        printf(" w %g %g %g %g code '%s'\n", c->weights[0], c->weights[1], c->weights[2], c->weights[3], c->code);
        ck((uint32_t)c->id); ck((uint32_t)c->v.i); ck_s(c->code);
        for (int k = 0; k < 4; k++) ck_d(c->weights[k]);
    }
    long gs = 0;
    for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 2; k++) gs = gs * 3 + grid[i][j][k];
    printf("grid %ld\n", gs);
    int bs = 0;
    for (int i = 0; i < 37; i++) bs += bytes[i] * (i + 1);
    double ts = 0;
    for (int i = 0; i < 8; i++) ts = ts * 2 + table[i];
    long long zs = 0;
    for (int i = 0; i < 10000; i++) zs += big_zero[i];
    big_zero[OPQ(9999)] = 5;
    printf("bytes %d table %g zero %lld after %lld\n", bs, ts, zs, big_zero[9999]);
    printf("anon %d %c %ld flags %d%d%d%d%d\n", anon.s, anon.c, anon.l, flags[0], flags[1], flags[2], flags[3], flags[4]);
    int c1 = counter(), c2 = counter(), c3 = counter();
    printf("static local %d %d %d\n", c1, c2, c3);
    ck((uint64_t)gs); ck((uint32_t)bs); ck_d(ts); ck((uint64_t)anon.l); ck((uint32_t)c3);
    ck_print();
    return 0;
}
