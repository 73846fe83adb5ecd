/* String processing: generate text, split into words, lowercase, count distinct words in an
 * open-addressing hash table keyed by the string, and find the most frequent.
 * Usage: wordfreq [WORDS=300000] */
#include "common.h"
#include <stdint.h>
#include <string.h>

static const char *vocab[] = {"The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "Lorem", "ipsum", "dolor",
                              "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor"};

struct slot { char word[32]; long count; };

int main(int argc, char **argv) {
    long words = arg_long(argc, argv, 1, 300000);
    size_t cap = (size_t)words * 12 + 1;
    char *text = malloc(cap);
    size_t len = 0;
    uint32_t s = 7;
    for (long i = 0; i < words; i++) {
        s = s * 1664525u + 1013904223u;
        const char *w = vocab[(s >> 16) % 20];
        size_t wl = strlen(w);
        memcpy(text + len, w, wl);
        len += wl;
        if ((s >> 8) % 7 == 0) text[len++] = (char)('0' + (s >> 4) % 10); /* some words get a digit suffix */
        text[len++] = (s >> 24) % 9 == 0 ? ',' : ' ';
    }
    text[len] = 0;
    enum { TABLE = 4096 };
    struct slot *table = calloc(TABLE, sizeof *table);
    long distinct = 0, total = 0;
    char word[32];
    for (size_t i = 0; i < len;) {
        while (i < len && (text[i] == ' ' || text[i] == ',')) i++;
        size_t wl = 0;
        while (i < len && text[i] != ' ' && text[i] != ',' && wl < 31) {
            char c = text[i++];
            word[wl++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        if (!wl) continue;
        word[wl] = 0;
        uint32_t h = 2166136261u;
        for (size_t k = 0; k < wl; k++) { h ^= (uint8_t)word[k]; h *= 16777619u; }
        size_t p = h % TABLE;
        while (table[p].count && strcmp(table[p].word, word) != 0) p = (p + 1) % TABLE;
        if (!table[p].count) { memcpy(table[p].word, word, wl + 1); distinct++; }
        table[p].count++;
        total++;
    }
    long best = 0; const char *best_word = "";
    for (size_t p = 0; p < TABLE; p++)
        if (table[p].count > best || (table[p].count == best && table[p].count && strcmp(table[p].word, best_word) < 0)) { best = table[p].count; best_word = table[p].word; }
    printf("wordfreq words=%ld total=%ld distinct=%ld top=%s x%ld\n", words, total, distinct, best_word, best);
    free(text); free(table);
    return 0;
}
