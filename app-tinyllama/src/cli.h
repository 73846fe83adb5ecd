/* cli: the command line, llama2.c `run` style:
 *   tinyllama CHECKPOINT [-t temperature] [-p topp] [-s seed] [-n steps] [-i prompt] [-z tokenizer]
 *             [-m generate|encode|chat] [-l logits-file] [-r 0|1] [-j threads]
 * Every bad option gives one line on stderr naming the option and the problem. */
#ifndef TINYLLAMA_CLI_H
#define TINYLLAMA_CLI_H

#include <stdint.h>

/* MODE_CHAT: read prompts from stdin, one per line, and generate for each (see main.c). */
typedef enum { MODE_GENERATE, MODE_ENCODE, MODE_CHAT } Mode;

typedef struct {
    const char *checkpoint;
    const char *tokenizer;   /* NULL: "tokenizer.bin" in the checkpoint's directory */
    const char *prompt;      /* never NULL; "" when absent */
    const char *logits_path; /* -l: debug dump of every position's logits, NULL when absent */
    float temperature;       /* 0 = greedy */
    float topp;              /* nucleus mass; <= 0 or >= 1 disables top-p */
    int steps;               /* 0 = seq_len */
    uint64_t seed;           /* 0 = derive from the monotonic clock */
    Mode mode;
    int timing;              /* -r 1: each position's CLOCK_MONOTONIC time on stderr */
    int threads;             /* -j: threads splitting the matmuls (rows) and attention (heads); 1 = none */
} Options;

/* Returns 0 and fills opt; 1 when help was printed (exit 0); -1 after printing a one-line error. */
int cli_parse(int argc, char **argv, Options *opt);

/* "tokenizer.bin" in the directory of checkpoint (malloc'd; NULL when out of memory). */
char *cli_default_tokenizer(const char *checkpoint);

#endif
