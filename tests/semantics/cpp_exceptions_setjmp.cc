// C++ exceptions in a program that also calls setjmp (irvm then runs every entry from native
// code under its longjmp guard): exceptions cross interpreted, JIT and qsort frames, longjmps
// interpreted and qsort frames, alternately, many times.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <string>

#define NOINLINE __attribute__((noinline))

struct Failure {
    int code;
};

static jmp_buf escape;
static long destroyed;

struct Tracer {
    ~Tracer() { destroyed++; }
};

// Interpreted: throws or jumps at the bottom of a chain.
NOINLINE int bottom(int n, int how)
{
    if (n > 0) {
        return bottom(n - 1, how) + 1;
    }
    if (how == 1) {
        throw Failure{n + 40};
    }
    if (how == 2) {
        longjmp(escape, 7);
    }
    return 0;
}

// JIT (a cleanup).
NOINLINE int middle(int n, int how)
{
    Tracer t;
    return bottom(n, how) * 2;
}

static int how_now;
// Throws through `middle`, or jumps over interpreted and qsort frames only (a longjmp must not
// skip a destructor).
static int compare(const void *a, const void *b)
{
    if (how_now == 2) {
        bottom(2, how_now);
    }
    middle(2, how_now);
    return *(const int *)a - *(const int *)b;
}

// Interpreted, calls setjmp: the longjmps land here, the exceptions pass through.
NOINLINE int jump_or_throw(int round)
{
    int v[5] = {5, 1, 4, 2, 3};
    how_now = round % 3;
    if (setjmp(escape) != 0) {
        return -1;
    }
    qsort(v, 5, sizeof *v, compare);
    return middle(round % 5, how_now) + v[0];
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    long thrown = 0, jumped = 0, returned = 0;
    for (int round = 0; round < rounds; round++) {
        try {
            int r = jump_or_throw(round);
            if (r < 0) {
                jumped++;
            } else {
                returned += r;
            }
        } catch (const Failure &f) {
            thrown += f.code;
        }
    }
    printf("thrown %ld, jumped %ld, returned %ld, destructors run %ld\n", thrown, jumped, returned, destroyed);
    return 0;
}
