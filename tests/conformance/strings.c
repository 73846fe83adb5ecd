/* <string.h>: strlen strcpy strncpy strcat strcmp strncmp strchr strrchr strstr strspn strcspn strpbrk
 * strtok_r strdup strndup, plus hand-written versions compared against libc. */
#include "common.h"
#include <stdlib.h>

static size_t my_strlen(const char *s) { const char *p = s; while (*p) p++; return (size_t)(p - s); }
static int my_strcmp(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return (unsigned char)*a - (unsigned char)*b; }
static void my_reverse(char *s) { size_t n = my_strlen(s); for (size_t i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; } }
static int sgn(int x) { return (x > 0) - (x < 0); }

int main(void) {
    const char *words[] = {"", "a", "abc", "abd", "ab", "hello world", "Hello", "\xff\x01", "zzz"};
    int n = 9, bad = 0;
    for (int i = 0; i < n; i++) {
        if (my_strlen(words[i]) != strlen(words[i])) bad++;
        for (int j = 0; j < n; j++) {
            int c = sgn(strcmp(words[i], words[OPQ(j)])), m = sgn(my_strcmp(words[i], words[j]));
            if (c != m) bad++;
            ck((uint64_t)(c + 1)); ck((uint64_t)(sgn(strncmp(words[i], words[j], 2)) + 1));
        }
    }
    printf("compare mismatches %d\n", bad);
    char buf[128];
    strcpy(buf, "The quick brown fox");
    strcat(buf, " jumps over the lazy dog");
    printf("%s len=%zu\n", buf, strlen(buf));
    printf("strchr %s | strrchr %s | strstr %s\n", strchr(buf, 'q'), strrchr(buf, 'o'), strstr(buf, "lazy"));
    printf("spn %zu cspn %zu pbrk %s\n", strspn(buf, "ehT "), strcspn(buf, "xyz"), strpbrk(buf, "jk"));
    ck_s(buf);
    char copy[sizeof buf];
    strcpy(copy, buf);
    char *save, *tok;
    int count = 0;
    for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) { printf("[%s]", tok); ck_s(tok); count++; }
    printf(" tokens=%d\n", count);
    char small[8];
    strncpy(small, buf, sizeof small - 1);
    small[7] = 0;
    char *d = strdup(buf), *nd = strndup(buf + 4, OPQ(5));
    my_reverse(d);
    printf("strncpy '%s' strdup-rev '%s' strndup '%s'\n", small, d, nd);
    ck_s(small); ck_s(d); ck_s(nd);
    free(d); free(nd);
    /* Building strings char by char. */
    char out[64];
    int k = 0;
    for (int i = 0; i < 26; i++) if (i % 3 != 1) out[k++] = (char)('a' + (i * 7) % 26);
    out[k] = 0;
    printf("built %s\n", out);
    ck_s(out); ck((uint32_t)bad);
    ck_print();
    return bad != 0;
}
