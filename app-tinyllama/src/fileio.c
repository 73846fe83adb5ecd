/* fileio: whole-file reading with stdio (see fileio.h). */
#include "fileio.h"

#include <stdio.h>
#include <stdlib.h>

unsigned char *file_read_all(const char *path, size_t lead, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tinyllama: %s: cannot open file\n", path);
        return NULL;
    }
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0) n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "tinyllama: %s: cannot determine the file size (not a regular file?)\n", path);
        fclose(f);
        return NULL;
    }
    unsigned char *buf = malloc(lead + (size_t)n + 1);
    if (!buf) {
        fprintf(stderr, "tinyllama: %s: out of memory reading %ld bytes\n", path, n);
        fclose(f);
        return NULL;
    }
    if (n > 0 && fread(buf + lead, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "tinyllama: %s: read error\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}
