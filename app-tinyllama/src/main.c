/* tinyllama: Llama-2-architecture inference from llama2.c checkpoints. main wires the pieces together:
 * parse the command line, load model and tokenizer, encode the prompt, run the generation loop (text on
 * stdout as it is produced, "achieved tok/s: N" on stderr at the end). -m chat repeats the last two steps
 * for every line read from stdin (the unikernel's stdin is the keyboard or the serial line). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c11 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "model.h"
#include "sampler.h"
#include "tokenizer.h"

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* -r 1: print each position's monotonic time (seconds) on stderr, so a harness can tell when the
 * per-token rate settles (time to peak tok/s, docs/performance.md). */
static int g_timing;

/* Write a decoded piece, dropping lone control bytes (a <0x07> token must not ring the terminal). */
static void print_piece(const char *piece, int len) {
    if (len <= 0) return;
    if (len == 1) {
        unsigned char b = (unsigned char)piece[0];
        if ((b < 0x20 && b != '\n' && b != '\t' && b != '\r') || b == 0x7f) return;
    }
    fwrite(piece, 1, (size_t)len, stdout);
    fflush(stdout);
}

/* The generation loop. The -l dump holds one record per position: int32 token in, vocab_size float32
 * logits, int32 token out (the prompt's next token or the sampled one). */
static int generate(Model *m, const Tokenizer *tok, Sampler *sampler, const int *prompt, int n_prompt, int steps,
                    FILE *dump, const char *dump_path) {
    int vocab = m->config.vocab_size;
    int token = prompt[0], pos = 0;
    double start = 0.0;
    while (pos < steps) {
        float *logits = model_forward(m, token, pos);
        int32_t in = token;
        if (dump && (fwrite(&in, sizeof(in), 1, dump) != 1 ||
                     fwrite(logits, sizeof(float), (size_t)vocab, dump) != (size_t)vocab)) {
            fprintf(stderr, "tinyllama: %s: write error\n", dump_path);
            return -1;
        }
        /* (the sampler scales logits in place, so they are dumped first) */
        int next = pos < n_prompt - 1 ? prompt[pos + 1] : sampler_sample(sampler, logits);
        int32_t out = next;
        if (dump && fwrite(&out, sizeof(out), 1, dump) != 1) {
            fprintf(stderr, "tinyllama: %s: write error\n", dump_path);
            return -1;
        }
        pos++;
        if (g_timing) fprintf(stderr, "pos %d at %.6f s (varies)\n", pos, now_seconds());
        if (next == TOKEN_BOS) break; /* BOS delimits sequences: the model ended its text */
        char byte_buf[2];
        int len = 0;
        const char *piece = tokenizer_decode(tok, token, next, byte_buf, &len);
        print_piece(piece, len);
        token = next;
        if (start == 0.0) start = now_seconds(); /* time from the second position: the first warms up */
    }
    printf("\n");
    fflush(stdout);
    if (pos > 1) {
        double elapsed = now_seconds() - start;
        if (elapsed <= 0.0) elapsed = 1e-9;
        fprintf(stderr, "achieved tok/s: %f\n", (double)(pos - 1) / elapsed);
    }
    return 0;
}

/* Encode text and run the generation loop for it (the -i prompt, or one chat line). */
static int run_prompt(Model *m, const Tokenizer *tok, Sampler *sampler, const char *text, int steps_opt,
                      FILE *dump, const char *dump_path) {
    int *prompt = malloc((strlen(text) + 3) * sizeof(int));
    int n_prompt = prompt ? tokenizer_encode(tok, text, prompt) : -1;
    int status = -1;
    int seq_len = m->config.seq_len;
    if (n_prompt < 0) {
        fprintf(stderr, "tinyllama: -i: out of memory encoding the prompt\n");
    } else if (n_prompt > seq_len) {
        fprintf(stderr, "tinyllama: -i: the prompt is %d tokens (BOS included), longer than the model's seq_len %d\n",
                n_prompt, seq_len);
    } else {
        int steps = steps_opt == 0 || steps_opt > seq_len ? seq_len : steps_opt;
        status = generate(m, tok, sampler, prompt, n_prompt, steps, dump, dump_path);
    }
    free(prompt);
    return status;
}

