/* Weak symbols and aliases as the linker resolves them: undefined weak functions and variables
 * read as null (so `if (&f)` guards work and the guarded call is skipped), a weak definition is
 * used when nothing overrides it, aliases of functions and variables are the same object, and a
 * weak reference to a function the C library has resolves to it. */
#include <stdio.h>
#include <string.h>

extern int missing_function(int) __attribute__((weak));
extern int missing_variable __attribute__((weak));
extern size_t strlen(const char *) __attribute__((weak));

__attribute__((weak)) int tunable(void)
{
    return 7;
}

int counter = 40;
extern int counter_alias __attribute__((alias("counter")));

static int add_one(int x)
{
    return x + 1;
}
int add_one_alias(int) __attribute__((alias("add_one")));

/* Function pointers kept in a table (a constant initializer), null for the missing one. */
static int (*const table[])(int) = {missing_function, add_one_alias};

int main(void)
{
    int missing_fn = &missing_function == 0;
    int missing_var = &missing_variable == 0;
    printf("missing function is null: %d, missing variable is null: %d\n", missing_fn, missing_var);
    if (missing_function)
        printf("called %d\n", missing_function(1));
    printf("table: %d %d\n", table[0] == 0, table[1] ? table[1](41) : -1);
    printf("strlen through a weak reference: %zu\n", strlen ? strlen("weak") : (size_t)0);
    printf("weak definition: %d\n", tunable());
    counter_alias += 2;
    printf("alias: %d %d same %d\n", counter, add_one_alias(counter), &counter_alias == &counter);
    return missing_fn + missing_var == 2 ? 0 : 1;
}
