/* Interface shared by the two translation units of multi_module. */
#ifndef SHAPES_H
#define SHAPES_H
enum kind { SQUARE, CIRCLE };
struct shape { enum kind kind; double size; };
#define SHAPE_OPS 3
extern int shape_count;
extern const char *const shape_names[];
extern long (*const shape_ops[SHAPE_OPS])(long);
struct shape make_square(double side);
struct shape make_circle(double radius);
double shape_area(const struct shape *s);
int shapes_helper(int x);
#endif
