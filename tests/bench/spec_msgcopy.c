/* Drain a queue of messages into a ring buffer: each copy's size is the message's own length
 * field (not an argument), and in this workload every message has the length given on the
 * command line, so the memcpy has a size only the running program knows. Usage:
 * spec_msgcopy [LEN=24] [COUNT=4096] [REPS=2000] */
#include <string.h>
#include "common.h"

struct msg {
    unsigned len;
    unsigned char payload[124];
};

__attribute__((noinline)) static unsigned long drain(unsigned char *ring, const struct msg *q, long count,
                                                     unsigned long pos) {
    for (long i = 0; i < count; i++) {
        memcpy(ring + (pos & 4095), q[i].payload, q[i].len);
        pos += q[i].len;
    }
    return pos;
}

int main(int argc, char **argv) {
    long len = arg_long(argc, argv, 1, 24), count = arg_long(argc, argv, 2, 4096), reps = arg_long(argc, argv, 3, 2000);
    if (len > 124) {
        fprintf(stderr, "spec_msgcopy: length %ld is more than 124\n", len);
        return 2;
    }
    struct msg *q = malloc((size_t)count * sizeof *q);
    unsigned char *ring = malloc(4096 + 128);
    memset(ring, 0, 4096 + 128);
    for (long i = 0; i < count; i++) {
        q[i].len = (unsigned)len;
        for (int k = 0; k < 124; k++) q[i].payload[k] = (unsigned char)(i * 7 + k);
    }
    unsigned long pos = 0, check = 0;
    for (long r = 0; r < reps; r++) {
        pos = drain(ring, q, count, pos);
        check = check * 31 + ring[(r * 131) % 4096];
    }
    printf("spec_msgcopy len=%ld count=%ld reps=%ld pos=%lu check=%lu\n", len, count, reps, pos, check);
    free(q);
    free(ring);
    return 0;
}
