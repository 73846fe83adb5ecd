/* stdio streams through libc: tmpfile, fprintf/fscanf, fwrite/fread of binary records, fseek/ftell,
 * fgets line reading, ungetc, and stderr output (not compared) mixed with stdout. */
#include "common.h"
#include <stdlib.h>

struct rec { int id; double v; char tag[8]; };

int main(void) {
    FILE *f = tmpfile();
    if (!f) { printf("tmpfile failed\n"); return 1; }
    for (int i = 0; i < 20; i++) fprintf(f, "line %d value %.3f\n", i, i * 1.5);
    long text_end = ftell(f);
    struct rec r[5];
    for (int i = 0; i < 5; i++) { r[i].id = i * 11; r[i].v = i / 3.0; snprintf(r[i].tag, sizeof r[i].tag, "t%d", i); }
    size_t wrote = fwrite(r, sizeof r[0], 5, f);
    printf("text bytes %ld wrote %zu records, size now %ld\n", text_end, wrote, ftell(f));
    rewind(f);
    char line[64]; int lines = 0; double vs = 0;
    while (lines < 20 && fgets(line, sizeof line, f)) {
        int id; double v;
        if (sscanf(line, "line %d value %lf", &id, &v) == 2) vs += v * id;
        lines++;
        ck_s(line);
    }
    printf("read %d lines sum %g\n", lines, vs);
    fseek(f, text_end + (long)sizeof(struct rec) * OPQ(2), SEEK_SET);
    struct rec back[3];
    size_t got = fread(back, sizeof back[0], 3, f);
    for (size_t i = 0; i < got; i++) { printf("rec %d %.17g %s\n", back[i].id, back[i].v, back[i].tag); ck((uint32_t)back[i].id); ck_d(back[i].v); }
    int extra = fgetc(f);
    printf("eof %d %d\n", extra == EOF, feof(f) != 0);
    fseek(f, 0, SEEK_SET);
    int c = fgetc(f);
    ungetc('X', f);
    int c2 = fgetc(f);
    printf("ungetc %c %c\n", c, c2);
    fclose(f);
    fprintf(stderr, "this goes to stderr\n");
    fputs("fputs line\n", stdout);
    putchar('!'); putchar('\n');
    fflush(stdout);
    ck_d(vs); ck(got);
    ck_print();
    return 0;
}
