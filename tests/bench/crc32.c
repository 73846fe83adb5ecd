/* Hashing: table-driven CRC-32 and FNV-1a over a buffer, repeated. Usage: crc32 [KB=1024] [REPS=4] */
#include "common.h"
#include <stdint.h>

int main(int argc, char **argv) {
    long kb = arg_long(argc, argv, 1, 1024), reps = arg_long(argc, argv, 2, 4);
    size_t n = (size_t)kb * 1024;
    uint8_t *buf = malloc(n);
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(i * 131 + (i >> 7));
    uint32_t table[256];
    for (uint32_t i = 0; i < 256; i++) { uint32_t c = i; for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1; table[i] = c; }
    uint32_t crc = 0; uint64_t fnv = 0;
    for (long r = 0; r < reps; r++) {
        uint32_t c = ~(uint32_t)r;
        for (size_t i = 0; i < n; i++) c = table[(c ^ buf[i]) & 255] ^ (c >> 8);
        crc ^= ~c;
        uint64_t h = 0xcbf29ce484222325ULL;
        for (size_t i = 0; i < n; i++) { h ^= buf[i]; h *= 0x100000001b3ULL; }
        fnv ^= h;
        buf[r % n] ^= 0x5a;
    }
    printf("crc32 bytes=%zu reps=%ld crc=%08x fnv=%016llx\n", n, reps, crc, (unsigned long long)fnv);
    free(buf);
    return 0;
}
