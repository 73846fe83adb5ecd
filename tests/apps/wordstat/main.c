/* wordstat FILE [TOP] [EXIT]: statistics of FILE and of stdin; exits with EXIT (default 0), or 2 on
 * a bad argument or an unreadable file. */
#include "wordstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct stats file_stats, stdin_stats;

static int parse_int(const char *arg, const char *what) {
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 0 || v > 255) {
        fprintf(stderr, "wordstat: %s '%s' is not a number from 0 to 255\n", what, arg);
        exit(2);
    }
    return (int)v;
}

static void count_stream(FILE *f, struct stats *s) {
    char buf[256]; /* small: words and lines straddle reads */
    size_t n;
    stats_init(s);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        stats_feed(s, buf, n);
    stats_finish(s);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: wordstat FILE [TOP] [EXIT]\n");
        return 2;
    }
    int top = argc > 2 ? parse_int(argv[2], "TOP") : 5;
    int status = argc > 3 ? parse_int(argv[3], "EXIT") : 0;
    /* stdin first, before any output: on bare metal the console echoes what it reads, so the echo
     * comes out whole, ahead of the report. */
    count_stream(stdin, &stdin_stats);
    printf("wordstat: %d argument(s):", argc - 1);
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");

    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "wordstat: cannot open '%s': %s\n", argv[1], strerror(errno));
        return 2;
    }
    count_stream(f, &file_stats);
    fclose(f);

    report(argv[1], &file_stats, top);
    report("stdin", &stdin_stats, top);
    printf("wordstat: exit %d\n", status);
    return status;
}
