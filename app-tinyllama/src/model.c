/* model: checkpoint loading/validation and the transformer forward pass (see model.h). */
#include "model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "kernels.h"

#define HEADER_BYTES 28
/* llama2.c's version-1/2 exports start with this magic ("ak42"); only the legacy layout is supported. */
#define LLAMA2C_V1_MAGIC 0x616b3432

/* Upper bounds that keep every size computation far from overflow (and at least <unk>, <s>, </s>). */
#define MAX_DIM (1 << 16)
#define MAX_HIDDEN (1 << 20)
#define MAX_LAYERS 1024
#define MAX_VOCAB (1 << 24)
#define MAX_SEQ (1 << 20)

static int check_header(const Config *c, const char *path) {
    const char *bad = NULL;
    long v = 0;
    if (c->dim <= 0 || c->dim > MAX_DIM) bad = "dim", v = c->dim;
    else if (c->hidden_dim <= 0 || c->hidden_dim > MAX_HIDDEN) bad = "hidden_dim", v = c->hidden_dim;
    else if (c->n_layers <= 0 || c->n_layers > MAX_LAYERS) bad = "n_layers", v = c->n_layers;
    else if (c->n_heads <= 0 || c->n_heads > c->dim) bad = "n_heads", v = c->n_heads;
    else if (c->n_kv_heads <= 0 || c->n_kv_heads > c->n_heads) bad = "n_kv_heads", v = c->n_kv_heads;
    else if ((c->vocab_size < 3 && c->vocab_size > -3) || c->vocab_size > MAX_VOCAB || c->vocab_size < -MAX_VOCAB)
        bad = "vocab_size", v = c->vocab_size;
    else if (c->seq_len <= 0 || c->seq_len > MAX_SEQ) bad = "seq_len", v = c->seq_len;
    if (bad) {
        fprintf(stderr, "tinyllama: %s: bad checkpoint header: %s = %ld is out of range\n", path, bad, v);
        return -1;
    }
    if (c->dim % c->n_heads != 0 || (c->dim / c->n_heads) % 2 != 0) {
        fprintf(stderr, "tinyllama: %s: bad checkpoint header: dim %d is not n_heads %d times an even head size\n",
                path, c->dim, c->n_heads);
        return -1;
    }
    if (c->n_heads % c->n_kv_heads != 0) {
        fprintf(stderr, "tinyllama: %s: bad checkpoint header: n_heads %d is not a multiple of n_kv_heads %d\n",
                path, c->n_heads, c->n_kv_heads);
        return -1;
    }
    return 0;
}

/* Number of floats after the header that the (validated) config implies. */
static uint64_t expected_floats(const Config *c, int shared) {
    uint64_t dim = (uint64_t)c->dim, hid = (uint64_t)c->hidden_dim, L = (uint64_t)c->n_layers;
    uint64_t vocab = (uint64_t)c->vocab_size, hs = dim / (uint64_t)c->n_heads;
    uint64_t kv_dim = hs * (uint64_t)c->n_kv_heads;
    uint64_t n = vocab * dim;                         /* token embedding */
    n += L * dim;                                     /* rms_att */
    n += L * dim * dim * 2 + L * kv_dim * dim * 2;    /* wq, wo, wk, wv */
    n += L * dim;                                     /* rms_ffn */
    n += L * hid * dim * 3;                           /* w1, w2, w3 */
    n += dim;                                         /* rms_final */
    n += (uint64_t)c->seq_len * hs;                   /* legacy RoPE tables: 2 x seq_len x hs/2 */
    if (!shared) n += vocab * dim;                    /* classifier */
    return n;
}

