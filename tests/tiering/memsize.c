/* Memory calls whose size is read from memory, not passed as an argument: a message copy of
 * (mostly) one length, a fill of half that length and a move of a quarter of it. In the last
 * phase the lengths change (the other length and short odd ones), so a call versioned for the
 * first length takes both its paths. The output is a checksum of every byte written.
 * Arguments: length (1..256), messages, other length (1..256), percent of messages in the last
 * phase, every how many messages one has the other length before the last phase (20). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct msg {
    unsigned len;
    unsigned char fill;
    unsigned char data[256];
};

__attribute__((noinline)) unsigned long deliver(unsigned char *out, const struct msg *m, unsigned long acc) {
    memcpy(out, m->data, m->len);
    memset(out + m->len, m->fill, m->len / 2);
    memmove(out + 1, out, m->len / 4);
    for (unsigned i = 0; i < m->len + m->len / 2; i += 3) acc = acc * 31 + out[i];
    return acc;
}

int main(int argc, char **argv) {
    int len = argc > 1 ? atoi(argv[1]) : 40;
    int count = argc > 2 ? atoi(argv[2]) : 20000;
    int other = argc > 3 ? atoi(argv[3]) : 100;
    int last_pct = argc > 4 ? atoi(argv[4]) : 25;
    int every = argc > 5 ? atoi(argv[5]) : 20;
    if (len < 1 || len > 256 || other < 1 || other > 256 || count < 1 || last_pct < 0 || last_pct > 100 || every < 1) {
        fprintf(stderr, "memsize: lengths 1..256, messages >= 1, percent 0..100, every >= 1\n");
        return 2;
    }
    struct msg *m = malloc(sizeof *m);
    unsigned char *out = malloc(512);
    memset(out, 0, 512);
    unsigned long acc = 0;
    int last = (int)((long)count * last_pct / 100);
    for (int c = 0; c < count; c++) {
        int l = c % every == every - 1 ? other : len;
        if (c >= count - last) l = c % 3 == 0 ? len : c % 3 == 1 ? other : 1 + 2 * (c % 29);
        m->len = (unsigned)l;
        m->fill = (unsigned char)(c * 7);
        for (int k = 0; k < l; k++) m->data[k] = (unsigned char)(c + k * 13);
        acc = deliver(out, m, acc);
    }
    printf("memsize len=%d count=%d other=%d check=%lu\n", len, count, other, acc);
    free(m);
    free(out);
    return 0;
}
