/* Computed goto (GNU labels-as-values): a threaded-code interpreter; compiles to LLVM indirectbr. */
#include "common.h"

enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DUP, OP_JNZ, OP_DEC, OP_SWAP, OP_HALT };

static long run(const int *code) {
    static void *const labels[] = {&&push, &&add, &&sub, &&mul, &&dup, &&jnz, &&dec, &&swap, &&halt};
    long stack[64];
    int sp = 0;
    const int *pc = code;
#define NEXT goto *labels[*pc]
    NEXT;
push: stack[sp++] = pc[1]; pc += 2; NEXT;
add: sp--; stack[sp - 1] += stack[sp]; pc++; NEXT;
sub: sp--; stack[sp - 1] -= stack[sp]; pc++; NEXT;
mul: sp--; stack[sp - 1] *= stack[sp]; pc++; NEXT;
dup: stack[sp] = stack[sp - 1]; sp++; pc++; NEXT;
jnz: if (stack[--sp]) pc = code + pc[1]; else pc += 2; NEXT;
dec: stack[sp - 1]--; pc++; NEXT;
swap: { long t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } pc++; NEXT;
halt: return stack[sp - 1] * 1000 + sp;
#undef NEXT
}

int main(void) {
    /* acc = 1; n = N; loop: acc = acc * 2 + n; n--; until n == 0 */
    int loop[] = {OP_PUSH, 1, OP_PUSH, OPQ(30), /*4*/ OP_SWAP, OP_PUSH, 2, OP_MUL, OP_SWAP, OP_DEC, OP_DUP, OP_JNZ, 4, OP_SWAP, OP_HALT};
    long r = run(loop);
    int arith[] = {OP_PUSH, 7, OP_PUSH, 5, OP_SUB, OP_PUSH, OPQ(-3), OP_MUL, OP_DUP, OP_ADD, OP_HALT};
    long r2 = run(arith);
    printf("loop %ld arith %ld\n", r, r2);
    ck((uint64_t)r); ck((uint64_t)r2);
    /* A label address table used for a jump to a data-chosen target. */
    static void *const targets[] = {&&t0, &&t1, &&t2};
    int acc = 0;
    for (int i = 0; i < 9; i++) {
        goto *targets[OPQ(i) % 3];
    t0: acc += 1; continue;
    t1: acc *= 3; continue;
    t2: acc -= 2; continue;
    }
    printf("targets acc %d\n", acc);
    ck((uint32_t)acc);
    ck_print();
    return 0;
}