/* -m chat: "> ", one line from stdin, its generated text, again; ends at end of input, an empty line or
 * "quit". A line longer than the buffer is skipped with a one-line error; a too-long prompt (in tokens)
 * is reported and the loop goes on. Returns 0 at a normal end. */
static int chat(Model *m, const Tokenizer *tok, Sampler *sampler, int steps_opt) {
    char line[512];
    for (;;) {
        printf("> ");
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin)) break;
        size_t len = strlen(line);
        if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
            int more;
            do { /* drain the rest of the over-long line */
                more = fgets(line, sizeof(line), stdin) != NULL;
            } while (more && line[strlen(line) - 1] != '\n');
            fprintf(stderr, "tinyllama: stdin: prompt line longer than %zu bytes, ignored\n", sizeof(line) - 2);
            if (!more) break;
            continue;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
        if (len == 0 || strcmp(line, "quit") == 0) break;
        run_prompt(m, tok, sampler, line, steps_opt, NULL, NULL);
    }
    printf("\n");
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    Options opt;
    int rc = cli_parse(argc, argv, &opt);
    if (rc != 0) return rc > 0 ? 0 : 1;
    g_timing = opt.timing;

    Model model;
    Tokenizer tok;
    Sampler sampler = {0};
    memset(&tok, 0, sizeof(tok));
    char *tok_path = NULL;
    FILE *dump = NULL;
    int status = 1;

    if (model_load(&model, opt.checkpoint) != 0) goto out;
    if (opt.threads > 1 && model_set_threads(&model, opt.threads) != 0) goto out;
    tok_path = opt.tokenizer ? NULL : cli_default_tokenizer(opt.checkpoint);
    if (tokenizer_load(&tok, opt.tokenizer ? opt.tokenizer : tok_path, model.config.vocab_size) != 0) goto out;

    if (opt.mode == MODE_ENCODE) {
        int *prompt = malloc((strlen(opt.prompt) + 3) * sizeof(int));
        int n_prompt = prompt ? tokenizer_encode(&tok, opt.prompt, prompt) : -1;
        if (n_prompt < 0) {
            fprintf(stderr, "tinyllama: -i: out of memory encoding the prompt\n");
        } else {
            for (int i = 0; i < n_prompt; i++) printf(i ? " %d" : "%d", prompt[i]);
            printf("\n");
            status = 0;
        }
        free(prompt);
        goto out;
    }
    uint64_t seed = opt.seed;
    if (seed == 0) seed = (uint64_t)(now_seconds() * 1e9) | 1; /* no time(): the unikernel has a clock only */
    if (sampler_init(&sampler, model.config.vocab_size, opt.temperature, opt.topp, seed) != 0) {
        fprintf(stderr, "tinyllama: out of memory for the sampler\n");
        goto out;
    }
    if (opt.mode == MODE_CHAT) {
        status = chat(&model, &tok, &sampler, opt.steps);
        goto out;
    }
    if (opt.logits_path) {
        dump = fopen(opt.logits_path, "wb");
        if (!dump) {
            fprintf(stderr, "tinyllama: %s: cannot create the logits file\n", opt.logits_path);
            goto out;
        }
    }
    if (run_prompt(&model, &tok, &sampler, opt.prompt, opt.steps, dump, opt.logits_path) == 0) status = 0;

out:
    if (dump && fclose(dump) != 0 && status == 0) {
        fprintf(stderr, "tinyllama: %s: write error\n", opt.logits_path);
        status = 1;
    }
    sampler_free(&sampler);
    free(tok_path);
    tokenizer_free(&tok);
    model_free(&model);
    return status;
}
