/* Packed structs whose adjacent bitfields exceed 128 bits: clang merges them into one storage unit and
 * accesses it as a single wide integer (i136, i152, ...), like csmith's packed bitfield structs. */
#include "common.h"

#pragma pack(push, 1)
struct wide {
    signed f0 : 18;
    unsigned f1 : 24;
    signed f2 : 27;
    unsigned f3 : 9;
    signed f4 : 20;
    unsigned f5 : 10;
    unsigned f6 : 15;
    unsigned f7 : 13;
    unsigned f8 : 19;
    signed f9 : 1;
};
struct wider {
    unsigned a : 31, b : 31, c : 31, d : 31, e : 17; /* 141 bits */
    char tail;
};
#pragma pack(pop)

static volatile struct wide g[4] = {{-51, 1267, -6402, 21, -617, 21, 177, 36, 445, 0},
                                     {453, 4079, 4676, 10, -515, 22, 22, 23, 652, -1}};
static struct wider w = {0x7fffffff, 1, 0x12345678, 0x55555555, 0x1ffff, 'w'};

static uint64_t hash_wide(volatile struct wide *s) {
    return (uint64_t)(int64_t)s->f0 * 3 + s->f1 * 5u + (uint64_t)(int64_t)s->f2 * 7 + s->f3 * 11u +
           (uint64_t)(int64_t)s->f4 * 13 + s->f5 * 17u + s->f6 * 19u + s->f7 * 23u + s->f8 * 29u +
           (uint64_t)(int64_t)s->f9 * 31;
}

int main(void) {
    printf("sizes %zu %zu\n", sizeof(struct wide), sizeof(struct wider));
    for (int i = 0; i < 4; i++) {
        g[i].f0 = g[i].f0 - 7 * i;
        g[i].f2 = g[i].f2 ^ 0x155;
        g[i].f8 = (unsigned)(g[i].f8 + 1000u * (unsigned)OPQ(i));
        g[i].f9 = ~g[i].f9;
        uint64_t h = hash_wide(&g[i]);
        printf("g[%d] f0=%d f1=%u f2=%d f3=%u f4=%d f5=%u f6=%u f7=%u f8=%u f9=%d hash=%016llx\n", i, g[i].f0, g[i].f1,
               g[i].f2, g[i].f3, g[i].f4, g[i].f5, g[i].f6, g[i].f7, g[i].f8, g[i].f9, (unsigned long long)h);
        ck(h);
    }
    struct wide copy = g[1];
    copy.f4 = OPQ(-1);
    g[3] = copy;
    printf("copy f4=%d f1=%u\n", g[3].f4, g[3].f1);
    w.b = (unsigned)(w.b + 0x7ffffffeu);
    w.e = (unsigned)(w.e + (unsigned)OPQ(1)); /* wraps to 0 */
    w.c ^= w.d;
    printf("wider a=%x b=%x c=%x d=%x e=%x tail=%c\n", w.a, w.b, w.c, w.d, w.e, w.tail);
    ck(w.a); ck(w.b); ck(w.c); ck(w.d); ck(w.e); ck((uint64_t)w.tail);
    unsigned char raw[sizeof(struct wider)];
    memcpy(raw, &w, sizeof raw);
    for (size_t i = 0; i < sizeof raw; i++) ck(raw[i]);
    ck_print();
    return 0;
}