static void map_weights(Model *m, const float *p) {
    const Config *c = &m->config;
    size_t dim = (size_t)c->dim, hid = (size_t)c->hidden_dim, L = (size_t)c->n_layers;
    size_t hs = dim / (size_t)c->n_heads, kv_dim = hs * (size_t)c->n_kv_heads;
    Weights *w = &m->w;
    w->token_embedding = p; p += (size_t)c->vocab_size * dim;
    w->rms_att = p;         p += L * dim;
    w->wq = p;              p += L * dim * dim;
    w->wk = p;              p += L * kv_dim * dim;
    w->wv = p;              p += L * kv_dim * dim;
    w->wo = p;              p += L * dim * dim;
    w->rms_ffn = p;         p += L * dim;
    w->w1 = p;              p += L * hid * dim;
    w->w2 = p;              p += L * dim * hid;
    w->w3 = p;              p += L * hid * dim;
    w->rms_final = p;       p += dim;
    p += (size_t)c->seq_len * hs; /* skip the legacy freq_cis_real and freq_cis_imag tables */
    w->wcls = m->shared_classifier ? w->token_embedding : p;
}

static int alloc_state(Model *m, const char *path) {
    const Config *c = &m->config;
    size_t dim = (size_t)c->dim, hs = dim / (size_t)c->n_heads, kv_dim = hs * (size_t)c->n_kv_heads;
    size_t seq = (size_t)c->seq_len, cache = (size_t)c->n_layers * seq * kv_dim;
    RunState *s = &m->s;
    s->x = calloc(dim, sizeof(float));
    s->xb = calloc(dim, sizeof(float));
    s->xb2 = calloc(dim, sizeof(float));
    s->hb = calloc((size_t)c->hidden_dim, sizeof(float));
    s->hb2 = calloc((size_t)c->hidden_dim, sizeof(float));
    s->q = calloc(dim, sizeof(float));
    s->att = calloc((size_t)c->n_heads * seq, sizeof(float));
    s->logits = calloc((size_t)c->vocab_size, sizeof(float));
    s->key_cache = calloc(cache, sizeof(float));
    s->value_cache = calloc(cache, sizeof(float));
    s->rope_cos = calloc(seq * hs / 2, sizeof(float));
    s->rope_sin = calloc(seq * hs / 2, sizeof(float));
    if (!s->x || !s->xb || !s->xb2 || !s->hb || !s->hb2 || !s->q || !s->att || !s->logits || !s->key_cache ||
        !s->value_cache || !s->rope_cos || !s->rope_sin) {
        fprintf(stderr, "tinyllama: %s: out of memory for the activations and KV cache (seq_len %d)\n", path,
                c->seq_len);
        return -1;
    }
    /* RoPE: pair j of a head turns by pos * 10000^(-2j/head_size). */
    for (size_t pos = 0; pos < seq; pos++)
        for (size_t j = 0; j < hs / 2; j++) {
            float freq = 1.0f / powf(10000.0f, (float)(2 * j) / (float)hs);
            float angle = (float)pos * freq;
            s->rope_cos[pos * (hs / 2) + j] = cosf(angle);
            s->rope_sin[pos * (hs / 2) + j] = sinf(angle);
        }
    return 0;
}

int model_load(Model *m, const char *path) {
    memset(m, 0, sizeof(*m));
    size_t size = 0;
    /* The header is 28 bytes: read the file 4 bytes into the (16-byte aligned) buffer so the weights that
     * follow start 16-byte aligned. */
    unsigned char *buf = file_read_all(path, 4, &size);
    if (!buf) return -1;
    m->file = buf;
    if (size < HEADER_BYTES) {
        fprintf(stderr, "tinyllama: %s: truncated checkpoint: %zu bytes, shorter than the %d-byte header\n", path,
                size, HEADER_BYTES);
        return -1;
    }
    Config *c = &m->config;
    memcpy(c, buf + 4, HEADER_BYTES);
    if ((uint32_t)c->dim == LLAMA2C_V1_MAGIC) {
        fprintf(stderr, "tinyllama: %s: llama2.c version-1/2 checkpoint (magic 'ak42') is not supported; "
                        "export with the legacy version-0 layout\n", path);
        return -1;
    }
    if (check_header(c, path) != 0) return -1;
    m->shared_classifier = c->vocab_size > 0;
    if (c->vocab_size < 0) c->vocab_size = -c->vocab_size;
    uint64_t want = HEADER_BYTES + 4 * expected_floats(c, m->shared_classifier);
    if ((uint64_t)size != want) {
        fprintf(stderr, "tinyllama: %s: %s checkpoint: the header (dim %d, hidden_dim %d, n_layers %d, n_heads %d, "
                        "n_kv_heads %d, vocab_size %d%s, seq_len %d) implies %llu bytes but the file has %zu\n",
                path, (uint64_t)size < want ? "truncated" : "inconsistent", c->dim, c->hidden_dim, c->n_layers,
                c->n_heads, c->n_kv_heads, c->vocab_size, m->shared_classifier ? "" : " unshared", c->seq_len,
                (unsigned long long)want, size);
        return -1;
    }
    map_weights(m, (const float *)(buf + 4 + HEADER_BYTES));
    return alloc_state(m, path);
}

