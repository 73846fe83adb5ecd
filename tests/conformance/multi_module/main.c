/* Multi-file program (linked with llvm-link for irvm): calls across modules, extern globals defined in
 * another file, a static function of the same name in each file, and a function-pointer table exported
 * from the other module. */
#include "../common.h"
#include "shapes.h"

static int helper(int x) { return x * 3; } /* same name as shapes.c's static helper */

int main(void) {
    shape_count = OPQ(0);
    struct shape s[4] = {make_square(2.5), make_circle(1.5), make_square(OPQ(4.0)), make_circle(0.25)};
    double total = 0;
    for (int i = 0; i < 4; i++) {
        double a = shape_area(&s[i]);
        printf("%s %.17g\n", shape_names[s[i].kind], a);
        total += a;
        ck_d(a);
    }
    printf("total %.17g count %d helpers %d %d\n", total, shape_count, helper(7), shapes_helper(7));
    for (int k = 0; k < SHAPE_OPS; k++) { long r = shape_ops[k](OPQ(k) + 10); printf("op%d %ld\n", k, r); ck((uint64_t)r); }
    ck_d(total); ck((uint32_t)shape_count);
    ck_print();
    return 0;
}
