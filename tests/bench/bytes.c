/* String and byte processing: base64 encoding and decoding of a generated buffer, a case-folding pass,
 * and a search for a short pattern with a hand-written byte loop, repeated. Usage: bytes [N=1000000] */
#include "common.h"
#include <stdint.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t encode(const uint8_t *in, size_t n, char *out) {
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64[v >> 18]; out[o++] = b64[v >> 12 & 63]; out[o++] = b64[v >> 6 & 63]; out[o++] = b64[v & 63];
    }
    out[o] = 0;
    return o;
}

static size_t decode(const char *in, size_t n, uint8_t *out, const int8_t *rev) {
    size_t o = 0;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        uint32_t v = (uint32_t)rev[(uint8_t)in[i]] << 18 | (uint32_t)rev[(uint8_t)in[i + 1]] << 12 |
                     (uint32_t)rev[(uint8_t)in[i + 2]] << 6 | (uint32_t)rev[(uint8_t)in[i + 3]];
        out[o++] = (uint8_t)(v >> 16); out[o++] = (uint8_t)(v >> 8); out[o++] = (uint8_t)v;
    }
    return o;
}

int main(int argc, char **argv) {
    size_t n = (size_t)arg_long(argc, argv, 1, 1000000) / 3 * 3;
    uint8_t *data = malloc(n), *back = malloc(n);
    char *text = malloc(n / 3 * 4 + 1);
    int8_t rev[256];
    memset(rev, 0, sizeof rev);
    for (int c = 0; c < 64; c++) rev[(uint8_t)b64[c]] = (int8_t)c;
    uint32_t s = 5;
    for (size_t i = 0; i < n; i++) { s = s * 1664525u + 1013904223u; data[i] = (uint8_t)(s >> 24); }
    uint32_t check = 0;
    size_t hits = 0;
    for (int rep = 0; rep < 8; rep++) {
        size_t len = encode(data, n, text);
        for (size_t i = 0; i < len; i++)
            if (text[i] >= 'A' && text[i] <= 'Z') text[i] = (char)(text[i] + 32); /* fold case ... */
        for (size_t i = 0; i + 3 <= len; i++)
            if (text[i] == 'a' && text[i + 1] == 'b' && text[i + 2] == 'c') hits++;
        encode(data, n, text); /* ... and undo it */
        size_t got = decode(text, len, back, rev);
        for (size_t i = 0; i < got; i++) check = check * 31 + back[i];
        if (got != n || memcmp(back, data, n) != 0) { printf("bytes: round trip failed\n"); return 1; }
        data[rep] ^= 0x5a;
    }
    printf("bytes n=%zu hits=%zu check=%u\n", n, hits, check);
    free(data); free(back); free(text);
    return 0;
}
