/* Switch-heavy dispatch loop: a small stack bytecode interpreter (one switch per instruction) running a
 * program that sums a Collatz-step count over a range of numbers. Usage: bytecode_vm [N=25000] */
#include "common.h"
#include <stdint.h>

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIVI, MOD, LT, EQ, JMP, JZ, DUP, DROP, HALT };
struct insn { uint8_t op; int32_t arg; };

/* Runs `code` over `vars` until HALT; returns the number of instructions executed. */
static long run(const struct insn *code, int64_t *vars) {
    int64_t stack[64];
    int sp = 0;
    long steps = 0;
    for (int pc = 0;; steps++) {
        const struct insn in = code[pc++];
        switch (in.op) {
        case PUSH: stack[sp++] = in.arg; break;
        case LOAD: stack[sp++] = vars[in.arg]; break;
        case STORE: vars[in.arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIVI: sp--; stack[sp - 1] /= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = in.arg; break;
        case JZ: if (!stack[--sp]) pc = in.arg; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case HALT: return steps;
        }
    }
}

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 25000);
    /* vars: 0 = i, 1 = x, 2 = total, 3 = limit
     * for (i = 1; i < limit; i++) for (x = i; x != 1; total++) x = x % 2 ? 3 * x + 1 : x / 2; */
    static const struct insn prog[] = {
        /*  0 */ {PUSH, 1}, {STORE, 0},
        /*  2 outer: */ {LOAD, 0}, {LOAD, 3}, {LT, 0}, {JZ, 37},
        /*  6 */ {LOAD, 0}, {STORE, 1},
        /*  8 inner: */ {LOAD, 1}, {PUSH, 1}, {EQ, 0}, {JZ, 13}, {JMP, 32},
        /* 13 body: */ {LOAD, 1}, {PUSH, 2}, {MOD, 0}, {JZ, 23},
        /* 17 odd: */ {LOAD, 1}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {JMP, 26},
        /* 23 even: */ {LOAD, 1}, {PUSH, 2}, {DIVI, 0},
        /* 26 */ {STORE, 1}, {LOAD, 2}, {PUSH, 1}, {ADD, 0}, {STORE, 2}, {JMP, 8},
        /* 32 next: */ {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0}, {JMP, 2},
        /* 37 done: */ {HALT, 0},
    };
    int64_t vars[4] = {0, 0, 0, n};
    long steps = run(prog, vars);
    printf("bytecode_vm n=%ld total=%lld steps=%ld\n", n, (long long)vars[2], steps);
    return 0;
}