/* Matmuls of one input split by rows across the model's team, as one loop over their rows end to end (the
 * attention's q, k and v; the feed-forward's w1 and w3): one wait for the team instead of one per matmul. */
typedef struct {
    float *xout;
    const float *w;
    int rows;
} MatmulPart;

typedef struct {
    const float *x;
    int n, parts;
    MatmulPart part[3];
} MatmulRows;

static void matmul_rows(void *ctx, int begin, int end) {
    const MatmulRows *j = ctx;
    int first = 0; /* the first row of part p in the loop */
    for (int p = 0; p < j->parts && begin < end; first += j->part[p].rows, p++) {
        int lo = begin > first ? begin : first;
        int hi = end < first + j->part[p].rows ? end : first + j->part[p].rows;
        if (lo < hi) matmul(j->part[p].xout + (lo - first), j->x, j->part[p].w + (size_t)(lo - first) * j->n, j->n, hi - lo);
    }
}

/* Always inlined (as is attend_head): with one thread the forward pass is the same code, loops included, as
 * without the team — what irvm counts and the tier manager decides on. */
__attribute__((always_inline)) static inline void forward_matmul(const Model *m, float *xout, const float *x, const float *w, int n, int d) {
    if (!m->team) {
        matmul(xout, x, w, n, d);
        return;
    }
    MatmulRows j = {x, n, 1, {{xout, w, d}}};
    team_run(m->team, matmul_rows, &j, d);
}

/* Two or three matmuls of the same input x (n columns): in turn without a team, as one loop with one. */
__attribute__((always_inline)) static inline void forward_matmuls(const Model *m, const float *x, int n, int parts,
                                                                  MatmulPart a, MatmulPart b, MatmulPart c) {
    if (!m->team) {
        matmul(a.xout, x, a.w, n, a.rows);
        matmul(b.xout, x, b.w, n, b.rows);
        if (parts == 3) matmul(c.xout, x, c.w, n, c.rows);
        return;
    }
    MatmulRows j = {x, n, parts, {a, b, c}};
    team_run(m->team, matmul_rows, &j, a.rows + b.rows + (parts == 3 ? c.rows : 0));
}

/* Attention of one layer at one position. */
typedef struct {
    const float *q_all, *kc, *vc;
    float *att_all, *out_all;
    int hs, kv_dim, kv_mul, seq, pos;
    float inv_sqrt_hs;
} Attention;

/* Head h. */
__attribute__((always_inline)) static inline void attend_head(const Attention *a, int h) {
    int hs = a->hs, kv_dim = a->kv_dim, pos = a->pos;
    const float *q = a->q_all + (size_t)h * hs;
    float *att = a->att_all + (size_t)h * a->seq;
    size_t kv_off = (size_t)(h / a->kv_mul) * hs;
    for (int t = 0; t <= pos; t++) att[t] = dot(q, a->kc + (size_t)t * kv_dim + kv_off, hs) * a->inv_sqrt_hs;
    softmax(att, pos + 1);
    float *out = a->out_all + (size_t)h * hs;
    memset(out, 0, (size_t)hs * sizeof(float));
    for (int t = 0; t <= pos; t++) axpy(out, att[t], a->vc + (size_t)t * kv_dim + kv_off, hs);
}

