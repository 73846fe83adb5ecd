// Calls of C library leaf functions (strlen, strcmp, memchr, toupper, memcmp) many more times than
// irvm times exactly, so that most take the short path without a frame record: their results
// (64-bit, negative 32-bit, pointer or NULL, from an int argument) must be what native code gets.
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static volatile int seed = 7;
static char words[5][16];

int main(void) {
    static const char *src[] = {"", "a", "hello", "interpreter", "zz"};
    for (int k = 0; k < 5; k++) {
        // Copied at run time (the seed is volatile) so that clang cannot fold the calls below.
        for (int j = 0; src[k][j]; j++) words[k][j] = (char)(src[k][j] + seed - 7);
    }
    long total = 0, found = 0;
    int neg = 0, pos = 0, zero = 0, up = 0, same = 0;
    for (int i = 0; i < 5000; i++) {
        const char *w = words[i % 5], *v = words[(i + 2) % 5];
        size_t n = strlen(w);
        total += (long)n;
        int c = strcmp(w, v);
        neg += c < 0;
        pos += c > 0;
        zero += c == 0;
        const char *p = memchr(w, 'e' + i % 3, n);
        if (p) found += p - w + 1;
        up += toupper('a' + i % 26) + tolower('A' + i % 30);
        same += memcmp(w, v, n < strlen(v) ? n : strlen(v)) == 0;
    }
    printf("total %ld found %ld neg %d pos %d zero %d up %d same %d\n", total, found, neg, pos, zero, up, same);
    return 0;
}
