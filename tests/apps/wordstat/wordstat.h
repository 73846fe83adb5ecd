/* wordstat: counts lines, words and bytes of a file and of stdin, and the most frequent words.
 * A small user program of three C files for the APP= path tests (docs/apps.md). */
#ifndef WORDSTAT_H
#define WORDSTAT_H

#include <stddef.h>
#include <stdint.h>

#define WS_MAX_WORDS 512
#define WS_WORD_LEN 32

struct word_count {
    char word[WS_WORD_LEN];
    unsigned count;
};

struct stats {
    size_t lines, words, bytes;
    uint32_t fnv; /* FNV-1a of every byte */
    size_t distinct;
    struct word_count table[WS_MAX_WORDS];
};

/* count.c */
void stats_init(struct stats *s);
void stats_feed(struct stats *s, const char *buf, size_t len);
void stats_finish(struct stats *s);

/* report.c */
void report(const char *name, const struct stats *s, int top);

#endif
