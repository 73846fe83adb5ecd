/* Printing one source's statistics. */
#include "wordstat.h"

#include <stdio.h>

void report(const char *name, const struct stats *s, int top) {
    printf("%s: %zu lines, %zu words, %zu bytes, %zu distinct, fnv1a %08x\n", name, s->lines, s->words,
           s->bytes, s->distinct, (unsigned)s->fnv);
    for (int i = 0; i < top && (size_t)i < s->distinct; i++)
        printf("  %-12s %u\n", s->table[i].word, s->table[i].count);
}
