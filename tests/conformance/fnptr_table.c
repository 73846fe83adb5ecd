/* Function pointer tables: dispatch by index, function pointers returned from functions, stored in structs,
 * a tiny bytecode VM with a handler table, and pointers to native libc functions called indirectly. */
#include "common.h"
#include <math.h>
#include <stdlib.h>

typedef long (*binop)(long, long);
static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
static long op_mul(long a, long b) { return a * b; }
static long op_div(long a, long b) { return b ? a / b : 0; }
static long op_xor(long a, long b) { return a ^ b; }
static const binop table[] = {op_add, op_sub, op_mul, op_div, op_xor};

static binop pick(char c) {
    switch (c) { case '+': return op_add; case '-': return op_sub; case '*': return op_mul; case '/': return op_div; default: return op_xor; }
}

struct shape { const char *name; double (*area)(const double *); double dims[2]; };
static double rect(const double *d) { return d[0] * d[1]; }
static double circle(const double *d) { return 3.14159265358979 * d[0] * d[0]; }
static double tri(const double *d) { return 0.5 * d[0] * d[1]; }

enum { PUSH, ADD, MUL, DUP, SWAP, JNZ, DEC, HALT };
struct vm { long stack[32]; int sp; int pc; };
typedef int (*handler)(struct vm *, const long *);
static int h_push(struct vm *m, const long *code) { m->stack[m->sp++] = code[m->pc + 1]; m->pc += 2; return 1; }
static int h_add(struct vm *m, const long *code) { (void)code; m->sp--; m->stack[m->sp - 1] += m->stack[m->sp]; m->pc++; return 1; }
static int h_mul(struct vm *m, const long *code) { (void)code; m->sp--; m->stack[m->sp - 1] *= m->stack[m->sp]; m->pc++; return 1; }
static int h_dup(struct vm *m, const long *code) { (void)code; m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; m->pc++; return 1; }
static int h_swap(struct vm *m, const long *code) { (void)code; long t = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = t; m->pc++; return 1; }
static int h_jnz(struct vm *m, const long *code) { if (m->stack[--m->sp]) m->pc = (int)code[m->pc + 1]; else m->pc += 2; return 1; }
static int h_dec(struct vm *m, const long *code) { (void)code; m->stack[m->sp - 1]--; m->pc++; return 1; }
static int h_halt(struct vm *m, const long *code) { (void)m; (void)code; return 0; }
static const handler handlers[] = {h_push, h_add, h_mul, h_dup, h_swap, h_jnz, h_dec, h_halt};

int main(void) {
    long acc = 1;
    for (int i = 0; i < 50; i++) { acc = table[OPQ(i) % 5](acc, i + 3); ck((uint64_t)acc); }
    printf("table acc %ld\n", acc);
    const char *ops = "+*-/*x+*";
    long v = 7;
    for (const char *c = ops; *c; c++) v = pick(*c)(v, 5);
    printf("pick %ld\n", v);
    struct shape shapes[] = {{"rect", rect, {3, 4}}, {"circle", circle, {2, 0}}, {"tri", tri, {6, 5}}};
    for (int i = 0; i < 3; i++) { double a = shapes[OPQ(i)].area(shapes[i].dims); printf("%s %.17g\n", shapes[i].name, a); ck_d(a); }
    struct vm m = {{0}, 0, 0};
    /* Stack [acc n]; loop: acc *= 3, n--, until n == 0. */
    long loop[] = {PUSH, 1, PUSH, OPQ(20L), /*4*/ SWAP, PUSH, 3, MUL, SWAP, DEC, DUP, JNZ, 4, HALT};
    int steps = 0;
    while (handlers[loop[m.pc]](&m, loop)) steps++;
    printf("vm steps %d top %ld below %ld\n", steps, m.stack[m.sp - 1], m.stack[m.sp - 2]);
    ck((uint64_t)m.stack[m.sp - 2]); ck((uint32_t)steps);
    /* Native functions through pointers. */
    double (*mf[])(double) = {sqrt, sin, exp, fabs, floor};
    size_t (*sl)(const char *) = strlen;
    int (*ab)(int) = abs;
    double s = 0;
    for (int i = 0; i < 5; i++) s += mf[OPQ(i)](0.25 + i);
    printf("native ptrs %.17g %zu %d\n", s, sl("function pointer"), ab(OPQ(-9)));
    ck_d(s);
    ck_print();
    return 0;
}
