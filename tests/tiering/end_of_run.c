/* Tiering test: what the end of a run compiles for the next one when loops ran native (see tests/tiering.rs).
 * `pass` is called 3 times and runs the program: its heat (3 calls, 300 loop iterations) never reaches its
 * first tier mark (the mark counts calls), so it stays interpreted and takes nearly all the interpreted time.
 * `step` is called 300 times with a 12-iteration loop each: O1 at its 200th call, then native, where its
 * iterations are not counted, so its per-run heat deserves O1 alone. */
#include <stdio.h>

static unsigned mix[12];

/* n is 12 at run time (from argc), so the loop stays a loop. */
__attribute__((noinline)) unsigned step(unsigned x, int n) {
    for (int i = 0; i < n; i++) x = (x ^ mix[i]) * 2654435761u + (unsigned)i;
    return x;
}

__attribute__((noinline)) unsigned pass(unsigned seed, int n) {
    for (int i = 0; i < 100; i++) seed = step(seed + (unsigned)i, n);
    return seed;
}

int main(int argc, char **argv) {
    (void)argv;
    int n = 11 + argc;
    for (int i = 0; i < 12; i++) mix[i] = 0x9e3779b9u * (unsigned)(i + 1);
    unsigned s = 1;
    for (int r = 0; r < 3; r++) s = pass(s, n);
    printf("end_of_run: %u\n", s);
    return 0;
}
