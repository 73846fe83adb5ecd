// A C++ exception that nothing catches ends the program in std::terminate, as natively: the
// C++ runtime names the exception on stderr and the program aborts. The throw passes an
// interpreted frame and a JIT frame (one with a cleanup) first.
#include <cstdio>
#include <stdexcept>
#include <string>

#define NOINLINE __attribute__((noinline))

NOINLINE void refuse(int n)
{
    throw std::runtime_error("nobody catches " + std::to_string(n));
}

NOINLINE int plain(int n)
{
    refuse(n);
    return n;
}

NOINLINE int with_cleanup(int n)
{
    std::string label = "with_cleanup";
    return plain(n) + (int)label.size();
}

int main()
{
    printf("before the throw\n");
    fflush(stdout);
    return with_cleanup(7);
}
