/* Computed goto (`goto *p`, GCC's labels as values) as bytecode interpreters such as Lua's use it: a
 * static table of label addresses and a dispatch through it, in a small function called from a hot
 * loop. Its labels stay with it (a constant table only it reads), so it is compiled like any other
 * function, owning a copy of the table with its native labels, while interpreted activations use
 * the program's table of irvm's tokens; no caller may inline it. `countdown` runs a program known
 * at compile time: clang -O2 folds its first dispatch, so a `blockaddress` is also an operand of a
 * phi. `stored` writes its labels into a table at run time and `escaping` writes the labels it
 * reads to memory: both stay interpreted. */
#include <stdio.h>
#include <stdlib.h>

enum { OP_ADD, OP_DEC, OP_JNZ, OP_END };

/* The interpreter loop, the same in every function below: only where `dispatch` comes from
 * differs. Sums n, n-1, ..., 1 with the program {ADD, DEC, JNZ, END}. */
#define INTERPRET(dispatch, code, n)                                                               \
    int acc = 0, x = (n), pc = 0;                                                                  \
    goto *dispatch[code[pc]];                                                                      \
    op_add:                                                                                        \
    acc += x;                                                                                      \
    pc++;                                                                                          \
    goto *dispatch[code[pc]];                                                                      \
    op_dec:                                                                                        \
    x--;                                                                                           \
    pc++;                                                                                          \
    goto *dispatch[code[pc]];                                                                      \
    op_jnz:                                                                                        \
    pc = x ? 0 : pc + 1;                                                                           \
    goto *dispatch[code[pc]];                                                                      \
    op_end:                                                                                        \
    return acc

static int run(const unsigned char *code, int n) {
    static void *dispatch[] = {&&op_add, &&op_dec, &&op_jnz, &&op_end};
    INTERPRET(dispatch, code, n);
}

static int countdown(int n) {
    static void *dispatch[] = {&&op_add, &&op_dec, &&op_jnz, &&op_end};
    static const unsigned char code[] = {OP_ADD, OP_DEC, OP_JNZ, OP_END};
    INTERPRET(dispatch, code, n);
}

/* Labels stored at run time into a writable table: they leave the function's instructions, so
 * it stays interpreted in every tier (irvm's block tokens and native addresses never meet). */
static int stored(int n) {
    static void *dispatch[4];
    if (!dispatch[0]) {
        dispatch[0] = &&op_add;
        dispatch[1] = &&op_dec;
        dispatch[2] = &&op_jnz;
        dispatch[3] = &&op_end;
    }
    static const unsigned char code[] = {OP_ADD, OP_DEC, OP_JNZ, OP_END};
    INTERPRET(dispatch, code, n);
}

/* A constant table, but each label read from it is also written to memory before the jump: it
 * leaves the function's values, so `escaping` stays interpreted too. */
void *volatile last_label;

static int escaping(int n) {
    static void *const dispatch[] = {&&op_add, &&op_dec, &&op_jnz, &&op_end};
    static const unsigned char code[] = {OP_ADD, OP_DEC, OP_JNZ, OP_END};
    int acc = 0, x = n, pc = 0;
    void *next = dispatch[code[pc]];
    last_label = next;
    goto *next;
op_add:
    acc += x;
    pc++;
    goto *dispatch[code[pc]];
op_dec:
    x--;
    pc++;
    goto *dispatch[code[pc]];
op_jnz:
    pc = x ? 0 : pc + 1;
    next = dispatch[code[pc]];
    last_label = next;
    goto *next;
op_end:
    return acc;
}

int main(int argc, char **argv) {
    unsigned char program[] = {OP_ADD, OP_DEC, OP_JNZ, OP_END};
    int n = argc > 1 ? atoi(argv[1]) : 50;
    long sum = 0;
    for (int i = 0; i < 20000; i++) sum += run(program, n + (i & 3));
    printf("computed goto: %ld\n", sum);
    long folded = 0;
    for (int i = 0; i < 2000; i++) folded += countdown(n + (i & 7));
    printf("computed goto, program known at compile time: %ld\n", folded);
    long relabelled = 0;
    for (int i = 0; i < 2000; i++) relabelled += stored(n + (i & 7));
    printf("computed goto through labels stored at run time: %ld\n", relabelled);
    long escaped = 0;
    for (int i = 0; i < 2000; i++) escaped += escaping(n + (i & 7));
    printf("computed goto with labels written to memory: %ld\n", escaped);
    return 0;
}
