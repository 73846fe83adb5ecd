// Calls through a table of function pointers, far more than irvm times exactly: most take the
// call fast path through the functions' thunks, and each function's calls are counted exactly.
typedef long (*op_fn)(long, long);
__attribute__((noinline)) static long add(long a, long b) { return a + b; }
__attribute__((noinline)) static long sub(long a, long b) { return a - b; }
__attribute__((noinline)) static long mix(long a, long b) { return a ^ (b << 1); }
static op_fn volatile ops[3] = {add, sub, mix};

int main(void) {
    long t = 1;
    for (long i = 0; i < 30000; i++) t = ops[i % 3](t, i);
    return (int)(t & 0x7f);
}
