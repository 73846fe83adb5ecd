// A function that only ever runs inside another function's compiled code (the shape of SQLite's
// `defragmentPage` inside `sqlite3BtreeInsert`): `step` is called through a pointer (so no caller's
// compiled code inlines it) and gets hot, so the JIT compiles it at O2 with its small callee
// `rare` inlined; `rare` is needed only at the last calls, when `step` has long been native code.
// irvm never sees `rare` entered. Built without LLVM's passes (-Xclang -disable-llvm-passes) so
// that the inlining is the JIT's, not clang's.
// usage: inlined_only [N]   (N calls of step, default 20000; `rare` runs in the last two)
#include <stdio.h>
#include <stdlib.h>

static long total;

int rare(int i) {
    total += i / 7;
    return i * 3 + 1;
}

int step(int i, int n) {
    if (i >= n - 2) {
        return rare(i);
    }
    return i & 7;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    int (*volatile call)(int, int) = step;
    long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += call(i, n);
    }
    printf("sum %ld, total %ld\n", sum, total);
    return 0;
}
