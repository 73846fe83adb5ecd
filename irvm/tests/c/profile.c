// A program with known dynamic behaviour for the profile test: main calls mid 10 times, mid
// loops n = 10 times calling leaf each time (100 calls of leaf), and a switch in leaf takes each of
// its three ways a known number of times.
static volatile int ten = 10;

__attribute__((noinline)) static int leaf(int x) {
    switch (x % 4) {
    case 0: return x * 3;
    case 1: return x + 7;
    default: return x ^ 5;
    }
}

__attribute__((noinline)) static int mid(int n) {
    int s = 0;
    for (int i = 0; i < n; i++) s += leaf(i);
    return s;
}

int main(void) {
    int t = 0;
    for (int k = 0; k < 10; k++) t += mid(ten);
    return t & 0x7f;
}
