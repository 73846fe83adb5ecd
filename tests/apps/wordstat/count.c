/* Counting: lines, words, bytes, an FNV-1a checksum and a word-frequency table. */
#include "wordstat.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The word being read when a buffer ends mid-word (feeds may split words). */
static void add_word(struct stats *s, const char *w, size_t n) {
    char key[WS_WORD_LEN];
    if (n >= WS_WORD_LEN)
        n = WS_WORD_LEN - 1;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)w[i]);
    key[n] = '\0';
    s->words++;
    for (size_t i = 0; i < s->distinct; i++) {
        if (strcmp(s->table[i].word, key) == 0) {
            s->table[i].count++;
            return;
        }
    }
    if (s->distinct < WS_MAX_WORDS) {
        memcpy(s->table[s->distinct].word, key, n + 1);
        s->table[s->distinct].count = 1;
        s->distinct++;
    }
}

static char pending[WS_WORD_LEN];
static size_t pending_len;

void stats_init(struct stats *s) {
    memset(s, 0, sizeof *s);
    s->fnv = 2166136261u;
    pending_len = 0;
}

void stats_feed(struct stats *s, const char *buf, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        s->bytes++;
        s->fnv = (s->fnv ^ c) * 16777619u;
        if (c == '\n')
            s->lines++;
        if (isalnum(c) || c == '\'') {
            if (pending_len < WS_WORD_LEN - 1)
                pending[pending_len++] = (char)c;
        } else if (pending_len > 0) {
            add_word(s, pending, pending_len);
            pending_len = 0;
        }
    }
}

static int by_count_then_word(const void *a, const void *b) {
    const struct word_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->word, y->word);
}

void stats_finish(struct stats *s) {
    if (pending_len > 0) {
        add_word(s, pending, pending_len);
        pending_len = 0;
    }
    qsort(s->table, s->distinct, sizeof s->table[0], by_count_then_word);
}
