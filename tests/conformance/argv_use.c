// ARGS: alpha -42 3.5 "" --flag=value last-argument
/* argc/argv: counts, string contents, numeric parsing of arguments, argv[argc] == NULL, and the empty
 * argument. The harness passes the ARGS line above. */
#include "common.h"
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("argc %d null-terminated %d\n", argc, argv[argc] == NULL);
    ck((uint32_t)argc);
    long isum = 0; double dsum = 0; size_t lens = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        long v = strtol(argv[i], &end, 10);
        if (*argv[i] && !*end) isum += v;
        double d = strtod(argv[i], &end);
        if (*argv[i] && !*end) dsum += d;
        lens += strlen(argv[i]);
        printf("argv[%d] = '%s' (%zu)\n", i, argv[i], strlen(argv[i]));
        ck_s(argv[i]);
        if (!strncmp(argv[i], "--", 2)) { char *eq = strchr(argv[i], '='); if (eq) printf("  option %.*s -> %s\n", (int)(eq - argv[i] - 2), argv[i] + 2, eq + 1); }
    }
    printf("ints %ld doubles %g total length %zu\n", isum, dsum, lens);
    ck((uint64_t)isum); ck_d(dsum); ck(lens);
    ck_print();
    return argc;
}
