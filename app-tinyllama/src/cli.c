/* cli: command-line parsing without getopt (see cli.h). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: tinyllama CHECKPOINT [options]\n"
    "  -t <float>  temperature in [0, inf), default 1.0 (0 = greedy)\n"
    "  -p <float>  top-p (nucleus) in [0, 1], default 0.9 (0 or 1 = off)\n"
    "  -s <int>    random seed, default 0 = from the monotonic clock\n"
    "  -n <int>    number of positions to run (prompt included), default 256, 0 = seq_len\n"
    "  -i <text>   prompt, default empty\n"
    "  -z <path>   tokenizer, default tokenizer.bin next to CHECKPOINT\n"
    "  -m <mode>   generate (default) | encode: print the prompt's token ids and exit\n"
    "              | chat: print \"> \", read a prompt line from stdin, generate, repeat until end of\n"
    "              input, an empty line or \"quit\" (each prompt starts a fresh sequence; no -i)\n"
    "  -l <path>   debug: write every position's token in/out and logits to a binary file\n"
    "  -r <0|1>    1: print each position's CLOCK_MONOTONIC time on stderr (\"pos N at T s\", for time to\n"
    "              peak tok/s measurements), default 0\n"
    "  -j <int>    threads (1-64) splitting each matmul's rows and the attention heads, default 1;\n"
    "              the output is the same for every count\n";

static int parse_float(const char *flag, const char *s, float lo, float hi, float *out) {
    char *end = NULL;
    float v = strtof(s, &end);
    if (end == s || *end != '\0' || v != v) {
        fprintf(stderr, "tinyllama: %s: '%s' is not a number\n", flag, s);
        return -1;
    }
    if (!(v >= lo && v <= hi)) {
        fprintf(stderr, "tinyllama: %s: %s is out of range [%g, %g]\n", flag, s, (double)lo, (double)hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_long(const char *flag, const char *s, long lo, long hi, long *out) {
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0') {
        fprintf(stderr, "tinyllama: %s: '%s' is not an integer\n", flag, s);
        return -1;
    }
    if (v < lo || v > hi) {
        fprintf(stderr, "tinyllama: %s: %s is out of range [%ld, %ld]\n", flag, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, Options *opt) {
    memset(opt, 0, sizeof(*opt));
    opt->prompt = "";
    opt->temperature = 1.0f;
    opt->topp = 0.9f;
    opt->steps = 256;
    opt->threads = 1;
    opt->mode = MODE_GENERATE;
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("%s", USAGE);
        return 1;
    }
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "tinyllama: missing CHECKPOINT (usage: tinyllama CHECKPOINT [-t temp] [-p topp] [-s seed] "
                        "[-n steps] [-i prompt] [-z tokenizer]; -h for help)\n");
        return -1;
    }
    opt->checkpoint = argv[1];
    for (int i = 2; i < argc; i += 2) {
        const char *flag = argv[i];
        if (flag[0] != '-' || strlen(flag) != 2) {
            fprintf(stderr, "tinyllama: unexpected argument '%s' (options are -t -p -s -n -i -z -m -l -r -j; -h for help)\n",
                    flag);
            return -1;
        }
        if (strchr("tpsnizmlrj", flag[1]) == NULL) {
            fprintf(stderr, "tinyllama: unknown option '%s' (options are -t -p -s -n -i -z -m -l -r -j; -h for help)\n",
                    flag);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "tinyllama: option '%s' needs a value\n", flag);
            return -1;
        }
        const char *val = argv[i + 1];
        long n = 0;
        switch (flag[1]) {
        case 't':
            if (parse_float("-t", val, 0.0f, 1e6f, &opt->temperature)) return -1;
            break;
        case 'p':
            if (parse_float("-p", val, 0.0f, 1.0f, &opt->topp)) return -1;
            break;
        case 's':
            if (parse_long("-s", val, 0, 0x7fffffffffffffffL, &n)) return -1;
            opt->seed = (uint64_t)n;
            break;
        case 'n':
            if (parse_long("-n", val, 0, 0x7fffffffL, &n)) return -1;
            opt->steps = (int)n;
            break;
        case 'i':
            opt->prompt = val;
            break;
        case 'z':
            opt->tokenizer = val;
            break;
        case 'l':
            opt->logits_path = val;
            break;
        case 'r':
            if (parse_long("-r", val, 0, 1, &n)) return -1;
            opt->timing = (int)n;
            break;
        case 'j':
            if (parse_long("-j", val, 1, 64, &n)) return -1;
            opt->threads = (int)n;
            break;
        case 'm':
            if (strcmp(val, "generate") == 0) {
                opt->mode = MODE_GENERATE;
            } else if (strcmp(val, "encode") == 0) {
                opt->mode = MODE_ENCODE;
            } else if (strcmp(val, "chat") == 0) {
                opt->mode = MODE_CHAT;
            } else {
                fprintf(stderr, "tinyllama: -m: unknown mode '%s' (generate, encode or chat)\n", val);
                return -1;
            }
            break;
        }
    }
    if (opt->mode == MODE_CHAT && opt->prompt[0] != '\0') {
        fprintf(stderr, "tinyllama: -i: not allowed with -m chat (prompts are read from stdin)\n");
        return -1;
    }
    return 0;
}

char *cli_default_tokenizer(const char *checkpoint) {
    static const char name[] = "tokenizer.bin";
    size_t dir = 0;
    for (size_t i = 0; checkpoint[i]; i++)
        if (checkpoint[i] == '/') dir = i + 1;
    char *path = malloc(dir + sizeof(name));
    if (!path) return NULL;
    memcpy(path, checkpoint, dir);
    memcpy(path + dir, name, sizeof(name));
    return path;
}
