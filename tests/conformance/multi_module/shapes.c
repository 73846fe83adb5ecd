/* The second translation unit of multi_module: definitions used from main.c. */
#include "shapes.h"

int shape_count = 100;
const char *const shape_names[] = {"square", "circle"};
static long twice(long x) { return 2 * x; }
static long sq(long x) { return x * x; }
static long neg(long x) { return -x; }
long (*const shape_ops[SHAPE_OPS])(long) = {twice, sq, neg};
static int helper(int x) { return x + 1000; }
int shapes_helper(int x) { return helper(x); }
struct shape make_square(double side) { shape_count++; return (struct shape){SQUARE, side}; }
struct shape make_circle(double radius) { shape_count++; return (struct shape){CIRCLE, radius}; }
double shape_area(const struct shape *s) { return s->kind == SQUARE ? s->size * s->size : 3.141592653589793 * s->size * s->size; }
