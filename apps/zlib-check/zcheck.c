/* zcheck FILE...: deflate and inflate each file with zlib (fetched from crates.io, libz-sys) at several
 * levels and strategies, through small stream buffers, and check that the round trip gives the file
 * back: prints sizes, CRC-32 and Adler-32 of the input, of the compressed stream and of what inflate
 * returned. Exit status 0 when every round trip matched, 1 when one did not, 2 on bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define CHUNK 1024 /* small: many deflate/inflate calls per file */

struct buffer {
    unsigned char *data;
    size_t len, cap;
};

static void append(struct buffer *b, const unsigned char *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) {
            fprintf(stderr, "zcheck: out of memory\n");
            exit(2);
        }
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static int read_file(const char *path, struct buffer *b) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char chunk[CHUNK];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        append(b, chunk, n);
    fclose(f);
    return 0;
}

/* Deflate `in` with the given level, window bits and strategy; CHUNK bytes in and out per call. */
static int deflate_all(const struct buffer *in, int level, int window_bits, int strategy, struct buffer *out) {
    z_stream s;
    memset(&s, 0, sizeof s);
    int rc = deflateInit2(&s, level, Z_DEFLATED, window_bits, 8, strategy);
    if (rc != Z_OK)
        return rc;
    unsigned char chunk[CHUNK];
    size_t pos = 0;
    int flush;
    do {
        size_t n = in->len - pos < CHUNK ? in->len - pos : CHUNK;
        s.next_in = in->data + pos;
        s.avail_in = (uInt)n;
        pos += n;
        flush = pos == in->len ? Z_FINISH : Z_NO_FLUSH;
        do {
            s.next_out = chunk;
            s.avail_out = CHUNK;
            rc = deflate(&s, flush);
            if (rc == Z_STREAM_ERROR) {
                deflateEnd(&s);
                return rc;
            }
            append(out, chunk, CHUNK - s.avail_out);
        } while (s.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&s);
    return rc == Z_STREAM_END ? Z_OK : Z_DATA_ERROR;
}

static int inflate_all(const struct buffer *in, int window_bits, struct buffer *out) {
    z_stream s;
    memset(&s, 0, sizeof s);
    int rc = inflateInit2(&s, window_bits);
    if (rc != Z_OK)
        return rc;
    unsigned char chunk[CHUNK];
    s.next_in = in->data;
    s.avail_in = (uInt)in->len;
    do {
        s.next_out = chunk;
        s.avail_out = CHUNK;
        rc = inflate(&s, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&s);
            return rc;
        }
        append(out, chunk, CHUNK - s.avail_out);
    } while (rc != Z_STREAM_END);
    inflateEnd(&s);
    return Z_OK;
}

static const struct mode {
    const char *name;
    int level, window_bits, strategy;
} modes[] = {
    {"zlib level 1", 1, 15, Z_DEFAULT_STRATEGY},
    {"zlib level 6", 6, 15, Z_DEFAULT_STRATEGY},
    {"zlib level 9", 9, 15, Z_DEFAULT_STRATEGY},
    {"raw level 6, 9-bit window", 6, -9, Z_DEFAULT_STRATEGY},
    {"gzip level 6, filtered", 6, 15 + 16, Z_FILTERED},
    {"zlib huffman only", 6, 15, Z_HUFFMAN_ONLY},
    {"zlib rle", 6, 15, Z_RLE},
    {"stored (level 0)", 0, 15, Z_DEFAULT_STRATEGY},
};

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: zcheck FILE...\n");
        return 2;
    }
    printf("zcheck: zlib %s\n", zlibVersion());
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct buffer in = {0};
        if (read_file(argv[i], &in) != 0) {
            fprintf(stderr, "zcheck: cannot read '%s'\n", argv[i]);
            return 2;
        }
        uLong crc = crc32(0L, Z_NULL, 0), adler = adler32(0L, Z_NULL, 0);
        if (in.len) {
            crc = crc32(crc, in.data, (uInt)in.len);
            adler = adler32(adler, in.data, (uInt)in.len);
        }
        printf("%s: %zu bytes, crc32 %08lx, adler32 %08lx\n", argv[i], in.len, crc, adler);
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
            struct buffer z = {0}, back = {0};
            int rc = deflate_all(&in, modes[m].level, modes[m].window_bits, modes[m].strategy, &z);
            int rc2 = rc == Z_OK ? inflate_all(&z, modes[m].window_bits, &back) : rc;
            uLong zcrc = crc32(0L, z.data, (uInt)z.len);
            uLong bcrc = crc32(0L, back.data, (uInt)back.len);
            int same = rc2 == Z_OK && back.len == in.len && (in.len == 0 || memcmp(back.data, in.data, in.len) == 0);
            printf("  %-26s %7zu bytes (%5.1f%%), stream crc32 %08lx, inflated crc32 %08lx: %s\n", modes[m].name,
                   z.len, in.len ? 100.0 * (double)z.len / (double)in.len : 0.0, zcrc, bcrc,
                   same ? "round trip ok" : "ROUND TRIP FAILED");
            if (!same) {
                printf("    deflate %d, inflate %d: %s\n", rc, rc2, zError(rc2));
                bad = 1;
            }
            free(z.data);
            free(back.data);
        }
        /* A corrupted stream must be refused, not inflated. */
        struct buffer z = {0}, back = {0};
        if (deflate_all(&in, 6, 15, Z_DEFAULT_STRATEGY, &z) == Z_OK && z.len > 8) {
            z.data[z.len / 2] ^= 0x55;
            int rc = inflate_all(&z, 15, &back);
            printf("  corrupted stream: inflate says %s\n", rc == Z_OK ? "ok (WRONG)" : zError(rc));
            bad |= rc == Z_OK;
        }
        free(z.data);
        free(back.data);
        free(in.data);
    }
    printf("zcheck: %s\n", bad ? "FAILED" : "all round trips ok");
    return bad;
}
