/* Structs crossing the native boundary: div/ldiv/lldiv return structs by value from libc; struct tm with
 * mktime/strftime; struct pointers through qsort; printf of struct fields. */
#include "common.h"
#include <stdlib.h>
#include <time.h>

struct rec { char key[8]; int val; double w; };

static int by_val(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->val != y->val) return x->val < y->val ? -1 : 1;
    return strcmp(x->key, y->key);
}

int main(void) {
    for (int n = -17; n <= 17; n += OPQ(5)) {
        div_t d = div(n, 4);
        ldiv_t ld = ldiv((long)n * 1000000007L, -13L);
        lldiv_t lld = lldiv((long long)n * (1LL << 40), 1000003LL);
        printf("div %d: %d %d | %ld %ld | %lld %lld\n", n, d.quot, d.rem, ld.quot, ld.rem, lld.quot, lld.rem);
        ck((uint32_t)d.quot); ck((uint32_t)d.rem); ck((uint64_t)ld.quot); ck((uint64_t)lld.rem);
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 2024 - 1900; tm.tm_mon = 1; tm.tm_mday = OPQ(29); tm.tm_hour = 12;
    char buf[64];
    time_t t = timegm(&tm);
    struct tm out;
    gmtime_r(&t, &out);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %j", &out);
    printf("time %lld %s wday=%d yday=%d\n", (long long)t, buf, out.tm_wday, out.tm_yday);
    ck((uint64_t)t); ck_s(buf);
    struct rec recs[10];
    for (int i = 0; i < 10; i++) {
        snprintf(recs[i].key, sizeof recs[i].key, "k%c%d", 'a' + (i * 7) % 10, i);
        recs[i].val = (i * 37) % 4;
        recs[i].w = i * 1.5;
    }
    qsort(recs, 10, sizeof recs[0], by_val);
    for (int i = 0; i < 10; i++) { printf("%s=%d(%g) ", recs[i].key, recs[i].val, recs[i].w); ck_s(recs[i].key); }
    printf("\n");
    ck_print();
    return 0;
}
