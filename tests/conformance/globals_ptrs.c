/* Pointers in global initializers: addresses of globals and of their elements/fields, pointer arithmetic
 * constant expressions, string tables, function pointers, a statically linked list and cycles. */
#include "common.h"
#include <stddef.h>

struct node { int val; struct node *next; const char *name; };
static struct node n3 = {3, NULL, "three"};
static struct node n2 = {2, &n3, "two"};
static struct node n1 = {1, &n2, "one"};
static struct node *head = &n1;

static int arr[10] = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
static int *mid = &arr[5];
static int *end = arr + 10;
static const int *const ptrs[] = {&arr[0], &arr[9], arr + 3, &arr[7] - 2};
static char text[] = "hello, world";
static char *words[] = {text, text + 7, &text[3]};
static const char *const names[] = {"zero", "one", "two", "three", "four", "five"};
static const char *const *name_ptr = &names[2];

struct pair { struct pair *self; struct pair *other; int tag; };
static struct pair pa, pb;
static struct pair pa = {&pa, &pb, 1};
static struct pair pb = {&pb, &pa, 2};

static int sq(int x) { return x * x; }
static int cube(int x) { return x * x * x; }
static int (*const ops[])(int) = {sq, cube, sq};
struct op { const char *name; int (*fn)(int); int *target; };
static struct op op_table[] = {{"sq", sq, &arr[1]}, {"cube", cube, &arr[2]}};

static size_t off = offsetof(struct node, name);
static const char *ch = "literal" + 3;
static intptr_t diff = (intptr_t)(&arr[8] - &arr[2]);

int main(void) {
    for (struct node *n = head; n; n = n->next) { printf("%d:%s ", n->val, n->name); ck((uint32_t)n->val); ck_s(n->name); }
    printf("\nmid %d end-1 %d ptrs %d %d %d %d\n", *mid, end[-1], *ptrs[0], *ptrs[1], *ptrs[2], *ptrs[3]);
    ck((uint32_t)(*mid + end[-1] + *ptrs[3]));
    words[1][0] = 'W';
    printf("words '%s' '%s' '%s'\n", words[0], words[1], words[2]);
    ck_s(words[0]);
    printf("name_ptr %s %s\n", *name_ptr, name_ptr[OPQ(3)]);
    ck_s(name_ptr[3]);
    printf("cycle %d %d %d %d\n", pa.self->tag, pa.other->tag, pa.other->other->other->tag, pb.self == &pb);
    int s = 0;
    for (int i = 0; i < 3; i++) s += ops[OPQ(i)](i + 2);
    for (int i = 0; i < 2; i++) { int r = op_table[i].fn(*op_table[i].target); printf("%s(%d)=%d ", op_table[i].name, *op_table[i].target, r); s += r; }
    printf("\nops %d off %zu ch %s diff %ld\n", s, off, ch, (long)diff);
    ck((uint32_t)s); ck(off); ck_s(ch); ck((uint64_t)diff);
    ck_print();
    return 0;
}
