/* sqlrun SCRIPT...: runs SQL scripts on one in-memory SQLite database (the amalgamation, fetched from
 * crates.io, libsqlite3-sys) and prints every result row as `a|b|c`. A statement that fails prints
 * `error: MESSAGE` and the script goes on (scripts test errors and ROLLBACK too). Exit status: the
 * number of failed statements (at most 100), 2 on bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, n;
    char *text = malloc(cap);
    while (text && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            text = realloc(text, cap *= 2);
    }
    fclose(f);
    if (text)
        text[len] = '\0';
    return text;
}

static void print_row(sqlite3_stmt *st) {
    int cols = sqlite3_column_count(st);
    for (int i = 0; i < cols; i++) {
        if (i)
            putchar('|');
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL:
            fputs("NULL", stdout);
            break;
        case SQLITE_FLOAT:
            printf("%.6g", sqlite3_column_double(st, i));
            break;
        default:
            fputs((const char *)sqlite3_column_text(st, i), stdout);
        }
    }
    putchar('\n');
}

/* Every statement of `sql` in turn; returns the number that failed. */
static int run_script(sqlite3 *db, const char *sql) {
    int failed = 0;
    while (*sql) {
        sqlite3_stmt *st = NULL;
        const char *rest = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, &rest) != SQLITE_OK) {
            printf("error: %s\n", sqlite3_errmsg(db));
            failed++;
            /* Skip to the statement's end to go on with the next one. */
            const char *semi = strchr(sql, ';');
            sql = semi ? semi + 1 : sql + strlen(sql);
            continue;
        }
        sql = rest;
        if (!st)
            continue; /* whitespace or a comment */
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            print_row(st);
        if (rc != SQLITE_DONE) {
            printf("error: %s\n", sqlite3_errmsg(db));
            failed++;
        }
        sqlite3_finalize(st);
    }
    return failed;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sqlrun SCRIPT...\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "sqlrun: cannot open an in-memory database: %s\n", sqlite3_errmsg(db));
        return 2;
    }
    printf("sqlrun: SQLite %s\n", sqlite3_libversion());
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        char *sql = read_file(argv[i]);
        if (!sql) {
            fprintf(stderr, "sqlrun: cannot read '%s'\n", argv[i]);
            return 2;
        }
        printf("-- %s\n", argv[i]);
        failed += run_script(db, sql);
        free(sql);
    }
    sqlite3_close(db);
    printf("sqlrun: %d failed statement(s)\n", failed);
    return failed > 100 ? 100 : failed;
}
