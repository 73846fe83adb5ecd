// A recursive function called far more often than irvm times exactly: most of its calls are
// untimed and charged the function's average, which must keep its cycles within the run's.
static volatile long n = 27;

__attribute__((noinline)) static long fib(long k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); }

int main(void) { return (int)(fib(n) & 0x7f); }
