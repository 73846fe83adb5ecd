/* Bitfields: signed/unsigned, odd widths, fields straddling bytes, packed, 64-bit fields, and updates. */
#include "common.h"

struct flags { unsigned a : 1, b : 3, c : 5, d : 7; signed e : 4; unsigned f : 12; };
struct wide { unsigned long long lo : 40, hi : 24; long long s : 33; unsigned t : 31; };
struct __attribute__((packed)) pk { unsigned char tag : 3; unsigned val : 17; signed char sm : 4; };
struct hdr { unsigned version : 4, ihl : 4, tos : 8, len : 16; };

static unsigned pack(struct flags f) { return (unsigned)f.a | (unsigned)f.b << 1 | (unsigned)f.c << 4 | (unsigned)f.d << 9 | (unsigned)(f.e & 15) << 16 | (unsigned)f.f << 20; }

int main(void) {
    struct flags f = {0};
    for (int i = 0; i < 40; i++) {
        f.a += 1; f.b += (unsigned)i; f.c = f.c * 3 + 1; f.d -= 5; f.e = (signed)(f.e + 3) > 7 ? -8 : f.e + 3;
        f.f += 1000;
        printf("%2d: a=%u b=%u c=%u d=%u e=%d f=%u pack=%08x\n", i, f.a, f.b, f.c, f.d, f.e, f.f, pack(f));
        ck(pack(f));
        if (i > 10) i += OPQ(2);
    }
    struct wide w = {0};
    w.lo = OPQ(0xffffffffffull); w.hi = 0xabcdef; w.s = -(1LL << 32); w.t = 0x7fffffff;
    w.lo += 1; w.s -= 1; w.t = (unsigned)w.t + 1u;
    printf("wide lo=%llx hi=%llx s=%lld t=%u size=%zu\n", (unsigned long long)w.lo, (unsigned long long)w.hi,
           (long long)w.s, w.t, sizeof w);
    ck(w.lo); ck(w.hi); ck((uint64_t)w.s); ck(w.t);
    struct pk p[4];
    for (int i = 0; i < 4; i++) { p[i].tag = (unsigned char)(i * 3); p[i].val = (unsigned)(i * 40000); p[i].sm = (signed char)(i * 3 - 6); }
    for (int i = 0; i < 4; i++) { printf("pk %u %u %d\n", p[i].tag, p[i].val, p[i].sm); ck(p[i].tag | (uint64_t)p[i].val << 8 | (uint64_t)(uint8_t)p[i].sm << 40); }
    printf("pk size %zu\n", sizeof(struct pk));
    uint32_t raw = OPQ(0x45003c00u);
    struct hdr h;
    memcpy(&h, &raw, 4);
    printf("hdr v=%u ihl=%u tos=%u len=%u\n", h.version, h.ihl, h.tos, h.len);
    h.len = 1500; h.tos = 0xb8;
    memcpy(&raw, &h, 4);
    printf("raw %08x\n", raw);
    ck(raw);
    ck_print();
    return 0;
}
