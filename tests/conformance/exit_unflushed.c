/* _Exit skips atexit handlers and does not flush stdio: with stdout on a pipe (fully buffered), only what
 * was fflush'ed before is written. The status is _Exit's argument. */
#include "common.h"
#include <stdlib.h>

static void never(void) { printf("atexit handler must not run\n"); }

int main(void) {
    atexit(never);
    printf("flushed line\n");
    ck(1);
    ck_print();
    fflush(stdout);
    printf("this line stays in the buffer and is lost\n");
    _Exit(OPQ(3));
}
