/* tokenizer: llama2.c tokenizer.bin loading, BPE encoding, decoding (see tokenizer.h). */
#include "tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

#define MAX_TOKEN_LENGTH_LIMIT 65536

static int compare_index(const void *a, const void *b) {
    return strcmp(((const TokenIndex *)a)->str, ((const TokenIndex *)b)->str);
}

static int lookup(const Tokenizer *t, const char *s) {
    TokenIndex key = {s, 0};
    const TokenIndex *r = bsearch(&key, t->sorted, (size_t)t->vocab_size, sizeof(TokenIndex), compare_index);
    return r ? r->id : -1;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* The byte a "<0xNN>" piece stands for, or -1. */
static int parse_byte_piece(const char *s, int len) {
    if (len != 6 || s[0] != '<' || s[1] != '0' || s[2] != 'x' || s[5] != '>') return -1;
    int hi = hex_digit(s[3]), lo = hex_digit(s[4]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

static int read_i32(const unsigned char *p) {
    int v;
    memcpy(&v, p, 4);
    return v;
}

int tokenizer_load(Tokenizer *t, const char *path, int vocab_size) {
    memset(t, 0, sizeof(*t));
    size_t size = 0;
    unsigned char *buf = file_read_all(path, 0, &size);
    if (!buf) return -1;
    int rc = -1;
    if (size < 4) {
        fprintf(stderr, "tinyllama: %s: truncated tokenizer: no max_token_length header\n", path);
        goto out;
    }
    int max_len = read_i32(buf);
    if (max_len <= 0 || max_len > MAX_TOKEN_LENGTH_LIMIT) {
        fprintf(stderr, "tinyllama: %s: bad tokenizer header: max_token_length %d is out of range\n", path, max_len);
        goto out;
    }
    /* First pass: validate the entries and count them. */
    size_t off = 4, arena_bytes = 0;
    int count = 0;
    while (off < size) {
        if (size - off < 8) {
            fprintf(stderr, "tinyllama: %s: truncated tokenizer: entry %d is cut short\n", path, count);
            goto out;
        }
        int len = read_i32(buf + off + 4);
        if (len < 0 || len > max_len) {
            fprintf(stderr, "tinyllama: %s: bad tokenizer: token %d has length %d (max_token_length %d)\n", path,
                    count, len, max_len);
            goto out;
        }
        if (size - off - 8 < (size_t)len) {
            fprintf(stderr, "tinyllama: %s: truncated tokenizer: token %d is cut short\n", path, count);
            goto out;
        }
        off += 8 + (size_t)len;
        arena_bytes += (size_t)len + 1;
        count++;
    }
    if (count != vocab_size) {
        fprintf(stderr, "tinyllama: %s: tokenizer has %d tokens but the model's vocab_size is %d "
                        "(tokenizer and checkpoint do not belong together)\n", path, count, vocab_size);
        goto out;
    }
    t->vocab_size = count;
    t->max_token_length = max_len;
    t->vocab = malloc((size_t)count * sizeof(char *));
    t->vocab_len = malloc((size_t)count * sizeof(int));
    t->scores = malloc((size_t)count * sizeof(float));
    t->byte_value = malloc((size_t)count * sizeof(short));
    t->sorted = malloc((size_t)count * sizeof(TokenIndex));
    t->arena = malloc(arena_bytes);
    if (!t->vocab || !t->vocab_len || !t->scores || !t->byte_value || !t->sorted || !t->arena) {
        fprintf(stderr, "tinyllama: %s: out of memory for %d tokens\n", path, count);
        goto out;
    }
    for (int b = 0; b < 256; b++) t->byte_token[b] = 0;
    /* Second pass: copy the pieces. */
    char *dst = t->arena;
    off = 4;
    for (int i = 0; i < count; i++) {
        int len = read_i32(buf + off + 4);
        memcpy(&t->scores[i], buf + off, 4);
        memcpy(dst, buf + off + 8, (size_t)len);
        dst[len] = '\0';
        t->vocab[i] = dst;
        t->vocab_len[i] = len;
        int byte = parse_byte_piece(dst, len);
        t->byte_value[i] = (short)byte;
        if (byte >= 0 && t->byte_token[byte] == 0) t->byte_token[byte] = i;
        t->sorted[i].str = dst;
        t->sorted[i].id = i;
        dst += len + 1;
        off += 8 + (size_t)len;
    }
    qsort(t->sorted, (size_t)count, sizeof(TokenIndex), compare_index);
    rc = 0;
out:
    free(buf);
    return rc;
}

int tokenizer_encode(const Tokenizer *t, const char *text, int *tokens) {
    /* Room for two pieces and a NUL: every merge candidate is the concatenation of two pieces. */
    char *buf = malloc((size_t)t->max_token_length * 2 + 1);
    if (!buf) return -1;
    int n = 0;
    tokens[n++] = TOKEN_BOS;
    if (text[0] != '\0') {
        int space = lookup(t, " ");
        if (space >= 0) tokens[n++] = space; /* sentencepiece's dummy prefix */
    }
    /* One token per UTF-8 character, or one <0xNN> token per byte when the character is not a piece. */
    size_t len = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if ((*c & 0xC0) != 0x80) len = 0;
        buf[len++] = (char)*c;
        buf[len] = '\0';
        if ((c[1] & 0xC0) == 0x80 && len < 4) continue;
        int id = lookup(t, buf);
        if (id >= 0) {
            tokens[n++] = id;
        } else {
            for (size_t i = 0; i < len; i++) tokens[n++] = t->byte_token[(unsigned char)buf[i]];
        }
        len = 0;
    }
    /* Merge the adjacent pair whose concatenation is the highest-scoring piece (leftmost on ties). */
    for (;;) {
        int best_id = -1, best_at = -1;
        float best_score = 0.0f;
        for (int i = 0; i + 1 < n; i++) {
            int la = t->vocab_len[tokens[i]], lb = t->vocab_len[tokens[i + 1]];
            memcpy(buf, t->vocab[tokens[i]], (size_t)la);
            memcpy(buf + la, t->vocab[tokens[i + 1]], (size_t)lb);
            buf[la + lb] = '\0';
            int id = lookup(t, buf);
            if (id >= 0 && (best_id < 0 || t->scores[id] > best_score)) {
                best_id = id;
                best_at = i;
                best_score = t->scores[id];
            }
        }
        if (best_id < 0) break;
        tokens[best_at] = best_id;
        for (int i = best_at + 1; i + 1 < n; i++) tokens[i] = tokens[i + 1];
        n--;
    }
    free(buf);
    return n;
}

const char *tokenizer_decode(const Tokenizer *t, int prev, int token, char byte_buf[2], int *len) {
    int byte = t->byte_value[token];
    if (byte >= 0) {
        byte_buf[0] = (char)byte;
        byte_buf[1] = '\0';
        *len = 1;
        return byte_buf;
    }
    const char *piece = t->vocab[token];
    *len = t->vocab_len[token];
    if (prev == TOKEN_BOS && piece[0] == ' ') {
        piece++;
        (*len)--;
    }
    return piece;
}

void tokenizer_free(Tokenizer *t) {
    free(t->vocab);
    free(t->vocab_len);
    free(t->scores);
    free(t->byte_value);
    free(t->sorted);
    free(t->arena);
    memset(t, 0, sizeof(*t));
}
