/* Branchy integer code: a hand-written lexer state machine (if/else on character classes) over generated
 * text, and a walk of a linked list whose links were shuffled (pointer chasing, data-dependent branches).
 * Usage: fsm_list [N=1500000] */
#include "common.h"
#include <stdint.h>

struct node { struct node *next; int32_t value; };

enum state { START, IDENT, NUMBER, SPACE, OPER };

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 1500000);
    static const char alphabet[] = "abcxyz019_ +-*(),";
    char *text = malloc((size_t)n + 1);
    uint32_t s = 12345;
    for (long i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        text[i] = alphabet[(s >> 16) % (sizeof alphabet - 1)];
    }
    text[n] = 0;
    long idents = 0, numbers = 0, opers = 0, spaces = 0;
    enum state st = START;
    for (long i = 0; i <= n; i++) {
        char c = text[i];
        int letter = (c >= 'a' && c <= 'z') || c == '_', digit = c >= '0' && c <= '9';
        enum state next;
        if (c == 0) next = START;
        else if (letter) next = st == NUMBER ? NUMBER : IDENT; /* "1a" stays a (bad) number */
        else if (digit) next = st == IDENT ? IDENT : NUMBER;
        else if (c == ' ') next = SPACE;
        else next = OPER;
        if (next != st || next == OPER) {
            if (st == IDENT) idents++;
            else if (st == NUMBER) numbers++;
            else if (st == OPER) opers++;
            else if (st == SPACE) spaces++;
        }
        st = next;
    }
    /* a list of n/4 nodes linked in a pseudo-random order, walked 8 times */
    long m = n / 4;
    struct node *nodes = malloc((size_t)m * sizeof *nodes);
    long *order = malloc((size_t)m * sizeof *order);
    for (long i = 0; i < m; i++) { order[i] = i; nodes[i].value = (int32_t)(i * 7 % 1000) - 500; }
    for (long i = m - 1; i > 0; i--) {
        s = s * 1103515245u + 12345u;
        long j = (long)((s >> 8) % (uint32_t)(i + 1)), t = order[i];
        order[i] = order[j]; order[j] = t;
    }
    for (long i = 0; i + 1 < m; i++) nodes[order[i]].next = &nodes[order[i + 1]];
    nodes[order[m - 1]].next = 0;
    long pos = 0, neg = 0, sum = 0;
    for (int pass = 0; pass < 8; pass++)
        for (struct node *p = &nodes[order[0]]; p; p = p->next) {
            if (p->value > 0) pos++;
            else if (p->value < 0) neg++;
            sum += p->value;
        }
    printf("fsm_list n=%ld idents=%ld numbers=%ld opers=%ld spaces=%ld list pos=%ld neg=%ld sum=%ld\n", n, idents,
           numbers, opers, spaces, pos, neg, sum);
    free(text); free(nodes); free(order);
    return 0;
}