/* Heads [begin, end), for the team. */
static void attend_heads(void *ctx, int begin, int end) {
    for (int h = begin; h < end; h++) attend_head(ctx, h);
}

int model_set_threads(Model *m, int n) {
    m->team = team_start(n);
    return m->team ? 0 : -1;
}

float *model_forward(Model *m, int token, int pos) {
    const Config *c = &m->config;
    const Weights *w = &m->w;
    RunState *s = &m->s;
    int dim = c->dim, hidden = c->hidden_dim, hs = dim / c->n_heads;
    int kv_dim = hs * c->n_kv_heads, kv_mul = c->n_heads / c->n_kv_heads, seq = c->seq_len;
    float inv_sqrt_hs = 1.0f / sqrtf((float)hs);
    const float *cos_row = s->rope_cos + (size_t)pos * (hs / 2);
    const float *sin_row = s->rope_sin + (size_t)pos * (hs / 2);

    memcpy(s->x, w->token_embedding + (size_t)token * dim, (size_t)dim * sizeof(float));
    for (int l = 0; l < c->n_layers; l++) {
        size_t ld = (size_t)l * dim;
        float *kc = s->key_cache + (size_t)l * seq * kv_dim;
        float *vc = s->value_cache + (size_t)l * seq * kv_dim;
        float *k = kc + (size_t)pos * kv_dim, *v = vc + (size_t)pos * kv_dim;

        /* attention */
        rmsnorm(s->xb, s->x, w->rms_att + ld, dim);
        forward_matmuls(m, s->xb, dim, 3, (MatmulPart){s->q, w->wq + ld * dim, dim},
                        (MatmulPart){k, w->wk + (size_t)l * kv_dim * dim, kv_dim},
                        (MatmulPart){v, w->wv + (size_t)l * kv_dim * dim, kv_dim});
        rope(s->q, cos_row, sin_row, dim, hs);
        rope(k, cos_row, sin_row, kv_dim, hs);
        Attention a = {s->q, kc, vc, s->att, s->xb, hs, kv_dim, kv_mul, seq, pos, inv_sqrt_hs};
        if (m->team)
            team_run(m->team, attend_heads, &a, c->n_heads);
        else
            for (int h = 0; h < c->n_heads; h++) attend_head(&a, h);
        forward_matmul(m, s->xb2, s->xb, w->wo + ld * dim, dim, dim);
        axpy(s->x, 1.0f, s->xb2, dim);

        /* SwiGLU feed-forward */
        rmsnorm(s->xb, s->x, w->rms_ffn + ld, dim);
        forward_matmuls(m, s->xb, dim, 2, (MatmulPart){s->hb, w->w1 + (size_t)l * hidden * dim, hidden},
                        (MatmulPart){s->hb2, w->w3 + (size_t)l * hidden * dim, hidden}, (MatmulPart){0});
        swiglu(s->hb, s->hb2, hidden);
        forward_matmul(m, s->xb2, s->hb, w->w2 + (size_t)l * dim * hidden, hidden, dim);
        axpy(s->x, 1.0f, s->xb2, dim);
    }
    rmsnorm(s->xb, s->x, w->rms_final, dim);
    forward_matmul(m, s->logits, s->xb, w->wcls, dim, c->vocab_size);
    return s->logits;
}

void model_free(Model *m) {
    team_stop(m->team);
    RunState *s = &m->s;
    free(s->x);
    free(s->xb);
    free(s->xb2);
    free(s->hb);
    free(s->hb2);
    free(s->q);
    free(s->att);
    free(s->logits);
    free(s->key_cache);
    free(s->value_cache);
    free(s->rope_cos);
    free(s->rope_sin);
    free(m->file);
    memset(m, 0, sizeof(*m));
}
