/* tokenizer: the llama2.c tokenizer.bin vocabulary (int32 max_token_length, then per token float32 score,
 * int32 length, bytes), BPE encoding of a prompt the way llama2.c does it (BOS, dummy-prefix space, UTF-8
 * characters with <0xNN> byte fallback, then best-score merges) and decoding of one token. */
#ifndef TINYLLAMA_TOKENIZER_H
#define TINYLLAMA_TOKENIZER_H

#define TOKEN_BOS 1
#define TOKEN_EOS 2

typedef struct {
    const char *str;
    int id;
} TokenIndex;

typedef struct {
    int vocab_size;
    int max_token_length;
    char **vocab;          /* NUL-terminated pieces, pointing into `arena` */
    int *vocab_len;        /* byte length of each piece */
    float *scores;
    int byte_token[256];   /* id of the piece <0xNN>, or 0 (<unk>) when the vocabulary lacks it */
    short *byte_value;     /* per token: the byte a <0xNN> piece stands for, or -1 */
    TokenIndex *sorted;    /* vocabulary sorted by string, for bsearch */
    char *arena;
} Tokenizer;

/* Load path and check it has exactly vocab_size tokens. On error prints one line
 * "tinyllama: PATH: <problem>" and returns -1 (t is then safe to pass to tokenizer_free). */
int tokenizer_load(Tokenizer *t, const char *path, int vocab_size);

/* Encode text into tokens (room for strlen(text) + 3 ids), BOS first. Returns the number of tokens, or -1
 * when out of memory. */
int tokenizer_encode(const Tokenizer *t, const char *text, int *tokens);

/* The text `token` stands for after `prev`: the leading space of the first piece after BOS is dropped and
 * a <0xNN> piece becomes that single byte (written to byte_buf). Sets *len to its length in bytes. */
const char *tokenizer_decode(const Tokenizer *t, int prev, int token, char byte_buf[2], int *len);

void tokenizer_free(Tokenizer *t);

#endif
