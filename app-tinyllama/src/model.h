/* model: a Llama-2-architecture transformer read from a llama2.c checkpoint (version-0 layout), and its
 * forward pass for one token at one position (RMSNorm, RoPE, grouped-KV attention with a KV cache,
 * SwiGLU FFN, classifier). */
#ifndef TINYLLAMA_MODEL_H
#define TINYLLAMA_MODEL_H

#include <stddef.h>

#include "team.h"

/* The checkpoint header: seven little-endian int32 in this order. */
typedef struct {
    int dim;        /* transformer width */
    int hidden_dim; /* FFN width */
    int n_layers;
    int n_heads;    /* query heads */
    int n_kv_heads; /* key/value heads (n_heads is a multiple of it) */
    int vocab_size; /* in the file: negative when a separate classifier follows the weights */
    int seq_len;    /* maximum context length */
} Config;

/* Pointers into the checkpoint buffer; matrices are row-major (out_features, in_features). */
typedef struct {
    const float *token_embedding; /* (vocab_size, dim) */
    const float *rms_att;         /* (n_layers, dim) */
    const float *wq;              /* (n_layers, dim, dim) */
    const float *wk;              /* (n_layers, kv_dim, dim) */
    const float *wv;              /* (n_layers, kv_dim, dim) */
    const float *wo;              /* (n_layers, dim, dim) */
    const float *rms_ffn;         /* (n_layers, dim) */
    const float *w1;              /* (n_layers, hidden_dim, dim) */
    const float *w2;              /* (n_layers, dim, hidden_dim) */
    const float *w3;              /* (n_layers, hidden_dim, dim) */
    const float *rms_final;       /* (dim) */
    const float *wcls;            /* (vocab_size, dim); the embedding when shared */
} Weights;

/* Activations and the KV cache. */
typedef struct {
    float *x, *xb, *xb2;  /* (dim) */
    float *hb, *hb2;      /* (hidden_dim) */
    float *q;             /* (dim) */
    float *att;           /* (n_heads, seq_len) */
    float *logits;        /* (vocab_size) */
    float *key_cache;     /* (n_layers, seq_len, kv_dim) */
    float *value_cache;   /* (n_layers, seq_len, kv_dim) */
    float *rope_cos;      /* (seq_len, head_size / 2) */
    float *rope_sin;      /* (seq_len, head_size / 2) */
} RunState;

typedef struct {
    Config config;        /* vocab_size made positive */
    int shared_classifier;
    Weights w;
    RunState s;
    unsigned char *file;  /* the whole checkpoint; weights point into it */
    Team *team;           /* threads splitting the forward pass (model_set_threads); NULL = this thread only */
} Model;

/* Load and validate a checkpoint. On a bad file prints one line "tinyllama: PATH: <problem>" on stderr and
 * returns -1 (m is then left empty and safe to pass to model_free). */
int model_load(Model *m, const char *path);

/* Run the transformer on `token` at position `pos` (0 <= pos < seq_len, positions fed in order) and return
 * the logits (vocab_size floats, owned by the model, overwritten by the next call). */
float *model_forward(Model *m, int token, int pos);

/* Split every later forward pass across n threads (n >= 2; see team.h). Returns -1 after printing one line
 * when the threads cannot be started. */
int model_set_threads(Model *m, int n);

/* Frees the model and stops its threads. */
void model_free(Model *m);

#endif
