/* String data: string tables, char arrays modified at run time, escapes, wide strings (wchar_t), string
 * literal merging, multi-line concatenation, and strings built from global pieces. */
#include "common.h"
#include <wchar.h>
#include <stdlib.h>

static const char *const greetings[] = {"hello", "bonjour", "hola", "ciao", "hallo", "namaste", ""};
static char buffer[64] = "mutable";
static const char escapes[] = "tab\there\nnl \"quote\" back\\slash \x41\102\x7e \u00e9";
static const wchar_t wide[] = L"wide \u00fc chars";
static const char concat[] = "part one, "
                             "part two, "
                             "part three";
static const char bin[8] = {'a', 0, 'b', 0, 'c'};

int main(void) {
    size_t total = 0;
    for (int i = 0; greetings[i][0]; i++) { printf("%d %s %zu\n", i, greetings[i], strlen(greetings[i])); total += strlen(greetings[i]); ck_s(greetings[i]); }
    strcat(buffer, " buffer");
    buffer[OPQ(0)] = 'M';
    printf("%s (%zu)\n", buffer, strlen(buffer));
    printf("%s\n", escapes);
    printf("escape bytes:");
    for (size_t i = 0; i < sizeof escapes; i++) { if (i % 8 == 0) printf(" %02x", (unsigned char)escapes[i]); ck((unsigned char)escapes[i]); }
    printf("\nwide len %zu:", wcslen(wide));
    for (size_t i = 0; wide[i]; i++) { printf(" %x", (unsigned)wide[i]); ck((uint32_t)wide[i]); }
    printf("\n%s\n", concat);
    int nul = 0;
    for (int i = 0; i < 8; i++) nul += bin[i] == 0;
    printf("bin nuls %d sizeof %zu\n", nul, sizeof bin);
    const char *a = "same literal", *b = "same literal";
    printf("literal equal content %d\n", strcmp(a, b) == 0);
    char *dyn = malloc(256);
    dyn[0] = 0;
    for (int i = 0; i < 6; i++) { strcat(dyn, greetings[i]); strcat(dyn, i < 5 ? "," : "."); }
    printf("%s total %zu\n", dyn, total);
    ck_s(dyn); ck(total); ck_s(buffer);
    free(dyn);
    ck_print();
    return 0;
}
