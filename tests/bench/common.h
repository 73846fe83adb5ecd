/* Shared by the interpreter benchmarks: argument parsing and the result line. Each benchmark takes its
 * problem size from argv so the runner can scale it, and prints one deterministic result line that the
 * runner compares across engines (a wrong answer is reported, not timed). */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stdio.h>
#include <stdlib.h>

/* argv[i] as a positive integer, or `def` when absent. */
static long arg_long(int argc, char **argv, int i, long def) {
    if (argc <= i) return def;
    char *end;
    long v = strtol(argv[i], &end, 10);
    if (*end || v <= 0) {
        fprintf(stderr, "%s: argument %d '%s' is not a positive integer\n", argv[0], i, argv[i]);
        exit(2);
    }
    return v;
}
#endif
