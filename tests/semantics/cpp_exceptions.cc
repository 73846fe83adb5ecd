// C++ exceptions thrown through every kind of frame and caught: interpreted frames (functions
// without landing pads), JIT frames (functions with `invoke`, compiled on their first call, whose
// locals' destructors must run during the unwinding), the C library's qsort calling an
// interpreted comparator that throws, virtual calls (a vtable holds irvm's thunk address), and
// exceptions thrown by libstdc++ itself, and a throw out of a loop's OSR code. Each scenario runs many times so that the tiers change
// under it (`--thresholds min`, OSR in the loops).
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#define NOINLINE __attribute__((noinline))

// A trivially destructible exception: throwing it needs no landing pad in the thrower.
struct Failure {
    int code;
};

static long destroyed;
static int verbose = 1;

// A local whose destructor must run while an exception passes its frame.
struct Tracer {
    const char *name;
    explicit Tracer(const char *name) : name(name) {}
    ~Tracer()
    {
        destroyed++;
        if (verbose) {
            printf("  ~Tracer(%s)\n", name);
        }
    }
};

// Interpreted: no landing pad anywhere below.
NOINLINE void throw_failure(int code)
{
    throw Failure{code};
}

// Throws `code` at the bottom of the chain unless it is negative.
NOINLINE int plain_chain(int n, int code)
{
    if (n == 0) {
        if (code >= 0) {
            throw_failure(code);
        }
        return 0;
    }
    return plain_chain(n - 1, code) + 1;
}

// JIT (a cleanup): runs its destructor while the exception passes.
NOINLINE int with_tracer(int n, int code)
{
    Tracer t("with_tracer");
    return plain_chain(n, code) + 1;
}

// Interpreted between two JIT frames.
NOINLINE int plain_over_jit(int n, int code)
{
    return with_tracer(n, code) * 2;
}

NOINLINE int jit_over_plain(int n, int code)
{
    Tracer t("jit_over_plain");
    std::string keep = "kept across the unwinding";
    return plain_over_jit(n, code) + (int)keep.size();
}

// Catches, adds to the value, rethrows a different type.
NOINLINE int translate(int n, int code)
{
    try {
        return jit_over_plain(n, code);
    } catch (const Failure &f) {
        throw std::runtime_error("failure " + std::to_string(f.code));
    }
}

// Interpreted, above the catch in main.
NOINLINE int plain_top(int n, int code)
{
    return translate(n, code) - 1;
}

// A qsort comparator (interpreted) that throws from inside the C library's frames.
static int poison;
static int compare_or_throw(const void *a, const void *b)
{
    int x = *(const int *)a;
    int y = *(const int *)b;
    if (x == poison || y == poison) {
        throw_failure(1000 + poison);
    }
    return (x > y) - (x < y);
}

NOINLINE void sort_with(int *v, int n)
{
    qsort(v, n, sizeof *v, compare_or_throw);
}

NOINLINE int sort_guarded(int *v, int n)
{
    Tracer t("sort_guarded");
    sort_with(v, n);
    return v[0];
}

// Virtual calls: JIT code calls an interpreted override through the vtable (irvm's thunk).
struct Step {
    virtual ~Step() {}
    virtual int run(int x) const = 0;
};

struct Double : Step {
    int run(int x) const override { return 2 * x; }
};

struct Refuse : Step {
    int limit;
    explicit Refuse(int limit) : limit(limit) {}
    int run(int x) const override
    {
        if (x > limit) {
            throw_failure(x);
        }
        return x + 1;
    }
};

NOINLINE int run_steps(const std::vector<Step *> &steps, int x)
{
    Tracer t("run_steps");
    for (const Step *s : steps) {
        x = s->run(x);
    }
    return x;
}

// libstdc++ throws (std::out_of_range from vector::at) under interpreted frames.
NOINLINE int element(const std::vector<int> &v, int i)
{
    return v.at(i);
}

NOINLINE int sum_elements(const std::vector<int> &v, int upto)
{
    int s = 0;
    for (int i = 0; i < upto; i++) {
        s += element(v, i);
    }
    return s;
}

// A long loop (entered on-stack-replaced under `--thresholds min`) that throws out of its last
// iteration: the throw leaves OSR code.
NOINLINE long loop_then_throw(int n)
{
    long acc = 0;
    for (int i = 0; i < n; i++) {
        acc = acc * 31 + i % 7;
        if (i == n - 1) {
            throw_failure((int)(acc & 0xffff));
        }
    }
    return acc;
}

static int scenarios(int round)
{
    int score = 0;
    // 1. interpreted, JIT, interpreted, JIT frames; translated to std::runtime_error.
    try {
        score += plain_top(3 + round % 4, round);
        printf("no exception?\n");
    } catch (const std::exception &e) {
        if (verbose) {
            printf("caught std::exception: %s\n", e.what());
        }
        score += (int)std::string(e.what()).size();
    }
    // 2. the same chain without an exception returns normally.
    score += plain_over_jit(2, -1);
    poison = -1;
    try {
        score += with_tracer(round % 3, round);
    } catch (Failure &f) {
        if (verbose) {
            printf("caught Failure %d\n", f.code);
        }
        score += f.code;
    }
    // 3. a qsort comparator throws out of the C library.
    int v[16];
    for (int i = 0; i < 16; i++) {
        v[i] = (i * 7 + round) % 16;
    }
    poison = round % 2 ? 5 : -1;
    try {
        score += sort_guarded(v, 16);
        if (verbose) {
            printf("sorted, first %d last %d\n", v[0], v[15]);
        }
    } catch (const Failure &f) {
        if (verbose) {
            printf("caught Failure %d from qsort\n", f.code);
        }
        score += f.code;
    }
    // 4. a virtual call through the thunk throws.
    Double d;
    Refuse r(2 + round % 10);
    std::vector<Step *> steps = {&d, &r, &d, &r, &d};
    try {
        score += run_steps(steps, 1 + round % 6);
        if (verbose) {
            printf("steps done\n");
        }
    } catch (const Failure &f) {
        if (verbose) {
            printf("caught Failure %d from a virtual call\n", f.code);
        }
        score += f.code;
    }
    // 5. libstdc++ throws; catch (...) and a rethrow in a JIT frame.
    std::vector<int> w = {1, 2, 3, 4};
    try {
        try {
            score += sum_elements(w, 4 + round % 2);
        } catch (...) {
            score += 100;
            throw;
        }
    } catch (const std::out_of_range &e) {
        if (verbose) {
            printf("caught std::out_of_range\n");
        }
        score += 1;
    }
    // 6. out of a loop's OSR code.
    try {
        score += (int)loop_then_throw(5000 + round);
    } catch (const Failure &f) {
        if (verbose) {
            printf("caught Failure %d from a loop\n", f.code);
        }
        score += f.code;
    }
    return score;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    long total = 0;
    for (int round = 0; round < rounds; round++) {
        verbose = round < 2;
        if (verbose) {
            printf("round %d\n", round);
        }
        total += scenarios(round);
    }
    printf("total %ld, destructors run %ld\n", total, destroyed);
    return 0;
}
